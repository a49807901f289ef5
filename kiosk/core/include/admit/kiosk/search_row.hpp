#pragma once
// One search result as the search screen shows it, and what a tap on it may do. The action is
// only one the engine would accept for this person at this kiosk (its direction, the event's
// re-entry policy), so the screen never offers a check-in that ends in a refusal: someone inside
// at a single-entry event shows where and when they came in, and no button.

#include "admit/store/attendee_search.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"

namespace admit::kiosk {

enum class SearchAction {
    kNone,      // nothing to record: not approved, or already in where re-entry is refused
    kCheckIn,   // an entry
    kMarkExit,  // an exit: inside, at an exit kiosk or where re-entry needs an exit first
};

struct SearchRow : store::SearchHit {
    SearchAction action = SearchAction::kNone;
};

// Pure: the action for `hit` at a kiosk facing `direction` at an event with `policy`.
SearchAction searchAction(const store::SearchHit& hit, store::Direction direction,
                          store::ReentryPolicy policy);

}  // namespace admit::kiosk
