#pragma once
// What the door decides about one scan: accepted (entry or exit), or exactly one reason why
// not, plus an attention note that needs a human.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/ticket/code_format.hpp"

namespace admit::rules {

enum class Denial {
    kMalformed,
    kEventSetupCode,  // an event QR shown where a ticket was expected
    kBadSignature,
    kUnknownKey,
    kOtherEvent,
    kNotYetValid,
    kExpired,
    kRevoked,
    kBlocked,
    kCancelled,
    kPendingApproval,
    kRejected,
    kUnknownTicket,
    kTypeNotAllowedAtGate,
    kAlreadyCheckedIn,
    kNotCheckedIn,         // an exit for a ticket that is not inside
    kNotValidToday,        // the ticket type is valid on other event days only
    kAlreadyEnteredToday,  // re-entry policy once_per_day: entered earlier this event day
};

// Stable machine name, e.g. "already_checked_in" (JSON output, audit log, tests).
std::string_view denialCode(Denial denial);

struct Verdict {
    bool accepted = false;
    store::Direction direction = store::Direction::kEntry;
    std::optional<Denial> denial;
    std::string detail;     // technical particulars (which field was malformed, ...)
    std::string ticketRef;  // empty when the text could not be read as a ticket
    // The scanned code's format, told from its text; unset for a check-in from the search.
    std::optional<ticket::CodeFormat> format;
    std::optional<store::Attendee> attendee;
    std::string ticketTypeName;
    std::string attentionNote;               // non-empty: a human must look
    std::optional<store::CheckIn> checkIn;   // the record written, when accepted
    std::optional<store::CheckIn> previous;  // already checked in: the earlier record
    // Multi-day rules, in the event's time zone: kNotValidToday, the type's days ("Sat 12",
    // "Sun 13"); kAlreadyEnteredToday, the earlier entry's time of day ("10:42").
    std::vector<std::string> validDays;
    std::string previousTimeOfDay;

    bool needsAttention() const { return !attentionNote.empty(); }
};

}  // namespace admit::rules
