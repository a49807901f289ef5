#include "admit/base/liveness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace admit {
namespace {

using namespace std::chrono_literals;

// A steady clock the test moves by hand.
struct FakeClock {
    std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
    SteadyNow now() const {
        return [ms = ms] {
            return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms->load()));
        };
    }
    void advance(std::chrono::milliseconds by) { *ms += by.count(); }
};

TEST(Liveness, AThreadJustWatchedCountsAsAlive) {
    FakeClock clock;
    LivenessMonitor monitor(clock.now());
    auto ui = monitor.watch("UI loop", 10s);
    EXPECT_TRUE(monitor.stalled().empty());
    clock.advance(10s);  // at the limit, not past it
    EXPECT_TRUE(monitor.stalled().empty());
}

TEST(Liveness, AThreadThatStopsBeatingIsStalledOnceItsLimitPasses) {
    FakeClock clock;
    LivenessMonitor monitor(clock.now());
    auto ui = monitor.watch("UI loop", 10s);
    auto capture = monitor.watch("capture thread", 20s);
    for (int i = 0; i < 30; ++i) {  // 30 s: the UI loop beats every second, the camera hangs
        clock.advance(1s);
        ui->beat();
    }
    auto stalls = monitor.stalled();
    ASSERT_EQ(stalls.size(), 1U);
    EXPECT_EQ(stalls[0].name, "capture thread");
    EXPECT_EQ(stalls[0].silentFor, 30s);
    EXPECT_EQ(stalls[0].limit, 20s);
    EXPECT_EQ(describeStalls(stalls), "capture thread silent for 30 s (limit 20 s)");

    capture->beat();  // the camera came back
    EXPECT_TRUE(monitor.stalled().empty());
}

TEST(Liveness, EachThreadHasItsOwnLimit) {
    FakeClock clock;
    LivenessMonitor monitor(clock.now());
    auto ui = monitor.watch("UI loop", 10s);
    auto worker = monitor.watch("database worker", 20s);
    clock.advance(15s);
    auto stalls = monitor.stalled();
    ASSERT_EQ(stalls.size(), 1U);
    EXPECT_EQ(stalls[0].name, "UI loop");
    clock.advance(6s);
    stalls = monitor.stalled();
    ASSERT_EQ(stalls.size(), 2U);  // in the order they were watched
    EXPECT_EQ(stalls[0].name, "UI loop");
    EXPECT_EQ(stalls[1].name, "database worker");
    EXPECT_EQ(describeStalls(stalls),
              "UI loop silent for 21 s (limit 10 s), database worker silent for 21 s (limit 20 s)");
}

TEST(Liveness, ARestingThreadIsNotStalledUntilItBeatsAgain) {
    FakeClock clock;
    LivenessMonitor monitor(clock.now());
    auto capture = monitor.watch("capture thread", 2s);
    capture->rest();  // its video file ended
    clock.advance(1h);
    EXPECT_TRUE(monitor.stalled().empty());
    capture->beat();  // a new file: watched again from now
    EXPECT_TRUE(monitor.stalled().empty());
    clock.advance(3s);
    ASSERT_EQ(monitor.stalled().size(), 1U);
}

TEST(Liveness, AHeartbeatItsOwnerDroppedIsForgotten) {
    FakeClock clock;
    LivenessMonitor monitor(clock.now());
    auto first = monitor.watch("capture thread", 2s);
    auto second = monitor.watch("QR reader", 2s);
    EXPECT_EQ(monitor.watched(), (std::vector<std::string>{"capture thread", "QR reader"}));
    first.reset();  // the pipeline was replaced: another camera
    clock.advance(5s);
    auto stalls = monitor.stalled();
    ASSERT_EQ(stalls.size(), 1U);
    EXPECT_EQ(stalls[0].name, "QR reader");
    EXPECT_EQ(monitor.watched(), std::vector<std::string>{"QR reader"});
}

TEST(Liveness, BeatsFromManyThreadsWhileTheMonitorReads) {
    LivenessMonitor monitor;  // the real clock
    std::vector<std::shared_ptr<Heartbeat>> beats;
    for (int i = 0; i < 4; ++i) beats.push_back(monitor.watch("thread " + std::to_string(i), 5s));
    std::atomic<bool> stop{false};
    std::vector<std::jthread> threads;
    for (auto& beat : beats) {
        threads.emplace_back([&stop, beat] {
            while (!stop) beat->beat();
        });
    }
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(monitor.stalled().empty());
    stop = true;
}

}  // namespace
}  // namespace admit
