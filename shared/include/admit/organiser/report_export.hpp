#pragma once
// Reports for after the event: check-ins, attendees and the audit trail as CSV (RFC 4180, CRLF,
// a header row) or JSON (an array of objects with the same keys). The columns are stable and
// documented in docs/exports.md; new columns are only ever appended.

#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"

namespace admit::organiser {

enum class ExportFormat { kCsv, kJson };
Result<ExportFormat> parseExportFormat(std::string_view text);

enum class ExportKind { kCheckIns, kAttendees, kAudit };
Result<ExportKind> parseExportKind(std::string_view text);

// The column names of a report, in order.
std::vector<std::string> exportColumns(ExportKind kind);

AdminResult<std::string> exportReport(SQLite::Database& db, const std::string& eventId,
                                      ExportKind kind, ExportFormat format);

}  // namespace admit::organiser
