#include "admit/replica/replica_key.hpp"
#include "admit/base/unique_fd.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "admit/base/sodium.hpp"

namespace admit::replica {

namespace {

std::uint8_t* allocateSecret() {
    ensureSodium();
    auto* bytes = static_cast<std::uint8_t*>(sodium_malloc(ReplicaKey::kSize));
    if (bytes == nullptr) throw std::bad_alloc();
    return bytes;
}

ReplicaError keyError(ReplicaErrorKind kind, const std::filesystem::path& path,
                      const std::string& what) {
    return ReplicaError{kind, path.string(), "key file " + path.string() + ": " + what};
}

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace

ReplicaKey ReplicaKey::generate() {
    std::uint8_t* bytes = allocateSecret();
    randombytes_buf(bytes, kSize);
    return ReplicaKey(bytes);
}

Result<ReplicaKey, ReplicaError> ReplicaKey::fromBytes(ByteView bytes) {
    if (bytes.size() != kSize) {
        return fail(ReplicaError{
            ReplicaErrorKind::BadKeyFile, "",
            "a replica key must be exactly 32 bytes, got " + std::to_string(bytes.size())});
    }
    std::uint8_t* copy = allocateSecret();
    std::memcpy(copy, bytes.data(), kSize);
    return ReplicaKey(copy);
}

ReplicaKey::ReplicaKey(ReplicaKey&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)) {}

ReplicaKey& ReplicaKey::operator=(ReplicaKey&& other) noexcept {
    if (this != &other) {
        sodium_free(bytes_);
        bytes_ = std::exchange(other.bytes_, nullptr);
    }
    return *this;
}

ReplicaKey::~ReplicaKey() { sodium_free(bytes_); }  // zeroes; accepts nullptr

ByteView ReplicaKey::secretBytes() const {
    assert(bytes_ != nullptr && "use of a moved-from ReplicaKey");
    return {bytes_, kSize};
}

bool ReplicaKey::sameAs(const ReplicaKey& other) const {
    return sodium_memcmp(secretBytes().data(), other.secretBytes().data(), kSize) == 0;
}

Result<ReplicaKey, ReplicaError> loadKeyFile(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        const int err = errno;
        return fail(keyError(err == ENOENT ? ReplicaErrorKind::NotFound : ReplicaErrorKind::Io,
                             path, std::strerror(err)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return fail(keyError(ReplicaErrorKind::Io, path, std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(keyError(ReplicaErrorKind::BadKeyFile, path, "not a regular file"));
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return fail(keyError(ReplicaErrorKind::BadKeyFile, path,
                             "group or others can access it (mode " + modeText(st.st_mode) +
                                 "); it must be 0600 or stricter (chmod 600)"));
    }
    if (st.st_size != static_cast<off_t>(ReplicaKey::kSize)) {
        return fail(keyError(ReplicaErrorKind::BadKeyFile, path,
                             "must hold exactly 32 bytes, it holds " + std::to_string(st.st_size)));
    }
    // Read into guarded memory (zeroed when freed) so no plain copy is left on the heap.
    std::unique_ptr<std::uint8_t, decltype(&sodium_free)> buffer(allocateSecret(), sodium_free);
    std::size_t done = 0;
    while (done < ReplicaKey::kSize) {
        const ssize_t n = ::read(fd.get(), buffer.get() + done, ReplicaKey::kSize - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            return fail(keyError(ReplicaErrorKind::Io, path,
                                 n == 0 ? "shorter than 32 bytes" : std::strerror(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    return ReplicaKey::fromBytes(ByteView(buffer.get(), ReplicaKey::kSize));
}

Result<ReplicaKey, ReplicaError> loadKeyFromCredential(std::string_view name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) {
        return fail(ReplicaError{ReplicaErrorKind::BadKeyFile, std::string(name),
                                 "invalid credential name \"" + std::string(name) + "\""});
    }
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') {
        return fail(ReplicaError{ReplicaErrorKind::NotFound, std::string(name),
                                 "credential " + std::string(name) +
                                     ": CREDENTIALS_DIRECTORY is not set (the service has no "
                                     "LoadCredential= for it)"});
    }
    return loadKeyFile(std::filesystem::path(dir) / std::string(name));
}

Status<ReplicaError> writeKeyFile(const std::filesystem::path& path, const ReplicaKey& key) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
        const int err = errno;
        return fail(keyError(
            err == EEXIST ? ReplicaErrorKind::AlreadyExists : ReplicaErrorKind::Io, path,
            err == EEXIST ? "already exists; refusing to overwrite a key" : std::strerror(err)));
    }
    const ByteView bytes = key.secretBytes();
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string what = std::strerror(errno);
            ::unlink(path.c_str());
            return fail(keyError(ReplicaErrorKind::Io, path, what));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
        const std::string what = std::strerror(errno);
        ::unlink(path.c_str());
        return fail(keyError(ReplicaErrorKind::Io, path, what));
    }
    // Make the new directory entry durable too.
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    UniqueFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.get() >= 0) ::fsync(dirFd.get());
    return Ok{};
}

}  // namespace admit::replica
