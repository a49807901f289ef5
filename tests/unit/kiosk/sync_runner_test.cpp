// The real sync thread walks the phases of sync_phase.hpp: it waits for the replica, opens its
// own connection, closes it for a re-sync and ends when stopped.

#include "sync_runner.hpp"

#include <chrono>
#include <thread>

#include "fake_sync_backend.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

// Waits (at most ten seconds) until the runner is in `phase`.
bool reaches(const SyncRunner& runner, SyncPhase phase) {
    auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < giveUp) {
        if (runner.phase() == phase) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

TEST_F(KioskTest, SyncRunnerWalksItsPhases) {
    auto backend = std::make_shared<FakeSyncBackend>();
    auto session = std::make_shared<KioskSession>();
    auto runner = std::make_shared<SyncRunner>(
        backend, KioskDatabaseConfig{demo_.replica, demo_.keyFile},
        [] { return std::int64_t{1'790'000'000'000}; }, session);
    runner->start({});
    EXPECT_EQ(runner->phase(), SyncPhase::kWaitingForReplica);
    EXPECT_FALSE(runner->busy());

    runner->databaseReady();
    ASSERT_TRUE(reaches(*runner, SyncPhase::kIdle));
    EXPECT_FALSE(runner->busy()) << "not enrolled: no first round to wait for";

    ASSERT_TRUE(runner->suspend());
    EXPECT_EQ(runner->phase(), SyncPhase::kSuspended);
    runner->databaseReady();  // ignored while suspended: the file may be moving
    EXPECT_EQ(runner->phase(), SyncPhase::kSuspended);
    runner->resume();
    EXPECT_EQ(runner->phase(), SyncPhase::kWaitingForReplica);
    runner->databaseReady();
    ASSERT_TRUE(reaches(*runner, SyncPhase::kIdle));

    runner->stop(std::chrono::milliseconds(2000));
    EXPECT_EQ(runner->phase(), SyncPhase::kExited);
    EXPECT_FALSE(runner->suspend()) << "a stopped runner cannot be suspended";
}

// With rounds a minute apart, news from the waiting thread's wait brings a round at once, and
// the round offers the next wait; stop() ends a wait in progress.
TEST_F(KioskTest, SyncRunnerRunsARoundAtOnceWhenItsWaitBringsNews) {
    auto backend = std::make_shared<FakeSyncBackend>();
    backend->offersWaits = true;
    backend->state.serverUrl = "http://127.0.0.1:9";
    backend->state.hasDeviceToken = true;
    auto session = std::make_shared<KioskSession>();
    session->setEvent(EventSummary{"event-1", "Fest"});
    auto runner = std::make_shared<SyncRunner>(
        backend, KioskDatabaseConfig{demo_.replica, demo_.keyFile},
        [] { return std::int64_t{1'790'000'000'000}; }, session, std::chrono::seconds(60));
    runner->start({});
    runner->databaseReady();
    ASSERT_TRUE(backend->waitRoundsEnded(1, std::chrono::seconds(10)));  // the first, at once
    ASSERT_TRUE(backend->waitWaitsStarted(1, std::chrono::seconds(10)));
    for (int n = 2; n <= 3; ++n) {
        backend->sendNews();
        EXPECT_TRUE(backend->waitRoundsEnded(n, std::chrono::seconds(10)))
            << "news did not bring round " << n;
        EXPECT_TRUE(backend->waitWaitsStarted(n, std::chrono::seconds(10)))
            << "no wait after round " << n;
    }
    auto stopping = std::chrono::steady_clock::now();
    runner->stop(std::chrono::milliseconds(5000));
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
    EXPECT_EQ(runner->phase(), SyncPhase::kExited);
    std::lock_guard lock(backend->mutex);
    EXPECT_EQ(backend->roundsEnded, 3) << "a round without news or interval";
}

}  // namespace
}  // namespace admit::kiosk::testing
