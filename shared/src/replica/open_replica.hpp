#pragma once
// Opening a replica with keys already derived, shared by openReplica, checkReplica,
// rekeyReplica and salvageReplica. Internal to admit_replica.

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <string>

#include "admit/base/result.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_error.hpp"
#include "page_cipher.hpp"

namespace admit::replica::detail {

inline constexpr int kDefaultPageSize = 4096;

std::shared_ptr<const KeyMaterial> deriveKeys(const ReplicaKey& key);

// openReplica with derived keys; a new file gets `pageSizeIfNew`.
Result<SQLite::Database, ReplicaError> openWithKeys(const std::filesystem::path& path,
                                                    std::shared_ptr<const KeyMaterial> keys,
                                                    OpenMode mode, int pageSizeIfNew);

ReplicaError ioError(const std::filesystem::path& file, const std::string& what);

// InUse: "replica F is open in admit-kiosk (pid 812): it can be <what> only when nothing else
// has it open" (the holders from /proc/locks; "another connection of this program" if none).
ReplicaError inUseError(const std::filesystem::path& file, const std::string& what);

}  // namespace admit::replica::detail
