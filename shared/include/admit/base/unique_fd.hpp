#pragma once
// Owns a POSIX file descriptor: closed when the owner goes, unless released (to close it and
// check the result, as a file that must be durable needs).

#include <unistd.h>

#include <utility>

namespace admit {

class UniqueFd {
  public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

}  // namespace admit
