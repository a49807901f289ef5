#include "admit/organiser/event_admin.hpp"

#include "admit/store/pretix_settings.hpp"

#include <stdexcept>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/store/attendees.hpp"
#include "admit/ticket/blind_index.hpp"
#include "admit/ticket/event_id.hpp"
#include "admit/ticket/event_setup.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "admit/ticket/signing_key.hpp"
#include "admit/ticket/ticket_id.hpp"
#include "audit_entry.hpp"

#include <sodium.h>

namespace admit::organiser {
namespace {

template <std::size_t N>
Bytes toBytes(const std::array<std::uint8_t, N>& array) {
    return Bytes(array.begin(), array.end());
}

Result<ticket::SigningKey> signingKeyOf(SQLite::Database& db, const std::string& eventId) {
    for (const auto& key : store::Events(db).keys(eventId)) {
        if (key.secretSeed && key.secretSeed->size() == 32) {
            return ticket::SigningKey::fromSeed(
                std::span<const std::uint8_t, 32>(key.secretSeed->data(), 32));
        }
    }
    return fail("event " + eventId +
                " has no signing key in this database (tickets are issued from the organiser's "
                "database, not from a replica)");
}

std::vector<ticket::PublicKey> publicKeysOf(SQLite::Database& db, const std::string& eventId) {
    std::vector<ticket::PublicKey> out;
    for (const auto& key : store::Events(db).keys(eventId)) {
        if (key.publicKey.size() == 32) {
            out.push_back(ticket::PublicKey::fromBytes(
                std::span<const std::uint8_t, 32>(key.publicKey.data(), 32)));
        }
    }
    return out;
}

// Copies the rows `select` returns (bound to the event id as ?1) into `table` of the replica.
void copyRows(SQLite::Database& source, SQLite::Database& replica, const std::string& table,
              const std::string& select, const std::string& eventId) {
    SQLite::Statement query(source, select);
    if (query.getBindParameterCount() > 0) query.bind(1, eventId);
    std::optional<SQLite::Statement> insert;
    while (query.executeStep()) {
        if (!insert) {
            std::string sql = "INSERT INTO " + table + " (";
            std::string values;
            for (int i = 0; i < query.getColumnCount(); ++i) {
                sql += (i ? ", " : "") + std::string(query.getColumnName(i));
                values += i ? ", ?" : "?";
            }
            insert.emplace(replica, sql + ") VALUES (" + values + ")");
        }
        insert->reset();
        for (int i = 0; i < query.getColumnCount(); ++i) {
            SQLite::Column column = query.getColumn(i);
            int index = i + 1;
            if (column.isNull()) {
                insert->bind(index);
            } else if (column.isInteger()) {
                insert->bind(index, column.getInt64());
            } else if (column.isFloat()) {
                insert->bind(index, column.getDouble());
            } else if (column.isBlob()) {
                insert->bind(index, column.getBlob(), column.getBytes());
            } else {
                insert->bind(index, column.getString());
            }
        }
        insert->exec();
    }
}

}  // namespace

Result<store::EventInfo> createEvent(SQLite::Database& db, const NewEvent& event,
                                     std::int64_t nowMs, const std::optional<Actor>& actor) {
    if (event.name.empty()) return fail("the event name is empty");
    if (event.ticketTypes.empty()) return fail("an event needs at least one ticket type");
    if (event.ticketTypes.size() > 65535) return fail("too many ticket types");
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        store::Events events(db);
        auto indexKey = ticket::BlindIndexKey::generate();
        auto bytes = indexKey.bytes();
        store::EventInfo info{ticket::eventIdToString(ticket::newEventId()), event.name,
                              event.reentryPolicy, Bytes(bytes.begin(), bytes.end()), nowMs};
        events.create(info);
        auto signingKey = ticket::SigningKey::generate();
        auto seed = signingKey.seed();
        events.addKey(info.id, {signingKey.publicKey().id, toBytes(signingKey.publicKey().bytes),
                                Bytes(seed.begin(), seed.end())});
        sodium_memzero(seed.data(), seed.size());
        std::uint16_t code = 1;
        for (const std::string& name : event.ticketTypes) {
            if (name.empty()) return fail("a ticket type name is empty");
            events.addTicketType(info.id, {code++, name});
        }
        if (actor) {
            appendAudit(db, *actor, "event.created", info.id,
                        {{"event_id", info.id},
                         {"name", info.name},
                         {"ticket_types", event.ticketTypes},
                         {"reentry", store::reentryPolicyName(info.reentryPolicy)}});
        }
        transaction.commit();
        return info;
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not create the event: ") + e.what());
    }
}

Result<IssuedTicket> issueTicket(SQLite::Database& db, const std::string& eventId,
                                 std::int64_t attendeeId, const Validity& validity,
                                 const std::optional<Actor>& actor) {
    try {
        store::Attendees attendees(db);
        auto attendee = attendees.find(attendeeId);
        if (!attendee || attendee->eventId != eventId) {
            return fail("attendee " + std::to_string(attendeeId) + " is not at event " + eventId);
        }
        auto key = signingKeyOf(db, eventId);
        if (!key) return fail(key.error());
        auto event = ticket::eventIdFromString(eventId);
        if (!event) return fail(event.error());

        ticket::TicketId ticketId{};
        bool existing = false;
        store::CodeLists codeLists(db);
        for (const auto& t : attendees.ticketsOf(attendeeId)) {
            if (t.kind != store::TicketKind::kSigned) continue;
            // A reissued ticket's old code stays revoked; the current one is the one to print.
            if (codeLists.find(store::CodeList::kRevoked, eventId, t.ref)) continue;
            auto parsed = ticket::ticketIdFromString(t.ref);
            if (parsed) {
                ticketId = *parsed;
                existing = true;
                break;
            }
        }
        if (!existing) ticketId = ticket::newTicketId();
        ticket::TicketPayload payload{
            key->publicKey().id, *event, ticketId, attendee->ticketType, validity.validFrom,
            validity.validUntil};
        IssuedTicket issued{attendeeId, ticket::ticketIdToString(ticketId),
                            ticket::encodeSignedTicket(payload, *key)};
        if (!existing) {
            attendees.addTicket(
                {eventId, issued.ticketRef, store::TicketKind::kSigned, attendeeId});
            if (actor) {
                appendAudit(db, *actor, "ticket.issued", issued.ticketRef,
                            {{"event_id", eventId}, {"attendee_id", attendeeId}});
            }
        }
        return issued;
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not issue the ticket: ") + e.what());
    }
}

Result<std::vector<IssuedTicket>> issueAllTickets(SQLite::Database& db, const std::string& eventId,
                                                  const std::optional<Actor>& actor) {
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(db, "SELECT id FROM attendees WHERE event_id = ? ORDER BY id");
        q.bind(1, eventId);
        std::vector<std::int64_t> ids;
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
        std::vector<IssuedTicket> out;
        for (std::int64_t id : ids) {
            auto issued = issueTicket(db, eventId, id, {}, actor);
            if (!issued) return fail(issued.error());
            out.push_back(std::move(*issued));
        }
        transaction.commit();
        return out;
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not issue tickets: ") + e.what());
    }
}

Status<> addOpaqueCode(SQLite::Database& db, const std::string& eventId, std::int64_t attendeeId,
                       const std::string& code) {
    auto event = store::Events(db).find(eventId);
    if (!event || event->blindIndexKey.size() != 32) return fail("unknown event " + eventId);
    auto key = ticket::BlindIndexKey::fromBytes(
        std::span<const std::uint8_t, 32>(event->blindIndexKey.data(), 32));
    std::string ref = ticket::blindIndex(key, code);
    store::Attendees attendees(db);
    if (auto existing = attendees.findTicket(eventId, ref)) {
        if (existing->attendeeId == attendeeId) return Ok{};
        return fail("the external code is already attached to another attendee");
    }
    attendees.addTicket({eventId, ref, store::TicketKind::kOpaque, attendeeId});
    return Ok{};
}

Result<std::string> offlineSetupCode(SQLite::Database& db, const std::string& eventId) {
    auto event = store::Events(db).find(eventId);
    if (!event) return fail("unknown event " + eventId);
    auto id = ticket::eventIdFromString(eventId);
    if (!id) return fail(id.error());
    auto keys = publicKeysOf(db, eventId);
    if (keys.empty()) return fail("event " + eventId + " has no public key");
    // The pretix keys too, so a kiosk set up offline admits pretix_sig1 tickets.
    std::vector<ticket::PretixPublicKey> pretixKeys;
    for (const Bytes& bytes : store::PretixSettings(db).keys(eventId)) {
        ticket::PretixPublicKey key{};
        if (bytes.size() != key.bytes.size()) continue;  // the schema's CHECK keeps this out
        std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
        pretixKeys.push_back(key);
    }
    std::vector<ticket::PretixItemMapping> pretixItems;
    for (const auto& mapping : store::PretixSettings(db).itemTypes(eventId)) {
        pretixItems.push_back({mapping.item, mapping.ticketType});
    }
    try {
        return ticket::encodeEventSetup(
            ticket::OfflineSetup{*id, event->name, keys, pretixKeys, pretixItems});
    } catch (const std::invalid_argument& e) {
        // More keys or items than a code holds, or a stored key that is no Ed25519 point.
        return fail("event " + eventId + " cannot be put in an offline set-up code: " + e.what());
    }
}

Result<std::string> onlineSetupCode(
    SQLite::Database& db, const std::string& eventId, const std::string& serverUrl,
    const std::string& enrolmentToken,
    const std::optional<std::array<std::uint8_t, 32>>& serverKeySha256) {
    if (!store::Events(db).find(eventId)) return fail("unknown event " + eventId);
    auto id = ticket::eventIdFromString(eventId);
    if (!id) return fail(id.error());
    try {
        return ticket::encodeEventSetup(
            ticket::OnlineEnrolment{serverUrl, *id, enrolmentToken, serverKeySha256});
    } catch (const std::invalid_argument& e) {
        // The encoder's message names the limit broken, never the token.
        return fail(std::string("cannot make an enrolment code: ") + e.what());
    }
}

Status<> exportReplica(SQLite::Database& source, const std::string& eventId,
                       SQLite::Database& replica) {
    if (!store::Events(source).find(eventId)) return fail("unknown event " + eventId);
    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        if (replica.execAndGet("SELECT count(*) FROM events").getInt64() != 0) {
            return fail("the replica " + replica.getFilename() + " is not empty");
        }
        // Its roster is a copy: it keeps no change log (schema 7; docs/sync.md).
        replica.exec(
            "INSERT INTO meta (key, value) VALUES ('roster.copy', '1') ON CONFLICT (key) DO "
            "NOTHING");
        copyRows(source, replica, "events", "SELECT * FROM events WHERE id = ?1", eventId);
        copyRows(source, replica, "event_keys",
                 "SELECT event_id, key_id, public_key, NULL AS secret_seed FROM event_keys "
                 "WHERE event_id = ?1",
                 eventId);
        for (const char* table : {"ticket_types", "ticket_type_gates", "ticket_type_days",
                                  "event_pretix_keys", "pretix_item_types", "attendees", "tickets",
                                  "revoked_codes", "blocked_codes", "checkins"}) {
            copyRows(source, replica, table,
                     std::string("SELECT * FROM ") + table + " WHERE event_id = ?1", eventId);
        }
        copyRows(source, replica, "operators",
                 "SELECT name, role, pin_hash, 0 AS failed_attempts, 0 AS locked_until FROM "
                 "operators WHERE name IN (SELECT operator FROM operator_events WHERE "
                 "event_id = ?1)",
                 eventId);
        transaction.commit();
        return Ok{};
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not export the replica: ") + e.what());
    }
}

}  // namespace admit::organiser
