#pragma once
// Applies the pure navigation step (navigation.hpp) to the screens' state, with the facts it
// reads taken from that state. UI thread only, like KioskState.

#include "admit/kiosk/kiosk_state.hpp"
#include "admit/kiosk/navigation.hpp"

namespace admit::kiosk {

inline void navigateOnUi(KioskState& s, const NavigationEvent& event) {
    NavigationFacts facts;
    facts.hasEvent = s.event.has_value();
    facts.dashboardOnly = s.dashboardOnly;
    if (s.signedIn) facts.signedIn = s.signedIn->role;
    Navigation to = navigate({s.screen, s.screenBeforeVerdict}, event, facts);
    s.screen = to.screen;
    s.screenBeforeVerdict = to.beforeVerdict;
}

}  // namespace admit::kiosk
