#include "admit/sync/store/received_checkins.hpp"

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using testing::kT0;

class ReceivedCheckInsTest : public testing::ServerFixture {
  protected:
    // A check-in made at the organiser's desk (stored in the database, not yet in the order).
    store::CheckIn stored(const organiser::IssuedTicket& ticket, std::int64_t wallMs,
                          const std::string& gate) {
        return admitOn(*org, ticket, wallMs, gate);
    }
};

TEST_F(ReceivedCheckInsTest, PagesFollowTheOrderOfArrivalAndSkipTheCallersOwn) {
    auto first = stored(tickets[0], kT0 + 1, "A");
    auto second = stored(tickets[1], kT0 + 2, "B");
    auto third = stored(tickets[0], kT0 + 3, "A");
    ReceivedCheckIns received(*org);
    // Arrival order is not clock order: the third check-in arrives first.
    received.add(third.id, eventId, "device-x", kT0 + 10);
    received.add(first.id, eventId, "device-y", kT0 + 11);
    received.add(second.id, eventId, "device-x", kT0 + 12);

    auto page = received.after(eventId, 0, "nobody", 2);
    ASSERT_EQ(page.checkIns.size(), 2u);
    EXPECT_TRUE(page.more);
    EXPECT_EQ(page.checkIns[0].checkIn, third);
    EXPECT_EQ(page.checkIns[1].checkIn, first);
    auto rest = received.after(eventId, page.next, "nobody", 2);
    ASSERT_EQ(rest.checkIns.size(), 1u);
    EXPECT_FALSE(rest.more);
    EXPECT_EQ(rest.checkIns[0].checkIn, second);

    auto forX = received.after(eventId, 0, "device-x", 10);
    ASSERT_EQ(forX.checkIns.size(), 1u) << "device-x made the other two";
    EXPECT_EQ(forX.checkIns[0].checkIn, first);
    EXPECT_EQ(forX.next, count("SELECT max(seq) FROM received_checkins"))
        << "the cursor moves past the caller's own check-ins";
    EXPECT_TRUE(received.after(otherEventId, 0, "nobody", 10).checkIns.empty());
}

TEST_F(ReceivedCheckInsTest, AddingACheckInTwiceIsRefusedAndAdoptingIsOnceEach) {
    auto checkIn = stored(tickets[0], kT0 + 1, "A");
    ReceivedCheckIns received(*org);
    received.adopt(checkIn.id, kT0 + 2);
    received.adopt(checkIn.id, kT0 + 3);
    EXPECT_EQ(count("SELECT count(*) FROM received_checkins"), 1);
    EXPECT_THROW(received.add(checkIn.id, eventId, "device-x", kT0 + 4), SQLite::Exception);
    // The statement is usable again after the refusal.
    auto other = stored(tickets[1], kT0 + 5, "B");
    received.add(other.id, eventId, "device-x", kT0 + 6);
    EXPECT_EQ(count("SELECT count(*) FROM received_checkins"), 2);
}

TEST_F(ReceivedCheckInsTest, FindReadsAnAnnulmentWithItsTarget) {
    auto checkIn = stored(tickets[0], kT0 + 1, "A");
    store::CheckIn undo;
    {
        SQLite::Transaction transaction(*org);
        store::HybridLogicalClock clock(*org);
        undo = store::CheckInLog(*org, clock).annul(checkIn, "olga", kT0 + 2);
        transaction.commit();
    }
    ReceivedCheckIns received(*org);
    auto found = received.find(undo.id);
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->annulment);
    EXPECT_EQ(found->annuls, checkIn.id);
    EXPECT_EQ(found->checkIn, undo);
    auto target = received.find(checkIn.id);
    ASSERT_TRUE(target);
    EXPECT_FALSE(target->annulment);
    EXPECT_FALSE(received.find("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f"));
}

TEST_F(ReceivedCheckInsTest, TheDownloadOrderKeepsItsNameUntilANewOneIsStarted) {
    const std::string name = downloadOrder(*org);
    EXPECT_EQ(name.size(), 36u);
    EXPECT_EQ(downloadOrder(*org), name);
    startNewDownloadOrder(*org);
    EXPECT_NE(downloadOrder(*org), name);
}

}  // namespace
}  // namespace admit::sync
