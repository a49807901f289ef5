#pragma once
// The organiser's changes to an event: its name, re-entry policy, check-in window and time
// zone, its ticket types (add, rename) and which gates a type may use. Each change is one
// transaction with its audit entry; all of it is roster data, so kiosks learn it on their next
// sync round.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"
#include "admit/store/events.hpp"
#include "admit/store/pretix_settings.hpp"

namespace admit::organiser {

// Fields left empty are not changed. A window side set to nullopt inside is opened.
struct EventChanges {
    std::optional<std::string> name;
    std::optional<std::string> reentryPolicy;
    std::optional<std::optional<std::int64_t>> validFrom;   // Unix seconds
    std::optional<std::optional<std::int64_t>> validUntil;  // Unix seconds
    std::optional<std::string> timeZone;                    // IANA name, e.g. "Europe/London"
    std::optional<std::string> dayStartsAt;                 // local "HH:MM" an event day begins
};

struct EventView {
    store::EventInfo info;
    store::EventSettings settings;
    std::vector<store::TicketType> ticketTypes;
    std::vector<store::GateRule> gateRules;
    std::map<std::uint16_t, std::vector<std::string>> typeDays;  // types valid on given days
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

    // The event days ("YYYY-MM-DD", in the event's time zone) the type is valid on, replacing
    // those it had; an empty list makes it valid on any day again. kInvalid names a day that is
    // not a date.
    AdminResult<std::vector<std::string>> setTypeDays(const std::string& typeName,
                                                      const std::vector<std::string>& days,
                                                      const Actor& actor);

    // pretix_sig1 tickets: the event's pretix public keys, in pretix's form (base64 of the PEM
    // block, as pretix shows it), and which ticket type each pretix item is.
    AdminResult<std::vector<std::string>> pretixKeys();
    // kInvalid for a text that is not such a key (or a key the event has already).
    AdminResult<std::vector<std::string>> addPretixKey(const std::string& keyText,
                                                       const Actor& actor);
    AdminResult<std::vector<std::string>> removePretixKey(const std::string& keyText,
                                                          const Actor& actor);
    AdminResult<std::vector<store::PretixItemType>> pretixItemTypes();
    AdminResult<store::PretixItemType> mapPretixItem(std::int64_t item, const std::string& typeName,
                                                     const Actor& actor);

  private:
    SQLite::Database& db_;
    std::string eventId_;
};

// True for a name in the system's time zone database (/usr/share/zoneinfo), or "UTC".
bool isKnownTimeZone(const std::string& name);
// "05:00" -> 300 (minutes after midnight); nullopt unless HH:MM from 00:00 to 23:59.
std::optional<int> parseTimeOfDay(const std::string& text);
// 300 -> "05:00".
std::string timeOfDayText(int minutes);

}  // namespace admit::organiser
