#include "encrypted_vfs.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "admit/base/sodium.hpp"
#include "written_frames.hpp"

namespace admit::replica::detail {

namespace {

thread_local std::shared_ptr<const KeyMaterial> tlsPendingKeys;
thread_local std::string tlsDamagedFile;

sqlite3_vfs* rootVfs = nullptr;  // the default VFS we wrap; set once at registration

enum class Role { Database, Wal };
enum class FrameVerdict { Damaged, TornOrStale };

struct FileState {
    Role role = Role::Database;
    std::string path;
    std::shared_ptr<const KeyMaterial> keys;
    // Database file: learned from page 1 on disk, or chosen at the first write of a new file.
    Salt salt{};
    bool headerKnown = false;
    std::uint32_t pageSize = 0;
    // Database file: the WAL body this connection read last, as stored and in plaintext. A
    // checkpoint reads a page from the WAL and then writes it here; a WAL body is a valid image
    // of its page in the database too, so it is written as it is stored, not encrypted again.
    std::uint32_t walCopyPgno = 0;  // 0: none
    std::vector<std::uint8_t> walCopyStored;
    std::vector<std::uint8_t> walCopyPlain;
    // WAL file: its database (SQLite closes the WAL before the database).
    FileState* database = nullptr;
    std::vector<std::uint8_t> scratch;
    std::vector<std::uint8_t> lookahead;
    // A frame header SQLite appended whose body has not arrived yet: it is held back so that
    // walWrite can write the frame in its crash-safe order (a placeholder header first).
    std::array<std::uint8_t, kWalFrameHeaderBytes> pendingHeader{};
    sqlite3_int64 pendingOffset = -1;
    // Offset of the last whole frame SQLite read (it rewrites that frame's header in place).
    sqlite3_int64 lastFrameRead = -1;
    // Salts of the WAL generation (WAL header bytes 16..23), bound into every frame's tag.
    WalSalts walSalts{};
    bool walSaltsKnown = false;
    WrittenFrames written;
};

struct ReplicaFile {
    sqlite3_file base;  // first member: SQLite only sees this
    FileState* state;
};

// The default VFS's own file object lives right after ours, in the same allocation.
constexpr std::size_t kRealOffset = (sizeof(ReplicaFile) + 15) / 16 * 16;

sqlite3_file* realFile(sqlite3_file* file) {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
}

FileState& stateOf(sqlite3_file* file) { return *reinterpret_cast<ReplicaFile*>(file)->state; }

int damaged(const FileState& s) {
    tlsDamagedFile = s.path;
    return SQLITE_IOERR_DATA;
}

int rawRead(sqlite3_file* real, void* buf, std::size_t n, sqlite3_int64 off) {
    return real->pMethods->xRead(real, buf, static_cast<int>(n), off);
}

int rawWrite(sqlite3_file* real, const void* buf, std::size_t n, sqlite3_int64 off) {
    return real->pMethods->xWrite(real, buf, static_cast<int>(n), off);
}

sqlite3_int64 rawSize(sqlite3_file* real) {
    sqlite3_int64 size = 0;
    if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return -1;
    return size;
}

void reserveScratch(FileState& s, std::size_t pageSize) {
    const std::size_t need = pageSize + kWalFrameHeaderBytes;
    if (s.scratch.size() < need) s.scratch.resize(need);
}

// ---- database file -------------------------------------------------------------------------

int loadHeader(FileState& s, sqlite3_file* real) {
    if (s.headerKnown) return SQLITE_OK;
    const sqlite3_int64 size = rawSize(real);
    if (size < 0) return SQLITE_IOERR_FSTAT;
    if (size == 0) return SQLITE_OK;  // a new database: the salt is chosen at the first write
    if (size < static_cast<sqlite3_int64>(kPlainHeaderBytes)) return damaged(s);
    std::uint8_t head[kPlainHeaderBytes];
    if (int rc = rawRead(real, head, sizeof head, 0); rc != SQLITE_OK) return rc;
    PageHeader header;
    switch (parsePageHeader(ByteView(head, sizeof head), header)) {
        case HeaderStatus::Encrypted:
            break;
        case HeaderStatus::PlainSqlite:
        case HeaderStatus::OlderFormat:
            return SQLITE_NOTADB;
        case HeaderStatus::Invalid:
            return damaged(s);
    }
    s.salt = header.salt;
    s.pageSize = header.pageSize;
    s.headerKnown = true;
    reserveScratch(s, s.pageSize);
    return SQLITE_OK;
}

PageBinding dbBinding(const FileState& s, sqlite3_int64 off) {
    PageBinding b;
    b.kind = FileKind::Database;
    b.pgno = static_cast<std::uint32_t>(off / s.pageSize + 1);
    b.salt = s.salt;
    return b;
}

int dbRead(FileState& s, sqlite3_file* real, std::uint8_t* out, int amt, sqlite3_int64 off) {
    if (int rc = loadHeader(s, real); rc != SQLITE_OK) return rc;
    if (!s.headerKnown) return real->pMethods->xRead(real, out, amt, off);  // empty: zeros
    const auto page = static_cast<sqlite3_int64>(s.pageSize);
    const std::size_t pageBytes = s.pageSize;
    if (amt == page && off % page == 0) {
        const int rc = real->pMethods->xRead(real, out, amt, off);
        if (rc == SQLITE_IOERR_SHORT_READ) {
            // Past the end SQLite expects zeros; a partial page is damage.
            return rawSize(real) <= off ? rc : damaged(s);
        }
        if (rc != SQLITE_OK) return rc;
        std::span<std::uint8_t> buf(out, pageBytes);
        return decryptPage(*s.keys, dbBinding(s, off), buf, buf) ? SQLITE_OK : damaged(s);
    }
    // Part of a page: SQLite reads the first 100 bytes of page 1 when it opens the file.
    bool shortRead = false;
    const sqlite3_int64 end = off + amt;
    for (sqlite3_int64 pos = off; pos < end;) {
        const sqlite3_int64 pageStart = pos / page * page;
        const sqlite3_int64 stop = std::min(end, pageStart + page);
        std::uint8_t* dest = out + (pos - off);
        const auto count = static_cast<std::size_t>(stop - pos);
        std::span<std::uint8_t> buf(s.scratch.data(), pageBytes);
        const int rc = rawRead(real, buf.data(), pageBytes, pageStart);
        if (rc == SQLITE_IOERR_SHORT_READ) {
            if (rawSize(real) > pageStart) return damaged(s);
            std::memset(dest, 0, count);
            shortRead = true;
        } else if (rc != SQLITE_OK) {
            return rc;
        } else {
            if (!decryptPage(*s.keys, dbBinding(s, pageStart), buf, buf)) return damaged(s);
            std::memcpy(dest, buf.data() + (pos - pageStart), count);
        }
        pos = stop;
    }
    return shortRead ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int dbWrite(FileState& s, sqlite3_file* real, const std::uint8_t* in, int amt, sqlite3_int64 off) {
    if (int rc = loadHeader(s, real); rc != SQLITE_OK) return rc;
    if (!s.headerKnown) {
        // The first write of a new database is page 1; its size is the page size.
        if (off != 0 || amt < 0 || !isValidPageSize(static_cast<std::uint32_t>(amt))) {
            return SQLITE_IOERR_WRITE;
        }
        randombytes_buf(s.salt.data(), s.salt.size());
        s.pageSize = static_cast<std::uint32_t>(amt);
        s.headerKnown = true;
        reserveScratch(s, s.pageSize);
    }
    const auto page = static_cast<sqlite3_int64>(s.pageSize);
    // SQLite writes whole pages to the database; anything else cannot be encrypted.
    if (amt != page || off % page != 0 || off / page >= 0xffffffffLL) return SQLITE_IOERR_WRITE;
    const std::size_t pageBytes = s.pageSize;
    const PageBinding binding = dbBinding(s, off);
    if (s.walCopyPgno == binding.pgno && s.walCopyPlain.size() == pageBytes &&
        std::memcmp(s.walCopyPlain.data(), in, pageBytes) == 0) {
        s.walCopyPgno = 0;
        return rawWrite(real, s.walCopyStored.data(), pageBytes, off);
    }
    std::span<std::uint8_t> buf(s.scratch.data(), pageBytes);
    if (!encryptPage(*s.keys, binding, ByteView(in, pageBytes), buf)) return SQLITE_IOERR_WRITE;
    return rawWrite(real, buf.data(), pageBytes, off);
}

// ---- WAL file ------------------------------------------------------------------------------
// Layout: a 32-byte header, then frames of a 24-byte header (page number, commit size, salts,
// checksums) and a page body. Only bodies are encrypted; the frame fields SQLite needs to
// recover the log stay readable. The tag binds the page number, the commit size and the salts
// of the log generation the frame was written in. (The salt field of the frame itself cannot be
// bound: SQLite writes it as zero when it will recompute checksums at commit.)

bool isZero(const std::uint8_t* p, std::size_t n) {
    return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

std::size_t frameIndex(const FileState& s, sqlite3_int64 frameOff) {
    const auto frameBytes = static_cast<sqlite3_int64>(s.database->pageSize + kWalFrameHeaderBytes);
    return static_cast<std::size_t>((frameOff - static_cast<sqlite3_int64>(kWalHeaderBytes)) /
                                    frameBytes);
}

PageBinding walBinding(const FileState& s, const std::uint8_t* frameHeader, const WalSalts& salts,
                       std::array<std::uint8_t, kFrameFieldBytes>& fields) {
    std::memcpy(fields.data(), frameHeader + 4, 4);
    std::memcpy(fields.data() + 4, salts.data(), salts.size());
    PageBinding b;
    b.kind = FileKind::Wal;
    b.pgno = readBigEndian32(frameHeader);
    b.salt = s.database->salt;
    b.frameFields = ByteView(fields.data(), fields.size());
    return b;
}

// Re-reads the current generation's salts from the WAL header on disk.
bool refreshWalSalts(FileState& s, sqlite3_file* real) {
    std::uint8_t header[kWalHeaderBytes];
    if (rawRead(real, header, sizeof header, 0) != SQLITE_OK) return false;
    const bool changed = !s.walSaltsKnown || std::memcmp(s.walSalts.data(), header + 16, 8) != 0;
    std::memcpy(s.walSalts.data(), header + 16, 8);
    s.walSaltsKnown = true;
    return changed;
}

int flushPending(FileState& s, sqlite3_file* real) {
    if (s.pendingOffset < 0) return SQLITE_OK;
    const sqlite3_int64 off = s.pendingOffset;
    s.pendingOffset = -1;
    return rawWrite(real, s.pendingHeader.data(), s.pendingHeader.size(), off);
}

bool decryptBodyWith(const FileState& s, const WalSalts& salts, const std::uint8_t* frameHeader,
                     const std::uint8_t* body, std::uint8_t* out) {
    const std::size_t pageBytes = s.database->pageSize;
    std::array<std::uint8_t, kFrameFieldBytes> fields{};
    return decryptPage(*s.keys, walBinding(s, frameHeader, salts, fields),
                       ByteView(body, pageBytes), std::span<std::uint8_t>(out, pageBytes));
}

// Decrypts with the current generation's salts, re-reading them once if another connection
// has restarted the log since we last looked.
bool decryptBody(FileState& s, sqlite3_file* real, const std::uint8_t* frameHeader,
                 const std::uint8_t* body, std::uint8_t* out) {
    if (s.walSaltsKnown && decryptBodyWith(s, s.walSalts, frameHeader, body, out)) return true;
    return refreshWalSalts(s, real) && decryptBodyWith(s, s.walSalts, frameHeader, body, out);
}

// True if a commit frame of the current generation after `frameOff` authenticates: then the
// log goes on past that offset, so the frame there belongs to a committed transaction. Frames
// that are not commit frames prove nothing: a killed transaction leaves its frames beyond the
// last commit and the next one overwrites them in place, so a frame torn by a second kill can be
// followed by authentic stale frames (CI: CrashSafety round 135). A stale commit frame cannot
// follow: a whole commit frame makes its transaction committed, and later ones append after it.
bool laterCommitAuthenticates(FileState& s, sqlite3_file* real, sqlite3_int64 frameOff) {
    const std::size_t pageBytes = s.database->pageSize;
    const auto frameBytes = static_cast<sqlite3_int64>(pageBytes + kWalFrameHeaderBytes);
    if (s.lookahead.size() < static_cast<std::size_t>(frameBytes)) {
        s.lookahead.resize(static_cast<std::size_t>(frameBytes));
    }
    const sqlite3_int64 size = rawSize(real);
    for (sqlite3_int64 off = frameOff + frameBytes; off + frameBytes <= size; off += frameBytes) {
        std::uint8_t* later = s.lookahead.data();
        if (rawRead(real, later, static_cast<std::size_t>(frameBytes), off) != SQLITE_OK) break;
        if (std::memcmp(later + 8, s.walSalts.data(), 8) != 0) continue;
        if (readBigEndian32(later + 4) == 0) continue;  // not a commit frame
        std::uint8_t* body = later + kWalFrameHeaderBytes;
        if (decryptBodyWith(s, s.walSalts, later, body, body)) return true;
    }
    return false;
}

// A whole frame failed authentication while SQLite was recovering the log. A crash can leave a
// torn frame only after the last synced commit, so the frame is damage if its transaction was
// committed: it is a commit frame, or the log goes on past it.
FrameVerdict classifyFailedFrame(FileState& s, sqlite3_file* real, sqlite3_int64 frameOff,
                                 const std::uint8_t* frame) {
    if (std::memcmp(frame + 8, s.walSalts.data(), 8) != 0) {
        return FrameVerdict::TornOrStale;  // another generation: SQLite stops here anyway
    }
    if (readBigEndian32(frame + 4) != 0) return FrameVerdict::Damaged;
    return laterCommitAuthenticates(s, real, frameOff) ? FrameVerdict::Damaged
                                                       : FrameVerdict::TornOrStale;
}

// A frame torn by a crash after the last commit, or left from an older generation: make sure
// SQLite rejects it (as it would have rejected the plaintext frame) through its salt.
int rejectFrame(const FileState& s, std::uint8_t* frame) {
    std::memset(frame + kWalFrameHeaderBytes, 0, s.database->pageSize);
    frame[8] = static_cast<std::uint8_t>(s.walSalts[0] ^ 0xff);
    return SQLITE_OK;
}

int walReadFrame(FileState& s, sqlite3_file* real, std::uint8_t* out, sqlite3_int64 off) {
    const std::size_t pageBytes = s.database->pageSize;
    const int rc = rawRead(real, out, pageBytes + kWalFrameHeaderBytes, off);
    if (rc != SQLITE_OK) return rc;
    std::uint8_t* body = out + kWalFrameHeaderBytes;
    if (decryptBody(s, real, out, body, body)) {
        // Authentic, yet carrying another generation's salts: its salt field was altered
        // (zero is SQLite's own placeholder until it recomputes checksums at commit, and the
        // placeholder this VFS writes until the frame's body is down).
        if (std::memcmp(out + 8, s.walSalts.data(), 8) != 0 && !isZero(out + 8, 8)) {
            return damaged(s);
        }
        s.lastFrameRead = off;
        return SQLITE_OK;
    }
    if (classifyFailedFrame(s, real, off, out) == FrameVerdict::Damaged) return damaged(s);
    return rejectFrame(s, out);
}

int walRead(FileState& s, sqlite3_file* real, std::uint8_t* out, int amt, sqlite3_int64 off) {
    if (int rc = flushPending(s, real); rc != SQLITE_OK) return rc;
    s.lastFrameRead = -1;
    const std::size_t pageBytes = s.database->pageSize;
    reserveScratch(s, pageBytes);
    const auto walHeaderBytes = static_cast<sqlite3_int64>(kWalHeaderBytes);
    if (off + amt <= walHeaderBytes || pageBytes == 0) {
        // The WAL header is not secret; when SQLite reads it whole, note the generation.
        const int rc = real->pMethods->xRead(real, out, amt, off);
        if (rc == SQLITE_OK && off == 0 && amt >= 24) {
            std::memcpy(s.walSalts.data(), out + 16, 8);
            s.walSaltsKnown = true;
        }
        return rc;
    }
    if (off < walHeaderBytes) return SQLITE_IOERR_READ;
    const auto page = static_cast<sqlite3_int64>(pageBytes);
    const sqlite3_int64 frameBytes = page + static_cast<sqlite3_int64>(kWalFrameHeaderBytes);
    const sqlite3_int64 within = (off - walHeaderBytes) % frameBytes;
    if (within + amt <= static_cast<sqlite3_int64>(kWalFrameHeaderBytes)) {
        // Within a frame header (SQLite reads the previous frame's checksums): not secret.
        return real->pMethods->xRead(real, out, amt, off);
    }
    if (within == static_cast<sqlite3_int64>(kWalFrameHeaderBytes) && amt == page) {
        // A page body, located through the WAL index: it must authenticate.
        std::uint8_t* frame = s.scratch.data();
        const sqlite3_int64 frameOff = off - static_cast<sqlite3_int64>(kWalFrameHeaderBytes);
        const int rc = rawRead(real, frame, static_cast<std::size_t>(frameBytes), frameOff);
        if (rc == SQLITE_IOERR_SHORT_READ) return damaged(s);
        if (rc != SQLITE_OK) return rc;
        const ByteView header(frame, kWalFrameHeaderBytes);
        const ByteView body(frame + kWalFrameHeaderBytes, pageBytes);
        const bool authentic =
            (s.walSaltsKnown && s.written.recall(frameIndex(s, frameOff), header, body, s.walSalts,
                                                 std::span(out, pageBytes))) ||
            decryptBody(s, real, frame, frame + kWalFrameHeaderBytes, out);
        if (!authentic) return damaged(s);
        FileState& db = *s.database;
        db.walCopyPgno = readBigEndian32(frame);
        db.walCopyStored.assign(body.begin(), body.end());
        db.walCopyPlain.assign(out, out + pageBytes);
        return SQLITE_OK;
    }
    if (within == 0 && amt == frameBytes) {
        // A whole frame: SQLite is recovering the log or recomputing checksums.
        return walReadFrame(s, real, out, off);
    }
    return SQLITE_IOERR_READ;  // SQLite 3.40 reads no other shapes; never guess
}

int walWrite(FileState& s, sqlite3_file* real, const std::uint8_t* in, int amt, sqlite3_int64 off) {
    const std::size_t pageBytes = s.database->pageSize;
    if (pageBytes == 0) return SQLITE_IOERR_WRITE;
    reserveScratch(s, pageBytes);
    const auto walHeaderBytes = static_cast<sqlite3_int64>(kWalHeaderBytes);
    const auto headerBytes = static_cast<sqlite3_int64>(kWalFrameHeaderBytes);
    if (off == 0 && amt == walHeaderBytes) {
        // A new log generation.
        if (int rc = flushPending(s, real); rc != SQLITE_OK) return rc;
        std::memcpy(s.walSalts.data(), in + 16, 8);
        s.walSaltsKnown = true;
        s.written.forget();
        return rawWrite(real, in, kWalHeaderBytes, 0);
    }
    if (off < walHeaderBytes) return SQLITE_IOERR_WRITE;
    const auto page = static_cast<sqlite3_int64>(pageBytes);
    const sqlite3_int64 within = (off - walHeaderBytes) % (page + headerBytes);
    if (within == 0 && amt == headerBytes) {
        if (int rc = flushPending(s, real); rc != SQLITE_OK) return rc;
        if (s.lastFrameRead == off) {
            // Checksums recomputed in place for a frame SQLite just read: no body follows.
            return rawWrite(real, in, kWalFrameHeaderBytes, off);
        }
        std::memcpy(s.pendingHeader.data(), in, kWalFrameHeaderBytes);
        s.pendingOffset = off;
        return SQLITE_OK;
    }
    if (within == headerBytes && amt == page) {
        std::uint8_t* frame = s.scratch.data();
        const sqlite3_int64 frameOff = off - headerBytes;
        const bool appending = s.pendingOffset == frameOff;
        if (appending) {
            std::memcpy(frame, s.pendingHeader.data(), kWalFrameHeaderBytes);
            s.pendingOffset = -1;
        } else {
            // A page rewritten within its transaction: the frame header is already on disk.
            if (int rc = flushPending(s, real); rc != SQLITE_OK) return rc;
            if (rawRead(real, frame, kWalFrameHeaderBytes, frameOff) != SQLITE_OK) {
                return SQLITE_IOERR_WRITE;
            }
        }
        // The frame's own salts name the generation, unless SQLite left them zero for now
        // (then an earlier frame of this same transaction told us).
        if (!isZero(frame + 8, 8)) {
            std::memcpy(s.walSalts.data(), frame + 8, 8);
            s.walSaltsKnown = true;
        } else if (!s.walSaltsKnown) {
            refreshWalSalts(s, real);
        }
        std::array<std::uint8_t, kFrameFieldBytes> fields{};
        std::span<std::uint8_t> body(frame + kWalFrameHeaderBytes, pageBytes);
        if (!encryptPage(*s.keys, walBinding(s, frame, s.walSalts, fields), ByteView(in, pageBytes),
                         body)) {
            return SQLITE_IOERR_WRITE;
        }
        const std::size_t index = frameIndex(s, frameOff);
        if (!appending) {
            const int rc = rawWrite(real, body.data(), pageBytes, off);
            if (rc == SQLITE_OK) {
                s.written.remember(index, ByteView(frame, kWalFrameHeaderBytes), body, s.walSalts,
                                   ByteView(in, pageBytes));
            }
            return rc;
        }
        // The frame under an all-zero placeholder header in one write, then the real header.
        // A process killed mid-write can leave a short write (the kernel stops copying at a
        // page-cache boundary on SIGKILL, and frame headers are 8-aligned, so a cut falls
        // between their fields). Written this way no cut leaves a new page number or commit
        // size beside an old generation's salts or an old body: a frame cut short before its
        // real header is down reads as page 0 or zero salts, and one cut inside the real
        // header has zero salts or zero checksums. Recovery ends the log at each (CI:
        // CrashSafety round 135 found a new body under a stale header when the body went
        // first).
        std::array<std::uint8_t, kWalFrameHeaderBytes> header{};
        std::memcpy(header.data(), frame, header.size());
        std::memset(frame, 0, header.size());
        if (int rc = rawWrite(real, frame, kWalFrameHeaderBytes + pageBytes, frameOff);
            rc != SQLITE_OK) {
            return rc;
        }
        if (int rc = rawWrite(real, header.data(), header.size(), frameOff); rc != SQLITE_OK) {
            return rc;
        }
        s.written.remember(index, header, body, s.walSalts, ByteView(in, pageBytes));
        return SQLITE_OK;
    }
    return SQLITE_IOERR_WRITE;  // e.g. a frame split at a sync point: refuse, never plaintext
}

// ---- io methods ----------------------------------------------------------------------------

int fileClose(sqlite3_file* file) {
    auto* rf = reinterpret_cast<ReplicaFile*>(file);
    sqlite3_file* real = realFile(file);
    int rc = SQLITE_OK;
    if (rf->state->role == Role::Wal) rc = flushPending(*rf->state, real);
    const int closeRc = real->pMethods->xClose(real);
    delete rf->state;
    rf->state = nullptr;
    return rc != SQLITE_OK ? rc : closeRc;
}

int fileRead(sqlite3_file* file, void* buf, int amt, sqlite3_int64 off) {
    FileState& s = stateOf(file);
    auto* out = static_cast<std::uint8_t*>(buf);
    return s.role == Role::Database ? dbRead(s, realFile(file), out, amt, off)
                                    : walRead(s, realFile(file), out, amt, off);
}

int fileWrite(sqlite3_file* file, const void* buf, int amt, sqlite3_int64 off) {
    FileState& s = stateOf(file);
    const auto* in = static_cast<const std::uint8_t*>(buf);
    return s.role == Role::Database ? dbWrite(s, realFile(file), in, amt, off)
                                    : walWrite(s, realFile(file), in, amt, off);
}

int flushIfWal(sqlite3_file* file) {
    FileState& s = stateOf(file);
    return s.role == Role::Wal ? flushPending(s, realFile(file)) : SQLITE_OK;
}

int fileTruncate(sqlite3_file* file, sqlite3_int64 size) {
    if (int rc = flushIfWal(file); rc != SQLITE_OK) return rc;
    sqlite3_file* real = realFile(file);
    return real->pMethods->xTruncate(real, size);
}

int fileSync(sqlite3_file* file, int flags) {
    if (int rc = flushIfWal(file); rc != SQLITE_OK) return rc;
    sqlite3_file* real = realFile(file);
    return real->pMethods->xSync(real, flags);
}

int fileSize(sqlite3_file* file, sqlite3_int64* size) {
    if (int rc = flushIfWal(file); rc != SQLITE_OK) return rc;
    sqlite3_file* real = realFile(file);
    return real->pMethods->xFileSize(real, size);
}

int fileLock(sqlite3_file* file, int level) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xLock(real, level);
}

int fileUnlock(sqlite3_file* file, int level) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xUnlock(real, level);
}

int fileCheckReservedLock(sqlite3_file* file, int* out) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xCheckReservedLock(real, out);
}

int fileControl(sqlite3_file* file, int op, void* arg) {
    if (op == SQLITE_FCNTL_MMAP_SIZE) {
        // Memory-mapped reads would bypass decryption.
        if (arg != nullptr) *static_cast<sqlite3_int64*>(arg) = 0;
        return SQLITE_OK;
    }
    if (int rc = flushIfWal(file); rc != SQLITE_OK) return rc;
    sqlite3_file* real = realFile(file);
    return real->pMethods->xFileControl(real, op, arg);
}

int fileSectorSize(sqlite3_file* file) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xSectorSize(real);
}

int fileDeviceCharacteristics(sqlite3_file* file) {
    sqlite3_file* real = realFile(file);
    // Powersafe overwrite keeps SQLite from padding the WAL with frames split at a sector
    // boundary (which we could not encrypt); batch-atomic writes only apply to journals.
    return (real->pMethods->xDeviceCharacteristics(real) | SQLITE_IOCAP_POWERSAFE_OVERWRITE) &
           ~SQLITE_IOCAP_BATCH_ATOMIC;
}

int fileShmMap(sqlite3_file* file, int page, int pageSize, int extend, void volatile** out) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xShmMap(real, page, pageSize, extend, out);
}

int fileShmLock(sqlite3_file* file, int offset, int n, int flags) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xShmLock(real, offset, n, flags);
}

void fileShmBarrier(sqlite3_file* file) {
    sqlite3_file* real = realFile(file);
    real->pMethods->xShmBarrier(real);
}

int fileShmUnmap(sqlite3_file* file, int deleteFlag) {
    sqlite3_file* real = realFile(file);
    return real->pMethods->xShmUnmap(real, deleteFlag);
}

int fileFetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;  // no memory-mapped pages: every read goes through decryption
    return SQLITE_OK;
}

int fileUnfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,
    fileClose,
    fileRead,
    fileWrite,
    fileTruncate,
    fileSync,
    fileSize,
    fileLock,
    fileUnlock,
    fileCheckReservedLock,
    fileControl,
    fileSectorSize,
    fileDeviceCharacteristics,
    fileShmMap,
    fileShmLock,
    fileShmBarrier,
    fileShmUnmap,
    fileFetch,
    fileUnfetch,
};

// ---- vfs -----------------------------------------------------------------------------------

int vfsOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
    auto* rf = reinterpret_cast<ReplicaFile*>(file);
    rf->base.pMethods = nullptr;
    rf->state = nullptr;
    std::unique_ptr<FileState> state;
    try {
        if ((flags & SQLITE_OPEN_MAIN_DB) != 0) {
            if (!tlsPendingKeys || name == nullptr) return SQLITE_CANTOPEN;
            state = std::make_unique<FileState>();
            state->role = Role::Database;
            state->keys = tlsPendingKeys;
        } else if ((flags & SQLITE_OPEN_WAL) != 0) {
            sqlite3_file* db = sqlite3_database_file_object(name);
            if (db == nullptr || db->pMethods != &kMethods) return SQLITE_CANTOPEN;
            state = std::make_unique<FileState>();
            state->role = Role::Wal;
            state->database = &stateOf(db);
            state->keys = state->database->keys;
            reserveScratch(*state, state->database->pageSize);
        } else {
            // Rollback and statement journals, temporary databases and sorter files would hold
            // plaintext; replicas run in WAL mode with temp_store=MEMORY and never need them.
            return SQLITE_CANTOPEN;
        }
        state->path = name;
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    }
    sqlite3_file* real = realFile(file);
    int rc = rootVfs->xOpen(rootVfs, name, real, flags, outFlags);
    if (rc != SQLITE_OK) return rc;
    if (state->role == Role::Database) {
        rc = loadHeader(*state, real);
        if (rc != SQLITE_OK) {
            real->pMethods->xClose(real);
            return rc;
        }
    }
    rf->state = state.release();
    rf->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs*, const char* name, int syncDir) {
    return rootVfs->xDelete(rootVfs, name, syncDir);
}
int vfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    return rootVfs->xAccess(rootVfs, name, flags, out);
}
int vfsFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return rootVfs->xFullPathname(rootVfs, name, n, out);
}
void* vfsDlOpen(sqlite3_vfs*, const char* name) { return rootVfs->xDlOpen(rootVfs, name); }
void vfsDlError(sqlite3_vfs*, int n, char* out) { rootVfs->xDlError(rootVfs, n, out); }
void (*vfsDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return rootVfs->xDlSym(rootVfs, handle, symbol);
}
void vfsDlClose(sqlite3_vfs*, void* handle) { rootVfs->xDlClose(rootVfs, handle); }
int vfsRandomness(sqlite3_vfs*, int n, char* out) { return rootVfs->xRandomness(rootVfs, n, out); }
int vfsSleep(sqlite3_vfs*, int micros) { return rootVfs->xSleep(rootVfs, micros); }
int vfsCurrentTime(sqlite3_vfs*, double* out) { return rootVfs->xCurrentTime(rootVfs, out); }
int vfsGetLastError(sqlite3_vfs*, int n, char* out) {
    return rootVfs->xGetLastError(rootVfs, n, out);
}
int vfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
    return rootVfs->xCurrentTimeInt64(rootVfs, out);
}

sqlite3_vfs makeVfs() {
    sqlite3_vfs vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(kRealOffset) + rootVfs->szOsFile;
    vfs.mxPathname = rootVfs->mxPathname;
    vfs.zName = kVfsName;
    vfs.xOpen = vfsOpen;
    vfs.xDelete = vfsDelete;
    vfs.xAccess = vfsAccess;
    vfs.xFullPathname = vfsFullPathname;
    vfs.xDlOpen = vfsDlOpen;
    vfs.xDlError = vfsDlError;
    vfs.xDlSym = vfsDlSym;
    vfs.xDlClose = vfsDlClose;
    vfs.xRandomness = vfsRandomness;
    vfs.xSleep = vfsSleep;
    vfs.xCurrentTime = vfsCurrentTime;
    vfs.xGetLastError = vfsGetLastError;
    vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
    return vfs;
}

}  // namespace

void ensureVfsRegistered() {
    static std::once_flag once;
    static sqlite3_vfs vfs{};
    static int rc = SQLITE_ERROR;
    std::call_once(once, [] {
        ensureSodium();
        rootVfs = sqlite3_vfs_find(nullptr);
        if (rootVfs == nullptr || rootVfs->iVersion < 2) return;
        vfs = makeVfs();
        rc = sqlite3_vfs_register(&vfs, 0);
    });
    if (rc != SQLITE_OK) throw std::runtime_error("cannot register the replica VFS");
}

sqlite3_vfs* underlyingVfs() { return rootVfs; }

PendingKeyScope::PendingKeyScope(std::shared_ptr<const KeyMaterial> keys) {
    tlsPendingKeys = std::move(keys);
}

PendingKeyScope::~PendingKeyScope() { tlsPendingKeys.reset(); }

const std::string& lastDamagedFile() { return tlsDamagedFile; }

void clearLastDamagedFile() { tlsDamagedFile.clear(); }

}  // namespace admit::replica::detail
