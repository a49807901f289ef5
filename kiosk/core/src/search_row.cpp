#include "admit/kiosk/search_row.hpp"

namespace admit::kiosk {

SearchAction searchAction(const store::SearchHit& hit, store::Direction direction,
                          store::ReentryPolicy policy) {
    // The engine refuses a booking that is not approved in both directions.
    if (hit.attendee.status != store::AttendeeStatus::kApproved) return SearchAction::kNone;
    const store::AttendeePresence& p = hit.presence;
    if (direction == store::Direction::kExit) {
        return p.inside ? SearchAction::kMarkExit : SearchAction::kNone;
    }
    if (!p.lastEntry) return SearchAction::kCheckIn;
    switch (policy) {
        case store::ReentryPolicy::kMultiple:
            return SearchAction::kCheckIn;
        case store::ReentryPolicy::kAfterExit:
            // Back in after an exit; inside, the exit is what is missing (left without a scan).
            return p.inside ? SearchAction::kMarkExit : SearchAction::kCheckIn;
        case store::ReentryPolicy::kSingle:
            return SearchAction::kNone;
    }
    return SearchAction::kNone;
}

}  // namespace admit::kiosk
