#include "page_source.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "encrypted_vfs.hpp"

namespace admit::replica::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kWalMagicLittleEndian = 0x377f0682;
constexpr std::uint32_t kWalMagicBigEndian = 0x377f0683;
constexpr std::uint32_t kWalFormatVersion = 3007000;
constexpr std::uint32_t kDefaultPageSize = 4096;
constexpr std::uint32_t kMaxKeyProbePages = 8;
constexpr sqlite3_int64 kLockBytePageOffset = 0x40000000;  // SQLite's lock byte page starts here

ReplicaError makeError(ReplicaErrorKind kind, const fs::path& file, std::string message) {
    return ReplicaError{kind, file.string(), std::move(message)};
}

// SQLite's WAL checksum: pairs of 32-bit words in the byte order the WAL magic names.
void walChecksum(bool bigEndian, const std::uint8_t* data, std::size_t n, std::uint32_t& s0,
                 std::uint32_t& s1) {
    auto word = [bigEndian](const std::uint8_t* p) {
        return bigEndian ? readBigEndian32(p)
                         : (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) |
                               (std::uint32_t{p[1]} << 8) | std::uint32_t{p[0]};
    };
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
        s0 += word(data + i) + s1;
        s1 += word(data + i + 4) + s0;
    }
}

}  // namespace

Result<std::unique_ptr<PageSource>, ReplicaError> PageSource::open(
    const fs::path& path, std::shared_ptr<const KeyMaterial> keys, bool readWal) {
    try {
        ensureVfsRegistered();  // LockSafeFile reads through the VFS it wraps
    } catch (const std::exception& e) {
        return fail(
            makeError(ReplicaErrorKind::Io, path, "replica " + path.string() + ": " + e.what()));
    }
    std::unique_ptr<PageSource> source(new PageSource());
    source->keys_ = std::move(keys);
    source->databasePath_ = path.string();
    source->walPath_ = path.string() + "-wal";
    if (auto header = source->readHeader(path); !header) return fail(header.error());
    if (readWal) source->readWalFrames();
    source->placeImages();
    return source;
}

bool PageSource::authentic(std::uint32_t pgno) const {
    return pgno >= 1 && pgno <= images_.size() && images_[pgno - 1].authentic;
}

bool PageSource::read(std::uint32_t pgno, std::vector<std::uint8_t>& out) {
    if (!authentic(pgno)) return false;
    const Image& image = images_[pgno - 1];
    out.resize(pageSize_);
    if (!image.inWal) return decryptDatabasePage(pgno, out);
    std::uint8_t header[kWalFrameHeaderBytes];
    return decryptFrame(image.frame, out, header) && readBigEndian32(header) == pgno;
}

bool PageSource::decryptDatabasePageAt(std::uint32_t pgno, std::uint32_t pageSize,
                                       std::vector<std::uint8_t>& page) {
    page.resize(pageSize);
    const auto offset = static_cast<sqlite3_int64>(pgno - 1) * pageSize;
    if (database_.read(page, offset) != SQLITE_OK) return false;
    PageBinding binding;
    binding.pgno = pgno;
    binding.salt = salt_;
    return decryptPage(*keys_, binding, page, page);
}

bool PageSource::decryptFrame(std::uint64_t frame, std::vector<std::uint8_t>& page,
                              std::uint8_t (&header)[kWalFrameHeaderBytes]) {
    const auto frameBytes = static_cast<sqlite3_int64>(pageSize_ + kWalFrameHeaderBytes);
    const sqlite3_int64 offset = static_cast<sqlite3_int64>(kWalHeaderBytes) +
                                 static_cast<sqlite3_int64>(frame - 1) * frameBytes;
    page.resize(pageSize_);
    if (wal_.read(header, offset) != SQLITE_OK) return false;
    if (wal_.read(page, offset + static_cast<sqlite3_int64>(kWalFrameHeaderBytes)) != SQLITE_OK) {
        return false;
    }
    std::uint8_t fields[kFrameFieldBytes];
    std::memcpy(fields, header + 4, 4);
    std::memcpy(fields + 4, walSalts_, sizeof walSalts_);
    PageBinding binding;
    binding.kind = FileKind::Wal;
    binding.pgno = readBigEndian32(header);
    binding.salt = salt_;
    binding.frameFields = ByteView(fields, sizeof fields);
    return binding.pgno != 0 && decryptPage(*keys_, binding, page, page);
}

// Which frames SQLite's recovery would take as committed, continuing past frames that fail
// authentication as long as a later commit frame shows their transaction was committed (the
// VFS reports those frames as damage). The log ends at a frame of another generation (whose
// body does not authenticate under this generation's salts either), as SQLite's does; a torn
// frame after the last commit is no damage.
void PageSource::readWalFrames() {
    std::error_code ec;
    if (!fs::exists(walPath_, ec)) return;
    if (wal_.open(walPath_) != SQLITE_OK) {
        notes_.push_back("cannot read " + walPath_ + ": its frames were not read");
        return;
    }
    const sqlite3_int64 walBytes = wal_.size();
    if (walBytes < static_cast<sqlite3_int64>(kWalHeaderBytes)) return;  // empty: nothing to read
    std::uint8_t header[kWalHeaderBytes];
    if (wal_.read(header, 0) != SQLITE_OK) return;
    const std::uint32_t magic = readBigEndian32(header);
    const bool bigEndian = magic == kWalMagicBigEndian;
    std::uint32_t s0 = 0;
    std::uint32_t s1 = 0;
    walChecksum(bigEndian, header, 24, s0, s1);
    if ((magic != kWalMagicLittleEndian && magic != kWalMagicBigEndian) ||
        readBigEndian32(header + 4) != kWalFormatVersion ||
        readBigEndian32(header + 8) != pageSize_ || s0 != readBigEndian32(header + 24) ||
        s1 != readBigEndian32(header + 28)) {
        notes_.push_back("the header of " + walPath_ +
                         " is damaged: its frames (transactions not yet copied into the "
                         "database) were not read");
        return;
    }
    std::memcpy(walSalts_, header + 16, sizeof walSalts_);
    const auto frameBytes = static_cast<sqlite3_int64>(pageSize_ + kWalFrameHeaderBytes);
    const auto frames = static_cast<std::uint64_t>(
        (walBytes - static_cast<sqlite3_int64>(kWalHeaderBytes)) / frameBytes);
    std::vector<CommittedFrame> seen;
    std::vector<bool> checksumOk;
    std::uint64_t lastCommit = 0;
    std::vector<std::uint8_t> page(pageSize_);
    std::uint8_t frameHeader[kWalFrameHeaderBytes];
    std::uint32_t prev0 = readBigEndian32(header + 24);
    std::uint32_t prev1 = readBigEndian32(header + 28);
    for (std::uint64_t frame = 1; frame <= frames; ++frame) {
        const bool authentic = decryptFrame(frame, page, frameHeader);
        const bool ourSalts = std::memcmp(frameHeader + 8, walSalts_, sizeof walSalts_) == 0;
        // An authentic body under a frame header whose salt field was altered is damage; any
        // other frame with foreign salts belongs to an older generation (or is a placeholder).
        if (!ourSalts && !authentic) break;
        std::uint32_t c0 = prev0;
        std::uint32_t c1 = prev1;
        walChecksum(bigEndian, frameHeader, 8, c0, c1);
        walChecksum(bigEndian, page.data(), page.size(), c0, c1);
        prev0 = readBigEndian32(frameHeader + 16);
        prev1 = readBigEndian32(frameHeader + 20);
        const bool checksums = authentic && c0 == prev0 && c1 == prev1;
        const bool commit = readBigEndian32(frameHeader + 4) != 0;
        seen.push_back({frame, readBigEndian32(frameHeader), authentic && ourSalts});
        checksumOk.push_back(checksums);
        // A commit frame counts if it is whole (authentic, checksums right) or if it fails
        // authentication (damage: a frame torn by a crash never looks like that, see the VFS).
        if (commit && (!(authentic && ourSalts) || checksums)) {
            lastCommit = frame;
            walCommitPages_ = readBigEndian32(frameHeader + 4);
        }
    }
    for (std::size_t i = 0; i < seen.size() && seen[i].frame <= lastCommit; ++i) {
        if (seen[i].authentic && !checksumOk[i]) {
            notes_.push_back("the checksum of frame " + std::to_string(seen[i].frame) + " in " +
                             walPath_ + " is damaged (its page authenticates)");
        }
        walFrames_.push_back(seen[i]);
    }
}

// The newest committed image of every page: the database file's, unless a committed WAL frame
// holds a newer one. Every image in use or superseded that fails authentication is recorded.
void PageSource::placeImages() {
    const auto filePages = static_cast<std::uint32_t>(databaseBytes_ / pageSize_);
    const std::uint32_t pages = walCommitPages_ != 0 ? walCommitPages_ : filePages;
    images_.assign(pages, Image{});
    const sqlite3_int64 lockByte = kLockBytePageOffset / pageSize_ + 1;
    std::vector<std::uint8_t> page(pageSize_);
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::vector<std::size_t> failureOf(pages + 1, kNone);
    for (std::uint32_t pgno = 1; pgno <= filePages; ++pgno) {
        if (pgno == lockByte) continue;
        const bool ok = decryptDatabasePage(pgno, page);
        if (ok) databasePagesAuthenticated_ += 1;
        if (pgno > pages) continue;  // beyond the committed size: not part of the database
        Image& image = images_[pgno - 1];
        image.present = true;
        image.authentic = ok;
        if (!ok) {
            failureOf[pgno] = failures_.size();
            failures_.push_back({pgno, 0, false});
        }
    }
    if (databaseBytes_ % pageSize_ != 0) {
        notes_.push_back(databasePath_ + " ends in a partial page");
    }
    for (const CommittedFrame& frame : walFrames_) {
        if (frame.pgno == 0 || frame.pgno > pages) {
            if (!frame.authentic) failures_.push_back({frame.pgno, frame.frame, false});
            continue;
        }
        if (failureOf[frame.pgno] != kNone) failures_[failureOf[frame.pgno]].superseded = true;
        failureOf[frame.pgno] = kNone;
        Image& image = images_[frame.pgno - 1];
        image.present = true;
        image.inWal = true;
        image.frame = frame.frame;
        image.authentic = frame.authentic;
        if (!frame.authentic) {
            failureOf[frame.pgno] = failures_.size();
            failures_.push_back({frame.pgno, frame.frame, false});
        }
    }
    for (std::uint32_t pgno = 1; pgno <= pages; ++pgno) {
        if (!images_[pgno - 1].present && pgno != lockByte) {
            failures_.push_back({pgno, 0, false, true});
        }
    }
}

Status<ReplicaError> PageSource::readHeader(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) {
        return fail(
            makeError(ReplicaErrorKind::NotFound, path, "replica not found: " + path.string()));
    }
    if (!fs::is_regular_file(status)) {
        return fail(makeError(ReplicaErrorKind::NotAReplica, path,
                              path.string() + " is not a regular file"));
    }
    if (int rc = database_.open(path); rc != SQLITE_OK) {
        return fail(makeError(ReplicaErrorKind::Io, path,
                              "replica " + path.string() + ": " + sqlite3_errstr(rc)));
    }
    databaseBytes_ = database_.size();
    if (databaseBytes_ <= 0) {
        return fail(makeError(ReplicaErrorKind::NotAReplica, path,
                              path.string() + " is empty, not an encrypted replica"));
    }
    std::uint8_t head[kPlainHeaderBytes] = {};
    const int rc = database_.read(head, 0);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) {
        return fail(makeError(ReplicaErrorKind::Io, path,
                              "replica " + path.string() + ": " + sqlite3_errstr(rc)));
    }
    PageHeader header;
    const HeaderStatus headerStatus = parsePageHeader(ByteView(head, sizeof head), header);
    switch (headerStatus) {
        case HeaderStatus::PlainSqlite:
            return fail(
                makeError(ReplicaErrorKind::NotAReplica, path,
                          path.string() + " is a plain SQLite database, not an encrypted replica"));
        case HeaderStatus::OlderFormat:
            return fail(olderFormatError(path.string()));
        case HeaderStatus::Encrypted:
            pageSize_ = header.pageSize;
            break;
        case HeaderStatus::Invalid:
            notes_.push_back("the readable header of page 1 (bytes 16..23) of " + databasePath_ +
                             " is damaged");
            break;
    }
    // The salt and key check are read as they are, even beside a damaged header.
    std::memcpy(salt_.data(), head, kSaltBytes);
    if (pageSize_ == 0) {
        // The WAL header names the page size too; otherwise find the size at which page 2
        // authenticates.
        std::uint8_t walHeader[kWalHeaderBytes] = {};
        std::error_code walEc;
        LockSafeFile wal;
        if (fs::exists(walPath_, walEc) && wal.open(walPath_) == SQLITE_OK &&
            wal.read(walHeader, 0) == SQLITE_OK &&
            isValidPageSize(readBigEndian32(walHeader + 8))) {
            pageSize_ = readBigEndian32(walHeader + 8);
        }
        std::vector<std::uint8_t> probe;
        for (std::uint32_t size = 512; pageSize_ == 0 && size <= 65536; size *= 2) {
            probe.assign(size, 0);
            if (databaseBytes_ >= 2 * static_cast<sqlite3_int64>(size) &&
                decryptDatabasePageAt(2, size, probe)) {
                pageSize_ = size;
            }
        }
        if (pageSize_ == 0) pageSize_ = kDefaultPageSize;
    }
    const KeyCheck expected = keys_->keyCheck();
    if (sodium_memcmp(expected.data(), head + kSaltBytes, expected.size()) != 0) {
        // A wrong key, or damage to the key check: then the pages still authenticate.
        std::vector<std::uint8_t> page(pageSize_);
        const auto filePages = static_cast<std::uint32_t>(databaseBytes_ / pageSize_);
        bool anyAuthentic = false;
        for (std::uint32_t pgno = 1;
             !anyAuthentic && pgno <= std::min(filePages, kMaxKeyProbePages); ++pgno) {
            anyAuthentic = decryptDatabasePage(pgno, page);
        }
        if (!anyAuthentic) {
            return fail(makeError(ReplicaErrorKind::KeyMismatch, path,
                                  "the replica key does not match: " + path.string()));
        }
        notes_.push_back("the key check of page 1 (bytes 8..15) of " + databasePath_ +
                         " is damaged; the pages authenticate with this key");
    }
    return Ok{};
}

}  // namespace admit::replica::detail
