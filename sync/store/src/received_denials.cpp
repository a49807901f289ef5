#include "admit/sync/store/received_denials.hpp"

#include <SQLiteCpp/Statement.h>

#include "admit/store/audit_log.hpp"

namespace admit::sync {

std::optional<std::string> ReceivedDenials::findPayload(const std::string& denialId) {
    SQLite::Statement q(db_, "SELECT payload FROM received_denials WHERE denial_id = ?");
    q.bind(1, denialId);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

void ReceivedDenials::add(const store::DeniedScan& denial, store::HlcTime serverHlc,
                          std::int64_t nowMs) {
    SQLite::Statement insert(db_,
                             "INSERT INTO received_denials (denial_id, event_id, device_id, "
                             "payload, received_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, denial.id);
    insert.bind(2, denial.eventId);
    insert.bind(3, denial.deviceId);
    insert.bind(4, store::deniedScanPayload(denial));
    insert.bind(5, nowMs);
    insert.exec();
    store::AuditLog(db_).appendReceived(denial.deviceId, store::deniedScanAuditEntry(denial),
                                        serverHlc, denial.wallTimeMs);
}

}  // namespace admit::sync
