#pragma once
// The organiser's operations on an event: create it (with its signing key), issue signed
// tickets, attach imported opaque codes, print set-up codes and export a kiosk replica.
// The `admit` CLI and the kiosk's demo call these; nothing here knows about a UI.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/organiser/admin_error.hpp"
#include "admit/store/events.hpp"

namespace admit::organiser {

struct NewEvent {
    std::string name;
    store::ReentryPolicy reentryPolicy = store::ReentryPolicy::kSingle;
    std::vector<std::string> ticketTypes{"General"};  // codes 1, 2, ... in this order
};

// Generates the event id, its Ed25519 signing key and its blind-index key. With an actor, the
// creation is an audit entry ("event.created"; the CLI always gives one).
Result<store::EventInfo> createEvent(SQLite::Database& db, const NewEvent& event,
                                     std::int64_t nowMs,
                                     const std::optional<Actor>& actor = std::nullopt);

struct IssuedTicket {
    std::int64_t attendeeId = 0;
    std::string ticketRef;
    std::string text;  // what goes in the QR code
};

struct Validity {
    std::optional<std::int64_t> validFrom;   // Unix seconds
    std::optional<std::int64_t> validUntil;  // Unix seconds
};

// Issues the attendee's signed ticket, or returns the one already issued and not revoked
// (signatures are deterministic, so the same text again). Needs the event's secret key
// (organiser database). With an actor, a newly issued ticket is an audit entry ("ticket.issued";
// the CLI always gives one); call inside a transaction to keep the two together.
Result<IssuedTicket> issueTicket(SQLite::Database& db, const std::string& eventId,
                                 std::int64_t attendeeId, const Validity& validity = {},
                                 const std::optional<Actor>& actor = std::nullopt);
// Every approved, pending or otherwise listed attendee of the event, in id order.
Result<std::vector<IssuedTicket>> issueAllTickets(SQLite::Database& db, const std::string& eventId,
                                                  const std::optional<Actor>& actor = std::nullopt);

// Attaches a barcode from another ticketing system, stored only as its blind index.
Status<> addOpaqueCode(SQLite::Database& db, const std::string& eventId, std::int64_t attendeeId,
                       const std::string& code);

// The "event QR" texts.
Result<std::string> offlineSetupCode(SQLite::Database& db, const std::string& eventId);
// `serverKeySha256`: the pin of an https:// server's key, or none.
Result<std::string> onlineSetupCode(
    SQLite::Database& db, const std::string& eventId, const std::string& serverUrl,
    const std::string& enrolmentToken,
    const std::optional<std::array<std::uint8_t, 32>>& serverKeySha256 = std::nullopt);

// Copies one event into an empty, migrated replica: event, public keys (never secret keys),
// ticket types and gate rules, attendees, tickets, revoked and blocked codes, operators
// (PIN hashes) and the check-ins so far.
Status<> exportReplica(SQLite::Database& source, const std::string& eventId,
                       SQLite::Database& replica);

}  // namespace admit::organiser
