#pragma once
// The pages of a replica as its database file and committed WAL frames hold them, read without
// SQLite and without writing anything: for checking and salvaging a damaged replica, which SQLite
// may not even open. Files are read through LockSafeFile, so this process's SQLite locks survive.
// Internal to admit_replica.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"
#include "lock_safe_file.hpp"
#include "page_cipher.hpp"

namespace admit::replica::detail {

// A page image that failed authentication (or is missing).
struct FailedImage {
    std::uint32_t pgno = 0;
    std::uint64_t walFrame = 0;  // 0: the database file; else the frame's number in the WAL (1-)
    bool superseded = false;     // a newer committed image of the page exists
    bool missing = false;        // neither file holds the page
};

class PageSource {
  public:
    // Reads page 1's readable header and, if `readWal`, the WAL next to the file, and
    // authenticates every page image in use. Errors: the replica is missing, not a replica, in
    // an older format, the key does not match (no page authenticates and the key check
    // differs), or the file cannot be read.
    static Result<std::unique_ptr<PageSource>, ReplicaError> open(
        const std::filesystem::path& path, std::shared_ptr<const KeyMaterial> keys, bool readWal);

    PageSource(const PageSource&) = delete;
    PageSource& operator=(const PageSource&) = delete;

    std::uint32_t pageSize() const { return pageSize_; }
    std::uint32_t usableSize() const { return pageSize_ - static_cast<std::uint32_t>(reserve_); }
    std::uint32_t pageCount() const { return static_cast<std::uint32_t>(images_.size()); }
    // The newest committed image of the page authenticated.
    bool authentic(std::uint32_t pgno) const;
    // Decrypts the newest committed image into `out`; false if it fails authentication.
    bool read(std::uint32_t pgno, std::vector<std::uint8_t>& out);

    // Every image that failed: database pages (also those a WAL frame supersedes) and
    // committed WAL frames.
    const std::vector<FailedImage>& failures() const { return failures_; }
    std::uint64_t databasePagesAuthenticated() const { return databasePagesAuthenticated_; }
    // Sentences about damage that is not a page: page 1's readable header, the WAL header.
    const std::vector<std::string>& notes() const { return notes_; }
    const std::string& databasePath() const { return databasePath_; }
    const std::string& walPath() const { return walPath_; }

  private:
    PageSource() = default;

    struct Image {
        bool inWal = false;
        bool authentic = false;
        bool present = false;     // false: past the end of the database file and not in the WAL
        std::uint64_t frame = 0;  // WAL: frame number (1-based)
        std::uint32_t commitField = 0;
    };

    // A frame of the last committed transaction or an earlier one.
    struct CommittedFrame {
        std::uint64_t frame = 0;  // 1-based
        std::uint32_t pgno = 0;   // as its header says
        bool authentic = false;
    };

    Status<ReplicaError> readHeader(const std::filesystem::path& path);
    void readWalFrames();
    void placeImages();
    bool decryptDatabasePageAt(std::uint32_t pgno, std::uint32_t pageSize,
                               std::vector<std::uint8_t>& page);
    bool decryptDatabasePage(std::uint32_t pgno, std::vector<std::uint8_t>& page) {
        return decryptDatabasePageAt(pgno, pageSize_, page);
    }
    // Reads frame `frame` (1-based) and decrypts its body into `page`; `header` gets the
    // frame header. False if it cannot be read or fails authentication.
    bool decryptFrame(std::uint64_t frame, std::vector<std::uint8_t>& page,
                      std::uint8_t (&header)[kWalFrameHeaderBytes]);

    std::shared_ptr<const KeyMaterial> keys_;
    LockSafeFile database_;
    LockSafeFile wal_;
    std::string databasePath_;
    std::string walPath_;
    Salt salt_{};
    std::uint32_t pageSize_ = 0;
    int reserve_ = kReserveBytes;
    sqlite3_int64 databaseBytes_ = 0;
    std::uint8_t walSalts_[8] = {};
    std::uint32_t walCommitPages_ = 0;  // database size after the last committed transaction
    std::vector<CommittedFrame> walFrames_;
    std::vector<Image> images_;  // index: page number - 1
    std::vector<FailedImage> failures_;
    std::uint64_t databasePagesAuthenticated_ = 0;
    std::vector<std::string> notes_;
};

}  // namespace admit::replica::detail
