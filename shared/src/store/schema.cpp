#include "admit/store/schema.hpp"

#include <array>
#include <chrono>
#include <string_view>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/store/clock.hpp"
#include "admit/store/uuid.hpp"

namespace admit::store {
namespace {

// Each entry moves the schema one version up. Never edit a released entry: append a new one.
constexpr std::array<std::string_view, 1> kMigrations{
    R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE events (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(name) > 0),
    reentry_policy TEXT NOT NULL DEFAULT 'single'
                   CHECK (reentry_policy IN ('single', 'multiple', 'after_exit')),
    blind_index_key BLOB NOT NULL CHECK (length(blind_index_key) = 32),
    created_at     INTEGER NOT NULL
) STRICT;

-- Public keys are in every copy; secret seeds only in the organiser's database.
CREATE TABLE event_keys (
    event_id    TEXT NOT NULL REFERENCES events (id),
    key_id      INTEGER NOT NULL,
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    secret_seed BLOB CHECK (secret_seed IS NULL OR length(secret_seed) = 32),
    PRIMARY KEY (event_id, key_id)
) STRICT;

CREATE TABLE ticket_types (
    event_id TEXT NOT NULL REFERENCES events (id),
    code     INTEGER NOT NULL CHECK (code BETWEEN 0 AND 65535),
    name     TEXT NOT NULL,
    PRIMARY KEY (event_id, code),
    UNIQUE (event_id, name)
) STRICT;

-- A ticket type listed here for a gate may enter only at the gates listed for it.
CREATE TABLE ticket_type_gates (
    event_id    TEXT NOT NULL,
    ticket_type INTEGER NOT NULL,
    gate        TEXT NOT NULL,
    PRIMARY KEY (event_id, ticket_type, gate),
    FOREIGN KEY (event_id, ticket_type) REFERENCES ticket_types (event_id, code)
) STRICT;

CREATE TABLE attendees (
    id             INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events (id),
    import_key     TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    ticket_type    INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'cancelled')),
    attention_note TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, import_key),
    FOREIGN KEY (event_id, ticket_type) REFERENCES ticket_types (event_id, code)
) STRICT;
CREATE INDEX attendees_by_name ON attendees (event_id, name COLLATE NOCASE);
CREATE INDEX attendees_by_email ON attendees (event_id, email COLLATE NOCASE);

-- ref: the ticket id (hex) of a signed ticket, or the blind index (hex) of an opaque code.
CREATE TABLE tickets (
    event_id    TEXT NOT NULL REFERENCES events (id),
    ref         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('signed', 'opaque')),
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    PRIMARY KEY (event_id, ref)
) STRICT;
CREATE INDEX tickets_by_attendee ON tickets (attendee_id);

-- Append-only: a mistake is corrected by an annulling record, never by an update or delete.
-- WITHOUT ROWID: the UUIDv7 key is the table's own b-tree (no separate index page to write).
CREATE TABLE checkins (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES events (id),
    ticket_ref  TEXT NOT NULL,
    attendee_id INTEGER,
    device_id   TEXT NOT NULL,
    gate        TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
    hlc         INTEGER NOT NULL,
    wall_time   INTEGER NOT NULL,
    operator    TEXT NOT NULL DEFAULT '',
    verdict     TEXT NOT NULL CHECK (verdict IN ('accepted', 'annulled')),
    annuls      TEXT REFERENCES checkins (id)
) STRICT, WITHOUT ROWID;
CREATE INDEX checkins_by_ticket ON checkins (event_id, ticket_ref, hlc);
-- "Is this check-in annulled?" is asked of every candidate; only annulments are indexed, so an
-- accepted check-in writes nothing here.
CREATE INDEX checkins_annulled ON checkins (annuls) WHERE annuls IS NOT NULL;
CREATE TRIGGER checkins_no_update BEFORE UPDATE ON checkins
BEGIN SELECT RAISE(ABORT, 'check-ins are append-only'); END;
CREATE TRIGGER checkins_no_delete BEFORE DELETE ON checkins
BEGIN SELECT RAISE(ABORT, 'check-ins are append-only'); END;

-- revoked: withdrawn by the organiser (refund, reissue); blocked: stopped at the door
-- (a code known to be copied or abused). Both name the ticket ref.
CREATE TABLE revoked_codes (
    event_id   TEXT NOT NULL REFERENCES events (id),
    ticket_ref TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    PRIMARY KEY (event_id, ticket_ref)
) STRICT;
CREATE TABLE blocked_codes (
    event_id   TEXT NOT NULL REFERENCES events (id),
    ticket_ref TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    PRIMARY KEY (event_id, ticket_ref)
) STRICT;

-- Records for the server, in the order they were made. Rows are never deleted, so seq is never
-- reused without AUTOINCREMENT (which would write sqlite_sequence on every insert). What has
-- been uploaded is one cursor in meta ('outbox_sent_through'), not a column to update.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    payload   TEXT NOT NULL,
    hlc       INTEGER NOT NULL
) STRICT;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'the outbox is append-only'); END;

-- Each entry carries the hash of the one before it, so an edited or removed entry shows.
-- Never deleted (trigger below), so seq needs no AUTOINCREMENT.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    wall_time INTEGER NOT NULL,
    hlc       INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    operator  TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    hash      BLOB NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE operators (
    name            TEXT PRIMARY KEY,
    role            TEXT NOT NULL CHECK (role IN ('volunteer', 'organiser')),
    pin_hash        TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0
) STRICT;
)sql",
};

int userVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

}  // namespace

int currentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status<> migrate(SQLite::Database& db) {
    int version = userVersion(db);
    if (version > currentSchemaVersion()) {
        return fail("database " + db.getFilename() + " has schema version " +
                    std::to_string(version) + ", newer than this build understands (" +
                    std::to_string(currentSchemaVersion()) + "); update Admit");
    }
    for (; version < currentSchemaVersion(); ++version) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(std::string(kMigrations[static_cast<std::size_t>(version)]));
        if (version == 0) {
            SQLite::Statement insert(db, "INSERT INTO meta (key, value) VALUES ('device_id', ?)");
            insert.bind(1, newUuidV7(systemTimeMs()));
            insert.exec();
        }
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        transaction.commit();
    }
    return Ok{};
}

std::string deviceId(SQLite::Database& db) {
    return db.execAndGet("SELECT value FROM meta WHERE key = 'device_id'").getString();
}

}  // namespace admit::store
