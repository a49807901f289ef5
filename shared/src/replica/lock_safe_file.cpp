#include "lock_safe_file.hpp"

#include "encrypted_vfs.hpp"

namespace admit::replica::detail {

LockSafeFile::~LockSafeFile() {
    if (file_ != nullptr && file_->pMethods != nullptr) file_->pMethods->xClose(file_);
    sqlite3_free_filename(name_);
}

int LockSafeFile::open(const std::filesystem::path& path) {
    if (file_ != nullptr) return SQLITE_MISUSE;
    sqlite3_vfs* vfs = underlyingVfs();
    // The unix VFS finds the file's lock records by its full name, as SQLite itself opens it.
    std::vector<char> full(static_cast<std::size_t>(vfs->mxPathname) + 1);
    if (int rc = vfs->xFullPathname(vfs, path.c_str(), static_cast<int>(full.size()), full.data());
        rc != SQLITE_OK) {
        return rc;
    }
    // A database file name as SQLite hands it to a VFS (with its empty URI parameter list).
    name_ = sqlite3_create_filename(full.data(), "", "", 0, nullptr);
    if (name_ == nullptr) return SQLITE_NOMEM;
    const std::size_t slots =
        (static_cast<std::size_t>(vfs->szOsFile) + sizeof(std::max_align_t) - 1) /
        sizeof(std::max_align_t);
    storage_.assign(slots, std::max_align_t{});
    auto* file = reinterpret_cast<sqlite3_file*>(storage_.data());
    int outFlags = 0;
    const int rc =
        vfs->xOpen(vfs, name_, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &outFlags);
    if (rc != SQLITE_OK) {
        // A VFS may set pMethods even when it fails; then it wants xClose.
        if (file->pMethods != nullptr) file->pMethods->xClose(file);
        return rc;
    }
    file_ = file;
    return SQLITE_OK;
}

sqlite3_int64 LockSafeFile::size() {
    sqlite3_int64 bytes = 0;
    if (file_ == nullptr || file_->pMethods->xFileSize(file_, &bytes) != SQLITE_OK) return -1;
    return bytes;
}

int LockSafeFile::read(std::span<std::uint8_t> out, sqlite3_int64 offset) {
    if (file_ == nullptr) return SQLITE_MISUSE;
    return file_->pMethods->xRead(file_, out.data(), static_cast<int>(out.size()), offset);
}

}  // namespace admit::replica::detail
