#include "admit/organiser/column_mapping.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace admit::organiser {
namespace {

using Field = ColumnMapping::Field;
using Kind = ImportProblem::Kind;
using store::AttendeeStatus;

struct ColumnSpec {
    const char* spelled;  // as the export writes it; headers are compared without case
    Field field;
    bool required;
};

// Admit's own columns (docs/operator.md, `admit import`).
const std::vector<ColumnSpec> kAdmitColumns{
    {"name", Field::kName, true},
    {"email", Field::kEmail, true},
    {"ticket_type", Field::kTicketType, true},
    {"status", Field::kStatus, true},
    {"external_code", Field::kCode, false},
    {"attention_note", Field::kAttentionNote, false},
};

// pretix, "Order data" export, sheet "Order positions" (one row per ticket), English headers.
const std::vector<ColumnSpec> kPretixColumns{
    {"Order code", Field::kOrder, true},
    {"Position ID", Field::kPosition, true},
    {"Status", Field::kStatus, true},
    {"Email", Field::kOrderEmail, true},
    {"Product", Field::kTicketType, true},
    {"Attendee name", Field::kName, true},
    {"Attendee email", Field::kEmail, false},
    {"Ticket secret", Field::kCode, false},
    {"Invoice address name", Field::kFallbackName, false},
};

// Eventbrite, attendee report (one row per attendee).
const std::vector<ColumnSpec> kEventbriteColumns{
    {"Order #", Field::kOrder, true},
    {"Attendee #", Field::kPosition, true},
    {"First Name", Field::kFirstName, true},
    {"Last Name", Field::kLastName, true},
    {"Email", Field::kEmail, true},
    {"Ticket Type", Field::kTicketType, true},
    {"Attendee Status", Field::kStatus, true},
    {"Barcode #", Field::kCode, false},
};

const std::vector<ColumnSpec>& columnsOf(ImportFormat format) {
    switch (format) {
        case ImportFormat::kPretix:
            return kPretixColumns;
        case ImportFormat::kEventbrite:
            return kEventbriteColumns;
        case ImportFormat::kAdmit:
            break;
    }
    return kAdmitColumns;
}

// Each format's status words (compared without case) and what they mean at Admit's door.
struct StatusWords {
    std::vector<std::pair<const char*, AttendeeStatus>> words;
    const char* what;  // "a pretix order status"
};

const StatusWords kPretixStatuses{{{"paid", AttendeeStatus::kApproved},
                                   {"pending", AttendeeStatus::kPending},
                                   {"expired", AttendeeStatus::kCancelled},
                                   {"canceled", AttendeeStatus::kCancelled},
                                   {"cancelled", AttendeeStatus::kCancelled}},
                                  "a pretix order status (paid, pending, expired, canceled)"};

const StatusWords kEventbriteStatuses{
    {{"attending", AttendeeStatus::kApproved},
     {"checked in", AttendeeStatus::kApproved},
     {"pending", AttendeeStatus::kPending},
     {"unpaid", AttendeeStatus::kPending},
     {"not attending", AttendeeStatus::kCancelled},
     {"refunded", AttendeeStatus::kCancelled},
     {"cancelled", AttendeeStatus::kCancelled},
     {"canceled", AttendeeStatus::kCancelled},
     {"deleted", AttendeeStatus::kCancelled},
     {"transferred", AttendeeStatus::kCancelled}},
    "an Eventbrite attendee status (Attending, Checked In, Pending, Unpaid, Not Attending, "
    "Refunded, Cancelled, Deleted, Transferred)"};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

bool looksLikeEmail(const std::string& email) {
    auto at = email.find('@');
    return at != std::string::npos && at != 0 && at + 1 != email.size() &&
           email.find_first_of(" \t,;\r\n") == std::string::npos;
}

std::string where(const std::string& source, int line) {
    return source + ":" + std::to_string(line) + ": ";
}

}  // namespace

Result<ColumnMapping, ImportProblem> ColumnMapping::fromHeader(ImportFormat format,
                                                               const CsvRecord& header,
                                                               const std::string& source) {
    ColumnMapping mapping;
    mapping.format_ = format;
    mapping.source_ = source;
    mapping.width_ = header.fields.size();
    auto fields = static_cast<std::size_t>(Field::kCount);
    mapping.position_.assign(fields, std::nullopt);
    mapping.spelling_.assign(fields, std::string());
    const auto& specs = columnsOf(format);
    auto problem = [&](Kind kind, const std::string& column, const std::string& what) {
        return fail(
            ImportProblem{kind, source, header.line, column, where(source, header.line) + what});
    };
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        std::string spelled = trim(header.fields[i]);
        std::string name = lower(spelled);
        auto spec = std::find_if(specs.begin(), specs.end(),
                                 [&](const ColumnSpec& s) { return name == lower(s.spelled); });
        if (spec == specs.end()) {
            // Exports carry many columns Admit has no use for; a typo in Admit's own is an error.
            if (format == ImportFormat::kAdmit) {
                return problem(Kind::kUnknownColumn, header.fields[i],
                               "unknown column '" + header.fields[i] +
                                   "' (columns are name, email, ticket_type, status, "
                                   "external_code, attention_note)");
            }
            mapping.ignored_.push_back(spelled);
            continue;
        }
        auto field = static_cast<std::size_t>(spec->field);
        if (mapping.position_[field]) {
            return problem(
                Kind::kDuplicateColumn, spelled,
                "column '" + (format == ImportFormat::kAdmit ? name : spelled) + "' appears twice");
        }
        mapping.position_[field] = i;
        mapping.spelling_[field] = spelled;
    }
    for (const auto& spec : specs) {
        if (spec.required && !mapping.position_[static_cast<std::size_t>(spec.field)]) {
            std::string column = spec.spelled;
            return problem(
                Kind::kMissingColumn, column,
                std::string("the header has no '") + column + "' column" +
                    (format == ImportFormat::kAdmit
                         ? std::string()
                         : " (the " + std::string(importFormatName(format)) + " format needs it)"));
        }
    }
    return mapping;
}

std::string ColumnMapping::value(const CsvRecord& record, Field field) const {
    auto p = position_[static_cast<std::size_t>(field)];
    return p ? trim(record.fields[*p]) : std::string();
}

const std::string& ColumnMapping::columnName(Field field) const {
    return spelling_[static_cast<std::size_t>(field)];
}

std::optional<MappedRow> ColumnMapping::map(const CsvRecord& record,
                                            std::vector<ImportProblem>& problems) const {
    std::string at = where(source_, record.line);
    if (record.fields.size() != width_) {
        problems.push_back({Kind::kFieldCount,
                            source_,
                            record.line,
                            {},
                            at + "has " + std::to_string(record.fields.size()) +
                                " fields, the header has " + std::to_string(width_)});
        return std::nullopt;
    }
    std::size_t before = problems.size();
    auto bad = [&](Kind kind, Field field, const std::string& what) {
        const std::string& column = columnName(field);
        problems.push_back(
            {kind, source_, record.line, column, at + "field '" + column + "': " + what});
    };

    MappedRow row;
    row.line = record.line;
    Field nameField =
        position_[static_cast<std::size_t>(Field::kName)] ? Field::kName : Field::kFirstName;
    row.name = value(record, Field::kName);
    if (row.name.empty()) {
        std::string first = value(record, Field::kFirstName);
        std::string last = value(record, Field::kLastName);
        row.name = first + (!first.empty() && !last.empty() ? " " : "") + last;
    }
    if (row.name.empty()) row.name = value(record, Field::kFallbackName);
    if (row.name.empty()) bad(Kind::kEmptyValue, nameField, "is empty");

    Field emailField = Field::kEmail;
    row.email = value(record, Field::kEmail);
    if (row.email.empty() && position_[static_cast<std::size_t>(Field::kOrderEmail)]) {
        emailField = Field::kOrderEmail;
        row.email = value(record, Field::kOrderEmail);
    }
    if (row.email.empty()) {
        bad(Kind::kEmptyValue, emailField, "is empty");
    } else if (!looksLikeEmail(row.email)) {
        bad(Kind::kBadEmail, emailField, "'" + row.email + "' is not an email address");
    }

    row.ticketType = value(record, Field::kTicketType);
    row.ticketTypeColumn = columnName(Field::kTicketType);
    if (row.ticketType.empty()) bad(Kind::kEmptyValue, Field::kTicketType, "is empty");

    std::string statusText = value(record, Field::kStatus);
    if (format_ == ImportFormat::kAdmit) {
        auto status =
            store::parseAttendeeStatus(statusText.empty() ? "approved" : lower(statusText));
        if (status) {
            row.status = *status;
        } else {
            bad(Kind::kBadStatus, Field::kStatus, status.error().message);
        }
    } else {
        const StatusWords& words =
            format_ == ImportFormat::kPretix ? kPretixStatuses : kEventbriteStatuses;
        std::string key = lower(statusText);
        auto found = std::find_if(words.words.begin(), words.words.end(),
                                  [&](const auto& w) { return key == w.first; });
        if (found != words.words.end()) {
            row.status = found->second;
        } else {
            bad(Kind::kBadStatus, Field::kStatus, "'" + statusText + "' is not " + words.what);
        }
    }

    row.code = value(record, Field::kCode);
    row.codeColumn = columnName(Field::kCode);
    row.attentionNote = value(record, Field::kAttentionNote);

    if (format_ != ImportFormat::kAdmit) {
        std::string order = value(record, Field::kOrder);
        std::string position = value(record, Field::kPosition);
        if (order.empty()) bad(Kind::kEmptyValue, Field::kOrder, "is empty");
        if (position.empty()) bad(Kind::kEmptyValue, Field::kPosition, "is empty");
        row.orderPosition = std::string(importFormatName(format_)) + ":" + order + "/" + position;
    }
    if (problems.size() != before) return std::nullopt;
    return row;
}

}  // namespace admit::organiser
