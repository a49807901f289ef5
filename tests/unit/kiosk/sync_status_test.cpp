// What the status bar says about sync, and when the next round runs (backoff), without threads.

#include <cstdlib>
#include <ctime>

#include <gtest/gtest.h>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_status.hpp"

namespace admit::kiosk {
namespace {

using namespace std::chrono_literals;

// 2026-09-21 12:00:00 UTC; the tests read the clock in UTC.
constexpr std::int64_t kNoon = 1'790'000'000'000 - (1'790'000'000'000 % 86'400'000) + 43'200'000;

class SyncStatusTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* tz = std::getenv("TZ");
        if (tz) savedTz_ = tz;
        hadTz_ = tz != nullptr;
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override {
        if (hadTz_) {
            setenv("TZ", savedTz_.c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }
    static SyncView enrolled() {
        SyncView view;
        view.enrolled = true;
        view.server = "sync.example:8470";
        return view;
    }

  private:
    std::string savedTz_;
    bool hadTz_ = false;
};

TEST_F(SyncStatusTest, NeverSynced) {
    EXPECT_EQ(describeSync(SyncView{}, kNoon).text, "Never synced");
    EXPECT_FALSE(describeSync(SyncView{}, kNoon).online);
    EXPECT_EQ(describeSync(enrolled(), kNoon).text, "Never synced");
}

TEST_F(SyncStatusTest, OnlineShowsTheAgeOfTheLastSync) {
    auto view = enrolled();
    view.online = true;
    view.lastSuccessMs = kNoon - 20'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced just now");
    EXPECT_TRUE(describeSync(view, kNoon).online);
    view.lastSuccessMs = kNoon - 2 * 60'000 - 5'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced 2 min ago");
    view.lastSuccessMs = kNoon - 119 * 60'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced 119 min ago");
    view.lastSuccessMs = kNoon - 3 * 3'600'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced 3 h ago");
    view.lastSuccessMs = kNoon - 3 * 86'400'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced 3 days ago");
    // A clock that went back a little is not "-1 min".
    view.lastSuccessMs = kNoon + 30'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Synced just now");
}

TEST_F(SyncStatusTest, OfflineShowsWhenTheLastSyncWas) {
    auto view = enrolled();
    view.online = false;
    view.lastError = "could not reach the server: Connection refused";
    view.lastSuccessMs = kNoon - (2 * 3'600'000 - 2 * 60'000);  // 10:02
    EXPECT_EQ(describeSync(view, kNoon).text, "Offline - last sync 10:02");
    EXPECT_FALSE(describeSync(view, kNoon).online);
    // Another day: the date too.
    view.lastSuccessMs = kNoon - 86'400'000;
    EXPECT_EQ(describeSync(view, kNoon).text, "Offline - last sync " + std::string("20 Sep 12:00"));
}

TEST_F(SyncStatusTest, ActivityAndStoppedWinOverTheAge) {
    auto view = enrolled();
    view.online = true;
    view.lastSuccessMs = kNoon;
    view.stopped = true;
    EXPECT_EQ(describeSync(view, kNoon).text, text::kSyncStopped);
    view.activity = text::connectingTo("sync.example:8470");
    EXPECT_EQ(describeSync(view, kNoon).text, "Connecting to sync.example:8470...");
}

TEST_F(SyncStatusTest, ARevokedKioskSaysTheOrganiserRemovedIt) {
    auto view = enrolled();
    view.lastSuccessMs = kNoon;
    view.stopped = true;
    view.removed = true;
    EXPECT_EQ(describeSync(view, kNoon).text,
              "This kiosk was removed by the organiser: scan a new event code");
}

TEST(ServerDisplayName, HostAndPortOnly) {
    EXPECT_EQ(serverDisplayName("http://127.0.0.1:8470"), "127.0.0.1:8470");
    EXPECT_EQ(serverDisplayName("https://sync.example/admit/"), "sync.example");
    EXPECT_EQ(serverDisplayName("https://user:secret@sync.example:443/x?y"), "sync.example:443");
    EXPECT_EQ(serverDisplayName("not a url"), "not a url");
}

TEST(SyncSchedule, BackoffDoublesFromTheIntervalUpToTwoMinutes) {
    EXPECT_EQ(SyncSchedule::delayAfter(0), 15s);
    EXPECT_EQ(SyncSchedule::delayAfter(1), 15s);
    EXPECT_EQ(SyncSchedule::delayAfter(2), 30s);
    EXPECT_EQ(SyncSchedule::delayAfter(3), 60s);
    EXPECT_EQ(SyncSchedule::delayAfter(4), 120s);
    EXPECT_EQ(SyncSchedule::delayAfter(5), 120s);
    EXPECT_EQ(SyncSchedule::delayAfter(1000), 120s);
}

TEST(SyncSchedule, RoundsEvery15SecondsAndSoonerAfterACheckIn) {
    SyncSchedule schedule;
    auto t0 = SyncSchedule::Clock::time_point{} + 1000s;
    schedule.restart(t0);
    EXPECT_EQ(schedule.nextRoundAt(), t0);  // at once after enrolment or start
    schedule.roundSucceeded(t0 + 2s);
    EXPECT_EQ(schedule.nextRoundAt(), t0 + 17s);
    schedule.checkInRecorded(t0 + 5s);
    EXPECT_EQ(schedule.nextRoundAt(), t0 + 6s);
    // A check-in never postpones a round already due sooner.
    schedule.checkInRecorded(t0 + 5500ms);
    EXPECT_EQ(schedule.nextRoundAt(), t0 + 6s);
}

// A waiting download that ends with news brings the round forward to now; the interval is the
// kiosk's own (KioskOptions::syncInterval); failing rounds keep their backoff.
TEST(SyncSchedule, NewsFromAWaitingDownloadMeansARoundAtOnce) {
    SyncSchedule schedule(60s);
    auto t0 = SyncSchedule::Clock::time_point{} + 1000s;
    schedule.restart(t0);
    schedule.roundSucceeded(t0);
    EXPECT_EQ(schedule.nextRoundAt(), t0 + 60s);
    schedule.newsArrived(t0 + 3s);
    EXPECT_EQ(schedule.nextRoundAt(), t0 + 3s);
    schedule.roundSucceeded(t0 + 4s);
    schedule.roundFailed(t0 + 5s, false);
    auto due = *schedule.nextRoundAt();
    schedule.newsArrived(t0 + 6s);
    EXPECT_EQ(schedule.nextRoundAt(), due);
    schedule.roundFailed(t0 + 7s, true);
    schedule.newsArrived(t0 + 8s);
    EXPECT_FALSE(schedule.nextRoundAt());
}

TEST(SyncSchedule, FailuresBackOffAndACheckInDoesNotHurryThem) {
    SyncSchedule schedule;
    auto t = SyncSchedule::Clock::time_point{} + 1000s;
    schedule.restart(t);
    std::vector<std::chrono::seconds> waits;
    for (int i = 0; i < 6; ++i) {
        schedule.roundFailed(t, false);
        waits.push_back(
            std::chrono::duration_cast<std::chrono::seconds>(*schedule.nextRoundAt() - t));
        t = *schedule.nextRoundAt();
    }
    EXPECT_EQ(waits, (std::vector<std::chrono::seconds>{15s, 30s, 60s, 120s, 120s, 120s}));
    auto due = *schedule.nextRoundAt();
    schedule.checkInRecorded(due - 100s);
    EXPECT_EQ(schedule.nextRoundAt(), due);
    // Back online: the normal interval again.
    schedule.roundSucceeded(due);
    EXPECT_EQ(schedule.failures(), 0);
    EXPECT_EQ(schedule.nextRoundAt(), due + 15s);
}

TEST(SyncSchedule, RefusedTokenStopsUntilEnrolledAgain) {
    SyncSchedule schedule;
    auto t = SyncSchedule::Clock::time_point{} + 1000s;
    schedule.restart(t);
    schedule.roundFailed(t, true);
    EXPECT_TRUE(schedule.stopped());
    EXPECT_FALSE(schedule.nextRoundAt());
    schedule.checkInRecorded(t);
    EXPECT_FALSE(schedule.nextRoundAt());
    schedule.restart(t + 60s);
    EXPECT_EQ(schedule.nextRoundAt(), t + 60s);
}

TEST(DeviceLabel, ThisKioskThenTheServersNameThenTheStartOfTheId) {
    const std::string own = "01a1fc71-9942-7000-8000-000000000001";
    const std::string north = "01a1fc71-aaaa-7000-8000-000000000002";
    const std::string unknown = "01a1fc72-bbbb-7000-8000-000000000003";
    std::vector<sync::DeviceStatus> devices = {
        {north, "north-kiosk", "A", 0, std::nullopt, 3, "", {}, {}},
        {unknown, "", "B", 0, std::nullopt, 0, "", {}, {}}};
    EXPECT_EQ(deviceLabel(own, own, devices), "This kiosk");
    EXPECT_EQ(deviceLabel(north, own, devices), "north-kiosk");
    EXPECT_EQ(deviceLabel(unknown, own, devices), "01a1fc72-bbbb...") << "known but unnamed";
    EXPECT_EQ(deviceLabel(unknown, own, {}), "01a1fc72-bbbb...") << "never synced";
    EXPECT_EQ(deviceLabel(own, "", {}), "01a1fc71-9942...") << "before the database opened";
    EXPECT_EQ(deviceLabel("short", own, {}), "short");
}

}  // namespace
}  // namespace admit::kiosk
