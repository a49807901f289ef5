#pragma once
// A new replica written under a temporary name next to its final one, removed (with its WAL
// and WAL index) unless it was moved into place. Used by rekeyReplica, salvageReplica and
// backupReplica. Internal to admit_replica.

#include <filesystem>
#include <memory>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"
#include "page_cipher.hpp"

namespace admit::replica::detail {

class TempCopy {
  public:
    // `finalPath` with ".<purpose>-<random hex>" appended.
    TempCopy(const std::filesystem::path& finalPath, const char* purpose);
    ~TempCopy();
    TempCopy(const TempCopy&) = delete;
    TempCopy& operator=(const TempCopy&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // The copy is in place: keep it, and remove what is left under the temporary name (the
    // empty WAL and WAL index of a copy that was closed).
    void keep();

  private:
    std::filesystem::path path_;
    bool keep_ = false;
};

// fsync of a file or a directory; false (errno set) on failure.
bool syncPath(const std::filesystem::path& path, bool directory);

// The finished copy (closed, so checkpointed) passes quick_check through the VFS and is synced
// to disk. Errors name `finalPath`, the file the user asked for.
Status<ReplicaError> verifyAndSync(const TempCopy& copy, std::shared_ptr<const KeyMaterial> keys,
                                   int pageSize, const std::filesystem::path& finalPath);

// Moves the verified copy to `finalPath` unless something appeared there meanwhile
// (AlreadyExists), then syncs the directory.
Status<ReplicaError> moveIntoPlace(TempCopy& copy, const std::filesystem::path& finalPath);

}  // namespace admit::replica::detail
