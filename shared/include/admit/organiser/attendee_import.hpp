#pragma once
// Imports an event's attendee list from CSV. Columns (header row, any order, case-insensitive):
// name, email, ticket_type, status (approved / pending / rejected / cancelled; empty means
// approved), and optionally external_code (a barcode from another ticketing system, kept only
// as its blind index) and attention_note. All or nothing: one bad row and nothing changes.
// Re-importing the same file changes nothing; a changed row updates that attendee.

#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::organiser {

struct ImportSummary {
    int inserted = 0;
    int updated = 0;
    int unchanged = 0;
};

// Every bad row is reported (up to a limit), one per line of the message, each as
// "FILE:LINE: field 'NAME': what is wrong".
Result<ImportSummary> importAttendees(SQLite::Database& db, const std::string& eventId,
                                      const std::string& csvText, const std::string& sourceName,
                                      const std::string& operatorName, std::int64_t nowMs);

Result<ImportSummary> importAttendeesFile(SQLite::Database& db, const std::string& eventId,
                                          const std::string& path, const std::string& operatorName,
                                          std::int64_t nowMs);

}  // namespace admit::organiser
