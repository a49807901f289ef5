#include "admit/organiser/report_export.hpp"

#include <array>
#include <ctime>
#include <map>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/attendee_admin.hpp"
#include "admit/organiser/history.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"

namespace admit::organiser {
namespace {

using nlohmann::json;

// "2026-11-30T15:40:12.345Z"
std::string isoTime(std::int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 96> out{};  // room for any int in every field (-Wformat-truncation at -O2)
    std::snprintf(out.data(), out.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>((ms % 1000 + 1000) % 1000));
    return out.data();
}

std::string csvField(const std::string& text) {
    // A leading = + - @ would be a formula to a spreadsheet: quoted and prefixed with '.
    bool formula =
        !text.empty() && std::string_view("=+-@").find(text.front()) != std::string_view::npos;
    if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = formula ? "\"'" : "\"";
    for (char ch : text) {
        if (ch == '"') out.push_back('"');
        out.push_back(ch);
    }
    return out + "\"";
}

std::string csvValue(const json& value) {
    if (value.is_null()) return "";
    if (value.is_string()) return csvField(value.get<std::string>());
    return csvField(value.dump());
}

std::string render(const std::vector<std::string>& columns, const std::vector<json>& rows,
                   ExportFormat format) {
    if (format == ExportFormat::kJson) return json(rows).dump(2) + "\n";
    std::string out;
    for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + columns[c];
    out += "\r\n";
    for (const json& row : rows) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            out += (c ? "," : "") + csvValue(row.value(columns[c], json()));
        }
        out += "\r\n";
    }
    return out;
}

const std::map<ExportKind, std::vector<std::string>>& columnTable() {
    static const std::map<ExportKind, std::vector<std::string>> kColumns{
        {ExportKind::kCheckIns,
         {"checkin_id", "time", "time_ms", "record", "direction", "ticket_ref", "attendee_id",
          "name", "ticket_type", "gate", "device_id", "operator", "annuls", "undone"}},
        {ExportKind::kAttendees,
         {"attendee_id", "name", "email", "ticket_type", "status", "attention_note", "tickets",
          "revoked", "blocked", "entries", "inside"}},
        {ExportKind::kAudit,
         {"time", "time_ms", "action", "operator", "device_id", "subject", "gate", "text",
          "detail"}},
    };
    return kColumns;
}

std::vector<json> checkInRows(SQLite::Database& db, const std::string& eventId) {
    store::HybridLogicalClock clock(db);
    store::Attendees attendees(db);
    store::Events events(db);
    std::map<std::int64_t, std::pair<std::string, std::string>> people;  // id -> name, type
    std::vector<json> rows;
    for (const auto& r : store::CheckInLog(db, clock).records(eventId)) {
        const store::CheckIn& c = r.checkIn;
        json row{{"checkin_id", c.id},
                 {"time", isoTime(c.wallTimeMs)},
                 {"time_ms", c.wallTimeMs},
                 {"record", r.annulment ? "undo" : "checkin"},
                 {"direction", store::directionName(c.direction)},
                 {"ticket_ref", c.ticketRef},
                 {"attendee_id", c.attendeeId ? json(*c.attendeeId) : json()},
                 {"gate", c.gate},
                 {"device_id", c.deviceId},
                 {"operator", c.operatorName},
                 {"annuls", r.annuls},
                 {"undone", r.annulled}};
        if (c.attendeeId) {
            auto found = people.find(*c.attendeeId);
            if (found == people.end()) {
                auto a = attendees.find(*c.attendeeId);
                std::string type;
                if (a) {
                    auto t = events.findTicketType(eventId, a->ticketType);
                    type = t ? t->name : "";
                }
                found = people.emplace(*c.attendeeId, std::make_pair(a ? a->name : "", type)).first;
            }
            row["name"] = found->second.first;
            row["ticket_type"] = found->second.second;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<json> attendeeRows(SQLite::Database& db, const std::string& eventId) {
    std::vector<json> rows;
    AttendeeAdmin admin(db, eventId);
    constexpr int kPage = 1000;
    for (int offset = 0;; offset += kPage) {
        auto page = admin.list(kPage, offset);
        if (!page || page->empty()) break;
        for (const AttendeeView& v : *page) {
            std::string tickets, revoked, blocked;
            for (const TicketState& t : v.tickets) {
                tickets += (tickets.empty() ? "" : " ") + t.ticket.ref;
                if (t.revokedReason) revoked += (revoked.empty() ? "" : " ") + t.ticket.ref;
                if (t.blockedReason) blocked += (blocked.empty() ? "" : " ") + t.ticket.ref;
            }
            rows.push_back({{"attendee_id", v.attendee.id},
                            {"name", v.attendee.name},
                            {"email", v.attendee.email},
                            {"ticket_type", v.ticketTypeName},
                            {"status", store::attendeeStatusName(v.attendee.status)},
                            {"attention_note", v.attendee.attentionNote},
                            {"tickets", tickets},
                            {"revoked", revoked},
                            {"blocked", blocked},
                            {"entries", v.entries},
                            {"inside", v.inside}});
        }
        if (static_cast<int>(page->size()) < kPage) break;
    }
    return rows;
}

}  // namespace

Result<ExportFormat> parseExportFormat(std::string_view text) {
    if (text == "csv") return ExportFormat::kCsv;
    if (text == "json") return ExportFormat::kJson;
    return fail("the format must be csv or json, not '" + std::string(text) + "'");
}

Result<ExportKind> parseExportKind(std::string_view text) {
    if (text == "checkins") return ExportKind::kCheckIns;
    if (text == "attendees") return ExportKind::kAttendees;
    if (text == "audit") return ExportKind::kAudit;
    return fail("the report must be checkins, attendees or audit, not '" + std::string(text) + "'");
}

std::vector<std::string> exportColumns(ExportKind kind) { return columnTable().at(kind); }

AdminResult<std::string> exportReport(SQLite::Database& db, const std::string& eventId,
                                      ExportKind kind, ExportFormat format) {
    try {
        // One read transaction: the report is one moment's state even while kiosks upload.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::DEFERRED);
        if (!store::Events(db).find(eventId)) {
            return notFound("there is no event " + eventId + " in this database");
        }
        std::vector<json> rows;
        if (kind == ExportKind::kCheckIns) {
            rows = checkInRows(db, eventId);
        } else if (kind == ExportKind::kAttendees) {
            rows = attendeeRows(db, eventId);
        } else {
            auto lines = History(db, eventId).lines({});
            if (!lines) return fail(lines.error());
            for (const HistoryLine& l : *lines) {
                rows.push_back({{"time", isoTime(l.wallTimeMs)},
                                {"time_ms", l.wallTimeMs},
                                {"action", l.action},
                                {"operator", l.operatorName},
                                {"device_id", l.deviceId},
                                {"subject", l.subject},
                                {"gate", l.gate},
                                {"text", l.text},
                                {"detail", l.detail}});
            }
        }
        return render(exportColumns(kind), rows, format);
    } catch (const SQLite::Exception& e) {
        return fail(AdminError{AdminError::Kind::kStorage,
                               std::string("could not read the report: ") + e.what()});
    }
}

}  // namespace admit::organiser
