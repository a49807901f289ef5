// The kiosk's systemd watchdog: WATCHDOG=1 only while the database worker, the capture thread
// and the QR reader (and the app's UI loop) make progress. The threads are the real ones of
// KioskCore; only the clock the monitor reads is the test's, so that "20 s of silence" takes
// no 20 s.

#include <gmock/gmock.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "admit/kiosk/service_watchdog.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

using namespace std::chrono_literals;
using service::WatchdogPinger;
using ::testing::HasSubstr;

struct FakeSteadyClock {
    std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
    SteadyNow now() const {
        return [ms = ms] {
            return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms->load()));
        };
    }
    void advance(std::chrono::milliseconds by) { *ms += by.count(); }
};

// What the pinger sent, as systemd would have received it.
struct Sent {
    std::mutex mutex;
    std::vector<std::string> states;

    service::Notify notify() {
        return [this](const std::string& state) {
            std::lock_guard lock(mutex);
            states.push_back(state);
            return true;
        };
    }
    int pings() {
        std::lock_guard lock(mutex);
        return static_cast<int>(std::count(states.begin(), states.end(), "WATCHDOG=1"));
    }
    std::string lastStatus() {
        std::lock_guard lock(mutex);
        for (auto it = states.rbegin(); it != states.rend(); ++it) {
            if (it->rfind("STATUS=", 0) == 0) return *it;
        }
        return {};
    }
};

// Closed, a thread that passes it waits there until it opens (a call that never returns).
class Gate {
  public:
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    void open() {
        {
            std::lock_guard lock(mutex_);
            closed_ = false;
        }
        changed_.notify_all();
    }
    void pass() {
        std::unique_lock lock(mutex_);
        if (!closed_) return;
        ++waiting_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return !closed_; });
        --waiting_;
    }
    bool someoneWaits(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [this] { return waiting_ > 0; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool closed_ = false;
    int waiting_ = 0;
};

// A camera that delivers `frames` empty frames, then hangs in read() until its gate opens (a
// wedged USB camera), then ends.
class HangingCamera : public scan::FrameSource {
  public:
    HangingCamera(int frames, std::shared_ptr<Gate> gate)
        : frames_(frames), gate_(std::move(gate)) {
        gate_->close();
    }
    Status<> open() override { return Ok{}; }
    Result<cv::Mat, scan::SourceError> read() override {
        if (delivered_ < frames_) {
            ++delivered_;
            return cv::Mat(cv::Size(320, 240), CV_8UC3, cv::Scalar(40, 40, 40));
        }
        gate_->pass();
        return fail(scan::SourceError{scan::SourceError::Kind::EndOfStream, "released"});
    }
    void close() override {}
    std::chrono::nanoseconds frameInterval() const override { return 10ms; }
    std::string describe() const override { return "hanging camera"; }

  private:
    int frames_;
    int delivered_ = 0;
    std::shared_ptr<Gate> gate_;
};

// Polls `done` for up to `timeout` of real time.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
    auto giveUp = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < giveUp) {
        if (done()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return done();
}

std::vector<std::string> names(const std::vector<Stall>& stalls) {
    std::vector<std::string> out;
    for (const auto& s : stalls) out.push_back(s.name);
    return out;
}

class WatchdogTest : public KioskTest {
  protected:
    void TearDown() override {
        gate_->open();  // nothing may stay blocked while the core stops
        KioskTest::TearDown();
    }

    FakeSteadyClock steady_;
    std::shared_ptr<LivenessMonitor> monitor_ = std::make_shared<LivenessMonitor>(steady_.now());
    std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
    Sent sent_;
};

TEST_F(WatchdogTest, AStuckDatabaseJobStopsThePingsUntilItFinishes) {
    auto o = options();
    o.liveness = monitor_;
    // The worker reads the wall clock in every job: a closed gate there is a job that hangs.
    auto gate = gate_;
    auto wall = o.clock;
    o.clock = [gate, wall] {
        gate->pass();
        return wall();
    };
    start(std::move(o));
    until([](const KioskState& s) { return s.ready; });
    EXPECT_EQ(monitor_->watched(), std::vector<std::string>{"database worker"});  // no camera

    WatchdogPinger pinger(monitor_, sent_.notify(), 1h);  // ticked by hand
    EXPECT_TRUE(pinger.tick());
    // Idle for 21 s: the worker wakes every second to beat, so it is not stalled.
    steady_.advance(21s);
    EXPECT_TRUE(eventually([&] { return monitor_->stalled().empty(); }));
    EXPECT_TRUE(pinger.tick());

    gate_->close();
    core_->submitCode(demo_.event.tickets.at(0).text);
    ASSERT_TRUE(gate_->someoneWaits(10s));
    steady_.advance(21s);
    std::this_thread::sleep_for(1500ms);  // an idle worker would have beaten by now
    auto stalls = monitor_->stalled();
    EXPECT_EQ(names(stalls), std::vector<std::string>{"database worker"});
    EXPECT_FALSE(pinger.tick());
    EXPECT_FALSE(pinger.tick());
    EXPECT_EQ(sent_.pings(), 2);
    EXPECT_THAT(sent_.lastStatus(),
                HasSubstr("STATUS=Not responding: database worker silent for 2"));

    gate_->open();  // the job finishes: the ticket is decided, the worker beats again
    auto seen = until([](const KioskState& s) { return s.verdictCount > 0; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].code, "accepted");
    EXPECT_TRUE(eventually([&] { return monitor_->stalled().empty(); }));
    EXPECT_TRUE(pinger.tick());
    EXPECT_EQ(sent_.pings(), 3);
    EXPECT_EQ(sent_.lastStatus(), "STATUS=Running");
}

TEST_F(WatchdogTest, AHungCameraStopsThePingsWhileTheOtherThreadsCarryOn) {
    auto o = options();
    o.liveness = monitor_;
    start(std::move(o), std::make_unique<HangingCamera>(3, gate_));
    until([](const KioskState& s) { return s.ready; });
    EXPECT_EQ(monitor_->watched(),
              (std::vector<std::string>{"capture thread", "QR reader", "database worker"}));
    ASSERT_TRUE(gate_->someoneWaits(10s));  // three frames, then read() hangs

    WatchdogPinger pinger(monitor_, sent_.notify(), 1h);
    EXPECT_TRUE(pinger.tick());
    steady_.advance(21s);
    // The worker and the QR reader beat again within a second; the capture thread cannot.
    EXPECT_TRUE(eventually(
        [&] { return names(monitor_->stalled()) == std::vector<std::string>{"capture thread"}; }));
    EXPECT_FALSE(pinger.tick());
    EXPECT_EQ(sent_.pings(), 1);
    EXPECT_THAT(sent_.lastStatus(), HasSubstr("capture thread silent for 2"));

    gate_->open();  // read() returns: this source has ended, so its thread rests
    until([this](const KioskState&) { return core_->finished(); });
    EXPECT_TRUE(eventually([&] { return monitor_->stalled().empty(); }));
    EXPECT_TRUE(pinger.tick());
}

TEST_F(WatchdogTest, ANewCameraIsWatchedAndTheOldOneForgotten) {
    auto frames = std::make_shared<Gate>();
    auto o = options();
    o.liveness = monitor_;
    o.cameraFromSettings = true;
    o.openCamera = [frames](const std::string&) -> std::unique_ptr<scan::FrameSource> {
        return std::make_unique<HangingCamera>(1, frames);
    };
    start(std::move(o));
    until([](const KioskState& s) { return s.ready; });
    ASSERT_TRUE(frames->someoneWaits(10s));
    frames->open();  // let the first camera's thread end before it is replaced
    until([this](const KioskState&) { return core_->finished(); });
    core_->setCamera("/dev/video7");
    ASSERT_TRUE(frames->someoneWaits(10s));
    auto watched = monitor_->watched();
    EXPECT_EQ(std::count(watched.begin(), watched.end(), "capture thread"), 1);
    frames->open();
}

TEST(WatchdogPinger, PingsFromItsThreadWhileAllIsWell) {
    auto monitor = std::make_shared<LivenessMonitor>();
    auto ui = monitor->watch("UI loop", 10s);
    Sent sent;
    WatchdogPinger pinger(monitor, sent.notify(), 5ms);
    pinger.start();
    EXPECT_TRUE(eventually([&] { return sent.pings() >= 3; }));
    pinger.stop();
    int after = sent.pings();
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(sent.pings(), after);  // stopped means stopped
}

TEST(WatchdogPinger, ReportsEachChangeInWhichThreadsStalledOnce) {
    FakeSteadyClock steady;
    auto monitor = std::make_shared<LivenessMonitor>(steady.now());
    auto ui = monitor->watch("UI loop", 10s);
    auto worker = monitor->watch("database worker", 20s);
    Sent sent;
    WatchdogPinger pinger(monitor, sent.notify(), 1h);
    EXPECT_TRUE(pinger.tick());
    steady.advance(11s);
    worker->beat();
    EXPECT_FALSE(pinger.tick());
    steady.advance(1s);
    EXPECT_FALSE(pinger.tick());  // still the UI loop alone: nothing new to say
    steady.advance(20s);
    EXPECT_FALSE(pinger.tick());  // now the worker too
    ui->beat();
    worker->beat();
    EXPECT_TRUE(pinger.tick());
    EXPECT_TRUE(pinger.tick());
    std::lock_guard lock(sent.mutex);
    EXPECT_EQ(sent.states,
              (std::vector<std::string>{
                  "WATCHDOG=1", "STATUS=Not responding: UI loop silent for 11 s (limit 10 s)",
                  "STATUS=Not responding: UI loop silent for 32 s (limit 10 s), database worker "
                  "silent for 21 s (limit 20 s)",
                  "STATUS=Running", "WATCHDOG=1", "WATCHDOG=1"}));
}

TEST(WatchdogInterval, AQuarterOfWhatSystemdAsksForWhenItAsksThisProcessOrItsParent) {
    using service::watchdogPingInterval;
    EXPECT_EQ(watchdogPingInterval({"20000000", std::nullopt, 100, 1}), 5000ms);
    EXPECT_EQ(watchdogPingInterval({"20000000", "100", 100, 1}), 5000ms);       // this process
    EXPECT_EQ(watchdogPingInterval({"20000000", "42", 100, 42}), 5000ms);       // cage, its parent
    EXPECT_EQ(watchdogPingInterval({"20000000", "7", 100, 42}), std::nullopt);  // someone else
    EXPECT_EQ(watchdogPingInterval({std::nullopt, std::nullopt, 100, 1}), std::nullopt);
    EXPECT_EQ(watchdogPingInterval({"0", std::nullopt, 100, 1}), std::nullopt);
    EXPECT_EQ(watchdogPingInterval({"20s", std::nullopt, 100, 1}), std::nullopt);
    EXPECT_EQ(watchdogPingInterval({"20000000", "x", 100, 1}), std::nullopt);
}

}  // namespace
}  // namespace admit::kiosk::testing
