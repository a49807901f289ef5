#pragma once
// Backup: a consistent copy of a replica (the organiser's database too) made while other
// connections and processes go on reading and writing it. The copy is encrypted under the same
// key, so it is never on the disk in plain. Design: docs/replica.md, "Backups".

#include <filesystem>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"

namespace admit::replica {

// Copies the replica at `path` into the new file `out`: every transaction committed before the
// copy began and none after (one read transaction over SQLite's online backup). The copy is
// checked (quick_check) and synced before it appears under its name; `out` must not exist
// (AlreadyExists). Writers wait at most for the copy's final step, never for the whole copy.
Status<ReplicaError> backupReplica(const std::filesystem::path& path, const ReplicaKey& key,
                                   const std::filesystem::path& out);

}  // namespace admit::replica
