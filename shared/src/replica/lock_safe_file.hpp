#pragma once
// Reads a replica's database file without touching this process's locks on it. Internal to
// admit_replica.
//
// Closing any descriptor of a file drops every POSIX lock the process holds on that file,
// the locks of its open SQLite connections included ("How To Corrupt An SQLite Database
// File", 2.2). Another process then takes those connections for gone: the last one to close
// checkpoints and deletes the WAL and the shared WAL index under them, and their next commits
// go to a WAL nobody else reads (issue 11: a kiosk's replica damaged by `admit checkin`). So the
// replica code never opens the file with open(2) or a stream; it goes through SQLite's own
// unix VFS, which keeps a descriptor open until the process's last lock on the file is gone.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace admit::replica::detail {

class LockSafeFile {
  public:
    LockSafeFile() = default;
    ~LockSafeFile();
    LockSafeFile(const LockSafeFile&) = delete;
    LockSafeFile& operator=(const LockSafeFile&) = delete;

    // Opens `path` read-only; an SQLite result code.
    int open(const std::filesystem::path& path);
    // The file's size in bytes, or -1.
    sqlite3_int64 size();
    // Reads `out.size()` bytes at `offset`: SQLITE_OK, SQLITE_IOERR_SHORT_READ past the end
    // (the rest zeroed), or another SQLite error.
    int read(std::span<std::uint8_t> out, sqlite3_int64 offset);

  private:
    sqlite3_file* file_ = nullptr;  // in storage_, once open
    std::vector<std::max_align_t> storage_;
    sqlite3_filename name_ = nullptr;  // the VFS keeps a pointer to it while the file is open
};

}  // namespace admit::replica::detail
