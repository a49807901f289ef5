#include "lock_holders.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace admit::replica::detail {

std::vector<std::string> otherLockHolders(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    // /proc/locks names a file as MAJOR:MINOR:INODE, the device numbers in hex.
    char id[64];
    std::snprintf(id, sizeof id, "%02x:%02x:%llu", ::major(st.st_dev), ::minor(st.st_dev),
                  static_cast<unsigned long long>(st.st_ino));
    std::vector<long> pids;
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
        // "1: POSIX  ADVISORY  READ 812 fe:01:1234 1073741826 1073742335"
        std::istringstream fields(line);
        std::string number, type, mode, access, file;
        long pid = 0;
        if (!(fields >> number >> type >> mode >> access >> pid >> file)) continue;
        if (file != id || pid == static_cast<long>(::getpid())) continue;
        if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
    }
    std::vector<std::string> holders;
    for (long pid : pids) {
        std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
        std::string name;
        if (!std::getline(comm, name) || name.empty()) name = "a program";
        holders.push_back(name + " (pid " + std::to_string(pid) + ")");
    }
    return holders;
}

}  // namespace admit::replica::detail
