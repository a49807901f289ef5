#include "admit/store/outbox.hpp"

#include <gtest/gtest.h>

#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::store {
namespace {

TEST(Outbox, KeepsOrderUntilMarkedSent) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    Outbox outbox(*db);
    outbox.enqueue("checkin", "c1", "{}", 10);
    outbox.enqueue("checkin", "c2", "{}", 11);
    outbox.enqueue("checkin", "c3", "{}", 12);
    EXPECT_EQ(outbox.pendingCount(), 3);
    auto first = outbox.pending(2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].recordId, "c1");
    EXPECT_EQ(first[1].recordId, "c2");
    outbox.markSentThrough(first[1].seq, 1000);
    auto rest = outbox.pending(10);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].recordId, "c3");
    EXPECT_EQ(outbox.pendingCount(), 1);
}

TEST(Outbox, SentCursorNeverMovesBack) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    Outbox outbox(*db);
    EXPECT_EQ(outbox.lastSentAtMs(), std::nullopt);
    for (int i = 0; i < 4; ++i) outbox.enqueue("checkin", "c" + std::to_string(i), "{}", 10 + i);
    auto all = outbox.pending(10);
    ASSERT_EQ(all.size(), 4u);
    outbox.markSentThrough(all[2].seq, 1000);
    // A late acknowledgement of an older batch must not make sent items pending again.
    outbox.markSentThrough(all[0].seq, 2000);
    EXPECT_EQ(outbox.pendingCount(), 1);
    EXPECT_EQ(outbox.pending(10).front().recordId, "c3");
    EXPECT_EQ(outbox.lastSentAtMs(), 2000);
}

// The server lost what it had acknowledged (restored from a backup): the entries after what it
// still holds become pending again; a figure above the cursor changes nothing.
TEST(Outbox, ResendAfterMovesTheCursorBackOnly) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    Outbox outbox(*db);
    EXPECT_EQ(outbox.sentThrough(), 0);
    for (int i = 0; i < 5; ++i) outbox.enqueue("checkin", "c" + std::to_string(i), "{}", 10 + i);
    auto all = outbox.pending(10);
    outbox.markSentThrough(all[3].seq, 1000);
    EXPECT_EQ(outbox.sentThrough(), all[3].seq);
    outbox.resendAfter(all[4].seq);  // more than the cursor: ignored
    EXPECT_EQ(outbox.sentThrough(), all[3].seq);
    outbox.resendAfter(all[1].seq);
    EXPECT_EQ(outbox.sentThrough(), all[1].seq);
    auto again = outbox.pending(10);
    ASSERT_EQ(again.size(), 3u);
    EXPECT_EQ(again[0].recordId, "c2");
    outbox.resendAfter(-5);  // nonsense from a server: at most everything again
    EXPECT_EQ(outbox.sentThrough(), 0);
    EXPECT_EQ(outbox.pendingCount(), 5);
}

TEST(Outbox, EntriesCannotBeDeleted) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    Outbox(*db).enqueue("checkin", "c1", "{}", 10);
    EXPECT_THROW(db->exec("DELETE FROM outbox"), SQLite::Exception);
    EXPECT_EQ(Outbox(*db).pendingCount(), 1);
}

TEST(Outbox, SurvivesReopen) {
    testing::TempDir dir;
    {
        auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        Outbox outbox(*db);
        outbox.enqueue("checkin", "c1", R"({"a":1})", 10);
        outbox.enqueue("checkin", "c2", R"({"b":2})", 11);
        outbox.markSentThrough(outbox.pending(1).front().seq, 1000);
    }
    // The next process resumes after the cursor, not from the start.
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok());
    auto items = Outbox(*db).pending(10);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].recordId, "c2");
    EXPECT_EQ(items[0].payload, R"({"b":2})");
    EXPECT_EQ(items[0].hlc, 11);
}

}  // namespace
}  // namespace admit::store
