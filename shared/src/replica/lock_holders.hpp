#pragma once
// Which other processes hold POSIX locks on a file, for messages such as "the replica is open
// in admit-kiosk (pid 812)". Internal to admit_replica; Linux only (/proc/locks).

#include <filesystem>
#include <string>
#include <vector>

namespace admit::replica::detail {

// "name (pid N)" for every other process holding a lock on `path`; empty if none is found
// or /proc cannot be read. Reads /proc, never opens `path`.
std::vector<std::string> otherLockHolders(const std::filesystem::path& path);

}  // namespace admit::replica::detail
