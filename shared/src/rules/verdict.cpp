#include "admit/rules/verdict.hpp"

namespace admit::rules {

std::string_view denialCode(Denial denial) {
    switch (denial) {
        case Denial::kMalformed:
            return "malformed";
        case Denial::kEventSetupCode:
            return "event_setup_code";
        case Denial::kBadSignature:
            return "bad_signature";
        case Denial::kUnknownKey:
            return "unknown_key";
        case Denial::kOtherEvent:
            return "other_event";
        case Denial::kNotYetValid:
            return "not_yet_valid";
        case Denial::kExpired:
            return "expired";
        case Denial::kRevoked:
            return "revoked";
        case Denial::kBlocked:
            return "blocked";
        case Denial::kCancelled:
            return "cancelled";
        case Denial::kPendingApproval:
            return "pending_approval";
        case Denial::kRejected:
            return "rejected";
        case Denial::kUnknownTicket:
            return "unknown_ticket";
        case Denial::kTypeNotAllowedAtGate:
            return "type_not_allowed_at_gate";
        case Denial::kAlreadyCheckedIn:
            return "already_checked_in";
        case Denial::kNotCheckedIn:
            return "not_checked_in";
        case Denial::kNotValidToday:
            return "not_valid_today";
        case Denial::kAlreadyEnteredToday:
            return "already_entered_today";
    }
    return "malformed";
}

}  // namespace admit::rules
