#include "admit/store/checkin_log.hpp"

#include <SQLiteCpp/Transaction.h>

#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/uuid.hpp"
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

TEST_F(CheckInLogTest, ReceivedCheckInsAreStoredOnceWithoutOutboxOrAudit) {
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    CheckIn remote;
    remote.id = newUuidV7(5'000);
    remote.eventId = kEvent;
    remote.ticketRef = "t9";
    remote.deviceId = newUuidV7(1);
    remote.gate = "B";
    remote.hlc = (std::int64_t{90'000} << 16) | 4;  // ahead of this device's wall clock
    remote.wallTimeMs = 90'000;
    {
        SQLite::Transaction t(*db);
        EXPECT_TRUE(log.storeReceived(remote, false, "", 1'000));
        EXPECT_FALSE(log.storeReceived(remote, false, "", 1'000)) << "a second copy is ignored";
        t.commit();
    }
    EXPECT_TRUE(log.contains(remote.id));
    auto history = log.history(kEvent, "t9");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0], remote);
    EXPECT_EQ(Outbox(*db).pendingCount(), 0);
    EXPECT_TRUE(AuditLog(*db).latest(10).empty());
    EXPECT_FALSE(log.lastOnThisDevice(kEvent)) << "another device's record";
    EXPECT_GT(clock.tick(1'000), remote.hlc) << "the clock moved past what it received";

    CheckIn undo = remote;
    undo.id = newUuidV7(6'000);
    undo.hlc = remote.hlc + 1;
    {
        SQLite::Transaction t(*db);
        EXPECT_TRUE(log.storeReceived(undo, true, remote.id, 1'000));
        t.commit();
    }
    EXPECT_TRUE(log.history(kEvent, "t9").empty()) << "annulled by the received undo";

    CheckIn orphan = undo;
    orphan.id = newUuidV7(7'000);
    SQLite::Transaction t(*db);
    EXPECT_THROW(log.storeReceived(orphan, true, newUuidV7(1), 1'000), SQLite::Exception)
        << "an annulment needs its target";
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

TEST_F(CheckInLogTest, RecordsListCheckInsAndUndosAsStored) {
    CheckIn first = record("t1", Direction::kEntry, 1000, "A");
    record("t2", Direction::kEntry, 2000, "B");
    {
        HybridLogicalClock clock(*db);
        CheckInLog log(*db, clock);
        SQLite::Transaction t(*db);
        log.annul(first, "olga", 3000);
        t.commit();
    }
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    auto all = log.records(kEvent);
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].checkIn.id, first.id);
    EXPECT_TRUE(all[0].annulled);
    EXPECT_FALSE(all[0].annulment);
    EXPECT_TRUE(all[2].annulment);
    EXPECT_EQ(all[2].annuls, first.id);
    EXPECT_EQ(all[2].checkIn.operatorName, "olga");

    CheckInQuery onlyT2;
    onlyT2.ticketRefs = {"t2"};
    auto t2 = log.records(kEvent, onlyT2);
    ASSERT_EQ(t2.size(), 1U);
    EXPECT_EQ(t2[0].checkIn.gate, "B");
    CheckInQuery late;
    late.sinceMs = 2000;
    late.operatorName = "olga";
    EXPECT_EQ(log.records(kEvent, late).size(), 1U);
    EXPECT_TRUE(log.records("other-event").empty());
}

}  // namespace
}  // namespace admit::store
