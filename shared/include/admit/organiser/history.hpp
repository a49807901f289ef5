#pragma once
// Who did what, when and where, for one event: the audit log's entries (imports, changes to
// attendees, tickets, the event and operators, denials recorded here) merged with every
// check-in record the database holds (its own and those kiosks uploaded: entries, exits,
// undos), oldest first. Kiosks' denials stay in their own audit logs (they are not uploaded).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"

namespace admit::organiser {

struct HistoryLine {
    std::int64_t wallTimeMs = 0;
    std::string action;  // the audit action, or checkin.entry, checkin.exit, checkin.undone
    std::string operatorName;
    std::string deviceId;
    std::string subject;  // a ticket ref, attendee:ID, operator:NAME, the event id, a check-in id
    std::string gate;     // check-ins and denials
    std::string text;     // one sentence for a person
    std::string detail;   // the particulars, a JSON object
};

struct HistoryQuery {
    std::optional<std::int64_t> attendeeId;
    std::optional<std::string> operatorName;
    std::optional<std::string> deviceId;
    std::optional<std::int64_t> sinceMs;  // inclusive
    std::optional<std::int64_t> untilMs;  // exclusive
};

class History {
  public:
    History(SQLite::Database& db, std::string eventId);

    AdminResult<std::vector<HistoryLine>> lines(const HistoryQuery& query);
    // One person's story: registered, changed (by whom), tickets issued, revoked, checked in at
    // which gate on which device, undone, re-entered.
    AdminResult<std::vector<HistoryLine>> attendee(std::int64_t attendeeId);

  private:
    SQLite::Database& db_;
    std::string eventId_;
};

}  // namespace admit::organiser
