#include "body_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace admit::sync {
namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<BodyFile>> BodyFile::create(const std::string& directory) {
    const std::string dir = directory.empty() ? "." : directory;
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        // A file system without O_TMPFILE: a named file (mkostemp fills in the X's), its name
        // removed at once.
        std::string name = dir + "/.admit-body-XXXXXX";
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd < 0) return fail(systemError("could not create a file in " + dir));
        ::unlink(name.c_str());
    }
    return std::unique_ptr<BodyFile>(new BodyFile(fd));
}

Status<> BodyFile::append(std::string_view bytes) {
    buffer_.append(bytes);
    size_ += bytes.size();
    if (buffer_.size() >= kBufferBytes) return flush();
    return Ok{};
}

Status<> BodyFile::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t n = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(systemError("could not write an answer's file"));
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
    return Ok{};
}

Status<> BodyFile::finish() {
    auto flushed = flush();
    buffer_.shrink_to_fit();
    return flushed;
}

Result<std::size_t> BodyFile::readAt(std::uint64_t offset, char* out, std::size_t capacity) const {
    for (;;) {
        ssize_t n = ::pread(fd_.get(), out, capacity, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(systemError("could not read an answer's file"));
        return static_cast<std::size_t>(n);
    }
}

}  // namespace admit::sync
