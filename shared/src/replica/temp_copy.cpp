#include "temp_copy.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>

#include "admit/base/bytes.hpp"

namespace admit::replica::detail {

namespace fs = std::filesystem;

TempCopy::TempCopy(const fs::path& finalPath, const char* purpose) {
    std::uint8_t suffix[8];
    randombytes_buf(suffix, sizeof suffix);
    path_ = finalPath.string() + "." + purpose + "-" + toHex(ByteView(suffix, sizeof suffix));
}

TempCopy::~TempCopy() {
    std::error_code ec;
    if (!keep_) fs::remove(path_, ec);
    fs::remove(path_.string() + "-wal", ec);
    fs::remove(path_.string() + "-shm", ec);
}

void TempCopy::keep() { keep_ = true; }

bool syncPath(const fs::path& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace admit::replica::detail
