#pragma once
// The roster as data (docs/sync.md): the rows of one event that a kiosk downloads (event,
// public keys, ticket types and gate rules, attendees, tickets, revoked and blocked codes,
// operators), read from the server's database and written into a kiosk's replica. No network.

#include <cstdint>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::sync {

// The event's roster version (bumped by triggers on any roster change; 0 if never set).
std::int64_t rosterVersion(SQLite::Database& db, const std::string& eventId);

// The roster response body for `have`: {"unchanged": true} if `have` is current, else every
// roster table of the event. Fails if the event is unknown.
Result<std::string> rosterJson(SQLite::Database& db, const std::string& eventId, std::int64_t have);

struct RosterApplied {
    std::int64_t version = 0;
    bool changed = false;  // false when the server answered "unchanged"
    std::int64_t attendees = 0;
    std::int64_t rowsWritten = 0;  // rows inserted, changed or removed in the replica
};

// Makes the event's roster rows in `replica` equal to the body's in one transaction that writes
// only the rows that differ (check-ins, outbox, audit log, settings and local lock-out counters
// are kept), and stores the version in meta `sync.roster_version`. A body that does not match the
// schema is refused whole, naming the table, row and column; the replica keeps its previous roster.
Result<RosterApplied> applyRosterJson(SQLite::Database& replica, const std::string& eventId,
                                      std::string_view body);

}  // namespace admit::sync
