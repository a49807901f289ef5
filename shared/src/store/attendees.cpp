#include "admit/store/attendees.hpp"

#include <SQLiteCpp/Statement.h>

namespace admit::store {
namespace {

constexpr const char* kAttendeeColumns =
    "SELECT id, event_id, import_key, name, email, ticket_type, status, attention_note FROM "
    "attendees ";

Attendee readAttendee(SQLite::Statement& q) {
    auto status = parseAttendeeStatus(q.getColumn(6).getString());
    return {q.getColumn(0).getInt64(),
            q.getColumn(1).getString(),
            q.getColumn(2).getString(),
            q.getColumn(3).getString(),
            q.getColumn(4).getString(),
            static_cast<std::uint16_t>(q.getColumn(5).getInt()),
            status ? *status : AttendeeStatus::kPending,
            q.getColumn(7).getString()};
}

TicketRecord readTicket(SQLite::Statement& q) {
    return {q.getColumn(0).getString(), q.getColumn(1).getString(),
            q.getColumn(2).getString() == "opaque" ? TicketKind::kOpaque : TicketKind::kSigned,
            q.getColumn(3).getInt64()};
}

const char* tableOf(CodeList list) {
    return list == CodeList::kRevoked ? "revoked_codes" : "blocked_codes";
}

}  // namespace

std::string_view attendeeStatusName(AttendeeStatus status) {
    switch (status) {
        case AttendeeStatus::kApproved:
            return "approved";
        case AttendeeStatus::kPending:
            return "pending";
        case AttendeeStatus::kRejected:
            return "rejected";
        case AttendeeStatus::kCancelled:
            return "cancelled";
    }
    return "pending";
}

Result<AttendeeStatus> parseAttendeeStatus(std::string_view text) {
    if (text == "approved") return AttendeeStatus::kApproved;
    if (text == "pending") return AttendeeStatus::kPending;
    if (text == "rejected") return AttendeeStatus::kRejected;
    if (text == "cancelled") return AttendeeStatus::kCancelled;
    return fail("status must be approved, pending, rejected or cancelled, not '" +
                std::string(text) + "'");
}

bool Attendee::sameDetails(const Attendee& other) const {
    return name == other.name && email == other.email && ticketType == other.ticketType &&
           status == other.status && attentionNote == other.attentionNote;
}

UpsertOutcome Attendees::upsert(Attendee& attendee) {
    auto existing = statements_.prepare(std::string(kAttendeeColumns) +
                                        "WHERE event_id = ? AND import_key = ?");
    existing->bind(1, attendee.eventId);
    existing->bind(2, attendee.importKey);
    if (existing->executeStep()) {
        Attendee stored = readAttendee(*existing);
        attendee.id = stored.id;
        if (stored.sameDetails(attendee)) return UpsertOutcome::kUnchanged;
        auto update = statements_.prepare(
            "UPDATE attendees SET name = ?, email = ?, ticket_type = ?, "
            "status = ?, attention_note = ? WHERE id = ?");
        update->bind(1, attendee.name);
        update->bind(2, attendee.email);
        update->bind(3, attendee.ticketType);
        update->bind(4, std::string(attendeeStatusName(attendee.status)));
        update->bind(5, attendee.attentionNote);
        update->bind(6, attendee.id);
        update->exec();
        return UpsertOutcome::kUpdated;
    }
    auto insert = statements_.prepare(
        "INSERT INTO attendees (event_id, import_key, name, email, "
        "ticket_type, status, attention_note) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, attendee.eventId);
    insert->bind(2, attendee.importKey);
    insert->bind(3, attendee.name);
    insert->bind(4, attendee.email);
    insert->bind(5, attendee.ticketType);
    insert->bind(6, std::string(attendeeStatusName(attendee.status)));
    insert->bind(7, attendee.attentionNote);
    insert->exec();
    attendee.id = db_.getLastInsertRowid();
    return UpsertOutcome::kInserted;
}

std::optional<Attendee> Attendees::find(std::int64_t id) {
    auto q = statements_.prepare(std::string(kAttendeeColumns) + "WHERE id = ?");
    q->bind(1, id);
    if (!q->executeStep()) return std::nullopt;
    return readAttendee(*q);
}

std::vector<Attendee> Attendees::findAll(const std::vector<std::int64_t>& ids) {
    auto q = statements_.prepare(std::string(kAttendeeColumns) +
                                 "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id");
    q->bind(1, jsonIdList(ids));
    std::vector<Attendee> out;
    while (q->executeStep()) out.push_back(readAttendee(*q));
    return out;
}

bool Attendees::update(const Attendee& attendee) {
    auto update = statements_.prepare(
        "UPDATE attendees SET name = ?, email = ?, ticket_type = ?, status = ?, "
        "attention_note = ? WHERE id = ?");
    update->bind(1, attendee.name);
    update->bind(2, attendee.email);
    update->bind(3, attendee.ticketType);
    update->bind(4, std::string(attendeeStatusName(attendee.status)));
    update->bind(5, attendee.attentionNote);
    update->bind(6, attendee.id);
    return update->exec() > 0;
}

std::vector<Attendee> Attendees::list(const std::string& eventId, int limit, int offset) {
    auto q = statements_.prepare(std::string(kAttendeeColumns) +
                                 "WHERE event_id = ? ORDER BY id LIMIT ? OFFSET ?");
    q->bind(1, eventId);
    q->bind(2, limit);
    q->bind(3, offset);
    std::vector<Attendee> out;
    while (q->executeStep()) out.push_back(readAttendee(*q));
    return out;
}

std::int64_t Attendees::count(const std::string& eventId) {
    auto q = statements_.prepare("SELECT count(*) FROM attendees WHERE event_id = ?");
    q->bind(1, eventId);
    q->executeStep();
    return q->getColumn(0).getInt64();
}

void Attendees::addTicket(const TicketRecord& ticket) {
    auto insert = statements_.prepare(
        "INSERT INTO tickets (event_id, ref, kind, attendee_id) VALUES (?, ?, ?, ?)");
    insert->bind(1, ticket.eventId);
    insert->bind(2, ticket.ref);
    insert->bind(3, ticket.kind == TicketKind::kOpaque ? "opaque" : "signed");
    insert->bind(4, ticket.attendeeId);
    insert->exec();
}

std::optional<TicketRecord> Attendees::findTicket(const std::string& eventId,
                                                  const std::string& ref) {
    auto q = statements_.prepare(
        "SELECT event_id, ref, kind, attendee_id FROM tickets WHERE event_id = ? AND ref = ?");
    q->bind(1, eventId);
    q->bind(2, ref);
    if (!q->executeStep()) return std::nullopt;
    return readTicket(*q);
}

std::vector<TicketRecord> Attendees::ticketsOf(std::int64_t attendeeId) {
    auto q = statements_.prepare(
        "SELECT event_id, ref, kind, attendee_id FROM tickets WHERE attendee_id = "
        "? ORDER BY ref");
    q->bind(1, attendeeId);
    std::vector<TicketRecord> out;
    while (q->executeStep()) out.push_back(readTicket(*q));
    return out;
}

void CodeLists::add(CodeList list, const std::string& eventId, const std::string& ticketRef,
                    const std::string& reason, std::int64_t atMs) {
    auto insert = statements_.prepare(std::string("INSERT OR REPLACE INTO ") + tableOf(list) +
                                      " (event_id, ticket_ref, reason, at) VALUES (?, ?, ?, ?)");
    insert->bind(1, eventId);
    insert->bind(2, ticketRef);
    insert->bind(3, reason);
    insert->bind(4, atMs);
    insert->exec();
}

std::optional<std::string> CodeLists::find(CodeList list, const std::string& eventId,
                                           const std::string& ticketRef) {
    auto q = statements_.prepare(std::string("SELECT reason FROM ") + tableOf(list) +
                                 " WHERE event_id = ? AND ticket_ref = ?");
    q->bind(1, eventId);
    q->bind(2, ticketRef);
    if (!q->executeStep()) return std::nullopt;
    return q->getColumn(0).getString();
}

bool CodeLists::remove(CodeList list, const std::string& eventId, const std::string& ticketRef) {
    auto remove = statements_.prepare(std::string("DELETE FROM ") + tableOf(list) +
                                      " WHERE event_id = ? AND ticket_ref = ?");
    remove->bind(1, eventId);
    remove->bind(2, ticketRef);
    return remove->exec() > 0;
}

}  // namespace admit::store
