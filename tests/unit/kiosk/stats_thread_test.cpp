// The statistics thread (kiosk/core/src/stats_thread.cpp): the dashboard's figures and the
// search are read on a connection of their own, not on the worker that decides verdicts.

#include "stats_thread.hpp"

#include <atomic>
#include <thread>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

// Another connection holds the replica's write lock, so the worker waits (its busy timeout)
// to record a scan. The figures and a search still arrive meanwhile: they do not queue behind
// the verdict.
TEST_F(KioskTest, FiguresAndSearchArriveWhileTheWorkerWaitsToRecordAVerdict) {
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    auto other = openKioskDatabase({demo_.replica, demo_.keyFile});
    ASSERT_TRUE(other) << other.error().message;
    other->exec("BEGIN IMMEDIATE");
    std::uint64_t before = core_->state().verdictCount;
    core_->submitCode(demo_.event.tickets.at(1).text);
    core_->refreshStats();
    core_->search("amelia");
    until([before](const KioskState& s) {
        return s.stats && s.stats->checkedIn == 1 && !s.searchResults.empty() &&
               s.verdictCount == before;
    });
    EXPECT_TRUE(core_->state().searchResults.front().presence.inside);
    other->exec("ROLLBACK");
    auto seen = until([before](const KioskState& s) { return s.verdictCount > before; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_TRUE(seen.front().accepted());
}

// The dashboard's incremental figures equal the recompute from the whole log, read on another
// connection, after entries, an exit, a duplicate refusal and an undo.
TEST_F(KioskTest, DashboardFiguresEqualTheRecompute) {
    start(options());
    untilOpen();
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(scanCode(demo_.event.tickets.at(static_cast<std::size_t>(i)).text).accepted());
    }
    EXPECT_FALSE(scanCode(demo_.event.tickets.at(0).text).accepted());
    core_->setDirection(store::Direction::kExit);
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(1).text).accepted());
    core_->setDirection(store::Direction::kEntry);
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return s.screen == Screen::kDashboard && s.stats; });
    core_->undoLast();
    until([](const KioskState& s) { return s.stats && s.stats->exits == 0; });

    auto other = openKioskDatabase({demo_.replica, demo_.keyFile});
    ASSERT_TRUE(other) << other.error().message;
    store::HybridLogicalClock clock(*other);
    store::AttendanceStats recomputed = store::CheckInLog(*other, clock).stats(demo_.event.eventId);
    EXPECT_EQ(recomputed.checkedIn, 5);
    EXPECT_EQ(recomputed.insideNow, 5);
    EXPECT_EQ(*core_->state().stats, recomputed);
}

// A re-sync moves the replica aside: the thread's connection is closed first and none is opened
// until it resumes.
TEST(StatsThread, SuspendClosesTheConnectionUntilResumed) {
    admit::testing::TempDir dir;
    auto demo = provisionDemo(dir.path() / "demo", 1'790'000'000'000);
    ASSERT_TRUE(demo) << demo.error().message;
    StatsThread thread({demo->replica, demo->keyFile}, nullptr);
    thread.start();
    std::atomic<int> open{-1};
    auto probe = [&open](StatsHandles& h) { open = h.db.has_value() ? 1 : 0; };
    thread.runOnStatsThread(probe);
    while (!thread.idle()) std::this_thread::yield();
    EXPECT_EQ(open, 1);
    thread.suspend();
    open = -1;
    thread.runOnStatsThread(probe);
    while (!thread.idle()) std::this_thread::yield();
    EXPECT_EQ(open, -1) << "a job ran while suspended";
    thread.resume();
    thread.runOnStatsThread(probe);
    while (!thread.idle()) std::this_thread::yield();
    EXPECT_EQ(open, 1);
    thread.stop();
}

}  // namespace
}  // namespace admit::kiosk::testing
