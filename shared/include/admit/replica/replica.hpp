#pragma once
// The encrypted replica: a SQLite database (Debian's system SQLite, through SQLiteCpp) whose
// database and WAL files are encrypted page by page with XChaCha20-Poly1305. Callers get an
// ordinary SQLite::Database; the encryption lives in a VFS registered as vfsName().
// Design: docs/replica.md.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/replica/damage_report.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"

namespace admit::replica {

enum class OpenMode {
    kCreate,     // open read-write, creating a new encrypted replica if the file does not exist
    kReadWrite,  // open an existing replica read-write
    kReadOnly,   // open an existing replica read-only
};

// Name of the encrypting VFS (registered on first use; thread-safe).
const char* vfsName();

// Opens (or creates) an encrypted replica. The connection is in WAL mode with
// synchronous=FULL, temp_store=MEMORY and memory-mapped I/O off. Rollback journals and temporary
// files are refused by the VFS, so nothing leaves the process unencrypted.
Result<SQLite::Database, ReplicaError> openReplica(const std::filesystem::path& path,
                                                   const ReplicaKey& key, OpenMode mode);

struct IntegrityReport {
    bool ok = false;
    // The damaged file first, then integrity_check lines, each page that failed, other damage.
    std::vector<std::string> problems;
    std::uint64_t pagesAuthenticated = 0;  // database pages whose tag was verified
    // When a page failed: which ones, and what each table still holds (empty when ok).
    DamageReport damage;
};

// Checkpoints, runs PRAGMA integrity_check through the VFS, and authenticates every page of
// the database file (including free pages, which integrity_check does not read). Damage is
// always a report, also when SQLite cannot open the file (page 1 or the schema damaged): the
// pages of the database file and the WAL are then read directly, without writing anything.
// A wrong key, a missing file or a file that is not a replica is an error. `expected` creates
// the tables the replica should have; with it, a table whose schema entry is damaged is still
// counted.
Result<IntegrityReport, ReplicaError> checkReplica(const std::filesystem::path& path,
                                                   const ReplicaKey& key,
                                                   const SchemaFactory& expected = {});

// Re-encrypts the replica under `newKey`: writes a complete new copy next to it, syncs it and
// renames it into place atomically. The replica must not be open elsewhere.
Status<ReplicaError> rekeyReplica(const std::filesystem::path& path, const ReplicaKey& oldKey,
                                  const ReplicaKey& newKey);

}  // namespace admit::replica
