#pragma once
// The audit log: who did what, when, on which device; accepted and denied scans, undo, PIN
// failures, imports. Append-only, and each entry hashes the one before it so that an edited
// or removed entry is detected by verify().

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

#include "admit/base/result.hpp"
#include "admit/store/hybrid_logical_clock.hpp"

namespace admit::store {

struct AuditEntry {
    std::string operatorName;  // empty when no operator is signed in
    std::string action;        // e.g. "checkin.accepted", "checkin.denied", "pin.failed"
    std::string subject;       // what it is about: a check-in id, a ticket ref, an operator
    std::string detail;        // JSON object with the particulars
};

struct AuditRecord {
    std::int64_t seq = 0;
    std::int64_t wallTimeMs = 0;
    HlcTime hlc = 0;
    std::string deviceId;
    AuditEntry entry;
};

// Which entries find() returns; every field set must match.
struct AuditQuery {
    // The subject, detail's "event_id", or one of detail's "event_ids".
    std::optional<std::string> eventId;
    std::optional<std::string> operatorName;
    std::optional<std::string> deviceId;
    std::vector<std::string> subjects;    // any of these; empty: any subject
    std::optional<std::int64_t> sinceMs;  // wall time, inclusive
    std::optional<std::int64_t> untilMs;  // wall time, exclusive
};

class AuditLog {
  public:
    explicit AuditLog(SQLite::Database& db);

    // Appends within the caller's transaction (if any).
    void append(const AuditEntry& entry, HlcTime hlc, std::int64_t wallTimeMs);
    // Appends an entry another device made, under that device's id and with its times (the
    // server storing a kiosk's denied scan); within the caller's transaction (if any).
    void appendReceived(const std::string& deviceId, const AuditEntry& entry, HlcTime hlc,
                        std::int64_t wallTimeMs);
    std::vector<AuditRecord> latest(int limit);
    // Matching entries, oldest first.
    std::vector<AuditRecord> find(const AuditQuery& query);
    // Recomputes the hash chain; names the first entry that does not match.
    Status<> verify();

    const std::string& deviceId() const { return deviceId_; }

  private:
    void appendAs(const std::string& deviceId, const AuditEntry& entry, HlcTime hlc,
                  std::int64_t wallTimeMs);

    SQLite::Database& db_;
    StatementCache statements_{db_};
    std::string deviceId_;
};

}  // namespace admit::store
