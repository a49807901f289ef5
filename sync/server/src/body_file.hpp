#pragma once
// An answer's body kept in a file instead of memory (the whole roster of a large event,
// docs/sync.md): written once in pieces, then read in pieces by every connection that sends it. The
// file has no name (O_TMPFILE, or a name removed at once), so nothing is left behind by a crash,
// and it lives as long as this object.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "admit/base/result.hpp"
#include "admit/base/unique_fd.hpp"

namespace admit::sync {

class BodyFile {
  public:
    // A new empty file in `directory` (the database's: the same disk, not a RAM-backed /tmp).
    static Result<std::unique_ptr<BodyFile>> create(const std::string& directory);

    // Writing (one thread, before the file is shared): appends, through a 64 KiB buffer.
    Status<> append(std::string_view bytes);
    // Writes out what is buffered; the file is then complete and only read.
    Status<> finish();

    std::uint64_t size() const { return size_; }
    // Up to `capacity` bytes from `offset` into `out`; the count read (0 at the end), or an
    // error. Safe from any thread once finished.
    Result<std::size_t> readAt(std::uint64_t offset, char* out, std::size_t capacity) const;

  private:
    explicit BodyFile(int fd) : fd_(fd) {}
    Status<> flush();

    UniqueFd fd_;
    std::uint64_t size_ = 0;
    std::string buffer_;
};

}  // namespace admit::sync
