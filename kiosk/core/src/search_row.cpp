#include "admit/kiosk/search_row.hpp"

namespace admit::kiosk {

SearchAction searchAction(const rules::Verdict& preview, store::ReentryPolicy policy) {
    if (preview.accepted) {
        return preview.direction == store::Direction::kExit ? SearchAction::kMarkExit
                                                            : SearchAction::kCheckIn;
    }
    // Inside where re-entry needs an exit: the missing exit (left without a scan) is what can
    // be recorded; the entry is refused only because of it.
    if (preview.direction == store::Direction::kEntry &&
        preview.denial == rules::Denial::kAlreadyCheckedIn &&
        policy == store::ReentryPolicy::kAfterExit) {
        return SearchAction::kMarkExit;
    }
    return SearchAction::kNone;
}

}  // namespace admit::kiosk
