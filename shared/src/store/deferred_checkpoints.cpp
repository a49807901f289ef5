#include "admit/store/deferred_checkpoints.hpp"

#include <string>

#include <sqlite3.h>

namespace admit::store {

DeferredCheckpoints::DeferredCheckpoints(SQLite::Database& db, int duePages)
    : db_(db), duePages_(duePages) {
    // Installing a WAL hook replaces SQLite's automatic checkpointer, which is itself one.
    sqlite3_wal_hook(db_.getHandle(), &DeferredCheckpoints::onCommit, this);
}

DeferredCheckpoints::~DeferredCheckpoints() {
    sqlite3_wal_autocheckpoint(db_.getHandle(), kDefaultDuePages);
}

int DeferredCheckpoints::onCommit(void* self, sqlite3*, const char*, int walPages) {
    static_cast<DeferredCheckpoints*>(self)->walPages_ = walPages;
    return SQLITE_OK;
}

Status<> DeferredCheckpoints::runIfDue() {
    if (!due()) return Ok{};
    int logPages = 0;
    int copiedPages = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &logPages, &copiedPages);
    if (rc != SQLITE_OK) {
        return fail("checkpoint of " + db_.getFilename() + " failed: " + sqlite3_errstr(rc));
    }
    // Pages a reader still needs stay in the WAL; they are copied on a later run.
    walPages_ = logPages - copiedPages;
    return Ok{};
}

}  // namespace admit::store
