#pragma once
// An event's attendance statistics, kept up to date by an incremental pass (docs/performance.md,
// "Statistics"). The first refresh derives every ticket's figures in one scan of the check-in
// log; each later one reads which tickets changed since (this device's own records from the
// outbox, every other record from checkin_changes, which CheckInLog::storeReceived writes in the
// same transaction)
// and re-derives only those, so a refresh costs in proportion to what changed. Roster figures
// (expected, by ticket type) are re-read only when the event's roster version moves.
//
// Only reads: give it a connection of its own (the kiosk's statistics thread, the CLI), never
// the one that decides verdicts. The figures equal CheckInLog::stats, the recompute from
// scratch (tests/unit/store/attendance_tally_test.cpp compares them over random histories).

#include <cstdint>
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/store/checkin_log.hpp"

namespace admit::store {

class AttendanceTally {
  public:
    AttendanceTally(SQLite::Database& db, std::string eventId, std::int64_t bucketMs = 600'000);
    ~AttendanceTally();
    AttendanceTally(const AttendanceTally&) = delete;
    AttendanceTally& operator=(const AttendanceTally&) = delete;

    // Reads what changed since the last refresh (in one read transaction) and returns the
    // figures as of now.
    AttendanceStats refresh();

    const std::string& eventId() const { return eventId_; }

  private:
    struct State;
    SQLite::Database& db_;
    std::string eventId_;
    std::int64_t bucketMs_;
    std::unique_ptr<State> state_;
};

}  // namespace admit::store
