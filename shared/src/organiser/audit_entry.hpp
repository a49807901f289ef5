#pragma once
// The one way the organiser's operations write their audit entries: the actor's name and time,
// a fresh HLC value, within the caller's transaction.

#include <string>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/admin_error.hpp"

namespace admit::organiser {

// `detail` carries "event_id" (or "event_ids") so that `admit audit --event` finds the entry.
void appendAudit(SQLite::Database& db, const Actor& actor, const std::string& action,
                 const std::string& subject, const nlohmann::json& detail);

// The subject of an attendee's entries ("attendee:42").
std::string attendeeSubject(std::int64_t attendeeId);

}  // namespace admit::organiser
