#pragma once
// The replica both roster fuzzers start from: the event's rows of a roster, but no roster
// version, and a fingerprint that says whether a refused answer left it as it was.
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "fuzz_check.hpp"

namespace roster_fuzz {

constexpr const char* kEvent = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";

std::unique_ptr<SQLite::Database> makeReplica() {
    auto db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    admit::store::applyConnectionSettings(*db);
    ADMIT_FUZZ_CHECK(admit::store::migrate(*db).ok());
    db->exec(std::string("INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('") +
             kEvent + "', 'Fest', zeroblob(32), 0)");
    db->exec(std::string("INSERT INTO ticket_types (event_id, code, name) VALUES ('") + kEvent +
             "', 1, 'General')");
    db->exec(std::string("INSERT INTO attendees (event_id, import_key, name, email, ticket_type, "
                         "status) VALUES ('") +
             kEvent + "', 'a', 'Ada', 'ada@x.org', 1, 'approved')");
    return db;
}

std::string fingerprint(SQLite::Database& db) {
    return db
        .execAndGet(
            "SELECT (SELECT group_concat(name || email || status, '|') FROM attendees) || '#' || "
            "(SELECT count(*) FROM ticket_types) || '#' || (SELECT count(*) FROM tickets) || '#' "
            "|| coalesce((SELECT value FROM meta WHERE key = 'sync.roster_version'), '-')")
        .getString();
}

}  // namespace roster_fuzz
