// Multi-day events: ticket types valid on given event days and the re-entry policy
// once_per_day, with days counted in the event's time zone from its day start. The clock is
// the scan's injected time.

#include "admit/rules/checkin_engine.hpp"
#include "admit/store/events.hpp"
#include "rules_fixture.hpp"

namespace admit::rules {
namespace {

using store::Direction;

constexpr std::int64_t utcMs(int daysSinceEpoch, int hours, int minutes) {
    return ((static_cast<std::int64_t>(daysSinceEpoch) * 24 + hours) * 60 + minutes) * 60'000;
}
constexpr int kFri11 = 20707;  // 2026-09-11; Europe/London is on BST (UTC+1)
constexpr int kSat12 = 20708;
constexpr int kSun13 = 20709;
constexpr int kOct24 = 20750;  // Europe/London falls back at 01:00 UTC on the 25th

class MultiDayTest : public admit::testing::RulesFixture {
  protected:
    void SetUp() override {
        RulesFixture::SetUp();
        store::Events events(*db);
        store::EventSettings settings = events.settings(eventId);
        settings.timeZone = "Europe/London";
        settings.dayStartsAt = 5 * 60;
        ASSERT_TRUE(events.setSettings(eventId, settings));
        // Ada's General is the Saturday ticket, Grace's VIP the weekend ticket.
        ASSERT_TRUE(events.setTypeDays(eventId, 1, {"2026-09-12"}));
        ASSERT_TRUE(events.setTypeDays(eventId, 2, {"2026-09-12", "2026-09-13"}));
        engine = std::make_unique<CheckInEngine>(*db);
    }

    void setPolicy(store::ReentryPolicy policy) {
        ASSERT_TRUE(store::Events(*db).setReentryPolicy(eventId, policy));
    }

    Verdict scanAt(const std::string& text, std::int64_t nowMs, const std::string& gate = "A",
                   Direction direction = Direction::kEntry) {
        return scan(text, at(gate, direction, nowMs));
    }
};

TEST_F(MultiDayTest, ASaturdayTicketEntersOnSaturdayAndItsNightOnly) {
    setPolicy(store::ReentryPolicy::kMultiple);
    const std::string saturday = ticketOf(ada);
    EXPECT_TRUE(scanAt(saturday, utcMs(kSat12, 9, 0)).accepted);  // 10:00 BST
    // 02:00 BST on Sunday is before the 05:00 day start: still Saturday.
    EXPECT_TRUE(scanAt(saturday, utcMs(kSun13, 1, 0)).accepted);
    Verdict sunday = scanAt(saturday, utcMs(kSun13, 4, 0));  // 05:00 BST
    EXPECT_FALSE(sunday.accepted);
    ASSERT_EQ(sunday.denial, Denial::kNotValidToday);
    EXPECT_EQ(denialCode(*sunday.denial), "not_valid_today");
    EXPECT_EQ(sunday.validDays, (std::vector<std::string>{"Sat 12"}));
    EXPECT_EQ(sunday.detail, "General is valid on 2026-09-12, not on 2026-09-13 (Europe/London)");
    // Before the festival, too; leaving is never refused.
    EXPECT_EQ(scanAt(saturday, utcMs(kFri11, 20, 0)).denial, Denial::kNotValidToday);
    EXPECT_TRUE(scanAt(saturday, utcMs(kSun13, 4, 30), "A", Direction::kExit).accepted);
}

TEST_F(MultiDayTest, AWeekendTicketListsItsDaysWhenRefused) {
    Verdict friday = scanAt(ticketOf(grace), utcMs(kFri11, 18, 0));
    ASSERT_EQ(friday.denial, Denial::kNotValidToday);
    EXPECT_EQ(friday.validDays, (std::vector<std::string>{"Sat 12", "Sun 13"}));
}

TEST_F(MultiDayTest, OncePerDayAdmitsOnceEachEventDay) {
    setPolicy(store::ReentryPolicy::kOncePerDay);
    const std::string weekend = ticketOf(grace);
    ASSERT_TRUE(scanAt(weekend, utcMs(kSat12, 9, 42), "B").accepted);  // 10:42 BST
    ASSERT_TRUE(scanAt(weekend, utcMs(kSat12, 12, 0), "B", Direction::kExit).accepted);
    Verdict again = scanAt(weekend, utcMs(kSat12, 21, 0));
    EXPECT_FALSE(again.accepted);
    ASSERT_EQ(again.denial, Denial::kAlreadyEnteredToday);
    EXPECT_EQ(denialCode(*again.denial), "already_entered_today");
    EXPECT_EQ(again.previousTimeOfDay, "10:42");
    ASSERT_TRUE(again.previous);
    EXPECT_EQ(again.previous->gate, "B");
    EXPECT_EQ(again.detail, "entered on 2026-09-12 at 10:42 (Europe/London), gate B");
    // 02:00 BST on Sunday still counts as Saturday.
    EXPECT_EQ(scanAt(weekend, utcMs(kSun13, 1, 0)).denial, Denial::kAlreadyEnteredToday);
    // From 05:00 BST, Sunday: in again, once.
    EXPECT_TRUE(scanAt(weekend, utcMs(kSun13, 4, 0)).accepted);
    Verdict sunday = scanAt(weekend, utcMs(kSun13, 10, 0));
    ASSERT_EQ(sunday.denial, Denial::kAlreadyEnteredToday);
    EXPECT_EQ(sunday.previousTimeOfDay, "05:00");
}

TEST_F(MultiDayTest, OncePerDayWithoutDayRulesCountsDaysInTheEventZone) {
    setPolicy(store::ReentryPolicy::kOncePerDay);
    ASSERT_TRUE(store::Events(*db).setTypeDays(eventId, 2, {}));  // valid on any day again
    const std::string ticket = ticketOf(grace);
    ASSERT_TRUE(scanAt(ticket, utcMs(kOct24, 20, 0)).accepted);  // 21:00 BST, Saturday 24
    // 04:30 UTC on the 25th is 04:30 GMT after the clocks went back: still Saturday's night.
    // (At the summer offset it would be 05:30, Sunday.)
    EXPECT_EQ(scanAt(ticket, utcMs(kOct24 + 1, 4, 30)).denial, Denial::kAlreadyEnteredToday);
    EXPECT_TRUE(scanAt(ticket, utcMs(kOct24 + 1, 5, 0)).accepted);  // 05:00 GMT, Sunday
}

TEST_F(MultiDayTest, DayRulesApplyToTheSearchPathToo) {
    Verdict v =
        engine->checkInAttendee(ada, at("A", Direction::kEntry, utcMs(kSun13, 10, 0))).value();
    EXPECT_EQ(v.denial, Denial::kNotValidToday);
}

TEST_F(MultiDayTest, DeniedDaysAreRecordedAsDenials) {
    Verdict v = scanAt(ticketOf(ada), utcMs(kSun13, 10, 0));
    ASSERT_EQ(v.denial, Denial::kNotValidToday);
    EXPECT_FALSE(v.checkIn);
    SQLite::Statement q(*db, "SELECT count(*) FROM checkins");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt(), 0);
}

}  // namespace
}  // namespace admit::rules
