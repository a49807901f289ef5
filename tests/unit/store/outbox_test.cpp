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

TEST(Outbox, SurvivesReopen) {
    testing::TempDir dir;
    {
        auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        Outbox(*db).enqueue("checkin", "c1", R"({"a":1})", 10);
    }
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok());
    auto items = Outbox(*db).pending(10);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].payload, R"({"a":1})");
    EXPECT_EQ(items[0].hlc, 10);
}

}  // namespace
}  // namespace admit::store
