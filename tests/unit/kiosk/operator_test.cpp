// PINs: settings for any operator, the dashboard for organisers, lock-out after wrong PINs.

#include "admit/kiosk/strings.hpp"
#include "admit/store/operators.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, VolunteerPinOpensSettings) {
    start(options());
    untilOpen();
    core_->askPin(Screen::kSettings);
    EXPECT_FALSE(core_->state().pin.organiserOnly);
    core_->enterPin(kDemoVolunteer, kDemoVolunteerPin);
    until([](const KioskState& s) { return s.screen == Screen::kSettings; });
    ASSERT_TRUE(core_->state().signedIn);
    EXPECT_EQ(core_->state().signedIn->name, kDemoVolunteer);

    core_->setGate("North");
    EXPECT_EQ(core_->state().gate, "North");
    core_->signOut();
    auto shown = scanCode(demo_.event.tickets.at(0).text);
    ASSERT_TRUE(shown.accepted());
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).reason,
              "Already checked in at " + text::clockTime(nowMs_->load()) + ", Gate North");
}

TEST_F(KioskTest, OperatorListNeverCarriesPins) {
    start(options());
    untilOpen();
    ASSERT_EQ(core_->state().operators.size(), 2U);
}

TEST_F(KioskTest, WrongPinsLockTheOperatorOut) {
    start(options());
    untilOpen();
    core_->askPin(Screen::kDashboard);
    auto wrongPin = [this] {
        core_->askPin(Screen::kDashboard);  // clears the message
        core_->enterPin(kDemoOrganiser, "0000");
        until([](const KioskState& s) { return !s.pin.message.empty(); });
        return core_->state().pin.message;
    };
    for (int i = 1; i < store::Operators::kFreeAttempts; ++i) {
        EXPECT_EQ(wrongPin(), text::kWrongPin) << "attempt " << i;
    }
    std::string locked =
        text::lockedOut(store::Operators::lockDurationMs(store::Operators::kFreeAttempts));
    EXPECT_EQ(wrongPin(), locked);
    // Locked now, even with the right PIN (the clock does not move).
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return !s.pin.message.empty(); });
    EXPECT_EQ(core_->state().pin.message, locked);
    EXPECT_FALSE(core_->state().signedIn);
    EXPECT_EQ(core_->state().screen, Screen::kPin);

    // After the lock-out the right PIN works.
    nowMs_->fetch_add(store::Operators::lockDurationMs(store::Operators::kFreeAttempts) + 1);
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    until([](const KioskState& s) { return s.screen == Screen::kDashboard; });
    EXPECT_TRUE(core_->state().signedIn);
}

TEST_F(KioskTest, UnknownOperatorIsRefused) {
    start(options());
    untilOpen();
    core_->askPin(Screen::kSettings);
    core_->enterPin("Nobody", "1234");
    until([](const KioskState& s) { return !s.pin.message.empty(); });
    EXPECT_EQ(core_->state().pin.message, text::kUnknownOperator);
}

}  // namespace
}  // namespace admit::kiosk::testing
