#include "admit/store/denied_scan.hpp"

#include <nlohmann/json.hpp>

#include "admit/store/uuid.hpp"

namespace admit::store {
namespace {

using nlohmann::json;

// The engine's particulars as a denial carries them: control characters (which the protocol
// refuses in every field) become spaces, and the text is cut to at most `maxBytes` without
// splitting a UTF-8 sequence.
std::string carriedDetail(std::string text, std::size_t maxBytes) {
    for (char& ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte < 0x20 || byte == 0x7f) ch = ' ';
    }
    if (text.size() <= maxBytes) return text;
    std::size_t end = maxBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    return text;
}

// Text that is not UTF-8 (a scanned code quoted in a detail) is written with U+FFFD rather
// than failing the scan's record.
std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string deniedScanPayload(const DeniedScan& d) {
    return dumped(json{{"id", d.id},
                       {"event_id", d.eventId},
                       {"ticket_ref", d.ticketRef},
                       {"device_id", d.deviceId},
                       {"gate", d.gate},
                       {"direction", directionName(d.direction)},
                       {"hlc", d.hlc},
                       {"wall_time", d.wallTimeMs},
                       {"operator", d.operatorName},
                       {"reason", d.reason},
                       {"detail", d.detail}});
}

AuditEntry deniedScanAuditEntry(const DeniedScan& d) {
    json detail{{"event_id", d.eventId},
                {"reason", d.reason},
                {"detail", d.detail},
                {"gate", d.gate},
                {"direction", directionName(d.direction)},
                {"id", d.id}};
    return {d.operatorName, "checkin.denied", d.ticketRef, dumped(detail)};
}

DeniedScanLog::DeniedScanLog(SQLite::Database& db, HybridLogicalClock& clock)
    : clock_(clock), audit_(db), outbox_(db) {}

DeniedScan DeniedScanLog::append(const NewDeniedScan& n, std::int64_t wallTimeMs) {
    DeniedScan d;
    d.hlc = clock_.tick(wallTimeMs);
    d.id = newUuidV7(wallTimeMs);
    d.eventId = n.eventId;
    d.ticketRef = n.ticketRef;
    d.deviceId = audit_.deviceId();
    d.gate = n.gate;
    d.direction = n.direction;
    d.wallTimeMs = wallTimeMs;
    d.operatorName = n.operatorName;
    d.reason = n.reason;
    d.detail = carriedDetail(n.detail, kMaxDenialDetailBytes);
    outbox_.enqueue(std::string(kDeniedScanKind), d.id, deniedScanPayload(d), d.hlc);
    audit_.append(deniedScanAuditEntry(d), d.hlc, wallTimeMs);
    return d;
}

}  // namespace admit::store
