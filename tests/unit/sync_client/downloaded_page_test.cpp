// Storing downloaded pages: check-ins from other devices land in the replica with the cursor,
// idempotently, and an annulment that arrives before its target waits (across restarts) until
// the target is stored.

#include "downloaded_page.hpp"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

constexpr const char* kEvent = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
constexpr std::int64_t kNowMs = 1'780'315'200'000;

class DownloadedPage : public ::testing::Test {
  protected:
    void SetUp() override {
        reopen();
        store::Events(*db).create(
            {kEvent, "Test Fest", store::ReentryPolicy::kSingle, Bytes(32, 7), 0});
    }

    void reopen() {
        db.reset();
        auto opened = store::openPlainDatabase(dir.file("replica.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = std::make_unique<SQLite::Database>(std::move(*opened));
    }

    static CheckInRecord entry(const std::string& id, const std::string& ticket, int minute) {
        CheckInRecord r;
        r.checkIn = {id,
                     kEvent,
                     ticket,
                     std::nullopt,
                     "0190a1b2-0000-7000-8000-00000000000b",
                     "South",
                     store::Direction::kEntry,
                     (kNowMs + minute * 60'000) << 16,
                     kNowMs + minute * 60'000,
                     "vic"};
        return r;
    }

    static CheckInRecord annulmentOf(const CheckInRecord& target, const std::string& id) {
        CheckInRecord a = entry(id, target.checkIn.ticketRef, 30);
        a.annulment = true;
        a.annuls = target.checkIn.id;
        return a;
    }

    std::int64_t stored(const std::vector<CheckInRecord>& page, std::int64_t next) {
        return detail::storeDownloadedPage(*db, page, next, kNowMs);
    }

    std::vector<store::CheckIn> historyOf(const std::string& ticket) {
        store::HybridLogicalClock clock(*db);
        return store::CheckInLog(*db, clock).history(kEvent, ticket);
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
};

constexpr const char* kId1 = "0190a1b2-c3d4-7e5f-8a6b-000000000001";
constexpr const char* kId2 = "0190a1b2-c3d4-7e5f-8a6b-000000000002";
constexpr const char* kId3 = "0190a1b2-c3d4-7e5f-8a6b-000000000003";

TEST_F(DownloadedPage, StoresCheckInsWithTheCursorAndNothingInTheOutbox) {
    EXPECT_EQ(stored({entry(kId1, "t-1", 1), entry(kId2, "t-2", 2)}, 17), 2);
    EXPECT_EQ(readSyncState(*db).checkinsAfter, 17);
    EXPECT_EQ(historyOf("t-1").size(), 1u);
    EXPECT_EQ(historyOf("t-1")[0].gate, "South");
    EXPECT_EQ(store::Outbox(*db).pendingCount(), 0) << "other devices' records are not ours";
    // The clock moved past the received HLC, so this kiosk's next record sorts after it.
    store::HybridLogicalClock clock(*db);
    EXPECT_GT(clock.tick(kNowMs), entry(kId2, "t-2", 2).checkIn.hlc);
}

TEST_F(DownloadedPage, APageSeenTwiceStoresNothingNew) {
    EXPECT_EQ(stored({entry(kId1, "t-1", 1)}, 5), 1);
    EXPECT_EQ(stored({entry(kId1, "t-1", 1)}, 5), 0);
    EXPECT_EQ(historyOf("t-1").size(), 1u);
}

TEST_F(DownloadedPage, AnnulmentBeforeItsTargetWaitsAcrossRestartsThenApplies) {
    CheckInRecord target = entry(kId1, "t-1", 1);
    CheckInRecord undo = annulmentOf(target, kId2);
    EXPECT_EQ(stored({undo}, 10), 0);
    EXPECT_EQ(readSyncState(*db).checkinsAfter, 10) << "the cursor moves past the held record";
    ASSERT_EQ(detail::heldAnnulments(*db).size(), 1u);
    EXPECT_EQ(detail::heldAnnulments(*db)[0], undo);

    reopen();
    EXPECT_EQ(stored({entry(kId3, "t-3", 3)}, 11), 1);
    EXPECT_EQ(detail::heldAnnulments(*db).size(), 1u) << "still no target";

    EXPECT_EQ(stored({target}, 12), 2) << "the target and the held annulment";
    EXPECT_TRUE(detail::heldAnnulments(*db).empty());
    EXPECT_TRUE(historyOf("t-1").empty()) << "annulled";
    EXPECT_EQ(historyOf("t-3").size(), 1u);
}

TEST_F(DownloadedPage, AnnulmentAndTargetOnOnePageInEitherOrder) {
    CheckInRecord target = entry(kId1, "t-1", 1);
    EXPECT_EQ(stored({annulmentOf(target, kId2), target}, 2), 2);
    EXPECT_TRUE(detail::heldAnnulments(*db).empty());
    EXPECT_TRUE(historyOf("t-1").empty());
}

TEST_F(DownloadedPage, AHeldAnnulmentSentAgainIsHeldOnce) {
    CheckInRecord undo = annulmentOf(entry(kId1, "t-1", 1), kId2);
    stored({undo}, 1);
    stored({undo}, 1);
    EXPECT_EQ(detail::heldAnnulments(*db).size(), 1u);
}

}  // namespace
}  // namespace admit::sync
