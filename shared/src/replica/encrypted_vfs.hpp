#pragma once
// The encrypting VFS shim over SQLite's default VFS. Internal to admit_replica.

#include <sqlite3.h>

#include <memory>
#include <string>

#include "page_cipher.hpp"

namespace admit::replica::detail {

inline constexpr const char* kVfsName = "admit-replica";

// Registers the VFS once per process (thread-safe). Throws if SQLite refuses.
void ensureVfsRegistered();

// The VFS this one wraps (SQLite's default, unix). Valid once ensureVfsRegistered returned.
sqlite3_vfs* underlyingVfs();

// While alive, the next main database file opened through the VFS on this thread is encrypted
// with `keys`. The key never travels through the file name or a URI parameter, so it cannot
// appear in SQLite's messages or logs.
class PendingKeyScope {
  public:
    explicit PendingKeyScope(std::shared_ptr<const KeyMaterial> keys);
    ~PendingKeyScope();
    PendingKeyScope(const PendingKeyScope&) = delete;
    PendingKeyScope& operator=(const PendingKeyScope&) = delete;
};

// The file whose page last failed authentication on this thread (empty if none).
const std::string& lastDamagedFile();
void clearLastDamagedFile();

}  // namespace admit::replica::detail
