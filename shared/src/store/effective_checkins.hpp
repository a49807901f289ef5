#pragma once
// What "effective" means, shared by CheckInLog (verdicts, the recompute), AttendanceTally and
// AttendeeSearch: accepted check-ins that no annulment points at.

namespace admit::store::detail {

// A CTE named `effective` over the event bound to :event; read its rows with checkInColumns()
// and readCheckIn (checkin_log.hpp).
inline constexpr const char* kEffective =
    "WITH effective AS (SELECT * FROM checkins c WHERE c.event_id = :event AND c.verdict = "
    "'accepted' AND NOT EXISTS (SELECT 1 FROM checkins a WHERE a.annuls = c.id)) ";

// The same set for a pass over the whole log, in two parts: kEffective probes the annulments
// once per record, and reading the few annulled ids first is cheaper at 100,000 records. The
// effective records are kAccepted's rows whose id is not among kAnnulledIds' (bind the event
// to :event).
inline constexpr const char* kAnnulledIds = "SELECT annuls FROM checkins WHERE annuls IS NOT NULL";
inline constexpr const char* kAccepted =
    " FROM checkins WHERE event_id = :event AND verdict = 'accepted' ";

}  // namespace admit::store::detail
