#pragma once
// Helpers shared by the replica tests: raw file access (and the shared TempDir).

#include <sodium.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "admit/base/bytes.hpp"
#include "admit/replica/replica.hpp"
#include "temp_dir.hpp"

namespace admit::replica::testing {

using ::admit::testing::TempDir;

inline std::vector<std::uint8_t> readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeAll(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

inline bool containsText(const std::vector<std::uint8_t>& haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }) !=
           haystack.end();
}

inline void flipByte(const std::filesystem::path& path, std::size_t offset,
                     std::uint8_t mask = 0x01) {
    std::vector<std::uint8_t> bytes = readAll(path);
    bytes.at(offset) = static_cast<std::uint8_t>(bytes.at(offset) ^ mask);
    writeAll(path, bytes);
}

inline void copyFile(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// Another process that opens a replica, runs `whileOpen`, and keeps it open until release()
// (or destruction); then runs `afterRelease` on the same connection and exits.
class OtherProcessHolding {
  public:
    using Work = std::function<void(SQLite::Database&)>;

    OtherProcessHolding(const std::filesystem::path& path, const ReplicaKey& key,
                        const Work& whileOpen = {}, const Work& afterRelease = {}) {
        int ready[2];
        int release[2];
        if (::pipe(ready) != 0 || ::pipe(release) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(ready[0]);
            ::close(release[1]);
            try {
                auto db = openReplica(path, key, OpenMode::kReadWrite);
                if (!db.ok()) ::_exit(3);
                if (whileOpen) whileOpen(*db);
                const char byte = 'r';
                if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
                char ignored = 0;
                if (::read(release[0], &ignored, 1) < 0) ::_exit(5);  // 0: released
                if (afterRelease) afterRelease(*db);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "holding process: %s\n", e.what());
                ::_exit(6);
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(release[0]);
        releaseFd_ = release[1];
        char byte = 0;
        ready_ = pid_ > 0 && ::read(ready[0], &byte, 1) == 1;
        ::close(ready[0]);
    }
    ~OtherProcessHolding() { release(); }
    OtherProcessHolding(const OtherProcessHolding&) = delete;
    OtherProcessHolding& operator=(const OtherProcessHolding&) = delete;

    // The replica is open in the other process.
    bool ready() const { return ready_; }
    pid_t pid() const { return pid_; }
    // Lets it go on and waits for it: true if it exited normally with everything done.
    bool release() {
        if (releaseFd_ >= 0) {
            ::close(releaseFd_);
            releaseFd_ = -1;
            if (pid_ > 0) ::waitpid(pid_, &status_, 0);
        }
        return WIFEXITED(status_) && WEXITSTATUS(status_) == 0;
    }

  private:
    pid_t pid_ = -1;
    int releaseFd_ = -1;
    bool ready_ = false;
    int status_ = -1;
};

}  // namespace admit::replica::testing
