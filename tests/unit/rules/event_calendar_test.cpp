#include "admit/rules/event_calendar.hpp"

#include <gtest/gtest.h>

namespace admit::rules {
namespace {

// Unix ms of a UTC time: 2026-09-12 is day 20708 since the epoch.
constexpr std::int64_t utcMs(int daysSinceEpoch, int hours, int minutes) {
    return ((static_cast<std::int64_t>(daysSinceEpoch) * 24 + hours) * 60 + minutes) * 60'000;
}
constexpr int kSep12 = 20708;
constexpr int kMar29 = 20541;  // 2026-03-29: Europe/London springs forward at 01:00 UTC
constexpr int kOct25 = 20751;  // 2026-10-25: Europe/London falls back at 01:00 UTC

TEST(EventCalendar, DayStartsAtTheConfiguredLocalTime) {
    auto calendar = EventCalendar::make("Europe/London", 5 * 60);
    ASSERT_TRUE(calendar);
    // 02:00 BST on Sunday is still Saturday's night; 05:00 BST is Sunday.
    EXPECT_EQ(calendar->dayOf(utcMs(kSep12 + 1, 1, 0)), "2026-09-12");
    EXPECT_EQ(calendar->dayOf(utcMs(kSep12 + 1, 3, 59)), "2026-09-12");
    EXPECT_EQ(calendar->dayOf(utcMs(kSep12 + 1, 4, 0)), "2026-09-13");
    EXPECT_EQ(calendar->timeOfDay(utcMs(kSep12, 9, 42)), "10:42");
}

TEST(EventCalendar, MidnightWhenTheDayStartIsZero) {
    auto calendar = EventCalendar::make("Europe/London", 0);
    ASSERT_TRUE(calendar);
    EXPECT_EQ(calendar->dayOf(utcMs(kSep12, 22, 59)), "2026-09-12");  // 23:59 BST
    EXPECT_EQ(calendar->dayOf(utcMs(kSep12, 23, 0)), "2026-09-13");   // 00:00 BST
}

TEST(EventCalendar, DaysFollowTheZoneAcrossDaylightSavingChanges) {
    auto calendar = EventCalendar::make("Europe/London", 5 * 60);
    ASSERT_TRUE(calendar);
    // Spring: 04:30 UTC is 05:30 BST, the new day (at the winter offset it would be 04:30).
    EXPECT_EQ(calendar->dayOf(utcMs(kMar29, 3, 59)), "2026-03-28");  // 04:59 BST
    EXPECT_EQ(calendar->dayOf(utcMs(kMar29, 4, 30)), "2026-03-29");
    EXPECT_EQ(calendar->timeOfDay(utcMs(kMar29, 4, 30)), "05:30");
    // Autumn: 04:30 UTC is 04:30 GMT, still the night before (at the summer offset, 05:30).
    EXPECT_EQ(calendar->dayOf(utcMs(kOct25, 4, 30)), "2026-10-24");
    EXPECT_EQ(calendar->dayOf(utcMs(kOct25, 5, 0)), "2026-10-25");
    EXPECT_EQ(calendar->timeOfDay(utcMs(kOct25, 4, 30)), "04:30");
}

TEST(EventCalendar, ZonesAheadOfUtcAndUtcItself) {
    auto tokyo = EventCalendar::make("Asia/Tokyo", 0);
    ASSERT_TRUE(tokyo);
    EXPECT_EQ(tokyo->dayOf(utcMs(kSep12, 15, 0)), "2026-09-13");  // 00:00 JST
    auto utc = EventCalendar::utc(0);
    EXPECT_EQ(utc.dayOf(utcMs(kSep12, 23, 59)), "2026-09-12");
    EXPECT_EQ(utc.timeOfDay(utcMs(kSep12, 23, 59)), "23:59");
}

TEST(EventCalendar, RefusesUnknownZonesAndMinutesOutOfRange) {
    EXPECT_FALSE(EventCalendar::make("Mars/Olympus_Mons", 0));
    EXPECT_FALSE(EventCalendar::make("", 0));
    EXPECT_FALSE(EventCalendar::make("UTC", -1));
    EXPECT_FALSE(EventCalendar::make("UTC", 24 * 60));
    EXPECT_TRUE(EventCalendar::make("UTC", 24 * 60 - 1));
}

TEST(EventDays, OnlyRealDatesInTheExactForm) {
    EXPECT_TRUE(isEventDay("2026-09-12"));
    EXPECT_TRUE(isEventDay("2028-02-29"));
    EXPECT_FALSE(isEventDay("2026-02-29"));
    EXPECT_FALSE(isEventDay("2026-09-31"));
    EXPECT_FALSE(isEventDay("2026-9-12"));
    EXPECT_FALSE(isEventDay("2026-09-12 "));
    EXPECT_FALSE(isEventDay("12/09/2026"));
    EXPECT_FALSE(isEventDay(""));
}

TEST(EventDays, ShortNames) {
    EXPECT_EQ(shortDayName("2026-09-12"), "Sat 12");
    EXPECT_EQ(shortDayName("2026-09-13"), "Sun 13");
    EXPECT_EQ(shortDayName("2026-10-05"), "Mon 5");
}

}  // namespace
}  // namespace admit::rules
