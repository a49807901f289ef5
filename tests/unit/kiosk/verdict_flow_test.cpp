// Accepted and denied verdicts, in the words the screen shows; search check-in; undo; stats.

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_status.hpp"
#include "admit/store/events.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, ValidTicketIsAcceptedWithNameAndType) {
    start(options());
    untilOpen();
    ASSERT_EQ(core_->state().screen, Screen::kScanning);
    auto shown = scanCode(demo_.event.tickets.at(3).text);
    EXPECT_EQ(shown.kind, VerdictKind::kAccepted);
    EXPECT_TRUE(shown.accepted());
    EXPECT_EQ(shown.headline, text::kWelcome);
    EXPECT_EQ(shown.name, "Mateo Garcia");
    EXPECT_EQ(shown.ticketType, "VIP");
    EXPECT_EQ(core_->state().screen, Screen::kVerdict);
    EXPECT_EQ(core_->state().pendingUploads, 1);
}

TEST_F(KioskTest, SecondScanIsDeniedWithTimeAndGate) {
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_EQ(shown.kind, VerdictKind::kDenied);
    EXPECT_EQ(shown.code, "already_checked_in");
    EXPECT_EQ(shown.headline, text::kNotAdmitted);
    EXPECT_EQ(shown.reason,
              "Already checked in at " + text::clockTime(nowMs_->load()) + ", Gate B");
    EXPECT_EQ(shown.name, "Amelia Hughes");
    EXPECT_EQ(core_->state().pendingUploads, 2);  // the check-in and the denial
}

TEST_F(KioskTest, RevokedOtherEventAndForeignCodesAreDeniedInPlainWords) {
    start(options());
    untilOpen();
    auto revoked = scanCode(demo_.event.revoked.text);
    EXPECT_EQ(revoked.code, "revoked");
    // The organiser's reason travels with the revocation and is shown with it.
    EXPECT_EQ(revoked.reason, "This ticket was cancelled by the organiser: Refunded");
    auto other = scanCode(demo_.event.otherEventTicket);
    EXPECT_EQ(other.code, "other_event");
    EXPECT_EQ(other.reason, "This ticket is for a different event");
    auto foreign = scanCode(demo_.event.foreignCode);
    EXPECT_EQ(foreign.code, "unknown_ticket");
    EXPECT_EQ(foreign.reason, "This code is not on the guest list");
    // Three denials wait for the server, so the organiser learns of them (no check-in).
    EXPECT_EQ(core_->state().pendingUploads, 3);
}

TEST_F(KioskTest, AttentionNoteIsAmberAndNamed) {
    start(options());
    untilOpen();
    auto shown = scanCode(demo_.event.attention.text);
    EXPECT_EQ(shown.kind, VerdictKind::kAttention);
    EXPECT_TRUE(shown.accepted());
    EXPECT_EQ(shown.note, "Wheelchair user: offer the step-free route");
    EXPECT_EQ(shown.name, "Oliver Bennett");
}

TEST_F(KioskTest, ExitDirectionSaysGoodbyeAndNeedsAnEntry) {
    auto o = options();
    o.direction = store::Direction::kExit;
    start(std::move(o));
    untilOpen();
    auto notInside = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_EQ(notInside.code, "not_checked_in");
    core_->setDirection(store::Direction::kEntry);
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    core_->setDirection(store::Direction::kExit);
    auto out = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_TRUE(out.accepted());
    EXPECT_EQ(out.headline, text::kGoodbye);
    EXPECT_EQ(out.direction, store::Direction::kExit);
}

TEST_F(KioskTest, VerdictScreenCanBeDismissedEarly) {
    start(options());
    untilOpen();
    scanCode(demo_.event.tickets.at(0).text);
    ASSERT_EQ(core_->state().screen, Screen::kVerdict);
    core_->dismissVerdict();
    EXPECT_EQ(core_->state().screen, Screen::kScanning);
}

TEST_F(KioskTest, SearchFindsByNameOrEmailAndChecksIn) {
    start(options());
    untilOpen();
    core_->openScreen(Screen::kSearch);
    EXPECT_EQ(core_->state().screen, Screen::kSearch);
    core_->search("priya");
    until([](const KioskState& s) { return !s.searchResults.empty(); });
    ASSERT_EQ(core_->state().searchResults.size(), 1U);
    auto priya = core_->state().searchResults.front().attendee;
    EXPECT_EQ(priya.name, "Priya Sharma");
    EXPECT_FALSE(core_->state().searchResults.front().presence.lastEntry);

    core_->search("kowalski@");
    until([](const KioskState& s) {
        return s.searchQuery == "kowalski@" && !s.searchResults.empty() &&
               s.searchResults.front().attendee.name == "Mia Kowalski";
    });

    std::uint64_t before = core_->state().verdictCount;
    core_->checkIn(priya.id);
    auto seen = until([before](const KioskState& s) { return s.verdictCount > before; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_TRUE(seen.front().accepted());
    EXPECT_EQ(seen.front().via, "search");
    EXPECT_EQ(seen.front().name, "Priya Sharma");
    EXPECT_EQ(core_->state().screen, Screen::kVerdict);
    core_->dismissVerdict();
    EXPECT_EQ(core_->state().screen, Screen::kSearch);

    // Her QR code is now a duplicate.
    EXPECT_EQ(scanCode(demo_.event.tickets.at(2).text).code, "already_checked_in");

    // The search now says she is inside, where and since when, before anyone confirms; case
    // and accents do not matter ("sharma" finds her as "SHÁRMA" would).
    core_->search("SHÁRMA");
    until([](const KioskState& s) {
        return s.searchQuery == "SHÁRMA" && !s.searchResults.empty() &&
               s.searchResults.front().presence.inside;
    });
    const SearchRow& hit = core_->state().searchResults.front();
    EXPECT_EQ(hit.attendee.name, "Priya Sharma");
    EXPECT_EQ(text::searchState(hit, "This kiosk").text,
              "Inside since " + text::clockTime(*nowMs_) + " - Gate " +
                  hit.presence.lastEntry->gate + ", This kiosk");
    EXPECT_EQ(text::searchState(hit, "").tone, text::SearchTone::kAlreadyIn);
    // A single-entry event: no button that would only lead to "already checked in".
    EXPECT_EQ(hit.action, SearchAction::kNone);

    // At an exit kiosk the same result offers the exit, and the engine records it.
    core_->setDirection(store::Direction::kExit);
    core_->search("sharma");
    until([](const KioskState& s) {
        return s.searchQuery == "sharma" && !s.searchResults.empty() &&
               s.searchResults.front().action == SearchAction::kMarkExit;
    });
    before = core_->state().verdictCount;
    core_->markExit(core_->state().searchResults.front().attendee.id);
    seen = until([before](const KioskState& s) { return s.verdictCount > before; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_TRUE(seen.front().accepted());
    EXPECT_EQ(seen.front().direction, store::Direction::kExit);
    core_->dismissVerdict();
    core_->search("priya");
    until([](const KioskState& s) {
        return s.searchQuery == "priya" && !s.searchResults.empty() &&
               !s.searchResults.front().presence.inside;
    });
    const SearchRow& left = core_->state().searchResults.front();
    EXPECT_EQ(left.action, SearchAction::kNone) << "nothing to do for someone outside at an exit";
    EXPECT_EQ(text::searchState(left, "").text.rfind("Left at ", 0), 0U);
}

TEST_F(KioskTest, SearchOffersNoButtonTheRulesWouldRefuseAndSaysWhy) {
    start(options());
    untilOpen();
    core_->openScreen(Screen::kSearch);
    // The demo's revoked ticket: the person is approved and has never come in, but their only
    // code was withdrawn. The button used to be shown; the refusal came only after confirming.
    const std::string name = demo_.event.revoked.name;
    core_->search(name);
    until([&](const KioskState& s) {
        return s.searchQuery == name && !s.searchResults.empty() &&
               s.searchResults.front().attendee.name == name;
    });
    const SearchRow& row = core_->state().searchResults.front();
    EXPECT_EQ(row.action, SearchAction::kNone);
    text::SearchState shown = text::searchState(row, "");
    EXPECT_EQ(shown.text, "This ticket was cancelled by the organiser: Refunded");
    EXPECT_EQ(shown.tone, text::SearchTone::kRefused);

    // Someone with a valid ticket still gets the button, and what it does is what it said.
    const DemoTicket& valid = demo_.event.tickets.at(1);
    core_->search(valid.name);
    until([&](const KioskState& s) {
        return s.searchQuery == valid.name && !s.searchResults.empty() &&
               s.searchResults.front().attendee.name == valid.name;
    });
    EXPECT_EQ(core_->state().searchResults.front().action, SearchAction::kCheckIn);
    EXPECT_EQ(text::searchState(core_->state().searchResults.front(), "").text,
              "Not checked in yet");
}

TEST_F(KioskTest, OrganiserUndoesTheLastCheckIn) {
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    core_->askPin(Screen::kDashboard);
    EXPECT_EQ(core_->state().screen, Screen::kPin);
    EXPECT_TRUE(core_->state().pin.organiserOnly);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) {
        return s.screen == Screen::kDashboard && s.stats && s.stats->checkedIn == 1;
    });
    EXPECT_EQ(core_->state().stats->expected, 36);

    core_->undoLast();
    until([](const KioskState& s) { return !s.notice.empty(); });
    EXPECT_EQ(core_->state().notice, text::undone("Amelia Hughes"));
    until([](const KioskState& s) { return s.stats && s.stats->checkedIn == 0; });

    core_->signOut();
    EXPECT_EQ(core_->state().screen, Screen::kScanning);
    EXPECT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
}

TEST_F(KioskTest, UndoWithNothingToUndoSaysSo) {
    start(options());
    untilOpen();
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return s.screen == Screen::kDashboard; });
    core_->undoLast();
    until([](const KioskState& s) { return !s.notice.empty(); });
    EXPECT_EQ(core_->state().notice, text::nothingToUndo());
}

// An undo the database refuses (here: locked by another writer) is not "nothing to undo".
TEST_F(KioskTest, UndoThatCannotBeSavedSaysSoInsteadOfNothingToUndo) {
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return s.screen == Screen::kDashboard; });
    {
        auto other = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(other) << other.error().message;
        other->exec("BEGIN EXCLUSIVE");
        core_->undoLast();
        until([](const KioskState& s) { return !s.notice.empty(); });
        EXPECT_NE(core_->state().notice, text::nothingToUndo());
        EXPECT_EQ(core_->state().notice,
                  text::undoFailed("could not undo the check-in: database is locked"));
        EXPECT_EQ(core_->state().screen, Screen::kDashboard);
        other->exec("ROLLBACK");
    }
    // Nothing was undone: the check-in is still there to undo.
    core_->undoLast();
    until([](const KioskState& s) { return s.notice == text::undone("Amelia Hughes"); });
}

TEST_F(KioskTest, DashboardCountsByTypeAndGate) {
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(3).text).accepted());
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return s.stats && s.stats->checkedIn == 2; });
    const auto& stats = *core_->state().stats;
    EXPECT_EQ(stats.insideNow, 2);
    bool vip = false;
    for (const auto& t : stats.byTicketType) vip = vip || (t.label == "VIP" && t.checkedIn == 1);
    EXPECT_TRUE(vip);
    ASSERT_EQ(stats.byGate.size(), 1U);
    EXPECT_EQ(stats.byGate.front().label, "B");
    EXPECT_EQ(stats.byGate.front().checkedIn, 2);
    ASSERT_EQ(stats.byDevice.size(), 1U);
    EXPECT_EQ(deviceLabel(stats.byDevice.front().label, core_->state().deviceId, {}), "This kiosk")
        << "the dashboard names this kiosk's own records";
}

TEST_F(KioskTest, DashboardModeIsReadOnlyAndNeedsNoPin) {
    auto o = options();
    o.dashboardOnly = true;
    start(std::move(o));
    until([](const KioskState& s) { return s.stats.has_value(); });
    EXPECT_EQ(core_->state().screen, Screen::kDashboard);
    EXPECT_EQ(core_->state().stats->expected, 36);
    core_->openScreen(Screen::kSearch);
    EXPECT_EQ(core_->state().screen, Screen::kDashboard);
}

// Multi-day rules, set in the kiosk's replica as a roster would bring them: the demo event in
// Europe/London, days from 05:00, every type valid on Saturday 12 and Sunday 13 September 2026.
void makeDemoMultiDay(const DemoProvision& demo, store::ReentryPolicy policy) {
    auto db = openKioskDatabase({demo.replica, demo.keyFile});
    ASSERT_TRUE(db) << db.error().message;
    store::Events events(*db);
    const std::string eventId = events.list().at(0).id;
    store::EventSettings settings = events.settings(eventId);
    settings.timeZone = "Europe/London";
    settings.dayStartsAt = 5 * 60;
    ASSERT_TRUE(events.setSettings(eventId, settings));
    ASSERT_TRUE(events.setReentryPolicy(eventId, policy));
    for (const auto& type : events.ticketTypes(eventId)) {
        ASSERT_TRUE(events.setTypeDays(eventId, type.code, {"2026-09-12", "2026-09-13"}));
    }
}

constexpr std::int64_t kFri11At18Utc = 1'789'149'600'000;    // 2026-09-11 18:00 UTC
constexpr std::int64_t kSat12At0942Utc = 1'789'206'120'000;  // 10:42 BST

TEST_F(KioskTest, ATicketForOtherDaysSaysWhichDays) {
    makeDemoMultiDay(demo_, store::ReentryPolicy::kSingle);
    nowMs_->store(kFri11At18Utc);
    start(options());
    untilOpen();
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_EQ(shown.kind, VerdictKind::kDenied);
    EXPECT_EQ(shown.code, "not_valid_today");
    EXPECT_EQ(shown.headline, text::kNotAdmitted);
    EXPECT_EQ(shown.reason, "Not valid today (valid Sat 12, Sun 13)");
}

TEST_F(KioskTest, OncePerDaySaysWhenAndWhereTheTicketEnteredToday) {
    makeDemoMultiDay(demo_, store::ReentryPolicy::kOncePerDay);
    nowMs_->store(kSat12At0942Utc);
    start(options());
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    nowMs_->store(kSat12At0942Utc + 5 * 3'600'000);
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    EXPECT_EQ(shown.code, "already_entered_today");
    // The event's time (BST), whatever this machine's zone.
    EXPECT_EQ(shown.reason, "Already entered today at 10:42, Gate B");
    // The next event day (05:00 BST Sunday), in again.
    nowMs_->store(kSat12At0942Utc + 18 * 3'600'000 + 18 * 60'000);
    EXPECT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
}

}  // namespace
}  // namespace admit::kiosk::testing
