#pragma once
// Imports an event's attendee list from CSV: Admit's own columns, pretix's order positions
// export or Eventbrite's attendee report (docs/import-formats.md; the format told from the header
// row unless given). Admit's columns (header row, any order, case-insensitive): name, email,
// ticket_type, status (approved / pending / rejected / cancelled; empty means approved), and
// optionally external_code (a barcode from another ticketing system, kept only as its blind
// index) and attention_note. An export's barcode (pretix "Ticket secret", Eventbrite
// "Barcode #") is such an external code. All or nothing: one bad row and nothing changes.
// Re-importing the same file changes nothing; a changed row updates that attendee.

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/organiser/import_error.hpp"
#include "admit/organiser/import_format.hpp"

namespace admit::organiser {

struct ImportSummary {
    ImportFormat format = ImportFormat::kAdmit;
    int inserted = 0;
    int updated = 0;
    int unchanged = 0;
    std::vector<std::string> ignoredColumns;  // the file's columns Admit does not read
};

// Every bad row is reported (up to a limit), one per line of the message, each as
// "FILE:LINE: field 'NAME': what is wrong" with NAME as the file spells the column.
Result<ImportSummary, ImportError> importAttendees(
    SQLite::Database& db, const std::string& eventId, const std::string& csvText,
    const std::string& sourceName, const std::string& operatorName, std::int64_t nowMs,
    std::optional<ImportFormat> format = std::nullopt);

Result<ImportSummary, ImportError> importAttendeesFile(
    SQLite::Database& db, const std::string& eventId, const std::string& path,
    const std::string& operatorName, std::int64_t nowMs,
    std::optional<ImportFormat> format = std::nullopt);

}  // namespace admit::organiser
