#pragma once
// The organiser's changes to attendees: a walk-in added at the desk (with their ticket issued
// at once) and changes of status, name, email, ticket type or attention note. Each change is one
// transaction with its audit entry; attendees are roster rows, so kiosks learn the change on
// their next sync round.

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/ticket_admin.hpp"
#include "admit/store/attendees.hpp"

namespace admit::organiser {

struct NewWalkIn {
    std::string name;
    std::string email;
    std::string ticketType;  // a type's name; empty: the event's first type
    std::string status = "approved";
    std::string attentionNote;
};

struct WalkInAdded {
    store::Attendee attendee;
    IssuedTicket ticket;
};

// Fields left empty are not changed.
struct AttendeeChanges {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> ticketType;  // a type's name
    std::optional<std::string> status;
    std::optional<std::string> attentionNote;  // "" clears it
};

// An attendee with what the desk needs to see.
struct AttendeeView {
    store::Attendee attendee;
    std::string ticketTypeName;
    std::vector<TicketState> tickets;
    int entries = 0;      // effective entries
    bool inside = false;  // the latest effective record is an entry
};

class AttendeeAdmin {
  public:
    AttendeeAdmin(SQLite::Database& db, std::string eventId);

    AdminResult<WalkInAdded> addWalkIn(const NewWalkIn& walkIn, const Actor& actor);
    // The attendee as changed; kInvalid when nothing would change.
    AdminResult<store::Attendee> set(std::int64_t attendeeId, const AttendeeChanges& changes,
                                     const Actor& actor);
    AdminResult<AttendeeView> show(std::int64_t attendeeId);
    AdminResult<std::vector<AttendeeView>> list(int limit, int offset);
    AdminResult<std::vector<AttendeeView>> search(const std::string& query, int limit);

  private:
    AdminResult<store::Attendee> attendeeAtEvent(std::int64_t attendeeId);
    AdminResult<std::uint16_t> typeCode(const std::string& name);
    AttendeeView viewOf(const store::Attendee& attendee);

    SQLite::Database& db_;
    std::string eventId_;
};

}  // namespace admit::organiser
