#pragma once
// One search result as the search screen shows it, and what a tap on it may do. The action is
// decided by the engine itself (CheckInEngine::evaluateAttendee, a preview that records
// nothing), so the screen never offers a check-in that ends in a refusal, whatever the rule:
// someone inside at a single-entry event shows where and when they came in and no button; a
// withdrawn code or a gate their ticket type may not use shows the reason and no button.

#include <optional>

#include "admit/rules/verdict.hpp"
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
    // The preview's refusal when there is no action: the reason shown (text::searchState).
    std::optional<rules::Verdict> refusal;
};

// Pure: the action the engine's preview allows. `preview` is evaluateAttendee's verdict in the
// kiosk's direction at an event with `policy`.
SearchAction searchAction(const rules::Verdict& preview, store::ReentryPolicy policy);

}  // namespace admit::kiosk
