#include "admit/replica/backup.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Exception.h>

#include <system_error>

#include "open_replica.hpp"
#include "temp_copy.hpp"

namespace admit::replica {

namespace fs = std::filesystem;

Status<ReplicaError> backupReplica(const fs::path& path, const ReplicaKey& key,
                                   const fs::path& out) {
    std::error_code ec;
    if (fs::exists(out, ec) || fs::exists(out.string() + "-wal", ec)) {
        return fail(ReplicaError{ReplicaErrorKind::AlreadyExists, out.string(),
                                 "refusing to overwrite " + out.string()});
    }
    const auto keys = detail::deriveKeys(key);
    auto opened = detail::openWithKeys(path, keys, OpenMode::kReadOnly, detail::kDefaultPageSize);
    if (!opened) return fail(opened.error());
    SQLite::Database& src = *opened;
    detail::TempCopy copy(out, "backup");
    int pageSize = detail::kDefaultPageSize;
    try {
        pageSize = src.execAndGet("PRAGMA page_size").getInt();
        auto dest = detail::openWithKeys(copy.path(), keys, OpenMode::kCreate, pageSize);
        if (!dest) return fail(dest.error());
        // One step copies every page under one read transaction of the source: in WAL mode
        // that is a snapshot, and writers in other connections are not held up by it.
        sqlite3_backup* backup =
            sqlite3_backup_init(dest->getHandle(), "main", src.getHandle(), "main");
        if (backup == nullptr) {
            return fail(detail::ioError(out, sqlite3_errmsg(dest->getHandle())));
        }
        const int stepRc = sqlite3_backup_step(backup, -1);
        const int finishRc = sqlite3_backup_finish(backup);
        if (stepRc != SQLITE_DONE || finishRc != SQLITE_OK) {
            const int rc = finishRc != SQLITE_OK ? finishRc : stepRc;
            if (rc == kReplicaDamagedCode || (rc & 0xff) == SQLITE_CORRUPT) {
                return fail(damagedError(path.string()));
            }
            return fail(detail::ioError(out, sqlite3_errstr(rc)));
        }
        dest->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const SQLite::Exception& e) {
        if (auto damage = replicaFailure(e, path.string())) return fail(*damage);
        return fail(detail::ioError(out, e.what()));
    }  // closing the copy removes its WAL
    if (auto verified = detail::verifyAndSync(copy, keys, pageSize, out); !verified) {
        return fail(verified.error());
    }
    return detail::moveIntoPlace(copy, out);
}

}  // namespace admit::replica
