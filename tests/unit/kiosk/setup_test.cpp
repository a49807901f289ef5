// Setting the kiosk up with an event code, and switching event (organiser only).

#include <nlohmann/json.hpp>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/store/events.hpp"
#include "admit/store/store.hpp"
#include "kiosk_fixture.hpp"
#include "pretix_vectors.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, WaitsForTheEventCodeWhenNotProvisionedForOneEvent) {
    start(options(false));
    untilOpen();
    EXPECT_EQ(core_->state().screen, Screen::kSetup);
    EXPECT_FALSE(core_->state().event);
    EXPECT_EQ(core_->state().setupStatus, text::kSetupWaiting);
}

TEST_F(KioskTest, EventCodeSetsTheKioskUp) {
    start(options(false));
    untilOpen();
    auto shown = scanCode(demo_.event.setupCode);
    EXPECT_EQ(shown.kind, VerdictKind::kSetup);
    EXPECT_EQ(shown.code, "event_setup");
    EXPECT_EQ(shown.reason, text::setupDone("Harbour Lights Festival"));
    ASSERT_TRUE(core_->state().event);
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);
    EXPECT_EQ(core_->state().screen, Screen::kVerdict);
    core_->dismissVerdict();
    EXPECT_EQ(core_->state().screen, Screen::kScanning);

    // Tickets are checked from now on.
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
}

TEST_F(KioskTest, TicketBeforeSetUpAsksForTheEventCode) {
    start(options(false));
    untilOpen();
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_EQ(shown.kind, VerdictKind::kInfo);
    EXPECT_EQ(shown.code, "no_event");
    EXPECT_FALSE(shown.accepted());
    EXPECT_FALSE(core_->state().event);
}

TEST_F(KioskTest, SameEventCodeAgainChangesNothing) {
    start(options());
    untilOpen();
    auto shown = scanCode(demo_.event.setupCode);
    EXPECT_EQ(shown.code, "already_set_up");
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);
}

TEST_F(KioskTest, DamagedEventCodeIsExplained) {
    start(options(false));
    untilOpen();
    std::string damaged = demo_.event.setupCode.substr(0, demo_.event.setupCode.size() - 6);
    auto shown = scanCode(damaged);
    EXPECT_EQ(shown.code, "setup_code_invalid");
    EXPECT_EQ(shown.reason, text::notASetupCode());
    EXPECT_FALSE(core_->state().event);
}

TEST_F(KioskTest, SwitchingEventNeedsAnOrganiserPin) {
    std::string otherCode;
    {
        auto db =
            store::openPlainDatabase(demo_.organiserDatabase.string(), store::OpenMode::kExisting);
        ASSERT_TRUE(db);
        for (const auto& e : store::Events(*db).list()) {
            if (e.id != demo_.event.eventId) otherCode = *organiser::offlineSetupCode(*db, e.id);
        }
    }
    ASSERT_FALSE(otherCode.empty());
    start(options());
    untilOpen();
    auto shown = scanCode(otherCode);
    EXPECT_EQ(shown.kind, VerdictKind::kAttention);
    EXPECT_EQ(shown.code, "switch_needs_organiser");
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);
    ASSERT_TRUE(core_->state().pendingSwitch);
    EXPECT_EQ(core_->state().pendingSwitch->name, "Riverside Jazz Night");

    // A volunteer cannot switch.
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoVolunteer, kDemoVolunteerPin);
    until([](const KioskState& s) { return !s.pin.message.empty(); });
    EXPECT_EQ(core_->state().pin.message, text::kNotOrganiser);
    EXPECT_EQ(core_->state().event->id, demo_.event.eventId);

    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) {
        return s.event && s.event->name == "Riverside Jazz Night" && s.verdict &&
               s.verdict->code == "event_setup";
    });
    EXPECT_FALSE(core_->state().pendingSwitch);
    // The old event's tickets are now another event's.
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "other_event");
}

TEST_F(KioskTest, VerdictJsonLineCarriesTheDecision) {
    start(options());
    untilOpen();
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    auto line = verdictJsonLine(shown, core_->state(), PersonalData::kIncluded);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json["kind"], "accepted");
    EXPECT_EQ(json["accepted"], true);
    EXPECT_EQ(json["name"], "Amelia Hughes");
    EXPECT_EQ(json["ticket_type"], "General");
    EXPECT_EQ(json["gate"], "B");
    EXPECT_EQ(json["event"], "Harbour Lights Festival");
    EXPECT_EQ(json["ticket_ref"], demo_.event.tickets.at(0).ticketRef);
    EXPECT_EQ(json["pending_uploads"], 1);
    EXPECT_EQ(json["format"], "admit");
}

TEST_F(KioskTest, APretixTicketIsRecognisedWithoutConfiguration) {
    start(options());
    untilOpen();
    // The demo event has no pretix keys, so the ticket is looked up as an imported barcode.
    const std::string text = admit::testing::readPretixVectors().at("tickets").at(0).at("text");
    auto shown = scanCode(text);
    EXPECT_EQ(shown.format, "pretix_sig1");
    EXPECT_EQ(shown.code, "unknown_ticket");
    EXPECT_EQ(scanCode("EXT-000000").format, "opaque");
}

}  // namespace
}  // namespace admit::kiosk::testing
