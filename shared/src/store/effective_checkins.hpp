#pragma once
// What "effective" means, shared by CheckInLog (verdicts, the recompute), AttendanceTally and
// AttendeeSearch: accepted check-ins that no annulment points at.

namespace admit::store::detail {

// A CTE named `effective` over the event bound to :event; read its rows with checkInColumns()
// and readCheckIn (checkin_log.hpp).
inline constexpr const char* kEffective =
    "WITH effective AS (SELECT * FROM checkins c WHERE c.event_id = :event AND c.verdict = "
    "'accepted' AND NOT EXISTS (SELECT 1 FROM checkins a WHERE a.annuls = c.id)) ";

}  // namespace admit::store::detail
