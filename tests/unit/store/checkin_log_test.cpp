#include "admit/store/checkin_log.hpp"

#include <SQLiteCpp/Transaction.h>

#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/outbox.hpp"
#include "store_fixture.hpp"

namespace admit::store {
namespace {

class CheckInLogTest : public admit::testing::StoreFixture {
  protected:
    CheckIn record(const std::string& ref, Direction direction, std::int64_t at,
                   const std::string& gate = "A") {
        HybridLogicalClock clock(*db);
        CheckInLog log(*db, clock);
        SQLite::Transaction t(*db);
        CheckIn c = log.append({kEvent, ref, std::nullopt, gate, direction, "vic"}, at);
        t.commit();
        return c;
    }
};

TEST_F(CheckInLogTest, AppendWritesCheckInOutboxAndAudit) {
    CheckIn c = record("t1", Direction::kEntry, 1'000);
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    auto history = log.history(kEvent, "t1");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].id, c.id);
    EXPECT_EQ(history[0].gate, "A");
    EXPECT_EQ(history[0].deviceId, log.deviceId());
    auto outbox = Outbox(*db).pending(10);
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(outbox[0].recordId, c.id);
    EXPECT_NE(outbox[0].payload.find("\"direction\":\"entry\""), std::string::npos);
    auto audit = AuditLog(*db).latest(10);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].entry.action, "checkin.accepted");
}

TEST_F(CheckInLogTest, AnnulHidesTheCheckInButKeepsBothRecords) {
    CheckIn c = record("t1", Direction::kEntry, 1'000);
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    auto last = log.lastOnThisDevice(kEvent);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->id, c.id);
    {
        SQLite::Transaction t(*db);
        log.annul(*last, "olga", 2'000);
        t.commit();
    }
    EXPECT_TRUE(log.history(kEvent, "t1").empty());
    EXPECT_FALSE(log.lastOnThisDevice(kEvent));
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM checkins").getInt(), 2);
    EXPECT_EQ(Outbox(*db).pendingCount(), 2);
    EXPECT_TRUE(AuditLog(*db).verify().ok());
}

TEST_F(CheckInLogTest, StatsCountArrivalsInsideAndDuplicates) {
    Attendees attendees(*db);
    Attendee a{0, kEvent, "a", "Ann", "ann@x", 1, AttendeeStatus::kApproved, ""};
    Attendee b{0, kEvent, "b", "Bob", "bob@x", 2, AttendeeStatus::kApproved, ""};
    Attendee c{0, kEvent, "c", "Cy", "cy@x", 2, AttendeeStatus::kCancelled, ""};
    attendees.upsert(a);
    attendees.upsert(b);
    attendees.upsert(c);
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    {
        SQLite::Transaction t(*db);
        log.append({kEvent, "ta", a.id, "A", Direction::kEntry, ""}, 60'000);
        log.append({kEvent, "tb", b.id, "B", Direction::kEntry, ""}, 700'000);
        log.append({kEvent, "tb", b.id, "B", Direction::kExit, ""}, 800'000);
        log.append({kEvent, "ta", a.id, "B", Direction::kEntry, ""}, 900'000);  // duplicate
        t.commit();
    }
    AttendanceStats s = log.stats(kEvent);
    EXPECT_EQ(s.expected, 2);
    EXPECT_EQ(s.checkedIn, 2);
    EXPECT_EQ(s.insideNow, 1);
    EXPECT_EQ(s.entries, 3);
    EXPECT_EQ(s.exits, 1);
    ASSERT_EQ(s.byTicketType.size(), 2u);
    EXPECT_EQ(s.byTicketType[0].label, "General");
    EXPECT_EQ(s.byTicketType[0].checkedIn, 1);
    EXPECT_EQ(s.byTicketType[1].expected, 1);
    ASSERT_EQ(s.byGate.size(), 2u);
    EXPECT_EQ(s.byGate[1].label, "B");
    EXPECT_EQ(s.byGate[1].checkedIn, 2);
    ASSERT_EQ(s.arrivals.size(), 2u);
    EXPECT_EQ(s.arrivals[0], std::make_pair(std::int64_t{0}, std::int64_t{1}));
    EXPECT_EQ(s.arrivals[1], std::make_pair(std::int64_t{600'000}, std::int64_t{1}));
    ASSERT_EQ(s.duplicates.size(), 1u);
    EXPECT_EQ(s.duplicates[0].attendeeName, "Ann");
    EXPECT_EQ(s.duplicates[0].entries, 2);
}

}  // namespace
}  // namespace admit::store
