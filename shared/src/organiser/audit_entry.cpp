#include "audit_entry.hpp"

#include "admit/store/audit_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"

namespace admit::organiser {

void appendAudit(SQLite::Database& db, const Actor& actor, const std::string& action,
                 const std::string& subject, const nlohmann::json& detail) {
    store::HybridLogicalClock clock(db);
    store::AuditLog(db).append({actor.operatorName, action, subject, detail.dump()},
                               clock.tick(actor.nowMs), actor.nowMs);
}

std::string attendeeSubject(std::int64_t attendeeId) {
    return "attendee:" + std::to_string(attendeeId);
}

}  // namespace admit::organiser
