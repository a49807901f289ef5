#include "temp_copy.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>

#include "admit/base/bytes.hpp"
#include "open_replica.hpp"

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

Status<ReplicaError> verifyAndSync(const TempCopy& copy, std::shared_ptr<const KeyMaterial> keys,
                                   int pageSize, const fs::path& finalPath) {
    try {
        auto verify = openWithKeys(copy.path(), std::move(keys), OpenMode::kReadWrite, pageSize);
        if (!verify) return fail(verify.error());
        const std::string quick = verify->execAndGet("PRAGMA quick_check").getString();
        if (quick != "ok")
            return fail(ioError(finalPath, "the new copy failed quick_check: " + quick));
    } catch (const SQLite::Exception& e) {
        return fail(ioError(finalPath, e.what()));
    }
    if (!syncPath(copy.path(), false)) return fail(ioError(finalPath, std::strerror(errno)));
    return Ok{};
}

Status<ReplicaError> moveIntoPlace(TempCopy& copy, const fs::path& finalPath) {
    const fs::path& from = copy.path();
    int rc = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, finalPath.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
        // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
        rc = ::link(from.c_str(), finalPath.c_str());
        if (rc == 0) ::unlink(from.c_str());
    }
    if (rc != 0) {
        if (errno == EEXIST) {
            return fail(ReplicaError{ReplicaErrorKind::AlreadyExists, finalPath.string(),
                                     "refusing to overwrite " + finalPath.string()});
        }
        return fail(ioError(finalPath, std::string("cannot move the new copy into place: ") +
                                           std::strerror(errno)));
    }
    copy.keep();
    syncPath(finalPath.has_parent_path() ? finalPath.parent_path() : fs::path("."), true);
    return Ok{};
}

}  // namespace admit::replica::detail
