#pragma once
// Attendees of an event, and the tickets that admit them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

#include "admit/base/result.hpp"

namespace admit::store {

enum class AttendeeStatus { kApproved, kPending, kRejected, kCancelled };

std::string_view attendeeStatusName(AttendeeStatus status);
Result<AttendeeStatus> parseAttendeeStatus(std::string_view text);

struct Attendee {
    std::int64_t id = 0;
    std::string eventId;
    std::string importKey;  // identifies the attendee across re-imports of the same list
    std::string name;
    std::string email;
    std::uint16_t ticketType = 0;
    AttendeeStatus status = AttendeeStatus::kApproved;
    std::string attentionNote;

    bool sameDetails(const Attendee& other) const;
};

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

// ref: a signed ticket's id (hex) or an opaque code's blind index (hex).
enum class TicketKind { kSigned, kOpaque };

struct TicketRecord {
    std::string eventId;
    std::string ref;
    TicketKind kind = TicketKind::kSigned;
    std::int64_t attendeeId = 0;
};

class Attendees {
  public:
    explicit Attendees(SQLite::Database& db) : db_(db) {}

    // Inserts, or updates the attendee with the same import key; sets attendee.id.
    UpsertOutcome upsert(Attendee& attendee);
    std::optional<Attendee> find(std::int64_t id);
    // Those of `ids` that exist, in id order, with one statement.
    std::vector<Attendee> findAll(const std::vector<std::int64_t>& ids);
    // Writes name, email, ticket type, status and attention note of the attendee with this id
    // (the import key stays); false when there is none.
    bool update(const Attendee& attendee);
    // The event's attendees in id order, `limit` from `offset`.
    std::vector<Attendee> list(const std::string& eventId, int limit, int offset = 0);
    std::int64_t count(const std::string& eventId);

    void addTicket(const TicketRecord& ticket);
    std::optional<TicketRecord> findTicket(const std::string& eventId, const std::string& ref);
    std::vector<TicketRecord> ticketsOf(std::int64_t attendeeId);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

// Codes that must not get in: revoked by the organiser, or blocked at the door.
enum class CodeList { kRevoked, kBlocked };

class CodeLists {
  public:
    explicit CodeLists(SQLite::Database& db) : db_(db) {}

    void add(CodeList list, const std::string& eventId, const std::string& ticketRef,
             const std::string& reason, std::int64_t atMs);
    // The reason given when the code was listed, if it is.
    std::optional<std::string> find(CodeList list, const std::string& eventId,
                                    const std::string& ticketRef);
    // Takes the code off the list; false when it was not on it.
    bool remove(CodeList list, const std::string& eventId, const std::string& ticketRef);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
