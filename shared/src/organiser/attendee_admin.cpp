#include "admit/organiser/attendee_admin.hpp"

#include "admin_transaction.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/uuid.hpp"
#include "audit_entry.hpp"

namespace admit::organiser {
namespace {

bool blank(const std::string& text) {
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

AttendeeAdmin::AttendeeAdmin(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)) {}

AdminResult<store::Attendee> AttendeeAdmin::attendeeAtEvent(std::int64_t attendeeId) {
    if (!store::Events(db_).find(eventId_)) {
        return notFound("there is no event " + eventId_ + " in this database");
    }
    auto attendee = store::Attendees(db_).find(attendeeId);
    if (!attendee || attendee->eventId != eventId_) {
        return notFound("there is no attendee " + std::to_string(attendeeId) + " at event " +
                        eventId_);
    }
    return *attendee;
}

AdminResult<std::uint16_t> AttendeeAdmin::typeCode(const std::string& name) {
    store::Events events(db_);
    if (name.empty()) {
        auto types = events.ticketTypes(eventId_);
        if (types.empty()) return notFound("event " + eventId_ + " has no ticket type");
        return types.front().code;
    }
    auto type = events.findTicketTypeByName(eventId_, name);
    if (!type) {
        std::string known;
        for (const auto& t : events.ticketTypes(eventId_))
            known += (known.empty() ? "" : ", ") + t.name;
        return notFound("event " + eventId_ + " has no ticket type '" + name + "' (it has " +
                        known + ")");
    }
    return type->code;
}

AttendeeView AttendeeAdmin::viewOf(const store::Attendee& attendee) {
    AttendeeView view;
    view.attendee = attendee;
    auto type = store::Events(db_).findTicketType(eventId_, attendee.ticketType);
    view.ticketTypeName = type ? type->name : "Type " + std::to_string(attendee.ticketType);
    TicketAdmin tickets(db_, eventId_);
    auto found = tickets.find({TicketSelector::By::kAttendee, std::to_string(attendee.id)});
    if (found) view.tickets = std::move(found).value();
    store::HybridLogicalClock clock(db_);
    store::CheckInLog log(db_, clock);
    for (const TicketState& t : view.tickets) {
        auto history = log.history(eventId_, t.ticket.ref);
        for (const auto& c : history) {
            if (c.direction == store::Direction::kEntry) ++view.entries;
        }
        if (!history.empty()) view.inside = history.back().direction == store::Direction::kEntry;
    }
    return view;
}

AdminResult<WalkInAdded> AttendeeAdmin::addWalkIn(const NewWalkIn& walkIn, const Actor& actor) {
    if (blank(walkIn.name)) return invalid("a walk-in needs a name");
    auto status = store::parseAttendeeStatus(walkIn.status);
    if (!status) return invalid(status.error().message);
    return inAdminTransaction(db_, "add the walk-in", [&]() -> AdminResult<WalkInAdded> {
        if (!store::Events(db_).find(eventId_)) {
            return notFound("there is no event " + eventId_ + " in this database");
        }
        auto type = typeCode(walkIn.ticketType);
        if (!type) return fail(type.error());
        store::Attendee attendee{0,
                                 eventId_,
                                 "walkin:" + store::newUuidV7(actor.nowMs),
                                 walkIn.name,
                                 walkIn.email,
                                 *type,
                                 *status,
                                 walkIn.attentionNote};
        store::Attendees(db_).upsert(attendee);
        appendAudit(db_, actor, "attendee.added", attendeeSubject(attendee.id),
                    {{"event_id", eventId_},
                     {"name", attendee.name},
                     {"email", attendee.email},
                     {"ticket_type", attendee.ticketType},
                     {"status", store::attendeeStatusName(attendee.status)},
                     {"walk_in", true}});
        auto issued = issueTicket(db_, eventId_, attendee.id, {}, actor);
        if (!issued) return invalid(issued.error().message);
        return WalkInAdded{attendee, *issued};
    });
}

AdminResult<store::Attendee> AttendeeAdmin::set(std::int64_t attendeeId,
                                                const AttendeeChanges& changes,
                                                const Actor& actor) {
    if (changes.name && blank(*changes.name)) return invalid("the name must not be empty");
    std::optional<store::AttendeeStatus> status;
    if (changes.status) {
        auto parsed = store::parseAttendeeStatus(*changes.status);
        if (!parsed) return invalid(parsed.error().message);
        status = *parsed;
    }
    return inAdminTransaction(
        db_, "change attendee " + std::to_string(attendeeId),
        [&]() -> AdminResult<store::Attendee> {
            auto current = attendeeAtEvent(attendeeId);
            if (!current) return current;
            store::Attendee changed = *current;
            if (changes.name) changed.name = *changes.name;
            if (changes.email) changed.email = *changes.email;
            if (changes.ticketType) {
                auto type = typeCode(*changes.ticketType);
                if (!type) return fail(type.error());
                changed.ticketType = *type;
            }
            if (status) changed.status = *status;
            if (changes.attentionNote) changed.attentionNote = *changes.attentionNote;
            nlohmann::json fields = nlohmann::json::object();
            auto note = [&](const char* field, const nlohmann::json& before,
                            const nlohmann::json& after) {
                if (before != after) fields[field] = {{"from", before}, {"to", after}};
            };
            note("name", current->name, changed.name);
            note("email", current->email, changed.email);
            note("ticket_type", current->ticketType, changed.ticketType);
            note("status", store::attendeeStatusName(current->status),
                 store::attendeeStatusName(changed.status));
            note("attention_note", current->attentionNote, changed.attentionNote);
            if (fields.empty()) {
                return invalid("attendee " + std::to_string(attendeeId) +
                               " already has these details; nothing to change");
            }
            store::Attendees(db_).update(changed);
            appendAudit(db_, actor, "attendee.changed", attendeeSubject(attendeeId),
                        {{"event_id", eventId_}, {"changes", fields}});
            return changed;
        });
}

AdminResult<AttendeeView> AttendeeAdmin::show(std::int64_t attendeeId) {
    auto attendee = attendeeAtEvent(attendeeId);
    if (!attendee) return fail(attendee.error());
    return viewOf(*attendee);
}

AdminResult<std::vector<AttendeeView>> AttendeeAdmin::list(int limit, int offset) {
    if (!store::Events(db_).find(eventId_)) {
        return notFound("there is no event " + eventId_ + " in this database");
    }
    std::vector<AttendeeView> out;
    for (const auto& a : store::Attendees(db_).list(eventId_, limit, offset))
        out.push_back(viewOf(a));
    return out;
}

AdminResult<std::vector<AttendeeView>> AttendeeAdmin::search(const std::string& query, int limit) {
    if (blank(query)) return invalid("the search is empty");
    if (!store::Events(db_).find(eventId_)) {
        return notFound("there is no event " + eventId_ + " in this database");
    }
    std::vector<AttendeeView> out;
    // The kiosk's search: accents and case folded, any part of a name or e-mail.
    for (const auto& hit : store::AttendeeSearch(db_, eventId_).find(query, limit)) {
        out.push_back(viewOf(hit.attendee));
    }
    return out;
}

}  // namespace admit::organiser
