// The pure navigation step: which screen follows from the screen now and what happened.

#include "admit/kiosk/navigation.hpp"

#include <gtest/gtest.h>

namespace admit::kiosk {
namespace {

NavigationFacts withEvent() { return {true, false, std::nullopt}; }
NavigationFacts noEvent() { return {false, false, std::nullopt}; }
NavigationFacts dashboardOnly() { return {true, true, std::nullopt}; }
NavigationFacts signedIn(store::Role role) { return {true, false, role}; }

TEST(Navigation, OpeningTheReplicaShowsScanningSetupOrTheDashboard) {
    EXPECT_EQ(navigate({}, nav::Opened{}, withEvent()).screen, Screen::kScanning);
    EXPECT_EQ(navigate({}, nav::Opened{}, noEvent()).screen, Screen::kSetup);
    EXPECT_EQ(navigate({}, nav::Opened{}, dashboardOnly()).screen, Screen::kDashboard);
    EXPECT_EQ(navigate({}, nav::OpenFailed{}, withEvent()).screen, Screen::kFailed);
}

TEST(Navigation, AVerdictCoversScanningAndGoesBackWhenItEnds) {
    Navigation scanning{Screen::kScanning, Screen::kScanning};
    Navigation shown = navigate(scanning, nav::VerdictShown{}, withEvent());
    EXPECT_EQ(shown.screen, Screen::kVerdict);
    EXPECT_EQ(shown.beforeVerdict, Screen::kScanning);
    // A second verdict while the first shows keeps where to go back to.
    Navigation again = navigate(shown, nav::VerdictShown{}, withEvent());
    EXPECT_EQ(again.beforeVerdict, Screen::kScanning);
    EXPECT_EQ(navigate(again, nav::VerdictEnded{}, withEvent()).screen, Screen::kScanning);
    // Ending a verdict that is not on screen changes nothing.
    EXPECT_EQ(navigate(scanning, nav::VerdictEnded{}, withEvent()).screen, Screen::kScanning);
}

TEST(Navigation, AVerdictOnTheSearchScreenReturnsToSearch) {
    Navigation shown =
        navigate({Screen::kSearch, Screen::kScanning}, nav::VerdictShown{}, withEvent());
    EXPECT_EQ(shown.screen, Screen::kVerdict);
    EXPECT_EQ(navigate(shown, nav::VerdictEnded{}, withEvent()).screen, Screen::kSearch);
}

TEST(Navigation, TheSetUpVerdictReturnsToScanningOnceThereIsAnEvent) {
    Navigation setup{Screen::kSetup, Screen::kScanning};
    EXPECT_EQ(navigate(setup, nav::VerdictShown{}, withEvent()).beforeVerdict, Screen::kScanning);
    EXPECT_EQ(navigate(setup, nav::VerdictShown{}, noEvent()).beforeVerdict, Screen::kSetup);
}

TEST(Navigation, AVerdictStaysBehindStaffScreensAndTheDamageScreen) {
    for (Screen screen : {Screen::kDashboard, Screen::kSettings, Screen::kPin, Screen::kDamaged}) {
        Navigation to = navigate({screen, Screen::kScanning}, nav::VerdictShown{}, withEvent());
        EXPECT_EQ(to.screen, screen) << screenName(screen);
        EXPECT_EQ(to.beforeVerdict, screen) << screenName(screen);
    }
}

// The screen shown after `event`, from `from` (with scanning behind any verdict).
Screen after(Screen from, const NavigationEvent& event, const NavigationFacts& facts) {
    return navigate({from, Screen::kScanning}, event, facts).screen;
}

TEST(Navigation, StaffScreensAskForAPinUnlessTheRightPersonIsSignedIn) {
    const auto settings = nav::Opening{Screen::kSettings};
    const auto dashboard = nav::Opening{Screen::kDashboard};
    EXPECT_EQ(after(Screen::kScanning, settings, withEvent()), Screen::kPin);
    EXPECT_EQ(after(Screen::kScanning, dashboard, withEvent()), Screen::kPin);
    EXPECT_EQ(after(Screen::kScanning, settings, signedIn(store::Role::kVolunteer)),
              Screen::kSettings);
    EXPECT_EQ(after(Screen::kScanning, dashboard, signedIn(store::Role::kVolunteer)), Screen::kPin)
        << "the dashboard is for organisers";
    EXPECT_EQ(after(Screen::kScanning, dashboard, signedIn(store::Role::kOrganiser)),
              Screen::kDashboard);
    EXPECT_EQ(after(Screen::kPin, nav::PinAccepted{Screen::kDashboard}, withEvent()),
              Screen::kDashboard);
}

TEST(Navigation, SigningOutGoesHomeExceptOnTheReadOnlyDashboard) {
    EXPECT_EQ(after(Screen::kSettings, nav::SignedOut{}, withEvent()), Screen::kScanning);
    EXPECT_EQ(after(Screen::kSettings, nav::SignedOut{}, noEvent()), Screen::kSetup);
    EXPECT_EQ(after(Screen::kDashboard, nav::SignedOut{}, dashboardOnly()), Screen::kDashboard);
    EXPECT_EQ(after(Screen::kDashboard, nav::Opening{Screen::kSearch}, dashboardOnly()),
              Screen::kDashboard)
        << "the read-only dashboard cannot be left";
}

TEST(Navigation, DamageWaitsForTheVerdictOnScreen) {
    Navigation verdict{Screen::kVerdict, Screen::kScanning};
    Navigation after = navigate(verdict, nav::DamageFound{}, withEvent());
    EXPECT_EQ(after.screen, Screen::kVerdict) << "NOT SAVED stays readable";
    EXPECT_EQ(navigate(after, nav::VerdictEnded{}, withEvent()).screen, Screen::kDamaged);
    EXPECT_EQ(
        navigate({Screen::kSearch, Screen::kScanning}, nav::DamageFound{}, withEvent()).screen,
        Screen::kDamaged);
    EXPECT_EQ(navigate({Screen::kDamaged, Screen::kScanning}, nav::Resynced{}, noEvent()).screen,
              Screen::kSetup);
}

TEST(Navigation, AnEventCodeLeavesTheSetUpScreenOnly) {
    EXPECT_EQ(navigate({Screen::kSetup, Screen::kScanning}, nav::EventChosen{}, withEvent()).screen,
              Screen::kScanning);
    EXPECT_EQ(
        navigate({Screen::kDashboard, Screen::kScanning}, nav::EventChosen{}, withEvent()).screen,
        Screen::kDashboard)
        << "an organiser switching event stays where they are";
}

}  // namespace
}  // namespace admit::kiosk
