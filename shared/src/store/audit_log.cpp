#include "admit/store/audit_log.hpp"

#include <array>

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

#include "admit/base/bytes.hpp"
#include "admit/store/schema.hpp"

namespace admit::store {
namespace {

using Hash = std::array<std::uint8_t, 32>;

void absorb(crypto_generichash_state& state, const std::string& field) {
    // Length-prefixed so that moving bytes between fields changes the hash.
    auto size = static_cast<std::uint64_t>(field.size());
    std::array<std::uint8_t, 8> length{};
    for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(size >> (8 * i));
    crypto_generichash_update(&state, length.data(), length.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                              field.size());
}

Hash chainHash(const Hash& previous, const AuditRecord& r) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, sizeof(Hash));
    crypto_generichash_update(&state, previous.data(), previous.size());
    for (const std::string& field :
         {std::to_string(r.seq), std::to_string(r.wallTimeMs), std::to_string(r.hlc), r.deviceId,
          r.entry.operatorName, r.entry.action, r.entry.subject, r.entry.detail}) {
        absorb(state, field);
    }
    Hash out{};
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

Hash toHash(const SQLite::Column& column) {
    Hash out{};
    if (column.getBytes() == static_cast<int>(out.size())) {
        const auto* blob = static_cast<const std::uint8_t*>(column.getBlob());
        std::copy(blob, blob + out.size(), out.begin());
    }
    return out;
}

AuditRecord readRecord(SQLite::Statement& q) {
    AuditRecord r;
    r.seq = q.getColumn(0).getInt64();
    r.wallTimeMs = q.getColumn(1).getInt64();
    r.hlc = q.getColumn(2).getInt64();
    r.deviceId = q.getColumn(3).getString();
    r.entry = {q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString(),
               q.getColumn(7).getString()};
    return r;
}

constexpr const char* kColumns =
    "SELECT seq, wall_time, hlc, device_id, operator, action, subject, detail, hash FROM "
    "audit_log ";

}  // namespace

AuditLog::AuditLog(SQLite::Database& db) : db_(db), deviceId_(store::deviceId(db)) {}

void AuditLog::append(const AuditEntry& entry, HlcTime hlc, std::int64_t wallTimeMs) {
    appendAs(deviceId_, entry, hlc, wallTimeMs);
}

void AuditLog::appendReceived(const std::string& deviceId, const AuditEntry& entry, HlcTime hlc,
                              std::int64_t wallTimeMs) {
    appendAs(deviceId, entry, hlc, wallTimeMs);
}

void AuditLog::appendAs(const std::string& deviceId, const AuditEntry& entry, HlcTime hlc,
                        std::int64_t wallTimeMs) {
    Hash previous{};
    std::int64_t seq = 1;
    auto last = statements_.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (last->executeStep()) {
        seq = last->getColumn(0).getInt64() + 1;
        previous = toHash(last->getColumn(1));
    }
    AuditRecord record{seq, wallTimeMs, hlc, deviceId, entry};
    Hash hash = chainHash(previous, record);
    auto insert = statements_.prepare(
        "INSERT INTO audit_log (seq, wall_time, hlc, device_id, operator, "
        "action, subject, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, seq);
    insert->bind(2, wallTimeMs);
    insert->bind(3, hlc);
    insert->bind(4, deviceId);
    insert->bind(5, entry.operatorName);
    insert->bind(6, entry.action);
    insert->bind(7, entry.subject);
    insert->bind(8, entry.detail);
    insert->bind(9, hash.data(), static_cast<int>(hash.size()));
    insert->exec();
}

std::vector<AuditRecord> AuditLog::latest(int limit) {
    auto q = statements_.prepare(std::string(kColumns) + "ORDER BY seq DESC LIMIT ?");
    q->bind(1, limit);
    std::vector<AuditRecord> out;
    while (q->executeStep()) out.push_back(readRecord(*q));
    return out;
}

std::vector<AuditRecord> AuditLog::find(const AuditQuery& query) {
    // Built per query (the filters vary); the organiser asks rarely, so nothing is cached.
    std::string sql = std::string(kColumns) + "WHERE 1";
    // CASE: json_extract raises on a detail that is not JSON, and AND is not sure to stop first.
    if (query.eventId) {
        sql +=
            " AND (subject = :event OR CASE WHEN json_valid(detail) THEN "
            "json_extract(detail, '$.event_id') = :event OR EXISTS (SELECT 1 FROM "
            "json_each(detail, '$.event_ids') WHERE value = :event) ELSE 0 END)";
    }
    if (query.operatorName) sql += " AND operator = :operator";
    if (query.deviceId) sql += " AND device_id = :device";
    if (query.sinceMs) sql += " AND wall_time >= :since";
    if (query.untilMs) sql += " AND wall_time < :until";
    if (!query.subjects.empty()) {
        sql += " AND subject IN (";
        for (std::size_t i = 0; i < query.subjects.size(); ++i) {
            sql += (i ? ", :s" : ":s") + std::to_string(i);
        }
        sql += ")";
    }
    SQLite::Statement q(db_, sql + " ORDER BY seq");
    if (query.eventId) q.bind(":event", *query.eventId);
    if (query.operatorName) q.bind(":operator", *query.operatorName);
    if (query.deviceId) q.bind(":device", *query.deviceId);
    if (query.sinceMs) q.bind(":since", *query.sinceMs);
    if (query.untilMs) q.bind(":until", *query.untilMs);
    for (std::size_t i = 0; i < query.subjects.size(); ++i) {
        q.bind(":s" + std::to_string(i), query.subjects[i]);
    }
    std::vector<AuditRecord> out;
    while (q.executeStep()) out.push_back(readRecord(q));
    return out;
}

Status<> AuditLog::verify() {
    auto q = statements_.prepare(std::string(kColumns) + "ORDER BY seq");
    Hash previous{};
    std::int64_t expectedSeq = 1;
    while (q->executeStep()) {
        AuditRecord record = readRecord(*q);
        if (record.seq != expectedSeq) {
            return fail("audit log: entry " + std::to_string(expectedSeq) + " is missing");
        }
        Hash stored = toHash(q->getColumn(8));
        if (stored != chainHash(previous, record)) {
            return fail("audit log: entry " + std::to_string(record.seq) +
                        " was altered (its hash does not match)");
        }
        previous = stored;
        ++expectedSeq;
    }
    return Ok{};
}

}  // namespace admit::store
