#include "attendee_commands.hpp"

#include "admit/base/exit_code.hpp"
#include "admit/organiser/attendee_admin.hpp"
#include "admit/organiser/history.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "history_text.hpp"
#include "qr_png.hpp"
#include "verdict_text.hpp"

namespace admit::cli {
namespace {

using nlohmann::json;

json viewJson(const organiser::AttendeeView& v) {
    json tickets = json::array();
    for (const auto& t : v.tickets) {
        tickets.push_back(
            {{"ticket_ref", t.ticket.ref},
             {"kind", t.ticket.kind == store::TicketKind::kSigned ? "signed" : "opaque"},
             {"revoked", t.revokedReason ? json(*t.revokedReason) : json(nullptr)},
             {"blocked", t.blockedReason ? json(*t.blockedReason) : json(nullptr)}});
    }
    return {{"attendee_id", v.attendee.id},
            {"name", v.attendee.name},
            {"email", v.attendee.email},
            {"ticket_type", v.ticketTypeName},
            {"status", store::attendeeStatusName(v.attendee.status)},
            {"attention_note", v.attendee.attentionNote},
            {"tickets", tickets},
            {"entries", v.entries},
            {"inside", v.inside}};
}

std::string viewLine(const organiser::AttendeeView& v) {
    return std::to_string(v.attendee.id) + "  " + v.attendee.name +
           (v.attendee.email.empty() ? "" : " <" + v.attendee.email + ">") + "  " +
           v.ticketTypeName + "  " + std::string(store::attendeeStatusName(v.attendee.status)) +
           (v.inside        ? "  inside"
            : v.entries > 0 ? "  checked in"
                            : "");
}

std::string viewText(const organiser::AttendeeView& v) {
    std::string text = viewLine(v) + "\n";
    if (!v.attendee.attentionNote.empty())
        text += "  attention: " + v.attendee.attentionNote + "\n";
    for (const auto& t : v.tickets) {
        text += "  ticket " + t.ticket.ref;
        if (t.revokedReason) text += "  REVOKED: " + *t.revokedReason;
        if (t.blockedReason) text += "  BLOCKED: " + *t.blockedReason;
        text += "\n";
    }
    if (v.tickets.empty()) text += "  no ticket issued yet\n";
    return text;
}

// The attendee id in position 3 (`attendee show ID`).
Result<std::int64_t, CommandError> attendeeId(const Context& c, const std::string& action) {
    const auto& pos = c.args.positional();
    if (pos.size() != 3) return fail(usage("attendee " + action + " needs the attendee's id"));
    const std::string& v = pos[2];
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
        return fail(usage("attendee " + action +
                          " needs the attendee's id (a whole number), not '" + v + "'"));
    }
    return std::stoll(v);
}

Outcome printViews(const Context& c, const std::vector<organiser::AttendeeView>& views,
                   const std::string& none) {
    json list = json::array();
    std::string text;
    for (const auto& v : views) {
        list.push_back(viewJson(v));
        text += viewLine(v) + "\n";
    }
    print(c, list, text.empty() ? none : text);
    return 0;
}

Outcome add(Context& c, organiser::AttendeeAdmin& admin, const std::string& eventId,
            SQLite::Database& db) {
    auto name = requireOption(c, "name");
    if (!name) return fail(name.error());
    organiser::NewWalkIn walkIn{
        *name, c.args.option("email").value_or(""), c.args.option("type").value_or(""),
        c.args.option("status").value_or("approved"), c.args.option("note").value_or("")};
    const organiser::Actor who = actor(c);
    auto added = admin.addWalkIn(walkIn, who);
    if (!added) return fail(failed(added.error()));
    json out{{"attendee_id", added->attendee.id},
             {"name", added->attendee.name},
             {"ticket_ref", added->ticket.ticketRef},
             {"ticket_text", added->ticket.text}};
    std::string text = "added attendee " + std::to_string(added->attendee.id) + " " +
                       added->attendee.name + ", ticket " + added->ticket.ticketRef;
    if (auto png = c.args.option("png")) {
        if (auto written = writeQrPng(added->ticket.text, *png); !written) {
            return fail(failed("attendee added, but " + written.error().message +
                               "; the ticket's text is " + added->ticket.text));
        }
        out["png"] = *png;
        text += ", written to " + *png;
    }
    if (c.args.flag("checkin")) {
        // Its own transaction after the walk-in is stored: a refusal leaves a complete attendee.
        rules::CheckInEngine engine(db);
        auto verdict = engine.checkInAttendee(
            added->attendee.id, {eventId, c.args.option("gate").value_or("Main"),
                                 store::Direction::kEntry, who.operatorName, who.nowMs});
        if (!verdict) return fail(failed("attendee added, but " + verdict.error().message));
        out["checkin"] = verdictJson(*verdict);
        text += "\n" + verdictText(*verdict);
        print(c, out, text);
        return verdict->accepted ? 0 : exit_code::kDenied;
    }
    print(c, out, text);
    return 0;
}

Outcome set(Context& c, organiser::AttendeeAdmin& admin) {
    auto id = attendeeId(c, "set");
    if (!id) return fail(id.error());
    organiser::AttendeeChanges changes{c.args.option("name"), c.args.option("email"),
                                       c.args.option("type"), c.args.option("status"),
                                       c.args.option("note")};
    if (!changes.name && !changes.email && !changes.ticketType && !changes.status &&
        !changes.attentionNote) {
        return fail(
            usage("attendee set needs at least one of --name, --email, --type, --status, --note"));
    }
    auto changed = admin.set(*id, changes, actor(c));
    if (!changed) return fail(failed(changed.error()));
    auto view = admin.show(*id);
    if (!view) return fail(failed(view.error()));
    print(c, viewJson(*view), "changed: " + viewText(*view));
    return 0;
}

}  // namespace

Outcome attendeeCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    organiser::AttendeeAdmin admin(db, eventId);
    if (action == "list") {
        std::int64_t limit = 100, offset = 0;
        if (c.args.option("limit")) {
            auto value = wholeNumberOption(c, "limit");
            if (!value) return fail(value.error());
            limit = *value;
        }
        if (c.args.option("offset")) {
            auto value = wholeNumberOption(c, "offset");
            if (!value) return fail(value.error());
            offset = *value;
        }
        auto views = admin.list(static_cast<int>(std::min<std::int64_t>(limit, 1'000'000)),
                                static_cast<int>(std::min<std::int64_t>(offset, 1'000'000'000)));
        if (!views) return fail(failed(views.error()));
        return printViews(c, *views, "no attendees");
    }
    if (action == "search") {
        if (c.args.positional().size() != 3) return fail(usage("attendee search needs one query"));
        auto views = admin.search(c.args.positional()[2], 20);
        if (!views) return fail(failed(views.error()));
        return printViews(c, *views, "no attendee matches '" + c.args.positional()[2] + "'");
    }
    if (action == "show") {
        auto id = attendeeId(c, action);
        if (!id) return fail(id.error());
        auto view = admin.show(*id);
        if (!view) return fail(failed(view.error()));
        print(c, viewJson(*view), viewText(*view));
        return 0;
    }
    if (action == "history") {
        auto id = attendeeId(c, action);
        if (!id) return fail(id.error());
        auto lines = organiser::History(db, eventId).attendee(*id);
        if (!lines) return fail(failed(lines.error()));
        print(c, historyJson(*lines),
              historyText(*lines, "nothing recorded for attendee " + std::to_string(*id)));
        return 0;
    }
    if (action == "add") return add(c, admin, eventId, db);
    if (action == "set") return set(c, admin);
    return fail(usage("unknown command 'attendee " + action + "'"));
}

}  // namespace admit::cli
