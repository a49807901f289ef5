#pragma once
// The check-in log: append-only records of accepted entries and exits, and annulments (undo).
// A check-in is "effective" unless a later record annuls it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "admit/store/statement_cache.hpp"

#include "admit/store/audit_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"

namespace admit::store {

enum class Direction { kEntry, kExit };

std::string_view directionName(Direction direction);

struct CheckIn {
    std::string id;  // UUIDv7
    std::string eventId;
    std::string ticketRef;
    std::optional<std::int64_t> attendeeId;
    std::string deviceId;
    std::string gate;
    Direction direction = Direction::kEntry;
    HlcTime hlc = 0;
    std::int64_t wallTimeMs = 0;
    std::string operatorName;

    friend bool operator==(const CheckIn&, const CheckIn&) = default;
};

// A stored record as it is: an accepted check-in or an annulment, and whether a later record
// annulled it.
struct CheckInRecord {
    CheckIn checkIn;
    bool annulment = false;
    std::string annuls;  // the annulled check-in's id, for an annulment
    bool annulled = false;
};

// Which records records() returns; every field set must match.
struct CheckInQuery {
    std::vector<std::string> ticketRefs;  // any of these; empty: any ticket
    std::optional<std::string> deviceId;
    std::optional<std::string> operatorName;
    std::optional<std::int64_t> sinceMs;  // wall time, inclusive
    std::optional<std::int64_t> untilMs;  // wall time, exclusive
};

struct NewCheckIn {
    std::string eventId;
    std::string ticketRef;
    std::optional<std::int64_t> attendeeId;
    std::string gate;
    Direction direction = Direction::kEntry;
    std::string operatorName;
};

struct CountPair {
    std::string label;
    std::int64_t checkedIn = 0;
    std::int64_t expected = 0;

    friend bool operator==(const CountPair&, const CountPair&) = default;
};

struct DuplicateEntry {
    std::string ticketRef;
    std::string attendeeName;
    std::int64_t entries = 0;
    std::int64_t devices = 0;

    friend bool operator==(const DuplicateEntry&, const DuplicateEntry&) = default;
};

struct AttendanceStats {
    std::int64_t expected = 0;   // approved attendees
    std::int64_t checkedIn = 0;  // tickets with at least one effective entry
    std::int64_t insideNow = 0;  // tickets whose latest effective record is an entry
    std::int64_t entries = 0;
    std::int64_t exits = 0;
    std::vector<CountPair> byTicketType;
    std::vector<CountPair> byGate;    // checkedIn = entries at that gate
    std::vector<CountPair> byDevice;  // checkedIn = entries on that device
    // Arrivals (first entries) per bucket: bucket start (ms) and count, oldest first.
    std::vector<std::pair<std::int64_t, std::int64_t>> arrivals;
    // Tickets with more than one effective entry and no exit between them (under a single-entry
    // policy these are conflicts, e.g. two offline kiosks admitting the same ticket).
    std::vector<DuplicateEntry> duplicates;

    friend bool operator==(const AttendanceStats&, const AttendanceStats&) = default;
};

// A `checkins` row's check-in columns, in the order readCheckIn reads them, each prefixed with
// `alias.` when an alias is given: other owners that join the table (the server's download
// order) read rows the same way.
std::string checkInColumns(std::string_view alias = {});
// The check-in in the columns checkInColumns names, from the first column on.
CheckIn readCheckIn(SQLite::Statement& q);
// A record's columns: checkInColumns, then its verdict and annulled target (readCheckInRecord's
// order; kRecordColumnCount of them). Whether a later record annulled it is not a column.
std::string recordColumns(std::string_view alias = {});
inline constexpr int kRecordColumnCount = 12;
// The record in the columns recordColumns names, from the first column on (`annulled` false).
CheckInRecord readCheckInRecord(SQLite::Statement& q);

class CheckInLog {
  public:
    CheckInLog(SQLite::Database& db, HybridLogicalClock& clock);

    // Effective check-ins of a ticket, oldest first.
    std::vector<CheckIn> history(const std::string& eventId, const std::string& ticketRef);
    // Writes the check-in, its outbox entry and an audit entry; call inside a transaction.
    CheckIn append(const NewCheckIn& checkIn, std::int64_t wallTimeMs);
    // The latest effective check-in made on this device for the event.
    std::optional<CheckIn> lastOnThisDevice(const std::string& eventId);
    // Records that `target` is annulled (with outbox and audit); call inside a transaction.
    CheckIn annul(const CheckIn& target, const std::string& operatorName, std::int64_t wallTimeMs);
    // True if a check-in (or annulment) with this id is stored.
    bool contains(const std::string& id);
    // Stores a record another device made (sync) unless it is here already, and merges its HLC
    // into this database's clock. No outbox or audit entry: it is not this device's record; a
    // change-list row instead (`checkin_changes`, for AttendanceTally; this is its one writer).
    // An annulment's target must be stored first. Returns whether it was new. Call inside a
    // transaction.
    bool storeReceived(const CheckIn& checkIn, bool annulment, const std::string& annuls,
                       std::int64_t wallTimeMs);
    // Every record of the event matching `query` (annulments too), in HLC order.
    std::vector<CheckInRecord> records(const std::string& eventId, const CheckInQuery& query = {});
    // The statistics recomputed from the whole log (several scans): the reference that
    // AttendanceTally, the incremental way every screen and the CLI use, is tested against.
    AttendanceStats stats(const std::string& eventId, std::int64_t bucketMs = 600'000);

    const std::string& deviceId() const { return audit_.deviceId(); }

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
    HybridLogicalClock& clock_;
    AuditLog audit_;
    Outbox outbox_;
};

}  // namespace admit::store
