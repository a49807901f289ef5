#include "admit/organiser/attendee_import.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/column_mapping.hpp"
#include "admit/organiser/csv_reader.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/events.hpp"
#include "admit/ticket/blind_index.hpp"

namespace admit::organiser {
namespace {

using Kind = ImportProblem::Kind;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct Row {
    MappedRow mapped;
    store::Attendee attendee;
};

Failure<ImportError> wholeFile(Kind kind, const std::string& source, int line,
                               const std::string& what) {
    std::string where = source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
    return fail(importError({{kind, source, line, {}, where + what}}, false));
}

}  // namespace

Result<ImportSummary, ImportError> importAttendees(SQLite::Database& db, const std::string& eventId,
                                                   const std::string& csvText,
                                                   const std::string& sourceName,
                                                   const std::string& operatorName,
                                                   std::int64_t nowMs,
                                                   std::optional<ImportFormat> format) {
    store::Events events(db);
    auto event = events.find(eventId);
    if (!event || event->blindIndexKey.size() != 32) {
        return fail(importError(
            {{Kind::kUnknownEvent, sourceName, 0, {}, "unknown event " + eventId}}, false));
    }
    auto records = parseCsv(csvText, sourceName);
    if (!records) {
        return fail(importError(
            {{Kind::kInvalidCsv, sourceName, records.error().line, {}, records.error().message}},
            false));
    }
    if (records->empty()) {
        return wholeFile(Kind::kEmptyFile, sourceName, 0,
                         "the file is empty (a header row is needed)");
    }
    const CsvRecord& header = records->front();
    if (!format) format = detectImportFormat(header.fields);
    if (!format) {
        return wholeFile(Kind::kUnknownFormat, sourceName, header.line,
                         recognisedFormatsSentence());
    }
    auto mapping = ColumnMapping::fromHeader(*format, header, sourceName);
    if (!mapping) return fail(importError({mapping.error()}, false));

    auto indexKey = ticket::BlindIndexKey::fromBytes(
        std::span<const std::uint8_t, 32>(event->blindIndexKey.data(), 32));
    std::vector<ImportProblem> problems;
    std::vector<Row> rows;
    rows.reserve(records->size() - 1);
    std::map<std::string, int> seenIdentity;
    std::map<std::string, int> seenCode;
    std::map<std::string, int> seenPosition;
    std::map<std::string, std::optional<std::uint16_t>> typeByName;  // lower-case name
    std::string typeNames;
    for (const auto& t : events.ticketTypes(eventId)) {
        typeNames += (typeNames.empty() ? "" : ", ") + t.name;
    }
    for (std::size_t r = 1; r < records->size(); ++r) {
        const CsvRecord& record = (*records)[r];
        auto mapped = mapping->map(record, problems);
        if (!mapped) continue;
        std::size_t before = problems.size();
        auto bad = [&](Kind kind, const std::string& column, const std::string& what) {
            problems.push_back({kind, sourceName, record.line, column,
                                sourceName + ":" + std::to_string(record.line) + ": field '" +
                                    column + "': " + what});
        };
        Row row;
        row.mapped = std::move(*mapped);
        const MappedRow& m = row.mapped;
        store::Attendee& a = row.attendee;
        a.eventId = eventId;
        a.name = m.name;
        a.email = m.email;
        a.status = m.status;
        a.attentionNote = m.attentionNote;
        auto cached = typeByName.find(lower(m.ticketType));
        if (cached == typeByName.end()) {
            auto type = events.findTicketTypeByName(eventId, m.ticketType);
            cached = typeByName
                         .emplace(lower(m.ticketType),
                                  type ? std::optional<std::uint16_t>(type->code) : std::nullopt)
                         .first;
        }
        if (!cached->second) {
            bad(Kind::kUnknownTicketType, m.ticketTypeColumn,
                "'" + m.ticketType + "' is not a ticket type of this event (" + typeNames + ")");
        } else {
            a.ticketType = *cached->second;
        }
        if (!m.code.empty()) {
            auto [it, fresh] = seenCode.emplace(m.code, record.line);
            if (!fresh) {
                bad(Kind::kDuplicateCode, m.codeColumn,
                    "the same code is on line " + std::to_string(it->second));
            }
        }
        if (!m.orderPosition.empty()) {
            auto [it, fresh] = seenPosition.emplace(m.orderPosition, record.line);
            if (!fresh) {
                problems.push_back({Kind::kDuplicateRow,
                                    sourceName,
                                    record.line,
                                    {},
                                    sourceName + ":" + std::to_string(record.line) +
                                        ": the same order position is on line " +
                                        std::to_string(it->second)});
            }
        }
        if (problems.size() != before) continue;
        // The identity that makes re-imports idempotent, never holding a barcode: an export's
        // order position (its ticket's barcode may be derived from it, so as a blind index too),
        // else the external code's blind index, else the email and name, counted for repeats.
        if (!m.orderPosition.empty()) {
            a.importKey = "order:" + ticket::blindIndex(indexKey, m.orderPosition);
        } else if (!m.code.empty()) {
            a.importKey = "code:" + ticket::blindIndex(indexKey, m.code);
        } else {
            std::string identity = lower(a.email) + "|" + a.name;
            int repeat = seenIdentity[identity]++;
            a.importKey = "person:" + identity + "|" + std::to_string(repeat);
        }
        rows.push_back(std::move(row));
    }
    if (!problems.empty()) return fail(importError(std::move(problems), true));

    std::string formatName(importFormatName(*format));
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        ImportSummary summary;
        summary.format = *format;
        summary.ignoredColumns = mapping->ignoredColumns();
        store::Attendees attendees(db);
        store::HybridLogicalClock clock(db);
        store::AuditLog audit(db);
        // Each attendee's own entry, so that `admit attendee history` can tell where they came
        // from; the import as a whole has one more below.
        auto auditAttendee = [&](const char* action, std::int64_t id) {
            nlohmann::json detail{
                {"event_id", eventId}, {"source", sourceName}, {"format", formatName}};
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
            const MappedRow& m = row.mapped;
            if (m.code.empty()) continue;
            // The same check as addOpaqueCode's, with the blind index made once per row.
            std::string ref = ticket::blindIndex(indexKey, m.code);
            if (auto existing = attendees.findTicket(eventId, ref)) {
                if (existing->attendeeId == row.attendee.id) continue;
                // Leaving without commit rolls every row back.
                return fail(importError(
                    {{Kind::kCodeTaken, sourceName, m.line, m.codeColumn,
                      sourceName + ":" + std::to_string(m.line) + ": field '" + m.codeColumn +
                          "': the code is already attached to another attendee"}},
                    true));
            }
            attendees.addTicket({eventId, ref, store::TicketKind::kOpaque, row.attendee.id});
        }
        if (summary.inserted + summary.updated > 0) {
            nlohmann::json detail{{"event_id", eventId},        {"source", sourceName},
                                  {"format", formatName},       {"inserted", summary.inserted},
                                  {"updated", summary.updated}, {"unchanged", summary.unchanged}};
            audit.append({operatorName, "attendees.imported", eventId, detail.dump()},
                         clock.tick(nowMs), nowMs);
        }
        transaction.commit();
        return summary;
    } catch (const SQLite::Exception& e) {
        return fail(importError({{Kind::kStorage,
                                  sourceName,
                                  0,
                                  {},
                                  std::string("could not import ") + sourceName + ": " + e.what()}},
                                true));
    }
}

Result<ImportSummary, ImportError> importAttendeesFile(
    SQLite::Database& db, const std::string& eventId, const std::string& path,
    const std::string& operatorName, std::int64_t nowMs, std::optional<ImportFormat> format) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(
            importError({{Kind::kUnreadableFile, path, 0, {}, "cannot read " + path}}, false));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return importAttendees(db, eventId, text.str(), path, operatorName, nowMs, format);
}

}  // namespace admit::organiser
