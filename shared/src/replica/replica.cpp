#include "admit/replica/replica.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

#include "encrypted_vfs.hpp"
#include "lock_holders.hpp"
#include "lock_safe_file.hpp"
#include "open_replica.hpp"
#include "page_cipher.hpp"
#include "page_source.hpp"
#include "salvage_reader.hpp"
#include "temp_copy.hpp"

namespace admit::replica {

namespace fs = std::filesystem;

namespace {

constexpr int kBusyTimeoutMs = 5000;
// How long an operation that needs the replica alone waits for other connections to go.
constexpr int kInUseWaitMs = 1000;

ReplicaError makeError(ReplicaErrorKind kind, const fs::path& file, const std::string& what) {
    return ReplicaError{kind, file.string(), what};
}

ReplicaError keyMismatchError(const fs::path& file) {
    return makeError(ReplicaErrorKind::KeyMismatch, file,
                     "the replica key does not match: " + file.string());
}

// The key check passed (precheck), so a replica failure is damage, whatever SQLite calls it.
ReplicaError errorFrom(const SQLite::Exception& e, const fs::path& file) {
    if (auto damage = replicaFailure(e, file.string())) return *damage;
    return detail::ioError(file, e.what());
}

enum class FileState { New, Existing };

// Reads the readable start of the file, so that a wrong key is told apart from damage before
// SQLite opens it: the key check matches for the right key, and if it does not, page 1 still
// authenticates when only the key check bytes were damaged.
Result<FileState, ReplicaError> precheck(const fs::path& path, const detail::KeyMaterial& keys,
                                         OpenMode mode) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) {
        if (mode == OpenMode::kCreate) return FileState::New;
        return fail(
            makeError(ReplicaErrorKind::NotFound, path, "replica not found: " + path.string()));
    }
    if (!fs::is_regular_file(status)) {
        return fail(makeError(ReplicaErrorKind::NotAReplica, path,
                              path.string() + " is not a regular file"));
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return fail(detail::ioError(path, ec.message()));
    if (size == 0) {
        if (mode == OpenMode::kReadOnly) {
            return fail(makeError(ReplicaErrorKind::NotAReplica, path,
                                  path.string() + " is empty, not an encrypted replica"));
        }
        return FileState::New;
    }
    detail::LockSafeFile file;
    if (int rc = file.open(path); rc != SQLITE_OK) {
        return fail(detail::ioError(path, sqlite3_errstr(rc)));
    }
    std::uint8_t head[detail::kPlainHeaderBytes] = {};
    if (file.read(head, 0) != SQLITE_OK) return fail(damagedError(path.string()));
    detail::PageHeader header;
    switch (detail::parsePageHeader(ByteView(head, sizeof head), header)) {
        case detail::HeaderStatus::PlainSqlite:
            return fail(
                makeError(ReplicaErrorKind::NotAReplica, path,
                          path.string() + " is a plain SQLite database, not an encrypted replica"));
        case detail::HeaderStatus::OlderFormat:
            return fail(olderFormatError(path.string()));
        case detail::HeaderStatus::Invalid:
            return fail(damagedError(path.string()));
        case detail::HeaderStatus::Encrypted:
            break;
    }
    const detail::KeyCheck expected = keys.keyCheck();
    if (sodium_memcmp(expected.data(), header.keyCheck.data(), expected.size()) == 0) {
        return FileState::Existing;
    }
    // The key check differs: a wrong key, unless page 1 or 2 authenticates (then the key check
    // bytes were damaged).
    std::vector<std::uint8_t> page(header.pageSize);
    detail::PageBinding binding;
    binding.salt = header.salt;
    for (std::uint32_t pgno = 1; pgno <= 2; ++pgno) {
        binding.pgno = pgno;
        const auto offset = static_cast<sqlite3_int64>(pgno - 1) * header.pageSize;
        if (file.read(page, offset) == SQLITE_OK &&
            detail::decryptPage(keys, binding, page, page)) {
            return fail(damagedError(path.string()));
        }
    }
    return fail(keyMismatchError(path));
}

}  // namespace

namespace detail {

ReplicaError ioError(const fs::path& file, const std::string& what) {
    return makeError(ReplicaErrorKind::Io, file, "replica " + file.string() + ": " + what);
}

ReplicaError inUseError(const fs::path& file, const std::string& what) {
    const auto holders = otherLockHolders(file);
    std::string who = "another connection of this program";
    if (!holders.empty()) {
        who.clear();
        for (const auto& holder : holders) who += (who.empty() ? "" : ", ") + holder;
    }
    return makeError(ReplicaErrorKind::InUse, file,
                     "replica " + file.string() + " is open in " + who + ": it can be " + what +
                         " only when nothing else has it open");
}

std::shared_ptr<const KeyMaterial> deriveKeys(const ReplicaKey& key) {
    return std::make_shared<const KeyMaterial>(key.secretBytes());
}

Result<SQLite::Database, ReplicaError> openWithKeys(const fs::path& path,
                                                    std::shared_ptr<const KeyMaterial> keys,
                                                    OpenMode mode, int pageSizeIfNew) {
    try {
        detail::ensureVfsRegistered();
    } catch (const std::exception& e) {
        return fail(ioError(path, e.what()));
    }
    auto state = precheck(path, *keys, mode);
    if (!state) return fail(state.error());
    int flags = SQLite::OPEN_READWRITE;
    if (mode == OpenMode::kReadOnly) flags = SQLite::OPEN_READONLY;
    if (mode == OpenMode::kCreate) flags |= SQLite::OPEN_CREATE;
    detail::clearLastDamagedFile();
    try {
        std::optional<SQLite::Database> db;
        {
            detail::PendingKeyScope scope(keys);
            db.emplace(path.string(), flags, kBusyTimeoutMs, std::string(detail::kVfsName));
        }
        if (*state == FileState::New) {
            // The reserve must be set before the first page is written: it holds nonce and tag.
            int reserve = detail::kReserveBytes;
            db->check(sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_RESERVE_BYTES,
                                           &reserve));
            db->exec("PRAGMA page_size=" + std::to_string(pageSizeIfNew));
            // Switching a new file to WAL from journal_mode=OFF writes page 1 directly, so no
            // rollback journal is ever created (the VFS refuses them).
            db->exec("PRAGMA journal_mode=OFF");
        }
        db->exec("PRAGMA temp_store=MEMORY");
        db->exec("PRAGMA mmap_size=0");
        // Keep decrypted pages in SQLite's page cache (up to 64 MiB, used only as pages are
        // read): a cache miss costs a decryption, so the default 2 MB cache would make point
        // lookups on a 100,000-attendee replica about 2.4x slower than plain SQLite.
        db->exec("PRAGMA cache_size=-65536");
        if (mode != OpenMode::kReadOnly) {
            db->exec("PRAGMA synchronous=FULL");
            const std::string journal = db->execAndGet("PRAGMA journal_mode=WAL").getString();
            if (journal != "wal") {
                return fail(
                    ioError(path, "cannot switch to WAL mode (journal_mode is " + journal + ")"));
            }
        }
        // Authenticate page 1 and the schema now, so damage is reported here.
        db->execAndGet("SELECT count(*) FROM sqlite_schema");
        return std::move(*db);
    } catch (const SQLite::Exception& e) {
        return fail(errorFrom(e, path));
    }
}

}  // namespace detail

namespace {

std::string describe(const DamagedPage& page) {
    std::string where = page.walFrame != 0
                            ? "page " + std::to_string(page.page) + " in " + page.file +
                                  " (frame " + std::to_string(page.walFrame) + ")"
                            : "page " + std::to_string(page.page) + " of " + page.file;
    if (page.missing) return where + " is missing";
    where += " failed authentication";
    if (page.superseded) return where + " (an older image; a newer one is in use)";
    if (!page.owner.empty()) return where + " (" + page.owner + ")";
    return where;
}

// Authenticates every page image the replica uses, free pages included (integrity_check never
// reads those), and if any fails, or `report` already has problems, reads what each table still
// holds. With `readWal` false only the database file is read (its WAL is checkpointed).
Status<ReplicaError> inspectPages(const fs::path& path,
                                  const std::shared_ptr<const detail::KeyMaterial>& keys,
                                  const SchemaFactory& expected, bool readWal,
                                  IntegrityReport& report) {
    auto source = detail::PageSource::open(path, keys, readWal);
    if (!source) return fail(source.error());
    report.pagesAuthenticated = (*source)->databasePagesAuthenticated();
    if ((*source)->failures().empty() && (*source)->notes().empty() && report.problems.empty()) {
        return Ok{};
    }
    detail::SalvageReader reader(**source, expected);
    reader.analyse();
    report.damage = reader.report();
    if (report.problems.empty()) {
        const auto& failures = report.damage.pages;
        const std::string file = failures.empty() ? path.string() : failures.front().file;
        report.problems.push_back(damagedError(file).message);
    }
    for (const DamagedPage& page : report.damage.pages) report.problems.push_back(describe(page));
    for (const std::string& note : report.damage.notes) report.problems.push_back(note);
    return Ok{};
}

}  // namespace

ReplicaError damagedError(std::string file) {
    std::string message = "replica is damaged or was tampered with: " + file;
    return ReplicaError{ReplicaErrorKind::Damaged, std::move(file), std::move(message)};
}

ReplicaError olderFormatError(std::string file) {
    std::string message = file +
                          " is an encrypted replica in an older format that this version cannot "
                          "read: sync or export it again";
    return ReplicaError{ReplicaErrorKind::OlderFormat, std::move(file), std::move(message)};
}

std::optional<ReplicaError> replicaFailure(const SQLite::Exception& e, const std::string& file) {
    const std::string& failed = detail::lastDamagedFile();
    // SQLite keeps our extended code for most reads, but reports a failure met while loading
    // the schema as a plain SQLITE_IOERR; the VFS recorded the damaged file on this thread.
    if (e.getExtendedErrorCode() == kReplicaDamagedCode ||
        (e.getErrorCode() == SQLITE_IOERR && !failed.empty())) {
        if (!failed.empty()) return damagedError(failed);
        return damagedError(file.empty() ? std::string("(unknown file)") : file);
    }
    // Every page authenticated, yet SQLite finds them inconsistent: an older image of a page
    // was put back (see "Rollback to an older copy" in docs/replica.md).
    const bool corrupt = e.getErrorCode() == SQLITE_CORRUPT || e.getErrorCode() == SQLITE_NOTADB;
    if (corrupt && !file.empty()) return damagedError(file);
    return std::nullopt;
}

std::optional<ReplicaError> replicaFailure(const SQLite::Exception& e, SQLite::Database& db) {
    sqlite3_vfs* vfs = nullptr;
    sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
    const bool replica = vfs != nullptr && std::strcmp(vfs->zName, detail::kVfsName) == 0;
    return replicaFailure(e, replica ? db.getFilename() : std::string());
}

std::string describeReplicaFailure(const SQLite::Exception& e, const std::string& file) {
    if (auto damage = replicaFailure(e, file)) return damage->message;
    return e.what();
}

std::string describeReplicaFailure(const SQLite::Exception& e, SQLite::Database& db) {
    if (auto damage = replicaFailure(e, db)) return damage->message;
    return e.what();
}

const char* vfsName() {
    detail::ensureVfsRegistered();
    return detail::kVfsName;
}

Result<SQLite::Database, ReplicaError> openReplica(const fs::path& path, const ReplicaKey& key,
                                                   OpenMode mode) {
    return detail::openWithKeys(path, detail::deriveKeys(key), mode, detail::kDefaultPageSize);
}

Result<IntegrityReport, ReplicaError> checkReplica(const fs::path& path, const ReplicaKey& key,
                                                   const SchemaFactory& expected) {
    const auto keys = detail::deriveKeys(key);
    IntegrityReport report;
    auto opened = detail::openWithKeys(path, keys, OpenMode::kReadWrite, detail::kDefaultPageSize);
    if (!opened) {
        if (opened.error().kind != ReplicaErrorKind::Damaged) return fail(opened.error());
        // SQLite cannot open it: the report comes from the pages alone.
        report.problems.push_back(opened.error().message);
        if (auto inspected = inspectPages(path, keys, expected, true, report); !inspected) {
            return fail(inspected.error());
        }
        return report;
    }
    SQLite::Database& db = *opened;
    try {
        // Move every committed page into the database file, then hold a read transaction on
        // the empty WAL so that no checkpoint rewrites the file while it is scanned.
        SQLite::Statement checkpoint(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        checkpoint.executeStep();
        const bool fullyCheckpointed = checkpoint.getColumn(0).getInt() == 0;
        checkpoint.reset();
        db.exec("BEGIN");
        detail::clearLastDamagedFile();
        SQLite::Statement integrity(db, "PRAGMA integrity_check");
        while (integrity.executeStep()) {
            std::istringstream lines(integrity.getColumn(0).getString());
            for (std::string line; std::getline(lines, line);) {
                // Pages that fail authentication are named below, with their file.
                if (line == "ok" || line.rfind("*** in database", 0) == 0 ||
                    line.find("unable to get the page") != std::string::npos) {
                    continue;
                }
                report.problems.push_back(line);
            }
        }
        // integrity_check reports unreadable pages as lines; name the damaged file first.
        if (!detail::lastDamagedFile().empty()) {
            report.problems.insert(report.problems.begin(),
                                   damagedError(detail::lastDamagedFile()).message);
        }
        if (fullyCheckpointed || !report.problems.empty()) {
            auto inspected = inspectPages(path, keys, expected, !fullyCheckpointed, report);
            if (!inspected) return fail(inspected.error());
        }
        db.exec("COMMIT");
    } catch (const SQLite::Exception& e) {
        auto damage = replicaFailure(e, path.string());
        if (damage && e.getErrorCode() == SQLITE_CORRUPT) {
            // Every page read authenticated, yet they do not fit together (an older image of a
            // page put back): say so beside what can still be read.
            report.problems.push_back(std::string(e.what()) + ": " + path.string());
        }
        if (!damage) return fail(detail::ioError(path, e.what()));
        report.problems.insert(report.problems.begin(), damage->message);
        if (auto inspected = inspectPages(path, keys, expected, true, report); !inspected) {
            return fail(inspected.error());
        }
    }
    report.ok = report.problems.empty();
    return report;
}

Status<ReplicaError> rekeyReplica(const fs::path& path, const ReplicaKey& oldKey,
                                  const ReplicaKey& newKey) {
    // A new copy is renamed over the replica, so nobody else may have it open: a program that
    // kept the old file would go on writing into a file nobody reads. One connection takes an
    // exclusive lock on the database file (exclusive locking mode), which fails while any other
    // connection, in any process, has it open; it keeps the lock until after the rename, so
    // nothing can commit in between, and it is the backup source.
    auto opened = openReplica(path, oldKey, OpenMode::kReadWrite);
    if (!opened) return fail(opened.error());
    SQLite::Database& src = *opened;
    detail::TempCopy copy(path, "rekey");
    const fs::path& temp = copy.path();
    using detail::ioError;
    try {
        src.setBusyTimeout(kInUseWaitMs);
        src.exec("PRAGMA locking_mode=EXCLUSIVE");
        try {
            src.exec("BEGIN IMMEDIATE");
            src.exec("COMMIT");  // the exclusive lock stays until the connection closes
        } catch (const SQLite::Exception& e) {
            if (e.getErrorCode() != SQLITE_BUSY) throw;
            return fail(detail::inUseError(path, "rekeyed"));
        }
        // Closing must not delete the WAL and WAL index by name: after the rename those names
        // belong to the new file. They are removed below, while the lock is held.
        int persist = 1;
        sqlite3_file_control(src.getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        src.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        const int pageSize = src.execAndGet("PRAGMA page_size").getInt();
        const auto newKeys = detail::deriveKeys(newKey);
        {
            auto dest = detail::openWithKeys(temp, newKeys, OpenMode::kCreate, pageSize);
            if (!dest) return fail(dest.error());
            sqlite3_backup* backup =
                sqlite3_backup_init(dest->getHandle(), "main", src.getHandle(), "main");
            if (backup == nullptr) return fail(ioError(temp, sqlite3_errmsg(dest->getHandle())));
            const int stepRc = sqlite3_backup_step(backup, -1);
            const int finishRc = sqlite3_backup_finish(backup);
            if (stepRc != SQLITE_DONE || finishRc != SQLITE_OK) {
                if (stepRc == SQLITE_IOERR_DATA || finishRc == SQLITE_IOERR_DATA) {
                    return fail(damagedError(detail::lastDamagedFile().empty()
                                                 ? path.string()
                                                 : detail::lastDamagedFile()));
                }
                return fail(
                    ioError(temp, sqlite3_errstr(finishRc != SQLITE_OK ? finishRc : stepRc)));
            }
            dest->exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }  // closing the copy checkpoints it and removes its WAL
        if (auto verified = detail::verifyAndSync(copy, newKeys, pageSize, path); !verified) {
            return fail(verified.error());
        }
        std::error_code ec;
        // The old file's WAL is empty (checkpointed above) and nobody else uses it or its index.
        fs::remove(path.string() + "-wal", ec);
        fs::remove(path.string() + "-shm", ec);
        fs::rename(temp, path, ec);
        if (ec)
            return fail(ioError(path, "cannot rename the new copy into place: " + ec.message()));
        copy.keep();
        const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
        detail::syncPath(dir, true);
    } catch (const SQLite::Exception& e) {
        return fail(errorFrom(e, path));
    }
    return Ok{};
}

}  // namespace admit::replica
