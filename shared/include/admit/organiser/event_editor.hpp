#pragma once
// The organiser's changes to an event: its name, re-entry policy, check-in window and time
// zone, its ticket types (add, rename) and which gates a type may use. Each change is one
// transaction with its audit entry; all of it is roster data, so kiosks learn it on their next
// sync round.

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"
#include "admit/store/events.hpp"

namespace admit::organiser {

// Fields left empty are not changed. A window side set to nullopt inside is opened.
struct EventChanges {
    std::optional<std::string> name;
    std::optional<std::string> reentryPolicy;
    std::optional<std::optional<std::int64_t>> validFrom;   // Unix seconds
    std::optional<std::optional<std::int64_t>> validUntil;  // Unix seconds
    std::optional<std::string> timeZone;                    // IANA name, e.g. "Europe/London"
};

struct EventView {
    store::EventInfo info;
    store::EventSettings settings;
    std::vector<store::TicketType> ticketTypes;
    std::vector<store::GateRule> gateRules;
};

class EventEditor {
  public:
    EventEditor(SQLite::Database& db, std::string eventId);

    AdminResult<EventView> show();
    // kInvalid when a value is refused or nothing would change.
    AdminResult<EventView> set(const EventChanges& changes, const Actor& actor);
    AdminResult<store::TicketType> addTicketType(const std::string& name, const Actor& actor);
    AdminResult<store::TicketType> renameTicketType(const std::string& name,
                                                    const std::string& newName, const Actor& actor);
    // From now on the type may enter only at the gates allowed for it (this one among them).
    AdminResult<std::vector<store::GateRule>> allowAtGate(const std::string& typeName,
                                                          const std::string& gate,
                                                          const Actor& actor);

  private:
    SQLite::Database& db_;
    std::string eventId_;
};

// True for a name in the system's time zone database (/usr/share/zoneinfo), or "UTC".
bool isKnownTimeZone(const std::string& name);

}  // namespace admit::organiser
