#include "admit/organiser/ticket_admin.hpp"

#include <SQLiteCpp/Transaction.h>

#include "admin_transaction.hpp"
#include "admit/store/events.hpp"
#include "admit/ticket/blind_index.hpp"
#include "admit/ticket/event_id.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "admit/ticket/ticket_id.hpp"
#include "audit_entry.hpp"

namespace admit::organiser {
namespace {

const char* listName(store::CodeList list) {
    return list == store::CodeList::kRevoked ? "revoked" : "blocked";
}

nlohmann::json ticketDetail(const std::string& eventId, const store::TicketRecord& ticket) {
    return {{"event_id", eventId}, {"attendee_id", ticket.attendeeId}};
}

}  // namespace

TicketAdmin::TicketAdmin(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)) {}

TicketState TicketAdmin::stateOf(const store::TicketRecord& ticket) {
    store::CodeLists lists(db_);
    return {ticket, lists.find(store::CodeList::kRevoked, eventId_, ticket.ref),
            lists.find(store::CodeList::kBlocked, eventId_, ticket.ref)};
}

AdminResult<std::vector<TicketState>> TicketAdmin::find(const TicketSelector& selector) {
    store::Events events(db_);
    auto event = events.find(eventId_);
    if (!event) return notFound("there is no event " + eventId_ + " in this database");
    store::Attendees attendees(db_);
    std::string ref;
    switch (selector.by) {
        case TicketSelector::By::kAttendee: {
            std::int64_t id = 0;
            const std::string& v = selector.value;
            if (v.empty() || v.size() > 18 ||
                v.find_first_not_of("0123456789") != std::string::npos) {
                return invalid("'" + v + "' is not an attendee id (a whole number)");
            }
            id = std::stoll(v);
            auto attendee = attendees.find(id);
            if (!attendee || attendee->eventId != eventId_) {
                return notFound("there is no attendee " + v + " at event " + eventId_);
            }
            std::vector<TicketState> out;
            for (const auto& t : attendees.ticketsOf(id)) out.push_back(stateOf(t));
            if (out.empty()) return notFound("attendee " + v + " has no ticket yet");
            return out;
        }
        case TicketSelector::By::kRef:
            ref = selector.value;
            break;
        case TicketSelector::By::kText: {
            if (ticket::looksLikeSignedTicket(selector.value)) {
                auto parsed = ticket::parseSignedTicket(selector.value);
                if (!parsed)
                    return invalid("the ticket text cannot be read: " + parsed.error().detail);
                std::string ticketEvent = ticket::eventIdToString(parsed->payload.eventId);
                if (ticketEvent != eventId_) {
                    return invalid("the ticket is for event " + ticketEvent + ", not " + eventId_);
                }
                ref = ticket::ticketIdToString(parsed->payload.ticketId);
            } else {
                if (event->blindIndexKey.size() != 32) {
                    return notFound("event " + eventId_ + " has no blind index key");
                }
                auto key = ticket::BlindIndexKey::fromBytes(
                    std::span<const std::uint8_t, 32>(event->blindIndexKey.data(), 32));
                ref = ticket::blindIndex(key, selector.value);
            }
            break;
        }
    }
    auto row = attendees.findTicket(eventId_, ref);
    if (!row) return notFound("there is no ticket " + ref + " at event " + eventId_);
    return std::vector<TicketState>{stateOf(*row)};
}

AdminResult<std::vector<TicketState>> TicketAdmin::listChange(const TicketSelector& selector,
                                                              store::CodeList list,
                                                              const std::string& reason,
                                                              const Actor& actor) {
    const std::string verb = list == store::CodeList::kRevoked ? "revoke" : "block";
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        return invalid("a reason is needed to " + verb + " a ticket (kiosks show it)");
    }
    return inAdminTransaction(
        db_, verb + " the ticket", [&]() -> AdminResult<std::vector<TicketState>> {
            auto found = find(selector);
            if (!found) return found;
            store::CodeLists lists(db_);
            std::vector<TicketState> changed;
            for (const TicketState& state : *found) {
                // An attendee's revoked (reissued) codes stay as they are when blocking them all.
                if (selector.by == TicketSelector::By::kAttendee && state.revokedReason) continue;
                lists.add(list, eventId_, state.ticket.ref, reason, actor.nowMs);
                nlohmann::json detail = ticketDetail(eventId_, state.ticket);
                detail["reason"] = reason;
                appendAudit(db_, actor, std::string("ticket.") + listName(list), state.ticket.ref,
                            detail);
                changed.push_back(stateOf(state.ticket));
            }
            if (changed.empty())
                return conflict("every ticket of attendee " + selector.value +
                                " is revoked already");
            return changed;
        });
}

AdminResult<std::vector<TicketState>> TicketAdmin::revoke(const TicketSelector& selector,
                                                          const std::string& reason,
                                                          const Actor& actor) {
    return listChange(selector, store::CodeList::kRevoked, reason, actor);
}

AdminResult<std::vector<TicketState>> TicketAdmin::block(const TicketSelector& selector,
                                                         const std::string& reason,
                                                         const Actor& actor) {
    return listChange(selector, store::CodeList::kBlocked, reason, actor);
}

AdminResult<std::vector<TicketState>> TicketAdmin::unblock(const TicketSelector& selector,
                                                           const Actor& actor) {
    return inAdminTransaction(
        db_, "unblock the ticket", [&]() -> AdminResult<std::vector<TicketState>> {
            auto found = find(selector);
            if (!found) return found;
            store::CodeLists lists(db_);
            std::vector<TicketState> changed;
            for (const TicketState& state : *found) {
                if (!lists.remove(store::CodeList::kBlocked, eventId_, state.ticket.ref)) continue;
                nlohmann::json detail = ticketDetail(eventId_, state.ticket);
                detail["was_blocked_for"] = *state.blockedReason;
                appendAudit(db_, actor, "ticket.unblocked", state.ticket.ref, detail);
                changed.push_back(stateOf(state.ticket));
            }
            if (changed.empty()) return conflict("the ticket is not blocked");
            return changed;
        });
}

AdminResult<ReissuedTicket> TicketAdmin::reissue(const TicketSelector& selector,
                                                 const std::string& reason, const Actor& actor) {
    const std::string why =
        reason.find_first_not_of(" \t\r\n") == std::string::npos ? "Reissued" : reason;
    return inAdminTransaction(db_, "reissue the ticket", [&]() -> AdminResult<ReissuedTicket> {
        auto found = find(selector);
        if (!found) return fail(found.error());
        const TicketState* current = nullptr;
        for (const TicketState& state : *found) {
            if (state.ticket.kind == store::TicketKind::kSigned && !state.revokedReason) {
                current = &state;
                break;
            }
        }
        if (!current && selector.by == TicketSelector::By::kAttendee) {
            // Every code of theirs is revoked (a refund taken back, say): a new one, nothing
            // else to revoke.
            const std::int64_t attendeeId = found->front().ticket.attendeeId;
            auto issued = issueTicket(db_, eventId_, attendeeId);
            if (!issued) return invalid(issued.error().message);
            appendAudit(db_, actor, "ticket.reissued", issued->ticketRef,
                        {{"event_id", eventId_},
                         {"attendee_id", attendeeId},
                         {"old_ref", ""},
                         {"reason", why}});
            return ReissuedTicket{"", *issued};
        }
        if (!current) {
            return conflict(found->front().revokedReason
                                ? "the ticket is revoked already; reissue by --attendee instead"
                                : "only a signed ticket can be reissued (an external code cannot)");
        }
        const std::string oldRef = current->ticket.ref;
        const std::int64_t attendeeId = current->ticket.attendeeId;
        store::CodeLists(db_).add(store::CodeList::kRevoked, eventId_, oldRef, why, actor.nowMs);
        auto issued = issueTicket(db_, eventId_, attendeeId);
        if (!issued) return invalid(issued.error().message);
        nlohmann::json detail{{"event_id", eventId_},
                              {"attendee_id", attendeeId},
                              {"old_ref", oldRef},
                              {"reason", why}};
        appendAudit(db_, actor, "ticket.revoked", oldRef,
                    {{"event_id", eventId_}, {"attendee_id", attendeeId}, {"reason", why}});
        appendAudit(db_, actor, "ticket.reissued", issued->ticketRef, detail);
        return ReissuedTicket{oldRef, *issued};
    });
}

}  // namespace admit::organiser
