#include "admit/store/checkin_log.hpp"

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "admit/store/uuid.hpp"
#include "effective_checkins.hpp"

namespace admit::store {

namespace {

using detail::kEffective;

nlohmann::json toJson(const CheckIn& c, std::string_view verdict, const std::string& annuls) {
    nlohmann::json j{{"id", c.id},
                     {"event_id", c.eventId},
                     {"ticket_ref", c.ticketRef},
                     {"device_id", c.deviceId},
                     {"gate", c.gate},
                     {"direction", directionName(c.direction)},
                     {"hlc", c.hlc},
                     {"wall_time", c.wallTimeMs},
                     {"operator", c.operatorName},
                     {"verdict", verdict}};
    j["attendee_id"] = c.attendeeId ? nlohmann::json(*c.attendeeId) : nlohmann::json(nullptr);
    if (!annuls.empty()) j["annuls"] = annuls;
    return j;
}

void insertCheckIn(StatementCache& statements, const CheckIn& c, std::string_view verdict,
                   const std::string& annuls) {
    auto insert = statements.prepare(
        "INSERT INTO checkins (id, event_id, ticket_ref, attendee_id, "
        "device_id, gate, direction, hlc, wall_time, operator, verdict, "
        "annuls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, c.id);
    insert->bind(2, c.eventId);
    insert->bind(3, c.ticketRef);
    if (c.attendeeId) {
        insert->bind(4, *c.attendeeId);
    } else {
        insert->bind(4);
    }
    insert->bind(5, c.deviceId);
    insert->bind(6, c.gate);
    insert->bind(7, std::string(directionName(c.direction)));
    insert->bind(8, c.hlc);
    insert->bind(9, c.wallTimeMs);
    insert->bind(10, c.operatorName);
    insert->bind(11, std::string(verdict));
    if (annuls.empty()) {
        insert->bind(12);
    } else {
        insert->bind(12, annuls);
    }
    insert->exec();
}

std::vector<CountPair> countPairs(StatementCache& statements, const std::string& sql,
                                  const std::string& eventId) {
    auto q = statements.prepare(sql);
    q->bind(":event", eventId);
    std::vector<CountPair> out;
    while (q->executeStep()) {
        out.push_back(
            {q->getColumn(0).getString(), q->getColumn(1).getInt64(), q->getColumn(2).getInt64()});
    }
    return out;
}

}  // namespace

std::string checkInColumns(std::string_view alias) {
    constexpr const char* kColumns[] = {"id",        "event_id", "ticket_ref", "attendee_id",
                                        "device_id", "gate",     "direction",  "hlc",
                                        "wall_time", "operator"};
    std::string out;
    for (const char* column : kColumns) {
        if (!out.empty()) out += ", ";
        if (!alias.empty()) out.append(alias).append(".");
        out += column;
    }
    return out;
}

CheckIn readCheckIn(SQLite::Statement& q) {
    CheckIn c;
    c.id = q.getColumn(0).getString();
    c.eventId = q.getColumn(1).getString();
    c.ticketRef = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull()) c.attendeeId = q.getColumn(3).getInt64();
    c.deviceId = q.getColumn(4).getString();
    c.gate = q.getColumn(5).getString();
    c.direction = q.getColumn(6).getString() == "exit" ? Direction::kExit : Direction::kEntry;
    c.hlc = q.getColumn(7).getInt64();
    c.wallTimeMs = q.getColumn(8).getInt64();
    c.operatorName = q.getColumn(9).getString();
    return c;
}

std::string recordColumns(std::string_view alias) {
    const std::string prefix = alias.empty() ? std::string() : std::string(alias) + ".";
    return checkInColumns(alias) + ", " + prefix + "verdict, " + prefix + "annuls";
}

CheckInRecord readCheckInRecord(SQLite::Statement& q) {
    CheckInRecord r;
    r.checkIn = readCheckIn(q);
    r.annulment = q.getColumn(10).getString() == "annulled";
    if (!q.getColumn(11).isNull()) r.annuls = q.getColumn(11).getString();
    return r;
}

std::string_view directionName(Direction direction) {
    return direction == Direction::kExit ? "exit" : "entry";
}

CheckInLog::CheckInLog(SQLite::Database& db, HybridLogicalClock& clock)
    : db_(db), clock_(clock), audit_(db), outbox_(db) {}

std::vector<CheckIn> CheckInLog::history(const std::string& eventId, const std::string& ticketRef) {
    auto q = statements_.prepare(std::string(kEffective) + "SELECT " + checkInColumns() +
                                 " FROM effective WHERE ticket_ref = :ref ORDER BY hlc, id");
    q->bind(":event", eventId);
    q->bind(":ref", ticketRef);
    std::vector<CheckIn> out;
    while (q->executeStep()) out.push_back(readCheckIn(*q));
    return out;
}

CheckIn CheckInLog::append(const NewCheckIn& n, std::int64_t wallTimeMs) {
    CheckIn c;
    c.hlc = clock_.tick(wallTimeMs);
    c.id = newUuidV7(wallTimeMs);
    c.eventId = n.eventId;
    c.ticketRef = n.ticketRef;
    c.attendeeId = n.attendeeId;
    c.deviceId = deviceId();
    c.gate = n.gate;
    c.direction = n.direction;
    c.wallTimeMs = wallTimeMs;
    c.operatorName = n.operatorName;
    // No change row: AttendanceTally reads this device's own records from the outbox.
    std::string record = toJson(c, "accepted", "").dump();
    outbox_.enqueue(std::string(kCheckInKind), c.id, record, c.hlc);
    insertCheckIn(statements_, c, "accepted", "");
    audit_.append({c.operatorName, "checkin.accepted", c.id, std::move(record)}, c.hlc, wallTimeMs);
    return c;
}

std::vector<CheckInRecord> CheckInLog::records(const std::string& eventId,
                                               const CheckInQuery& query) {
    // Built per query (the filters vary); reports are rare, so nothing is cached.
    std::string sql = "SELECT " + recordColumns("c") +
                      ", EXISTS (SELECT 1 FROM checkins a WHERE a.annuls = c.id) FROM checkins c "
                      "WHERE event_id = :event";
    if (query.deviceId) sql += " AND device_id = :device";
    if (query.operatorName) sql += " AND operator = :operator";
    if (query.sinceMs) sql += " AND wall_time >= :since";
    if (query.untilMs) sql += " AND wall_time < :until";
    if (!query.ticketRefs.empty()) {
        sql += " AND ticket_ref IN (";
        for (std::size_t i = 0; i < query.ticketRefs.size(); ++i) {
            sql += (i ? ", :r" : ":r") + std::to_string(i);
        }
        sql += ")";
    }
    SQLite::Statement q(db_, sql + " ORDER BY hlc, id");
    q.bind(":event", eventId);
    if (query.deviceId) q.bind(":device", *query.deviceId);
    if (query.operatorName) q.bind(":operator", *query.operatorName);
    if (query.sinceMs) q.bind(":since", *query.sinceMs);
    if (query.untilMs) q.bind(":until", *query.untilMs);
    for (std::size_t i = 0; i < query.ticketRefs.size(); ++i) {
        q.bind(":r" + std::to_string(i), query.ticketRefs[i]);
    }
    std::vector<CheckInRecord> out;
    while (q.executeStep()) {
        CheckInRecord r = readCheckInRecord(q);
        r.annulled = q.getColumn(kRecordColumnCount).getInt() != 0;
        out.push_back(std::move(r));
    }
    return out;
}

bool CheckInLog::contains(const std::string& id) {
    auto q = statements_.prepare("SELECT 1 FROM checkins WHERE id = ?");
    q->bind(1, id);
    return q->executeStep();
}

bool CheckInLog::storeReceived(const CheckIn& checkIn, bool annulment, const std::string& annuls,
                               std::int64_t wallTimeMs) {
    if (contains(checkIn.id)) return false;
    insertCheckIn(statements_, checkIn, annulment ? "annulled" : "accepted", annuls);
    // The change list (schema 6 and 10): a record with no outbox entry here is one the
    // statistics would not see otherwise; an annulment changes its target's ticket too.
    auto changed = statements_.prepare(
        "INSERT INTO checkin_changes (event_id, ticket_ref) VALUES (?1, ?2) UNION ALL "
        "SELECT event_id, ticket_ref FROM checkins WHERE ?3 IS NOT NULL AND id = ?3 AND NOT "
        "(event_id = ?1 AND ticket_ref = ?2)");
    changed->bind(1, checkIn.eventId);
    changed->bind(2, checkIn.ticketRef);
    if (annulment && !annuls.empty()) {
        changed->bind(3, annuls);
    } else {
        changed->bind(3);
    }
    changed->exec();
    clock_.receive(checkIn.hlc, wallTimeMs);
    return true;
}

std::optional<CheckIn> CheckInLog::lastOnThisDevice(const std::string& eventId) {
    auto q = statements_.prepare(std::string(kEffective) + "SELECT " + checkInColumns() +
                                 " FROM effective WHERE device_id = :device ORDER BY hlc DESC, "
                                 "id DESC LIMIT 1");
    q->bind(":event", eventId);
    q->bind(":device", deviceId());
    if (!q->executeStep()) return std::nullopt;
    return readCheckIn(*q);
}

CheckIn CheckInLog::annul(const CheckIn& target, const std::string& operatorName,
                          std::int64_t wallTimeMs) {
    CheckIn a = target;
    a.hlc = clock_.tick(wallTimeMs);
    a.id = newUuidV7(wallTimeMs);
    a.deviceId = deviceId();
    a.wallTimeMs = wallTimeMs;
    a.operatorName = operatorName;
    std::string record = toJson(a, "annulled", target.id).dump();
    outbox_.enqueue(std::string(kCheckInKind), a.id, record, a.hlc);
    insertCheckIn(statements_, a, "annulled", target.id);
    audit_.append({operatorName, "checkin.annulled", target.id, std::move(record)}, a.hlc,
                  wallTimeMs);
    return a;
}

AttendanceStats CheckInLog::stats(const std::string& eventId, std::int64_t bucketMs) {
    AttendanceStats s;
    {
        auto q = statements_.prepare(
            "SELECT count(*) FROM attendees WHERE event_id = ? AND status = 'approved'");
        q->bind(1, eventId);
        q->executeStep();
        s.expected = q->getColumn(0).getInt64();
    }
    {
        auto q = statements_.prepare(
            std::string(kEffective) +
            // The latest record of a ticket by (hlc, id), the order history() reads: two
            // devices' records may carry the same HLC.
            ", latest AS (SELECT direction FROM (SELECT direction, row_number() OVER (PARTITION "
            "BY ticket_ref ORDER BY hlc DESC, id DESC) AS n FROM effective) WHERE n = 1) "
            "SELECT (SELECT count(DISTINCT ticket_ref) FROM effective WHERE direction = "
            "'entry'), (SELECT count(*) FROM latest WHERE direction = 'entry'), "
            "(SELECT count(*) FROM effective WHERE direction = 'entry'), "
            "(SELECT count(*) FROM effective WHERE direction = 'exit')");
        q->bind(":event", eventId);
        q->executeStep();
        s.checkedIn = q->getColumn(0).getInt64();
        s.insideNow = q->getColumn(1).getInt64();
        s.entries = q->getColumn(2).getInt64();
        s.exits = q->getColumn(3).getInt64();
    }
    s.byTicketType = countPairs(
        statements_,
        std::string(kEffective) +
            ", arrived AS (SELECT DISTINCT attendee_id FROM effective WHERE direction = 'entry') "
            "SELECT t.name, (SELECT count(*) FROM attendees a JOIN arrived r ON r.attendee_id = "
            "a.id WHERE a.event_id = :event AND a.ticket_type = t.code), (SELECT count(*) FROM "
            "attendees a WHERE a.event_id = :event AND a.ticket_type = t.code AND a.status = "
            "'approved') FROM ticket_types t WHERE t.event_id = :event ORDER BY t.code",
        eventId);
    s.byGate = countPairs(statements_,
                          std::string(kEffective) +
                              "SELECT gate, count(*), 0 FROM effective WHERE direction = 'entry' "
                              "GROUP BY gate ORDER BY gate",
                          eventId);
    s.byDevice = countPairs(statements_,
                            std::string(kEffective) +
                                "SELECT device_id, count(*), 0 FROM effective WHERE direction = "
                                "'entry' GROUP BY device_id ORDER BY device_id",
                            eventId);
    {
        auto q = statements_.prepare(
            std::string(kEffective) +
            ", firsts AS (SELECT min(wall_time) AS t FROM effective WHERE direction = "
            "'entry' GROUP BY ticket_ref) SELECT (t / :bucket) * :bucket AS b, count(*) "
            "FROM firsts GROUP BY b ORDER BY b");
        q->bind(":event", eventId);
        q->bind(":bucket", bucketMs);
        while (q->executeStep()) {
            s.arrivals.emplace_back(q->getColumn(0).getInt64(), q->getColumn(1).getInt64());
        }
    }
    {
        // An entry is a duplicate when the record before it (by HLC) for the same ticket was
        // also an entry.
        auto q = statements_.prepare(
            std::string(kEffective) +
            ", ordered AS (SELECT ticket_ref, attendee_id, device_id, direction, "
            "lag(direction) OVER (PARTITION BY ticket_ref ORDER BY hlc, id) AS previous "
            "FROM effective) SELECT o.ticket_ref, coalesce(a.name, ''), "
            "(SELECT count(*) FROM effective e WHERE e.ticket_ref = o.ticket_ref AND "
            "e.direction = 'entry'), (SELECT count(DISTINCT device_id) FROM effective e "
            "WHERE e.ticket_ref = o.ticket_ref) FROM ordered o LEFT JOIN attendees a ON "
            "a.id = o.attendee_id WHERE o.direction = 'entry' AND o.previous = 'entry' "
            "GROUP BY o.ticket_ref ORDER BY o.ticket_ref");
        q->bind(":event", eventId);
        while (q->executeStep()) {
            s.duplicates.push_back({q->getColumn(0).getString(), q->getColumn(1).getString(),
                                    q->getColumn(2).getInt64(), q->getColumn(3).getInt64()});
        }
    }
    return s;
}

}  // namespace admit::store
