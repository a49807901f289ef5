#include "admit/organiser/attendee_import.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/csv_reader.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/events.hpp"
#include "admit/ticket/blind_index.hpp"

namespace admit::organiser {
namespace {

constexpr int kMaxReportedErrors = 20;

enum Column { kName, kEmail, kTicketType, kStatus, kExternalCode, kAttentionNote, kColumnCount };
constexpr std::array<const char*, kColumnCount> kColumnNames{
    "name", "email", "ticket_type", "status", "external_code", "attention_note"};
constexpr int kRequiredColumns = 4;  // the first four

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

struct Row {
    int line = 0;
    store::Attendee attendee;
    std::string externalCode;
};

}  // namespace

Result<ImportSummary> importAttendees(SQLite::Database& db, const std::string& eventId,
                                      const std::string& csvText, const std::string& sourceName,
                                      const std::string& operatorName, std::int64_t nowMs) {
    store::Events events(db);
    auto event = events.find(eventId);
    if (!event) return fail("unknown event " + eventId);
    auto records = parseCsv(csvText, sourceName);
    if (!records) return fail(records.error());
    if (records->empty()) return fail(sourceName + ": the file is empty (a header row is needed)");

    // Header: map each known column to its position.
    std::array<std::optional<std::size_t>, kColumnCount> position{};
    const CsvRecord& header = records->front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        std::string name = lower(trim(header.fields[i]));
        auto known = std::find(kColumnNames.begin(), kColumnNames.end(), name);
        if (known == kColumnNames.end()) {
            return fail(sourceName + ":" + std::to_string(header.line) + ": unknown column '" +
                        header.fields[i] +
                        "' (columns are name, email, ticket_type, status, external_code, "
                        "attention_note)");
        }
        auto column = static_cast<std::size_t>(known - kColumnNames.begin());
        if (position[column]) {
            return fail(sourceName + ":" + std::to_string(header.line) + ": column '" + name +
                        "' appears twice");
        }
        position[column] = i;
    }
    for (int c = 0; c < kRequiredColumns; ++c) {
        if (!position[static_cast<std::size_t>(c)]) {
            return fail(sourceName + ":" + std::to_string(header.line) + ": the header has no '" +
                        kColumnNames[static_cast<std::size_t>(c)] + "' column");
        }
    }

    std::vector<std::string> errors;
    std::vector<Row> rows;
    std::map<std::string, int> seenIdentity;
    std::map<std::string, int> seenCode;
    std::string typeNames;
    for (const auto& t : events.ticketTypes(eventId)) {
        typeNames += (typeNames.empty() ? "" : ", ") + t.name;
    }
    for (std::size_t r = 1; r < records->size(); ++r) {
        const CsvRecord& record = (*records)[r];
        std::string where = sourceName + ":" + std::to_string(record.line) + ": ";
        if (record.fields.size() != header.fields.size()) {
            errors.push_back(where + "has " + std::to_string(record.fields.size()) +
                             " fields, the header has " + std::to_string(header.fields.size()));
            continue;
        }
        auto field = [&](Column c) {
            auto p = position[static_cast<std::size_t>(c)];
            return p ? trim(record.fields[*p]) : std::string();
        };
        auto bad = [&](Column c, const std::string& what) {
            errors.push_back(where + "field '" + kColumnNames[static_cast<std::size_t>(c)] +
                             "': " + what);
        };
        Row row;
        row.line = record.line;
        store::Attendee& a = row.attendee;
        a.eventId = eventId;
        a.name = field(kName);
        a.email = field(kEmail);
        a.attentionNote = field(kAttentionNote);
        row.externalCode = field(kExternalCode);
        std::size_t errorsBefore = errors.size();
        if (a.name.empty()) bad(kName, "is empty");
        auto at = a.email.find('@');
        if (a.email.empty()) {
            bad(kEmail, "is empty");
        } else if (at == std::string::npos || at == 0 || at + 1 == a.email.size() ||
                   a.email.find_first_of(" \t,;") != std::string::npos) {
            bad(kEmail, "'" + a.email + "' is not an email address");
        }
        auto type = events.findTicketTypeByName(eventId, field(kTicketType));
        if (!type) {
            bad(kTicketType, "'" + field(kTicketType) + "' is not a ticket type of this event (" +
                                 typeNames + ")");
        } else {
            a.ticketType = type->code;
        }
        std::string statusText = lower(field(kStatus));
        auto status = store::parseAttendeeStatus(statusText.empty() ? "approved" : statusText);
        if (!status) {
            bad(kStatus, status.error().message);
        } else {
            a.status = *status;
        }
        if (!row.externalCode.empty()) {
            auto [it, fresh] = seenCode.emplace(row.externalCode, record.line);
            if (!fresh) {
                bad(kExternalCode, "the same code is on line " + std::to_string(it->second));
            }
        }
        if (errors.size() != errorsBefore) continue;
        // The identity that makes re-imports idempotent: the external code (as its blind index,
        // so the database never holds it) or the email and name, counted for repeats.
        if (!row.externalCode.empty()) {
            auto key = ticket::BlindIndexKey::fromBytes(
                std::span<const std::uint8_t, 32>(event->blindIndexKey.data(), 32));
            a.importKey = "code:" + ticket::blindIndex(key, row.externalCode);
        } else {
            std::string identity = lower(a.email) + "|" + a.name;
            int repeat = seenIdentity[identity]++;
            a.importKey = "person:" + identity + "|" + std::to_string(repeat);
        }
        rows.push_back(std::move(row));
    }
    if (!errors.empty()) {
        std::string message;
        for (std::size_t i = 0; i < errors.size() && i < kMaxReportedErrors; ++i) {
            message += (i ? "\n" : "") + errors[i];
        }
        if (errors.size() > kMaxReportedErrors) {
            message +=
                "\n... and " + std::to_string(errors.size() - kMaxReportedErrors) + " more errors";
        }
        message += "\nnothing was imported";
        return fail(message);
    }

    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        ImportSummary summary;
        store::Attendees attendees(db);
        store::HybridLogicalClock clock(db);
        store::AuditLog audit(db);
        // Each attendee's own entry, so that `admit attendee history` can tell where they came
        // from; the import as a whole has one more below.
        auto auditAttendee = [&](const char* action, std::int64_t id) {
            nlohmann::json detail{{"event_id", eventId}, {"source", sourceName}};
            audit.append({operatorName, action, "attendee:" + std::to_string(id), detail.dump()},
                         clock.tick(nowMs), nowMs);
        };
        for (Row& row : rows) {
            switch (attendees.upsert(row.attendee)) {
                case store::UpsertOutcome::kInserted:
                    ++summary.inserted;
                    auditAttendee("attendee.registered", row.attendee.id);
                    break;
                case store::UpsertOutcome::kUpdated:
                    ++summary.updated;
                    auditAttendee("attendee.updated", row.attendee.id);
                    break;
                case store::UpsertOutcome::kUnchanged:
                    ++summary.unchanged;
                    break;
            }
            if (!row.externalCode.empty()) {
                auto attached = addOpaqueCode(db, eventId, row.attendee.id, row.externalCode);
                if (!attached) {
                    return fail(sourceName + ":" + std::to_string(row.line) +
                                ": field 'external_code': " + attached.error().message +
                                "\nnothing was imported");
                }
            }
        }
        if (summary.inserted + summary.updated > 0) {
            nlohmann::json detail{{"event_id", eventId},
                                  {"source", sourceName},
                                  {"inserted", summary.inserted},
                                  {"updated", summary.updated},
                                  {"unchanged", summary.unchanged}};
            audit.append({operatorName, "attendees.imported", eventId, detail.dump()},
                         clock.tick(nowMs), nowMs);
        }
        transaction.commit();
        return summary;
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not import ") + sourceName + ": " + e.what() +
                    "\nnothing was imported");
    }
}

Result<ImportSummary> importAttendeesFile(SQLite::Database& db, const std::string& eventId,
                                          const std::string& path, const std::string& operatorName,
                                          std::int64_t nowMs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return importAttendees(db, eventId, text.str(), path, operatorName, nowMs);
}

}  // namespace admit::organiser
