#pragma once
// The attendee lists `admit import` reads: Admit's own columns, pretix's order positions export
// and Eventbrite's attendee report (docs/import-formats.md). A file's format is told from its
// header row, or chosen by name (--format).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace admit::organiser {

enum class ImportFormat { kAdmit, kPretix, kEventbrite };

// "admit", "pretix", "eventbrite".
std::string_view importFormatName(ImportFormat format);
std::optional<ImportFormat> parseImportFormat(std::string_view name);

// The format whose own columns the header carries (pretix: "Order code" and "Position ID";
// Eventbrite: "Order #" and "Attendee #"; Admit: any of its column names), compared without case
// or surrounding blanks; none when the header is none of them.
std::optional<ImportFormat> detectImportFormat(const std::vector<std::string>& header);

// One sentence naming the recognised formats and the columns that tell each apart.
std::string recognisedFormatsSentence();

}  // namespace admit::organiser
