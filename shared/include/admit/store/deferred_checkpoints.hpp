#pragma once

// Moves WAL checkpoints out of the commits a person waits for. By default SQLite checkpoints
// inside the commit that takes the WAL past 1000 pages, so that one scan also waits for the
// pages to be copied into the database and the database to be fsynced. While this object
// lives, its connection never checkpoints by itself; the owner calls runIfDue() when nobody
// is waiting (the kiosk's worker does after a verdict, when no other job is queued).

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::store {

class DeferredCheckpoints {
  public:
    static constexpr int kDefaultDuePages = 1000;  // SQLite's own automatic threshold

    explicit DeferredCheckpoints(SQLite::Database& db, int duePages = kDefaultDuePages);
    ~DeferredCheckpoints();  // automatic checkpoints again
    DeferredCheckpoints(const DeferredCheckpoints&) = delete;
    DeferredCheckpoints& operator=(const DeferredCheckpoints&) = delete;

    // Pages in the WAL after this connection's last commit (or checkpoint).
    int walPages() const { return walPages_; }
    bool due() const { return walPages_ >= duePages_; }
    // A passive checkpoint (it never waits for readers) when due. A failure is a value: the
    // data stays safe in the WAL and the next call tries again.
    Status<> runIfDue();

  private:
    static int onCommit(void* self, sqlite3* db, const char* schema, int walPages);

    SQLite::Database& db_;
    int duePages_;
    int walPages_ = 0;
};

}  // namespace admit::store
