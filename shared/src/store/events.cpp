#include "admit/store/events.hpp"

#include <SQLiteCpp/Statement.h>

namespace admit::store {
namespace {

Bytes blobOf(const SQLite::Column& column) {
    const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
    return Bytes(data, data + column.getBytes());
}

void bindBlob(SQLite::Statement& statement, int index, const Bytes& bytes) {
    statement.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

ReentryPolicy policyFromDb(const std::string& text) {
    auto parsed = parseReentryPolicy(text);
    return parsed ? *parsed : ReentryPolicy::kSingle;
}

EventInfo readEvent(SQLite::Statement& q) {
    return {q.getColumn(0).getString(), q.getColumn(1).getString(),
            policyFromDb(q.getColumn(2).getString()), blobOf(q.getColumn(3)),
            q.getColumn(4).getInt64()};
}

EventKey readKey(SQLite::Statement& q) {
    EventKey key{static_cast<std::uint32_t>(q.getColumn(0).getInt64()), blobOf(q.getColumn(1)),
                 std::nullopt};
    if (!q.getColumn(2).isNull()) key.secretSeed = blobOf(q.getColumn(2));
    return key;
}

constexpr const char* kEventColumns =
    "SELECT id, name, reentry_policy, blind_index_key, created_at FROM events ";

}  // namespace

std::string_view reentryPolicyName(ReentryPolicy policy) {
    switch (policy) {
        case ReentryPolicy::kSingle:
            return "single";
        case ReentryPolicy::kMultiple:
            return "multiple";
        case ReentryPolicy::kAfterExit:
            return "after_exit";
        case ReentryPolicy::kOncePerDay:
            return "once_per_day";
    }
    return "single";
}

Result<ReentryPolicy> parseReentryPolicy(std::string_view text) {
    if (text == "single") return ReentryPolicy::kSingle;
    if (text == "multiple") return ReentryPolicy::kMultiple;
    if (text == "after_exit") return ReentryPolicy::kAfterExit;
    if (text == "once_per_day") return ReentryPolicy::kOncePerDay;
    return fail(
        "re-entry policy must be 'single', 'multiple', 'after_exit' or 'once_per_day', not '" +
        std::string(text) + "'");
}

void Events::create(const EventInfo& event) {
    auto insert = statements_.prepare(
        "INSERT INTO events (id, name, reentry_policy, blind_index_key, "
        "created_at) VALUES (?, ?, ?, ?, ?)");
    insert->bind(1, event.id);
    insert->bind(2, event.name);
    insert->bind(3, std::string(reentryPolicyName(event.reentryPolicy)));
    bindBlob(*insert, 4, event.blindIndexKey);
    insert->bind(5, event.createdAtMs);
    insert->exec();
}

std::optional<EventInfo> Events::find(const std::string& eventId) {
    auto q = statements_.prepare(std::string(kEventColumns) + "WHERE id = ?");
    q->bind(1, eventId);
    if (!q->executeStep()) return std::nullopt;
    return readEvent(*q);
}

std::vector<EventInfo> Events::list() {
    auto q = statements_.prepare(std::string(kEventColumns) + "ORDER BY created_at, id");
    std::vector<EventInfo> out;
    while (q->executeStep()) out.push_back(readEvent(*q));
    return out;
}

bool Events::rename(const std::string& eventId, const std::string& name) {
    auto update = statements_.prepare("UPDATE events SET name = ? WHERE id = ?");
    update->bind(1, name);
    update->bind(2, eventId);
    return update->exec() > 0;
}

bool Events::setReentryPolicy(const std::string& eventId, ReentryPolicy policy) {
    auto update = statements_.prepare("UPDATE events SET reentry_policy = ? WHERE id = ?");
    update->bind(1, std::string(reentryPolicyName(policy)));
    update->bind(2, eventId);
    return update->exec() > 0;
}

EventSettings Events::settings(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT valid_from, valid_until, time_zone, day_starts_at FROM events "
        "WHERE id = ?");
    q->bind(1, eventId);
    EventSettings out;
    if (!q->executeStep()) return out;
    if (!q->getColumn(0).isNull()) out.validFrom = q->getColumn(0).getInt64();
    if (!q->getColumn(1).isNull()) out.validUntil = q->getColumn(1).getInt64();
    out.timeZone = q->getColumn(2).getString();
    out.dayStartsAt = q->getColumn(3).getInt();
    return out;
}

bool Events::setSettings(const std::string& eventId, const EventSettings& settings) {
    auto update = statements_.prepare(
        "UPDATE events SET valid_from = ?, valid_until = ?, time_zone = ?, day_starts_at = ? "
        "WHERE id = ?");
    if (settings.validFrom) {
        update->bind(1, *settings.validFrom);
    } else {
        update->bind(1);
    }
    if (settings.validUntil) {
        update->bind(2, *settings.validUntil);
    } else {
        update->bind(2);
    }
    update->bind(3, settings.timeZone);
    update->bind(4, settings.dayStartsAt);
    update->bind(5, eventId);
    return update->exec() > 0;
}

void Events::addKey(const std::string& eventId, const EventKey& key) {
    auto insert = statements_.prepare(
        "INSERT INTO event_keys (event_id, key_id, public_key, secret_seed) VALUES (?, ?, ?, ?)");
    insert->bind(1, eventId);
    insert->bind(2, static_cast<std::int64_t>(key.keyId));
    bindBlob(*insert, 3, key.publicKey);
    if (key.secretSeed) {
        bindBlob(*insert, 4, *key.secretSeed);
    } else {
        insert->bind(4);
    }
    insert->exec();
}

std::vector<EventKey> Events::keys(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT key_id, public_key, secret_seed FROM event_keys WHERE event_id = "
        "? ORDER BY key_id");
    q->bind(1, eventId);
    std::vector<EventKey> out;
    while (q->executeStep()) out.push_back(readKey(*q));
    return out;
}

std::optional<EventKey> Events::findKey(const std::string& eventId, std::uint32_t keyId) {
    auto q = statements_.prepare(
        "SELECT key_id, public_key, secret_seed FROM event_keys WHERE event_id = "
        "? AND key_id = ?");
    q->bind(1, eventId);
    q->bind(2, static_cast<std::int64_t>(keyId));
    if (!q->executeStep()) return std::nullopt;
    return readKey(*q);
}

void Events::addTicketType(const std::string& eventId, const TicketType& type) {
    auto insert =
        statements_.prepare("INSERT INTO ticket_types (event_id, code, name) VALUES (?, ?, ?)");
    insert->bind(1, eventId);
    insert->bind(2, type.code);
    insert->bind(3, type.name);
    insert->exec();
}

std::vector<TicketType> Events::ticketTypes(const std::string& eventId) {
    auto q =
        statements_.prepare("SELECT code, name FROM ticket_types WHERE event_id = ? ORDER BY code");
    q->bind(1, eventId);
    std::vector<TicketType> out;
    while (q->executeStep()) {
        out.push_back(
            {static_cast<std::uint16_t>(q->getColumn(0).getInt()), q->getColumn(1).getString()});
    }
    return out;
}

std::optional<TicketType> Events::findTicketType(const std::string& eventId, std::uint16_t code) {
    auto q = statements_.prepare("SELECT name FROM ticket_types WHERE event_id = ? AND code = ?");
    q->bind(1, eventId);
    q->bind(2, code);
    if (!q->executeStep()) return std::nullopt;
    return TicketType{code, q->getColumn(0).getString()};
}

std::optional<TicketType> Events::findTicketTypeByName(const std::string& eventId,
                                                       const std::string& name) {
    auto q = statements_.prepare(
        "SELECT code, name FROM ticket_types WHERE event_id = ? AND name = ? "
        "COLLATE NOCASE");
    q->bind(1, eventId);
    q->bind(2, name);
    if (!q->executeStep()) return std::nullopt;
    return TicketType{static_cast<std::uint16_t>(q->getColumn(0).getInt()),
                      q->getColumn(1).getString()};
}

bool Events::renameTicketType(const std::string& eventId, std::uint16_t code,
                              const std::string& name) {
    auto update =
        statements_.prepare("UPDATE ticket_types SET name = ? WHERE event_id = ? AND code = ?");
    update->bind(1, name);
    update->bind(2, eventId);
    update->bind(3, code);
    return update->exec() > 0;
}

void Events::allowTypeAtGate(const std::string& eventId, std::uint16_t type,
                             const std::string& gate) {
    auto insert = statements_.prepare(
        "INSERT OR IGNORE INTO ticket_type_gates (event_id, ticket_type, "
        "gate) VALUES (?, ?, ?)");
    insert->bind(1, eventId);
    insert->bind(2, type);
    insert->bind(3, gate);
    insert->exec();
}

bool Events::isTypeAllowedAtGate(const std::string& eventId, std::uint16_t type,
                                 const std::string& gate) {
    auto q = statements_.prepare(
        "SELECT count(*), coalesce(sum(gate = ? COLLATE NOCASE), 0) FROM "
        "ticket_type_gates WHERE event_id = ? AND ticket_type = ?");
    q->bind(1, gate);
    q->bind(2, eventId);
    q->bind(3, type);
    q->executeStep();
    return q->getColumn(0).getInt64() == 0 || q->getColumn(1).getInt64() > 0;
}

std::vector<GateRule> Events::gateRules(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT ticket_type, gate FROM ticket_type_gates WHERE event_id = ? "
        "ORDER BY ticket_type, gate");
    q->bind(1, eventId);
    std::vector<GateRule> out;
    while (q->executeStep()) {
        out.push_back(
            {static_cast<std::uint16_t>(q->getColumn(0).getInt()), q->getColumn(1).getString()});
    }
    return out;
}

bool Events::setTypeDays(const std::string& eventId, std::uint16_t type,
                         const std::vector<std::string>& days) {
    if (!findTicketType(eventId, type)) return false;
    auto remove =
        statements_.prepare("DELETE FROM ticket_type_days WHERE event_id = ? AND ticket_type = ?");
    remove->bind(1, eventId);
    remove->bind(2, type);
    remove->exec();
    auto insert = statements_.prepare(
        "INSERT OR IGNORE INTO ticket_type_days (event_id, ticket_type, day) VALUES (?, ?, ?)");
    for (const std::string& day : days) {
        insert->bind(1, eventId);
        insert->bind(2, type);
        insert->bind(3, day);
        insert->exec();
        insert->reset();
    }
    return true;
}

std::vector<std::string> Events::typeDays(const std::string& eventId, std::uint16_t type) {
    auto q = statements_.prepare(
        "SELECT day FROM ticket_type_days WHERE event_id = ? AND ticket_type = ? ORDER BY day");
    q->bind(1, eventId);
    q->bind(2, type);
    std::vector<std::string> out;
    while (q->executeStep()) out.push_back(q->getColumn(0).getString());
    return out;
}

}  // namespace admit::store
