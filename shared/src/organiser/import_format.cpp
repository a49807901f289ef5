#include "admit/organiser/import_format.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace admit::organiser {
namespace {

std::string normalised(const std::string& text) {
    auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of(" \t");
    std::string out = text.substr(first, last - first + 1);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

constexpr std::array<const char*, 6> kAdmitColumns{"name",   "email",         "ticket_type",
                                                   "status", "external_code", "attention_note"};

}  // namespace

std::string_view importFormatName(ImportFormat format) {
    switch (format) {
        case ImportFormat::kAdmit:
            return "admit";
        case ImportFormat::kPretix:
            return "pretix";
        case ImportFormat::kEventbrite:
            return "eventbrite";
    }
    return "admit";
}

std::optional<ImportFormat> parseImportFormat(std::string_view name) {
    for (auto format : {ImportFormat::kAdmit, ImportFormat::kPretix, ImportFormat::kEventbrite}) {
        if (importFormatName(format) == name) return format;
    }
    return std::nullopt;
}

std::optional<ImportFormat> detectImportFormat(const std::vector<std::string>& header) {
    std::set<std::string> columns;
    for (const auto& column : header) columns.insert(normalised(column));
    auto has = [&](const char* name) { return columns.count(name) > 0; };
    // The exports' own columns first: pretix's and Eventbrite's also have an "Email" column.
    if (has("order code") && has("position id")) return ImportFormat::kPretix;
    if (has("order #") && has("attendee #")) return ImportFormat::kEventbrite;
    for (const char* name : kAdmitColumns) {
        if (has(name)) return ImportFormat::kAdmit;
    }
    return std::nullopt;
}

std::string recognisedFormatsSentence() {
    return "the header row is none of the recognised formats: Admit's own (name, email, "
           "ticket_type, status), pretix's order positions export (Order code, Position ID) or "
           "Eventbrite's attendee report (Order #, Attendee #); choose one with --format "
           "admit|pretix|eventbrite";
}

}  // namespace admit::organiser
