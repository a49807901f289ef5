#include "ticket_commands.hpp"

#include "admit/organiser/ticket_admin.hpp"
#include "qr_png.hpp"

namespace admit::cli {
namespace {

using nlohmann::json;
using organiser::TicketSelector;

// Exactly one of: the ticket's text, --ref, --attendee.
Result<TicketSelector, CommandError> selector(const Context& c, const std::string& action) {
    const auto& pos = c.args.positional();
    int given = (pos.size() == 3 ? 1 : 0) + (c.args.option("ref") ? 1 : 0) +
                (c.args.option("attendee") ? 1 : 0);
    if (pos.size() > 3 || given != 1) {
        return fail(usage("ticket " + action +
                          " needs exactly one of: the ticket text, --ref REF, --attendee ID"));
    }
    if (pos.size() == 3) return TicketSelector{TicketSelector::By::kText, pos[2]};
    if (auto ref = c.args.option("ref")) return TicketSelector{TicketSelector::By::kRef, *ref};
    return TicketSelector{TicketSelector::By::kAttendee, *c.args.option("attendee")};
}

json stateJson(const organiser::TicketState& s) {
    auto reason = [](const std::optional<std::string>& r) { return r ? json(*r) : json(nullptr); };
    return {{"ticket_ref", s.ticket.ref},
            {"kind", s.ticket.kind == store::TicketKind::kSigned ? "signed" : "opaque"},
            {"attendee_id", s.ticket.attendeeId},
            {"revoked", reason(s.revokedReason)},
            {"blocked", reason(s.blockedReason)}};
}

Outcome listChange(Context& c, const std::string& action) {
    auto chosen = selector(c, action);
    if (!chosen) return fail(chosen.error());
    std::optional<std::string> reason;
    if (action != "unblock") {
        auto given = requireOption(c, "reason");
        if (!given) return fail(given.error());
        reason = *given;
    }
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::TicketAdmin admin(opened->db, opened->eventId);
    const organiser::Actor who = actor(c);
    auto changed = action == "revoke"  ? admin.revoke(*chosen, *reason, who)
                   : action == "block" ? admin.block(*chosen, *reason, who)
                                       : admin.unblock(*chosen, who);
    if (!changed) return fail(failed(changed.error()));
    json tickets = json::array();
    std::string text;
    const std::string done = action == "revoke"  ? "revoked"
                             : action == "block" ? "blocked"
                                                 : "unblocked";
    for (const auto& s : *changed) {
        tickets.push_back(stateJson(s));
        text += "ticket " + s.ticket.ref + " (attendee " + std::to_string(s.ticket.attendeeId) +
                ") " + done + (reason ? ": " + *reason : "") + "\n";
    }
    text += "kiosks learn it on their next sync round";
    print(c, {{"event_id", opened->eventId}, {"action", done}, {"tickets", tickets}}, text);
    return 0;
}

Outcome reissue(Context& c) {
    auto chosen = selector(c, "reissue");
    if (!chosen) return fail(chosen.error());
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::TicketAdmin admin(opened->db, opened->eventId);
    auto done = admin.reissue(*chosen, c.args.option("reason").value_or(""), actor(c));
    if (!done) return fail(failed(done.error()));
    std::string text = "ticket " + done->oldRef + " revoked; new ticket " + done->issued.ticketRef +
                       " for attendee " + std::to_string(done->issued.attendeeId);
    json out{{"event_id", opened->eventId},
             {"old_ref", done->oldRef},
             {"ticket_ref", done->issued.ticketRef},
             {"attendee_id", done->issued.attendeeId},
             {"ticket_text", done->issued.text}};
    if (auto png = c.args.option("png")) {
        // The change is committed; a PNG that cannot be written is said plainly (the text is
        // printed, and `admit tickets` writes it again).
        if (auto written = writeQrPng(done->issued.text, *png); !written) {
            return fail(failed("ticket reissued, but " + written.error().message +
                               "; its text is " + done->issued.text));
        }
        out["png"] = *png;
        text += ", written to " + *png;
    } else {
        text += "\n" + done->issued.text;
    }
    print(c, out, text);
    return 0;
}

}  // namespace

Outcome ticketCommand(Context& c, const std::string& action) {
    if (action == "revoke" || action == "block" || action == "unblock")
        return listChange(c, action);
    if (action == "reissue") return reissue(c);
    return fail(usage("unknown command 'ticket " + action + "'"));
}

}  // namespace admit::cli
