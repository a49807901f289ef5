#include "admit/store/deferred_checkpoints.hpp"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include "store_fixture.hpp"

namespace admit::store {
namespace {

class DeferredCheckpointsTest : public testing::DatabaseFixture {
  protected:
    void SetUp() override {
        DatabaseFixture::SetUp();
        db->exec("CREATE TABLE blobs (b BLOB)");
    }
    // One commit of about 600 pages.
    void commitBigRow() { db->exec("INSERT INTO blobs VALUES (zeroblob(600 * 4096))"); }
    long walFramesOnDisk() {
        SQLite::Statement q(*db, "PRAGMA wal_checkpoint(PASSIVE)");
        q.executeStep();
        return q.getColumn(1).getInt();
    }
};

TEST_F(DeferredCheckpointsTest, CommitsNeverCheckpointByThemselves) {
    DeferredCheckpoints checkpoints(*db);
    commitBigRow();
    int afterOne = checkpoints.walPages();
    EXPECT_GT(afterOne, 500);
    EXPECT_FALSE(checkpoints.due());
    commitBigRow();
    commitBigRow();  // past 1000 pages: SQLite alone would have checkpointed and restarted
    // Two more commits of about 600 pages each on top (afterOne also holds the schema's pages,
    // written when the fixture migrated the database, so it is not doubled).
    EXPECT_GT(checkpoints.walPages(), afterOne + 2 * 500);
    EXPECT_TRUE(checkpoints.due());
}

TEST_F(DeferredCheckpointsTest, RunIfDueCheckpointsAndTheWalStartsOver) {
    DeferredCheckpoints checkpoints(*db);
    commitBigRow();
    commitBigRow();
    ASSERT_TRUE(checkpoints.due());
    ASSERT_TRUE(checkpoints.runIfDue().ok());
    EXPECT_EQ(checkpoints.walPages(), 0);
    EXPECT_FALSE(checkpoints.due());
    commitBigRow();
    EXPECT_LT(checkpoints.walPages(), 1000) << "the WAL restarted after the checkpoint";
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM blobs").getInt(), 3);
}

TEST_F(DeferredCheckpointsTest, NotDueDoesNothing) {
    DeferredCheckpoints checkpoints(*db, 100'000);
    commitBigRow();
    ASSERT_TRUE(checkpoints.runIfDue().ok());
    EXPECT_GT(checkpoints.walPages(), 500);
    EXPECT_GT(walFramesOnDisk(), 500);
}

TEST_F(DeferredCheckpointsTest, AutomaticCheckpointsReturnWhenItGoes) {
    { DeferredCheckpoints checkpoints(*db); }
    commitBigRow();
    commitBigRow();  // crosses 1000 pages: SQLite checkpoints inside this commit
    commitBigRow();  // so this one starts a fresh WAL
    EXPECT_LT(walFramesOnDisk(), 1000);
}

}  // namespace
}  // namespace admit::store
