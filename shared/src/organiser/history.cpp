#include "admit/organiser/history.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "audit_entry.hpp"

namespace admit::organiser {
namespace {

using nlohmann::json;

std::string by(const std::string& operatorName) {
    return operatorName.empty() ? "" : " by " + operatorName;
}

std::string text(const json& detail, const char* key) {
    auto it = detail.find(key);
    if (it == detail.end()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string changesText(const json& changes) {
    std::string out;
    for (const auto& [field, change] : changes.items()) {
        if (!out.empty()) out += ", ";
        auto shown = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
        out += field + " " + shown(change.value("from", json())) + " -> " +
               shown(change.value("to", json()));
    }
    return out;
}

// A sentence for an audit entry.
std::string describe(const store::AuditRecord& r, const json& d) {
    const std::string& a = r.entry.action;
    const std::string who = by(r.entry.operatorName);
    if (a == "attendee.registered") return "registered from " + text(d, "source") + who;
    if (a == "attendee.updated") return "details updated from " + text(d, "source") + who;
    if (a == "attendee.added") return "added at the desk (walk-in)" + who;
    if (a == "attendee.changed")
        return "changed" + who + ": " + changesText(d.value("changes", json::object()));
    if (a == "ticket.issued") return "ticket " + r.entry.subject + " issued" + who;
    if (a == "ticket.revoked")
        return "ticket " + r.entry.subject + " revoked" + who + ": " + text(d, "reason");
    if (a == "ticket.blocked")
        return "ticket " + r.entry.subject + " blocked" + who + ": " + text(d, "reason");
    if (a == "ticket.unblocked") return "ticket " + r.entry.subject + " unblocked" + who;
    if (a == "ticket.reissued") {
        return "ticket " + r.entry.subject + " issued in place of " + text(d, "old_ref") + who;
    }
    if (a == "checkin.denied") {
        std::string why = text(d, "reason");
        if (!text(d, "detail").empty()) why += " (" + text(d, "detail") + ")";
        return "denied at gate " + text(d, "gate") + ": " + why + who;
    }
    if (a == "attendees.imported") {
        return "imported " + text(d, "source") + ": " + text(d, "inserted") + " new, " +
               text(d, "updated") + " updated" + who;
    }
    if (a == "event.changed")
        return "event changed" + who + ": " + changesText(d.value("changes", json::object()));
    if (a == "ticket_type.added") return "ticket type " + text(d, "name") + " added" + who;
    if (a == "ticket_type.renamed") {
        return "ticket type " + text(d, "from") + " renamed " + text(d, "to") + who;
    }
    if (a == "gate.allowed")
        return text(d, "ticket_type") + " allowed at gate " + text(d, "gate") + who;
    if (a == "ticket_type.days") {
        std::string days;
        for (const auto& day : d.value("to", json::array())) {
            if (day.is_string()) days += (days.empty() ? "" : ", ") + day.get<std::string>();
        }
        return text(d, "ticket_type") + " valid " + (days.empty() ? "on any day" : "on " + days) +
               who;
    }
    if (a == "event.created") return "event " + text(d, "name") + " created" + who;
    if (a == "operator.added") return r.entry.subject.substr(9) + " added" + who;
    if (a == "operator.updated") return r.entry.subject.substr(9) + " saved again" + who;
    if (a == "operator.removed") return r.entry.subject.substr(9) + " removed" + who;
    if (a == "operator.pin_set") return r.entry.subject.substr(9) + " given a new PIN" + who;
    if (a == "operator.lockout_reset") return r.entry.subject.substr(9) + " lock-out cleared" + who;
    return a + " " + r.entry.subject + who;
}

HistoryLine fromAudit(const store::AuditRecord& r) {
    json d = json::parse(r.entry.detail, nullptr, false);
    if (!d.is_object()) d = json::object();
    return {r.wallTimeMs,    r.entry.action,  r.entry.operatorName, r.deviceId,
            r.entry.subject, text(d, "gate"), describe(r, d),       r.entry.detail};
}

HistoryLine fromCheckIn(const store::CheckInRecord& r, bool reentry) {
    const store::CheckIn& c = r.checkIn;
    HistoryLine line{c.wallTimeMs, "", c.operatorName, c.deviceId, c.ticketRef, c.gate, "", ""};
    json detail{{"checkin_id", c.id}, {"ticket_ref", c.ticketRef}};
    if (c.attendeeId) detail["attendee_id"] = *c.attendeeId;
    const std::string where =
        " at gate " + c.gate + " on device " + c.deviceId + by(c.operatorName);
    if (r.annulment) {
        line.action = "checkin.undone";
        line.text = "check-in " + r.annuls + " undone" + where;
        detail["annuls"] = r.annuls;
    } else if (c.direction == store::Direction::kExit) {
        line.action = "checkin.exit";
        line.text = "left" + where;
    } else {
        line.action = "checkin.entry";
        line.text = std::string(reentry ? "re-entered" : "checked in") + where;
    }
    if (r.annulled) line.text += " (later undone)";
    line.detail = detail.dump();
    return line;
}

}  // namespace

History::History(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)) {}

AdminResult<std::vector<HistoryLine>> History::lines(const HistoryQuery& query) {
    try {
        if (!store::Events(db_).find(eventId_)) {
            return notFound("there is no event " + eventId_ + " in this database");
        }
        store::AuditQuery audit{eventId_, query.operatorName, query.deviceId,
                                {},       query.sinceMs,      query.untilMs};
        store::CheckInQuery checkins{
            {}, query.deviceId, query.operatorName, query.sinceMs, query.untilMs};
        if (query.attendeeId) {
            store::Attendees attendees(db_);
            auto attendee = attendees.find(*query.attendeeId);
            if (!attendee || attendee->eventId != eventId_) {
                return notFound("there is no attendee " + std::to_string(*query.attendeeId) +
                                " at event " + eventId_);
            }
            audit.subjects.push_back(attendeeSubject(*query.attendeeId));
            for (const auto& t : attendees.ticketsOf(*query.attendeeId)) {
                audit.subjects.push_back(t.ref);
                checkins.ticketRefs.push_back(t.ref);
            }
            // No ticket: no check-in can be theirs (the subject list keeps the audit's own).
            if (checkins.ticketRefs.empty()) checkins.ticketRefs.push_back("");
        }
        std::vector<HistoryLine> out;
        for (const auto& r : store::AuditLog(db_).find(audit)) {
            // Check-ins come from the check-in log below, which holds every device's.
            if (r.entry.action == "checkin.accepted" || r.entry.action == "checkin.annulled")
                continue;
            out.push_back(fromAudit(r));
        }
        store::HybridLogicalClock clock(db_);
        std::map<std::string, int> entriesSoFar;  // per ticket, effective ones
        for (const auto& r : store::CheckInLog(db_, clock).records(eventId_, checkins)) {
            bool reentry = false;
            if (!r.annulment && r.checkIn.direction == store::Direction::kEntry && !r.annulled) {
                reentry = entriesSoFar[r.checkIn.ticketRef]++ > 0;
            }
            out.push_back(fromCheckIn(r, reentry));
        }
        std::stable_sort(out.begin(), out.end(), [](const HistoryLine& a, const HistoryLine& b) {
            return a.wallTimeMs < b.wallTimeMs;
        });
        return out;
    } catch (const SQLite::Exception& e) {
        return fail(AdminError{AdminError::Kind::kStorage,
                               std::string("could not read the history: ") + e.what()});
    }
}

AdminResult<std::vector<HistoryLine>> History::attendee(std::int64_t attendeeId) {
    HistoryQuery query;
    query.attendeeId = attendeeId;
    return lines(query);
}

}  // namespace admit::organiser
