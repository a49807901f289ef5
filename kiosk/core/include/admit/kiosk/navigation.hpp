#pragma once
// Which screen the kiosk shows, as a pure step: the screen now plus what happened gives the
// screen next. No threads, no database: KioskCore applies it on the UI thread, tests call it
// directly.
//
//   nav = navigate(nav, nav::VerdictShown{}, facts);

#include <optional>
#include <variant>

#include "admit/kiosk/screen.hpp"
#include "admit/store/operators.hpp"

namespace admit::kiosk {

struct Navigation {
    Screen screen = Screen::kSetup;
    Screen beforeVerdict = Screen::kScanning;  // where the verdict screen goes back to
};

// What the step reads besides the navigation itself.
struct NavigationFacts {
    bool hasEvent = false;
    bool dashboardOnly = false;           // --mode dashboard
    std::optional<store::Role> signedIn;  // who is signed in, if anyone
};

namespace nav {
struct Opened {};      // the replica is open: dashboard, scanning or set-up
struct OpenFailed {};  // the kiosk cannot run: kFailed
struct VerdictShown {};
struct VerdictEnded {};  // expired or dismissed
struct Opening {         // a tap on Search, Scanning, Setup, Dashboard, Settings
    Screen target;
};
struct PinAccepted {
    Screen target;
};
struct SignedOut {};
struct DamageFound {};  // the replica is damaged: the re-sync offer, after a verdict on screen
struct EventChosen {};  // an event code set the kiosk up: set-up gives way to scanning
struct Resynced {};     // a fresh replica waits for its event code
}  // namespace nav

using NavigationEvent =
    std::variant<nav::Opened, nav::OpenFailed, nav::VerdictShown, nav::VerdictEnded, nav::Opening,
                 nav::PinAccepted, nav::SignedOut, nav::DamageFound, nav::EventChosen,
                 nav::Resynced>;

// True if `role` may open `target` without a PIN (kDashboard: organisers; kSettings: anyone
// signed in).
bool mayOpen(Screen target, std::optional<store::Role> role);

Navigation navigate(Navigation from, const NavigationEvent& event, const NavigationFacts& facts);

}  // namespace admit::kiosk
