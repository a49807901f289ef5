#include "admit/store/hybrid_logical_clock.hpp"

#include <gtest/gtest.h>

#include "admit/store/audit_log.hpp"
#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::store {
namespace {

TEST(HybridLogicalClock, FollowsWallTimeAndNeverGoesBackwards) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    HybridLogicalClock clock(*db);
    HlcTime a = clock.tick(10'000);
    EXPECT_EQ(hlcMillis(a), 10'000);
    HlcTime b = clock.tick(10'000);  // same millisecond: counter moves
    EXPECT_GT(b, a);
    HlcTime c = clock.tick(5'000);  // wall clock stepped back
    EXPECT_GT(c, b);
    EXPECT_EQ(hlcMillis(c), 10'000);
}

TEST(HybridLogicalClock, SurvivesRestartEvenWhenTheWallClockIsBehind) {
    testing::TempDir dir;
    HlcTime before = 0;
    {
        auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        HybridLogicalClock clock(*db);
        AuditLog log(*db);
        log.append({"", "test", "a", "{}"}, clock.tick(50'000), 50'000);
        before = clock.tick(50'000);
        log.append({"", "test", "b", "{}"}, before, 50'000);
    }
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok());
    HybridLogicalClock clock(*db);
    EXPECT_EQ(clock.last(), before);
    EXPECT_GT(clock.tick(1'000), before);
}

TEST(HybridLogicalClock, ReceiveMovesPastARemoteClock) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    HybridLogicalClock clock(*db);
    HlcTime remote = (HlcTime{90'000} << 16) + 7;
    HlcTime merged = clock.receive(remote, 10'000);
    EXPECT_GT(merged, remote);
    EXPECT_GT(clock.tick(10'000), merged);
}

TEST(HybridLogicalClock, AReceivedValueSurvivesRestart) {
    testing::TempDir dir;
    HlcTime remote = (HlcTime{90'000} << 16) + 7;
    {
        auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        HybridLogicalClock(*db).receive(remote, 10'000);
    }
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok());
    EXPECT_GT(HybridLogicalClock(*db).tick(10'000), remote);
}

// A device whose clock runs far ahead (a kiosk set to next year) must not drag every clock it
// syncs with: a value more than kMaxMergedLeadMs ahead of this wall clock is not merged.
TEST(HybridLogicalClock, AValueFarAheadOfTheWallClockIsNotMerged) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    HybridLogicalClock clock(*db);
    const std::int64_t wall = 1'800'000'000'000;
    HlcTime nextYear = HlcTime{wall + 365LL * 24 * 3'600'000} << 16;
    HlcTime merged = clock.receive(nextYear, wall);
    EXPECT_LT(hlcMillis(merged), wall + 1'000);
    EXPECT_LT(hlcMillis(clock.tick(wall)), wall + 1'000);

    HlcTime justAhead = HlcTime{wall + kMaxMergedLeadMs} << 16;
    EXPECT_GT(clock.receive(justAhead, wall), justAhead);
}

}  // namespace
}  // namespace admit::store
