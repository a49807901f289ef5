#include "admit/store/schema.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/store/clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/uuid.hpp"

namespace admit::store {
namespace {

// Each entry moves the schema one version up. Never edit a released entry: append a new one.
constexpr std::array<std::string_view, 13> kMigrations{
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
    // 2: sync (docs/sync.md). Server-side tables, present everywhere so one schema serves all
    // copies, and a roster version per event that the triggers below bump on any change to
    // what a kiosk downloads (operators are shared by all events). Lock-out counters are local
    // and do not count.
    R"sql(
CREATE TABLE enrolment_tokens (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    event_id   TEXT NOT NULL REFERENCES events (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    TEXT
) STRICT;

CREATE TABLE devices (
    device_id    TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events (id),
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    gate         TEXT NOT NULL DEFAULT '',
    enrolled_at  INTEGER NOT NULL,
    last_sync_at INTEGER
) STRICT;

-- The order in which the server stored check-ins: kiosks download "after seq N".
CREATE TABLE received_checkins (
    seq         INTEGER PRIMARY KEY,
    checkin_id  TEXT NOT NULL UNIQUE,
    event_id    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX received_checkins_by_event ON received_checkins (event_id, seq);

-- Uploaded entries the server could not store, kept verbatim so nothing is lost.
CREATE TABLE sync_quarantine (
    seq         INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    entry       TEXT NOT NULL
) STRICT;

CREATE TABLE roster_versions (
    event_id TEXT PRIMARY KEY,
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO roster_versions (event_id, version) SELECT id, 1 FROM events;

CREATE TRIGGER roster_events_insert AFTER INSERT ON events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_events_update AFTER UPDATE ON events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_event_keys_insert AFTER INSERT ON event_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_event_keys_update AFTER UPDATE ON event_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_event_keys_delete AFTER DELETE ON event_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_types_insert AFTER INSERT ON ticket_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_types_update AFTER UPDATE ON ticket_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_types_delete AFTER DELETE ON ticket_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_type_gates_insert AFTER INSERT ON ticket_type_gates
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_type_gates_update AFTER UPDATE ON ticket_type_gates
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_type_gates_delete AFTER DELETE ON ticket_type_gates
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_attendees_insert AFTER INSERT ON attendees
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_attendees_update AFTER UPDATE ON attendees
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_attendees_delete AFTER DELETE ON attendees
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_tickets_insert AFTER INSERT ON tickets
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_tickets_update AFTER UPDATE ON tickets
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_tickets_delete AFTER DELETE ON tickets
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_revoked_codes_insert AFTER INSERT ON revoked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_revoked_codes_update AFTER UPDATE ON revoked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_revoked_codes_delete AFTER DELETE ON revoked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_blocked_codes_insert AFTER INSERT ON blocked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_blocked_codes_update AFTER UPDATE ON blocked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_blocked_codes_delete AFTER DELETE ON blocked_codes
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_operators_insert AFTER INSERT ON operators
BEGIN UPDATE roster_versions SET version = version + 1; END;
CREATE TRIGGER roster_operators_update AFTER UPDATE OF name, role, pin_hash ON operators
BEGIN UPDATE roster_versions SET version = version + 1; END;
CREATE TRIGGER roster_operators_delete AFTER DELETE ON operators
BEGIN UPDATE roster_versions SET version = version + 1; END;
)sql",
    // 3: issue 12. The organiser can revoke a device (its token is then refused with its own
    // kind); the quarantine is looked up by device and entry (a retried batch) and counted per
    // device, so it needs an index; operators serve the events they are listed for, and a
    // kiosk's roster carries only those. Operators served every event before, so each keeps
    // the events there are now; the roster-version triggers bump only the events concerned.
    R"sql(
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;

CREATE INDEX sync_quarantine_by_device ON sync_quarantine (device_id, entry);

-- No foreign key to operators: a kiosk's roster replaces its operators without these rows.
CREATE TABLE operator_events (
    event_id TEXT NOT NULL REFERENCES events (id),
    operator TEXT NOT NULL,
    PRIMARY KEY (event_id, operator)
) STRICT;
INSERT INTO operator_events (event_id, operator) SELECT e.id, o.name FROM events e, operators o;

DROP TRIGGER roster_operators_insert;
DROP TRIGGER roster_operators_update;
DROP TRIGGER roster_operators_delete;
CREATE TRIGGER roster_operators_update AFTER UPDATE OF name, role, pin_hash ON operators
BEGIN UPDATE roster_versions SET version = version + 1 WHERE event_id IN
      (SELECT event_id FROM operator_events WHERE operator IN (OLD.name, NEW.name)); END;
CREATE TRIGGER roster_operators_delete AFTER DELETE ON operators
BEGIN DELETE FROM operator_events WHERE operator = OLD.name; END;
CREATE TRIGGER roster_operator_events_insert AFTER INSERT ON operator_events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_operator_events_delete AFTER DELETE ON operator_events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
)sql",
    // 4: the server remembers how far it holds each device's outbox, so a kiosk learns when the
    // server lost what it had acknowledged (a restore from a backup) and sends it again. NULL:
    // not known (devices enrolled before this version, until their next upload).
    R"sql(
ALTER TABLE devices ADD COLUMN acknowledged_through INTEGER;
)sql",
    // 5: issue 17, the organiser's toolset. An event has a check-in window (Unix seconds, NULL:
    // open) that kiosks enforce, and a time zone (IANA name) its times are shown in; both travel
    // in the roster (the events triggers bump it). The audit log is asked "what happened to this
    // subject" (an attendee's story, a ticket's revocation), so subjects are indexed.
    R"sql(
ALTER TABLE events ADD COLUMN valid_from INTEGER;
ALTER TABLE events ADD COLUMN valid_until INTEGER;
ALTER TABLE events ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);
)sql",
    // 6: issue 18. Which tickets' check-in histories changed, in the order they changed, so
    // that statistics (AttendanceTally) re-derive only those tickets. Filled by a trigger, in
    // the same transaction as the record, for every record stored without an outbox entry
    // written just before it (downloaded and uploaded records, this device's own downloaded
    // again after a re-sync, a salvage); this device's check-ins and annulments are in the
    // outbox already (CheckInLog writes that entry first), so the verdict's commit writes no
    // extra page. An annulment names its target's ticket too. Rows are never deleted, so seq
    // needs no AUTOINCREMENT.
    R"sql(
CREATE TABLE checkin_changes (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL,
    ticket_ref TEXT NOT NULL
) STRICT;
CREATE TRIGGER checkins_changed AFTER INSERT ON checkins
WHEN NEW.id IS NOT (SELECT record_id FROM outbox ORDER BY seq DESC LIMIT 1)
BEGIN
    INSERT INTO checkin_changes (event_id, ticket_ref) VALUES (NEW.event_id, NEW.ticket_ref);
    INSERT INTO checkin_changes (event_id, ticket_ref)
        SELECT event_id, ticket_ref FROM checkins
        WHERE NEW.annuls IS NOT NULL AND id = NEW.annuls
          AND NOT (event_id = NEW.event_id AND ticket_ref = NEW.ticket_ref);
END;
)sql",
    // 7: issue 14, the incremental roster. Which roster rows changed at which roster version, so
    // the server answers a kiosk only what changed since its version (docs/sync.md). One entry
    // per row (its primary key as a JSON array): a row changed again moves to the end (a new
    // seq, never reused: AUTOINCREMENT), so a kiosk reading the changes in pages misses none.
    // Whether a key is a row or a tombstone is read from the tables when answering, so the log
    // holds keys only. Its version is the event's version just before or just after the change
    // (SQLite does not order triggers), so a change logged at v is answered to kiosks at v too.
    // Entries below the window kept (sync::kRosterChangeWindow) are pruned and delta_floor,
    // the oldest version still answered with changes, moves up; rows changed before this
    // migration were never logged, so it starts at today's version. A database whose roster is
    // a copy (a kiosk's replica: meta 'roster.copy') keeps no log.
    R"sql(
CREATE TABLE roster_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    tbl      TEXT NOT NULL,
    key      TEXT NOT NULL,
    version  INTEGER NOT NULL,
    UNIQUE (event_id, tbl, key)
) STRICT;
CREATE INDEX roster_changes_by_version ON roster_changes (event_id, version);
ALTER TABLE roster_versions ADD COLUMN delta_floor INTEGER NOT NULL DEFAULT 0;
UPDATE roster_versions SET delta_floor = version;

CREATE TRIGGER roster_log_events_insert AFTER INSERT ON events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.id AND tbl = 'events' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.id, 'events', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.id), 0));
END;
CREATE TRIGGER roster_log_events_update AFTER UPDATE ON events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.id AND tbl = 'events' AND key = json_array(OLD.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.id, 'events', json_array(OLD.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.id AND tbl = 'events' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.id, 'events', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.id), 0));
END;
CREATE TRIGGER roster_log_event_keys_insert AFTER INSERT ON event_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'event_keys' AND key = json_array(NEW.event_id, NEW.key_id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'event_keys', json_array(NEW.event_id, NEW.key_id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_event_keys_update AFTER UPDATE ON event_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'event_keys' AND key = json_array(OLD.event_id, OLD.key_id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'event_keys', json_array(OLD.event_id, OLD.key_id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'event_keys' AND key = json_array(NEW.event_id, NEW.key_id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'event_keys', json_array(NEW.event_id, NEW.key_id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_event_keys_delete AFTER DELETE ON event_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'event_keys' AND key = json_array(OLD.event_id, OLD.key_id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'event_keys', json_array(OLD.event_id, OLD.key_id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_types_insert AFTER INSERT ON ticket_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_types' AND key = json_array(NEW.event_id, NEW.code);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_types', json_array(NEW.event_id, NEW.code),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_types_update AFTER UPDATE ON ticket_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_types' AND key = json_array(OLD.event_id, OLD.code);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_types', json_array(OLD.event_id, OLD.code),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_types' AND key = json_array(NEW.event_id, NEW.code);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_types', json_array(NEW.event_id, NEW.code),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_types_delete AFTER DELETE ON ticket_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_types' AND key = json_array(OLD.event_id, OLD.code);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_types', json_array(OLD.event_id, OLD.code),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_type_gates_insert AFTER INSERT ON ticket_type_gates WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_type_gates' AND key = json_array(NEW.event_id, NEW.ticket_type, NEW.gate);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_type_gates', json_array(NEW.event_id, NEW.ticket_type, NEW.gate),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_type_gates_update AFTER UPDATE ON ticket_type_gates WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_type_gates' AND key = json_array(OLD.event_id, OLD.ticket_type, OLD.gate);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_type_gates', json_array(OLD.event_id, OLD.ticket_type, OLD.gate),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_type_gates' AND key = json_array(NEW.event_id, NEW.ticket_type, NEW.gate);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_type_gates', json_array(NEW.event_id, NEW.ticket_type, NEW.gate),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_type_gates_delete AFTER DELETE ON ticket_type_gates WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_type_gates' AND key = json_array(OLD.event_id, OLD.ticket_type, OLD.gate);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_type_gates', json_array(OLD.event_id, OLD.ticket_type, OLD.gate),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_attendees_insert AFTER INSERT ON attendees WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'attendees' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'attendees', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_attendees_update AFTER UPDATE ON attendees WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'attendees' AND key = json_array(OLD.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'attendees', json_array(OLD.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'attendees' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'attendees', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_attendees_delete AFTER DELETE ON attendees WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'attendees' AND key = json_array(OLD.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'attendees', json_array(OLD.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_tickets_insert AFTER INSERT ON tickets WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'tickets' AND key = json_array(NEW.event_id, NEW.ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'tickets', json_array(NEW.event_id, NEW.ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_tickets_update AFTER UPDATE ON tickets WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'tickets' AND key = json_array(OLD.event_id, OLD.ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'tickets', json_array(OLD.event_id, OLD.ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'tickets' AND key = json_array(NEW.event_id, NEW.ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'tickets', json_array(NEW.event_id, NEW.ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_tickets_delete AFTER DELETE ON tickets WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'tickets' AND key = json_array(OLD.event_id, OLD.ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'tickets', json_array(OLD.event_id, OLD.ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_revoked_codes_insert AFTER INSERT ON revoked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'revoked_codes' AND key = json_array(NEW.event_id, NEW.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'revoked_codes', json_array(NEW.event_id, NEW.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_revoked_codes_update AFTER UPDATE ON revoked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'revoked_codes' AND key = json_array(OLD.event_id, OLD.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'revoked_codes', json_array(OLD.event_id, OLD.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'revoked_codes' AND key = json_array(NEW.event_id, NEW.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'revoked_codes', json_array(NEW.event_id, NEW.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_revoked_codes_delete AFTER DELETE ON revoked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'revoked_codes' AND key = json_array(OLD.event_id, OLD.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'revoked_codes', json_array(OLD.event_id, OLD.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_blocked_codes_insert AFTER INSERT ON blocked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'blocked_codes' AND key = json_array(NEW.event_id, NEW.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'blocked_codes', json_array(NEW.event_id, NEW.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_blocked_codes_update AFTER UPDATE ON blocked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'blocked_codes' AND key = json_array(OLD.event_id, OLD.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'blocked_codes', json_array(OLD.event_id, OLD.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'blocked_codes' AND key = json_array(NEW.event_id, NEW.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'blocked_codes', json_array(NEW.event_id, NEW.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_blocked_codes_delete AFTER DELETE ON blocked_codes WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'blocked_codes' AND key = json_array(OLD.event_id, OLD.ticket_ref);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'blocked_codes', json_array(OLD.event_id, OLD.ticket_ref),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_operators_update AFTER UPDATE OF name, role, pin_hash ON operators WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE tbl = 'operators' AND key IN (json_array(OLD.name), json_array(NEW.name))
        AND event_id IN (SELECT event_id FROM operator_events WHERE operator IN (OLD.name, NEW.name));
    INSERT INTO roster_changes (event_id, tbl, key, version)
        SELECT DISTINCT e.event_id, 'operators', k.value,
               coalesce((SELECT version FROM roster_versions WHERE event_id = e.event_id), 0)
        FROM operator_events e, json_each(json_array(json_array(OLD.name), json_array(NEW.name))) k
        WHERE e.operator IN (OLD.name, NEW.name);
END;
CREATE TRIGGER roster_log_operator_events_insert AFTER INSERT ON operator_events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'operators' AND key = json_array(NEW.operator);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'operators', json_array(NEW.operator),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_operator_events_delete AFTER DELETE ON operator_events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'operators' AND key = json_array(OLD.operator);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'operators', json_array(OLD.operator),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
)sql",
    // 8: issue 15, pretix signed tickets. An event's pretix public keys (raw Ed25519; pretix_sig1
    // tickets name no key, so each is tried) and which ticket type each pretix item is. Both are
    // roster data: the triggers bump the event's roster version and log the changed rows for the
    // incremental roster (migration 7); a public key, a BLOB, is logged as {"hex": ...}.
    R"sql(
CREATE TABLE event_pretix_keys (
    event_id   TEXT NOT NULL REFERENCES events (id),
    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
    PRIMARY KEY (event_id, public_key)
) STRICT;
CREATE TABLE pretix_item_types (
    event_id    TEXT NOT NULL,
    item        INTEGER NOT NULL,
    ticket_type INTEGER NOT NULL,
    PRIMARY KEY (event_id, item),
    FOREIGN KEY (event_id, ticket_type) REFERENCES ticket_types (event_id, code)
) STRICT;
CREATE TRIGGER roster_event_pretix_keys_insert AFTER INSERT ON event_pretix_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_event_pretix_keys_update AFTER UPDATE ON event_pretix_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_event_pretix_keys_delete AFTER DELETE ON event_pretix_keys
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_pretix_item_types_insert AFTER INSERT ON pretix_item_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_pretix_item_types_update AFTER UPDATE ON pretix_item_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_pretix_item_types_delete AFTER DELETE ON pretix_item_types
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_log_event_pretix_keys_insert AFTER INSERT ON event_pretix_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'event_pretix_keys' AND key = json_array(NEW.event_id, json_object('hex', lower(hex(NEW.public_key))));
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'event_pretix_keys', json_array(NEW.event_id, json_object('hex', lower(hex(NEW.public_key)))),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_event_pretix_keys_update AFTER UPDATE ON event_pretix_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'event_pretix_keys' AND key = json_array(OLD.event_id, json_object('hex', lower(hex(OLD.public_key))));
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'event_pretix_keys', json_array(OLD.event_id, json_object('hex', lower(hex(OLD.public_key)))),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'event_pretix_keys' AND key = json_array(NEW.event_id, json_object('hex', lower(hex(NEW.public_key))));
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'event_pretix_keys', json_array(NEW.event_id, json_object('hex', lower(hex(NEW.public_key)))),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_event_pretix_keys_delete AFTER DELETE ON event_pretix_keys WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'event_pretix_keys' AND key = json_array(OLD.event_id, json_object('hex', lower(hex(OLD.public_key))));
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'event_pretix_keys', json_array(OLD.event_id, json_object('hex', lower(hex(OLD.public_key)))),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
CREATE TRIGGER roster_log_pretix_item_types_insert AFTER INSERT ON pretix_item_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'pretix_item_types' AND key = json_array(NEW.event_id, NEW.item);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'pretix_item_types', json_array(NEW.event_id, NEW.item),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_pretix_item_types_update AFTER UPDATE ON pretix_item_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'pretix_item_types' AND key = json_array(OLD.event_id, OLD.item);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'pretix_item_types', json_array(OLD.event_id, OLD.item),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'pretix_item_types' AND key = json_array(NEW.event_id, NEW.item);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'pretix_item_types', json_array(NEW.event_id, NEW.item),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_pretix_item_types_delete AFTER DELETE ON pretix_item_types WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'pretix_item_types' AND key = json_array(OLD.event_id, OLD.item);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'pretix_item_types', json_array(OLD.event_id, OLD.item),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
)sql",
    // 9: issue 17, kiosks' denied scans reach the organiser. The server stores each uploaded
    // denial as an audit entry under the kiosk's device id; this table remembers which denials
    // it has (and what each said), so a retried upload is counted, not stored twice, and a
    // different denial under a used id is quarantined.
    R"sql(
CREATE TABLE received_denials (
    denial_id   TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql",
    // 10: issue 18. The change list of migration 6 is written by CheckInLog::storeReceived, the
    // one path that stores a record without an outbox entry, not by a trigger on every insert:
    // the trigger's WHEN (the outbox's last row) cost this device's own scans 6.7 % at p50
    // (docs/performance.md), where the goal is 5 %.
    R"sql(
DROP TRIGGER checkins_changed;
)sql",
    // 11: issue 14, the heartbeat. What each device reported with its last request: its app
    // version, its outbox's unsent entries and how far its clock was from the server's.
    R"sql(
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN outbox_depth INTEGER;
ALTER TABLE devices ADD COLUMN clock_offset_ms INTEGER;
)sql",
    // 12: issue 15, multi-day events. The re-entry policy 'once_per_day', and the minute of
    // local time at which an event day begins (day_starts_at: 300 makes a scan at 02:00 count for
    // the day before), so the events table is rebuilt for its CHECK (SQLite's documented way: a new
    // table, copy, drop, rename; migrateTo runs migrations with foreign keys off and checks them
    // before the commit), with its triggers made again as migrations 2 and 7 made them. A ticket
    // type listed in ticket_type_days is valid on those event days only (local dates, YYYY-MM-DD);
    // a type without rows, on any day. Roster data, logged like ticket_type_gates.
    R"sql(
CREATE TABLE events_new (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(name) > 0),
    reentry_policy TEXT NOT NULL DEFAULT 'single'
                   CHECK (reentry_policy IN ('single', 'multiple', 'after_exit', 'once_per_day')),
    blind_index_key BLOB NOT NULL CHECK (length(blind_index_key) = 32),
    created_at     INTEGER NOT NULL,
    valid_from     INTEGER,
    valid_until    INTEGER,
    time_zone      TEXT NOT NULL DEFAULT 'UTC',
    day_starts_at  INTEGER NOT NULL DEFAULT 0 CHECK (day_starts_at BETWEEN 0 AND 1439)
) STRICT;
INSERT INTO events_new (id, name, reentry_policy, blind_index_key, created_at, valid_from,
                        valid_until, time_zone)
    SELECT id, name, reentry_policy, blind_index_key, created_at, valid_from, valid_until,
           time_zone FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE TRIGGER roster_events_insert AFTER INSERT ON events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_events_update AFTER UPDATE ON events
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_log_events_insert AFTER INSERT ON events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.id AND tbl = 'events' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.id, 'events', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.id), 0));
END;
CREATE TRIGGER roster_log_events_update AFTER UPDATE ON events WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.id AND tbl = 'events' AND key = json_array(OLD.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.id, 'events', json_array(OLD.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.id AND tbl = 'events' AND key = json_array(NEW.id);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.id, 'events', json_array(NEW.id),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.id), 0));
END;
CREATE TABLE ticket_type_days (
    event_id    TEXT NOT NULL,
    ticket_type INTEGER NOT NULL,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    PRIMARY KEY (event_id, ticket_type, day),
    FOREIGN KEY (event_id, ticket_type) REFERENCES ticket_types (event_id, code)
) STRICT;
CREATE TRIGGER roster_ticket_type_days_insert AFTER INSERT ON ticket_type_days
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_type_days_update AFTER UPDATE ON ticket_type_days
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (NEW.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_ticket_type_days_delete AFTER DELETE ON ticket_type_days
BEGIN INSERT INTO roster_versions (event_id, version) VALUES (OLD.event_id, 1)
      ON CONFLICT (event_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER roster_log_ticket_type_days_insert AFTER INSERT ON ticket_type_days WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_type_days' AND key = json_array(NEW.event_id, NEW.ticket_type, NEW.day);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_type_days', json_array(NEW.event_id, NEW.ticket_type, NEW.day),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_type_days_update AFTER UPDATE ON ticket_type_days WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_type_days' AND key = json_array(OLD.event_id, OLD.ticket_type, OLD.day);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_type_days', json_array(OLD.event_id, OLD.ticket_type, OLD.day),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
    DELETE FROM roster_changes WHERE event_id = NEW.event_id AND tbl = 'ticket_type_days' AND key = json_array(NEW.event_id, NEW.ticket_type, NEW.day);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (NEW.event_id, 'ticket_type_days', json_array(NEW.event_id, NEW.ticket_type, NEW.day),
        coalesce((SELECT version FROM roster_versions WHERE event_id = NEW.event_id), 0));
END;
CREATE TRIGGER roster_log_ticket_type_days_delete AFTER DELETE ON ticket_type_days WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'roster.copy')
BEGIN
    DELETE FROM roster_changes WHERE event_id = OLD.event_id AND tbl = 'ticket_type_days' AND key = json_array(OLD.event_id, OLD.ticket_type, OLD.day);
    INSERT INTO roster_changes (event_id, tbl, key, version) VALUES (OLD.event_id, 'ticket_type_days', json_array(OLD.event_id, OLD.ticket_type, OLD.day),
        coalesce((SELECT version FROM roster_versions WHERE event_id = OLD.event_id), 0));
END;
)sql",
    // 13: issue 14, the venue relay (docs/sync.md, "Venue relay"). An enrolment token says
    // whether it enrols a kiosk or a relay, and the device keeps that role; a device whose
    // check-ins a relay uploads on its behalf names that relay (relay_id), so a relay speaks
    // only for the devices it brought, never for a kiosk enrolled here or at another relay.
    R"sql(
ALTER TABLE enrolment_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk'
    CHECK (role IN ('kiosk', 'relay'));
ALTER TABLE devices ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk'
    CHECK (role IN ('kiosk', 'relay'));
ALTER TABLE devices ADD COLUMN relay_id TEXT;
)sql",
};

// A migration lost in a merge (two raw strings run together) would leave the array's last
// entry empty and still compile.
constexpr bool noEmptyMigration() {
    for (std::string_view m : kMigrations) {
        if (m.find_first_not_of(" \n") == std::string_view::npos) return false;
    }
    return true;
}
static_assert(noEmptyMigration(), "every migration holds SQL");

int userVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

std::int64_t foreignKeyViolations(SQLite::Database& db) {
    SQLite::Statement check(db, "PRAGMA foreign_key_check");
    std::int64_t count = 0;
    while (check.executeStep()) ++count;
    return count;
}

}  // namespace

int currentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status<> migrate(SQLite::Database& db) { return migrateTo(db, currentSchemaVersion()); }

Status<> migrateTo(SQLite::Database& db, int target) {
    int version = userVersion(db);
    if (target < 0 || target > currentSchemaVersion()) {
        return fail("no schema version " + std::to_string(target) + " in this build");
    }
    if (version > currentSchemaVersion()) {
        return fail("database " + db.getFilename() + " has schema version " +
                    std::to_string(version) + ", newer than this build understands (" +
                    std::to_string(currentSchemaVersion()) + "); update Admit");
    }
    if (version >= target) return Ok{};
    // A table rebuilt for a new CHECK is dropped while other tables refer to it, so foreign keys
    // are off while migrating (a no-op inside a caller's transaction) and checked before each
    // commit instead.
    const bool foreignKeys = db.execAndGet("PRAGMA foreign_keys").getInt() != 0;
    if (foreignKeys) db.exec("PRAGMA foreign_keys = OFF");
    struct Restore {
        SQLite::Database& db;
        bool on;
        ~Restore() {
            if (on) db.exec("PRAGMA foreign_keys = ON");
        }
    } restore{db, foreignKeys};
    for (; version < target; ++version) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::int64_t before = foreignKeyViolations(db);
        db.exec(std::string(kMigrations[static_cast<std::size_t>(version)]));
        if (version == 0) {
            SQLite::Statement insert(db, "INSERT INTO meta (key, value) VALUES ('device_id', ?)");
            insert.bind(1, newUuidV7(systemTimeMs()));
            insert.exec();
        }
        // A salvaged replica may hold rows whose parent was lost (salvage keeps them): only
        // rows the migration itself left without a parent refuse it.
        if (const std::int64_t after = foreignKeyViolations(db); after > before) {
            return fail("migrating " + db.getFilename() + " to schema version " +
                        std::to_string(version + 1) + " left " + std::to_string(after - before) +
                        " rows without their parent row");
        }
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        transaction.commit();
    }
    return Ok{};
}

std::vector<std::string> salvageOrder() { return {kOutboxTable, "checkins", "audit_log", "meta"}; }

std::string deviceId(SQLite::Database& db) {
    return db.execAndGet("SELECT value FROM meta WHERE key = 'device_id'").getString();
}

}  // namespace admit::store
