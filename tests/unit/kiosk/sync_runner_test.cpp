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

}  // namespace
}  // namespace admit::kiosk::testing
