// Sync in the kiosk core without a server: an online event code enrols on the sync thread and
// the first round runs, a check-in brings the next round forward and is uploaded, failures are
// plain sentences and leave the kiosk usable, a refused device token stops the rounds, and
// shutting down does not wait for a request in flight.

#include <chrono>
#include <thread>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/store/events.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/store/uuid.hpp"
#include "admit/ticket/event_setup.hpp"
#include "fake_sync_backend.hpp"
#include "kiosk_fixture.hpp"

#include <nlohmann/json.hpp>

namespace admit::kiosk::testing {
namespace {

constexpr const char* kServerUrl = "http://127.0.0.1:9/";

class KioskSyncTest : public KioskTest {
  protected:
    KioskOptions syncOptions(bool selectSingleEvent = false) {
        auto o = options(selectSingleEvent);
        o.syncBackend = fake_;
        return o;
    }
    std::string onlineCode(const std::string& eventId) {
        auto id = ticket::eventIdFromString(eventId);
        EXPECT_TRUE(id);
        return ticket::encodeEventSetup(
            ticket::OnlineEnrolment{kServerUrl, *id, "enrolment-token-0123456789"});
    }
    // Drains until the verdict with this code arrives; collects sync rounds meanwhile.
    ShownVerdict untilVerdict(const std::string& code) {
        auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < giveUp) {
            core_->waitForWork(std::chrono::milliseconds(50));
            auto news = core_->drain();
            rounds_.insert(rounds_.end(), news.syncRounds.begin(), news.syncRounds.end());
            for (const auto& v : news.verdicts) {
                if (v.code == code) return v;
            }
        }
        ADD_FAILURE() << "no verdict " << code;
        return {};
    }
    // Drains until the kiosk is finished (sync included); collects sync rounds.
    void untilFinished() {
        auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < giveUp) {
            core_->waitForWork(std::chrono::milliseconds(50));
            bool done = core_->finished();
            auto news = core_->drain();
            rounds_.insert(rounds_.end(), news.syncRounds.begin(), news.syncRounds.end());
            if (done) return;
        }
        ADD_FAILURE() << "never finished";
    }

    // Starts the kiosk with the fake backend and scans the demo event's online code.
    void startAndSubmitOnlineCode(bool selectSingleEvent = false) {
        start(syncOptions(selectSingleEvent));
        untilOpen();
        core_->submitCode(onlineCode(demo_.event.eventId));
    }
    // The same, until enrolled and the first round is over.
    void startEnrolled(bool selectSingleEvent = false) {
        startAndSubmitOnlineCode(selectSingleEvent);
        untilVerdict("enrolled");
        untilFinished();
    }

    std::shared_ptr<FakeSyncBackend> fake_ = std::make_shared<FakeSyncBackend>();
    std::vector<SyncRoundOutcome> rounds_;
};

TEST_F(KioskSyncTest, OnlineEventCodeEnrolsAndRunsTheFirstRound) {
    start(syncOptions());
    untilOpen();
    ASSERT_EQ(core_->state().screen, Screen::kSetup);
    core_->submitCode(onlineCode(demo_.event.eventId));
    auto shown = untilVerdict("enrolled");
    EXPECT_EQ(shown.kind, VerdictKind::kSetup);
    EXPECT_EQ(shown.reason, text::setupDone("Harbour Lights Festival"));

    ASSERT_TRUE(core_->state().event);
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);
    {
        std::lock_guard lock(fake_->mutex);
        ASSERT_EQ(fake_->enrolRequests.size(), 1U);
        EXPECT_EQ(fake_->enrolUrls[0], kServerUrl);
        const auto& request = fake_->enrolRequests[0];
        EXPECT_EQ(request.eventId, demo_.event.eventId);
        EXPECT_EQ(request.enrolmentToken, "enrolment-token-0123456789");
        EXPECT_FALSE(request.deviceName.empty());
        auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(db);
        EXPECT_EQ(request.deviceId, store::deviceId(*db));
        EXPECT_EQ(fake_->savedToken, "device-token-1");
        ASSERT_GE(fake_->rounds.size(), 1U);  // the first round downloads the roster
        EXPECT_EQ(fake_->rounds[0].eventId, demo_.event.eventId);
        EXPECT_EQ(fake_->rounds[0].gate, "B");
    }
    untilFinished();
    ASSERT_FALSE(rounds_.empty());
    EXPECT_TRUE(rounds_.front().ok);
    EXPECT_TRUE(rounds_.front().afterEnrolment);
    EXPECT_TRUE(core_->state().sync.enrolled);
    EXPECT_EQ(core_->state().sync.server, "127.0.0.1:9");
    EXPECT_TRUE(core_->state().sync.online);
    EXPECT_EQ(describeSync(core_->state().sync, nowMs_->load()).text, "Synced just now");

    // The kiosk scans; the check-in brings a round forward, which uploads it.
    core_->dismissVerdict();
    EXPECT_EQ(core_->state().screen, Screen::kScanning);
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
    rounds_.clear();
    untilFinished();
    ASSERT_FALSE(rounds_.empty());
    EXPECT_TRUE(rounds_.back().ok);
    EXPECT_EQ(rounds_.back().uploaded, 1);
    EXPECT_EQ(rounds_.back().pendingUploads, 0);
    EXPECT_EQ(core_->state().pendingUploads, 0);

    auto line = nlohmann::json::parse(syncJsonLine(rounds_.back(), core_->state()));
    EXPECT_EQ(line["kind"], "sync");
    EXPECT_EQ(line["ok"], true);
    EXPECT_EQ(line["uploaded"], 1);
    EXPECT_EQ(line["pending_uploads"], 0);
    EXPECT_EQ(line["server"], "127.0.0.1:9");
    EXPECT_FALSE(line.contains("error"));
}

TEST_F(KioskSyncTest, UnreachableServerIsSaidPlainlyAndTheKioskStaysUsable) {
    fake_->enrolError = sync::SyncError{sync::SyncError::Kind::kUnreachable,
                                        "enrol",
                                        "could not reach the server: Connection refused",
                                        {}};
    startAndSubmitOnlineCode();
    auto shown = untilVerdict("enrol_failed");
    EXPECT_EQ(shown.kind, VerdictKind::kError);
    EXPECT_EQ(shown.reason, text::enrolUnreachable("127.0.0.1:9"));
    EXPECT_EQ(shown.reason.find("enrolment-token"), std::string::npos);
    EXPECT_FALSE(core_->state().event);
    EXPECT_FALSE(core_->state().sync.enrolled);
    EXPECT_TRUE(core_->state().sync.activity.empty());
    EXPECT_EQ(core_->state().setupStatus, text::kSetupWaiting);
    EXPECT_EQ(fake_->rounds.size(), 0U);

    // Still usable: the offline event code sets it up.
    EXPECT_EQ(scanCode(demo_.event.setupCode).code, "event_setup");
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
}

TEST_F(KioskSyncTest, UsedEnrolmentCodeIsSaidPlainly) {
    fake_->enrolError = sync::SyncError{
        sync::SyncError::Kind::kRefused, "enrol", "the enrolment token was already used (410)", {}};
    startAndSubmitOnlineCode();
    EXPECT_EQ(untilVerdict("enrol_failed").reason, text::enrolRefused());
    EXPECT_FALSE(core_->state().event);
}

TEST_F(KioskSyncTest, ServerRefusalNamesTheServerAndItsReason) {
    fake_->enrolError =
        sync::SyncError{sync::SyncError::Kind::kServer, "enrol", "unknown event (404)", {}};
    startAndSubmitOnlineCode();
    EXPECT_EQ(untilVerdict("enrol_failed").reason,
              text::enrolFailed("127.0.0.1:9", "unknown event (404)"));
}

TEST_F(KioskSyncTest, EnrolledButTheRosterFailsSaysTheKioskKeepsTrying) {
    fake_->roundError = sync::SyncError{sync::SyncError::Kind::kUnreachable,
                                        "roster",
                                        "could not reach the server: timed out after 30 s",
                                        {}};
    fake_->roundError->progress.uploaded = 2;  // the upload step went through first
    fake_->roundError->progress.rosterVersion = 5;
    startAndSubmitOnlineCode();
    auto shown = untilVerdict("enrolled");
    EXPECT_EQ(shown.reason,
              text::enrolledWithoutRoster("Harbour Lights Festival",
                                          "could not reach the server: timed out after 30 s"));
    ASSERT_TRUE(core_->state().event);  // scanning, with the roster it has
    untilFinished();
    ASSERT_FALSE(rounds_.empty());
    EXPECT_FALSE(rounds_.front().ok);
    EXPECT_EQ(rounds_.front().errorKind, "unreachable");
    EXPECT_EQ(rounds_.front().step, "roster");
    EXPECT_EQ(rounds_.front().uploaded, 2) << "a failed round still says what it uploaded";
    EXPECT_EQ(rounds_.front().rosterVersion, 5);
    EXPECT_FALSE(core_->state().sync.online);
    EXPECT_EQ(describeSync(core_->state().sync, nowMs_->load()).text, text::kNeverSynced);
}

TEST_F(KioskSyncTest, NewEventIsCreatedFromTheEnrolmentAnswer) {
    // A brand-new replica: the event row comes from the server's answer (then its roster).
    auto o = syncOptions();
    o.database.path = dir_ / "fresh.replica";
    fake_->eventName = "Winter Market";
    start(std::move(o));
    untilOpen();
    core_->submitCode(onlineCode(demo_.event.eventId));
    auto shown = untilVerdict("enrolled");
    EXPECT_EQ(shown.name, "Winter Market");
    ASSERT_TRUE(core_->state().event);
    EXPECT_EQ(core_->state().event->name, "Winter Market");
    auto db = openKioskDatabase({dir_ / "fresh.replica", demo_.keyFile});
    ASSERT_TRUE(db);
    auto event = store::Events(*db).find(demo_.event.eventId);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->name, "Winter Market");
}

TEST_F(KioskSyncTest, OnlineCodeForAnotherEventNeedsAnOrganiser) {
    std::string otherId;
    {
        auto db =
            store::openPlainDatabase(demo_.organiserDatabase.string(), store::OpenMode::kExisting);
        ASSERT_TRUE(db);
        for (const auto& e : store::Events(*db).list()) {
            if (e.id != demo_.event.eventId) otherId = e.id;
        }
    }
    ASSERT_FALSE(otherId.empty());
    start(syncOptions(true));
    untilOpen();
    auto shown = scanCode(onlineCode(otherId));
    EXPECT_EQ(shown.code, "switch_needs_organiser");
    EXPECT_EQ(shown.reason, text::switchNeedsOrganiser(text::eventAtServer("127.0.0.1:9")));
    ASSERT_TRUE(core_->state().pendingSwitch);
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);
    {
        std::lock_guard lock(fake_->mutex);
        EXPECT_TRUE(fake_->enrolRequests.empty());
    }
    // The organiser's PIN lets the kept code through: the kiosk enrols for the other event.
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    untilVerdict("enrolled");
    EXPECT_EQ(core_->state().event->id, otherId);
    std::lock_guard lock(fake_->mutex);
    ASSERT_EQ(fake_->enrolRequests.size(), 1U);
    EXPECT_EQ(fake_->enrolRequests[0].eventId, otherId);
}

TEST_F(KioskSyncTest, RefusedDeviceTokenStopsTheRounds) {
    startEnrolled(true);
    {
        std::lock_guard lock(fake_->mutex);
        fake_->roundError = sync::SyncError{sync::SyncError::Kind::kRefused,
                                            "upload",
                                            "the server refused the device token (401)",
                                            {}};
    }
    int ended = 0;
    {
        std::lock_guard lock(fake_->mutex);
        ended = fake_->roundsEnded;
    }
    core_->dismissVerdict();
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
    ASSERT_TRUE(fake_->waitRoundsEnded(ended + 1, std::chrono::seconds(30)));
    untilFinished();
    EXPECT_TRUE(core_->state().sync.stopped);
    EXPECT_EQ(describeSync(core_->state().sync, nowMs_->load()).text, text::kSyncStopped);
    int before = 0;
    {
        std::lock_guard lock(fake_->mutex);
        before = fake_->roundsStarted;
    }
    // No round for the next check-in: the kiosk waits to be enrolled again.
    EXPECT_EQ(scanCode(demo_.event.tickets.at(1).text).code, "accepted");
    untilFinished();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past kAfterCheckIn
    std::lock_guard lock(fake_->mutex);
    EXPECT_EQ(fake_->roundsStarted, before);
}

TEST_F(KioskSyncTest, ShutdownDoesNotWaitForARequestInFlight) {
    startEnrolled(true);
    {
        std::lock_guard lock(fake_->mutex);
        fake_->blockRounds = true;
    }
    core_->dismissVerdict();
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
    int started = 0;
    {
        std::lock_guard lock(fake_->mutex);
        started = fake_->roundsStarted;
    }
    ASSERT_TRUE(fake_->waitRoundsStarted(started + 1, std::chrono::seconds(10)));
    auto before = std::chrono::steady_clock::now();
    core_.reset();  // a round is blocked "on the network"
    auto took = std::chrono::steady_clock::now() - before;
    EXPECT_LT(took, std::chrono::seconds(3));
    // The round ends by itself later (its timeout); nothing it learns goes anywhere.
    int ended = 0;
    {
        std::lock_guard lock(fake_->mutex);
        ended = fake_->roundsEnded;
    }
    fake_->release();
    EXPECT_TRUE(fake_->waitRoundsEnded(ended + 1, std::chrono::seconds(10)));
}

TEST_F(KioskSyncTest, BuildWithoutTheSyncClientRefusesOnlineCodesPlainly) {
    fake_->isAvailable = false;
    start(syncOptions());
    untilOpen();
    auto shown = scanCode(onlineCode(demo_.event.eventId));
    EXPECT_EQ(shown.code, "sync_unavailable");
    EXPECT_EQ(shown.reason, text::noSyncClient());
    EXPECT_FALSE(core_->state().event);
}

TEST_F(KioskSyncTest, DevicesFromTheLastRoundReachTheState) {
    fake_->devices = {
        {"dev-1", "north-kiosk", "A", 1'790'000'000'000, 1'789'999'880'000, 12, "0.1.0", 0,
         600'000},
        {"dev-2", "south-kiosk", "B", 1'790'000'000'000, std::nullopt, 0, "", {}, {}}};
    startEnrolled();
    ASSERT_EQ(core_->state().sync.devices.size(), 2U);
    EXPECT_EQ(core_->state().sync.devices[0].name, "north-kiosk");
    EXPECT_EQ(core_->state().sync.devices[0].lastSyncAtMs, 1'789'999'880'000);
    EXPECT_FALSE(core_->state().sync.devices[1].lastSyncAtMs);
}

TEST_F(KioskSyncTest, ReadOnlyDashboardDownloadsOtherDevicesCheckIns) {
    {
        std::lock_guard lock(fake_->mutex);
        fake_->state.serverUrl = kServerUrl;  // a wall screen enrolled earlier
        fake_->state.hasDeviceToken = true;
        const auto& ticket = demo_.event.tickets.front();
        store::CheckIn atTheDoor;
        atTheDoor.id = store::newUuidV7(*nowMs_ - 60'000);
        atTheDoor.eventId = demo_.event.eventId;
        atTheDoor.ticketRef = ticket.ticketRef;
        atTheDoor.attendeeId = ticket.attendeeId;
        atTheDoor.deviceId = store::newUuidV7(1);
        atTheDoor.gate = "North";
        atTheDoor.hlc = (*nowMs_ - 60'000) << 16;
        atTheDoor.wallTimeMs = *nowMs_ - 60'000;
        fake_->toDeliver.push_back(atTheDoor);
    }
    auto o = syncOptions(true);
    o.dashboardOnly = true;
    start(std::move(o));
    until([](const KioskState& s) { return s.stats && s.stats->checkedIn == 1; });
    EXPECT_EQ(core_->state().screen, Screen::kDashboard);
    ASSERT_EQ(core_->state().stats->byGate.size(), 1U);
    EXPECT_EQ(core_->state().stats->byGate.front().label, "North");
    std::lock_guard lock(fake_->mutex);
    ASSERT_FALSE(fake_->rounds.empty());
    EXPECT_EQ(fake_->rounds.front().eventId, demo_.event.eventId);
}

}  // namespace
}  // namespace admit::kiosk::testing
