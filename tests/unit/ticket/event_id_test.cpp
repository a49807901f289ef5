#include "admit/ticket/event_id.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace admit::ticket {
namespace {

const EventId kSample{0x01, 0x90, 0xa8, 0xc4, 0x5e, 0x3b, 0x7c, 0x2d,
                      0x9f, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f};

TEST(EventId, ToStringIsCanonicalLowercaseUuid) {
    EXPECT_EQ(eventIdToString(kSample), "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f");
    EXPECT_EQ(eventIdToString(EventId{}), "00000000-0000-0000-0000-000000000000");
}

TEST(EventId, FromStringRoundTripsAndAcceptsUppercase) {
    auto parsed = eventIdFromString("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, kSample);
    auto upper = eventIdFromString("0190A8C4-5E3B-7C2D-9F00-1A2B3C4D5E6F");
    ASSERT_TRUE(upper.ok());
    EXPECT_EQ(*upper, kSample);
}

TEST(EventId, FromStringNamesTheProblem) {
    EXPECT_EQ(eventIdFromString("0190a8c45e3b7c2d9f001a2b3c4d5e6f").error().message,
              "event id: expected 36 characters (8-4-4-4-12 UUID), got 32");
    EXPECT_EQ(eventIdFromString("0190a8c4-5e3b-7c2d-9f00_1a2b3c4d5e6f").error().message,
              "event id: expected '-' at position 23");
    EXPECT_EQ(eventIdFromString("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6g").error().message,
              "event id: expected a hex digit at position 35");
    EXPECT_EQ(eventIdFromString("{190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f").error().message,
              "event id: expected a hex digit at position 0");
    EXPECT_FALSE(eventIdFromString("").ok());
}

TEST(EventId, NewIsUuidV7WithCurrentTimestamp) {
    auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    EventId id = newEventId();
    auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    EXPECT_EQ(id[6] >> 4, 7);     // version
    EXPECT_EQ(id[8] >> 6, 0b10);  // variant
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < 6; ++i) ms = ms << 8 | id[i];
    EXPECT_GE(ms, before);
    EXPECT_LE(ms, after);
    EXPECT_EQ(eventIdToString(id)[14], '7');
}

TEST(EventId, NewIdsAreDistinctAndSortByTime) {
    std::set<EventId> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(newEventId());
    EXPECT_EQ(ids.size(), 1000u);
    EventId first = newEventId();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EventId second = newEventId();
    EXPECT_LT(eventIdToString(first), eventIdToString(second));
}

}  // namespace
}  // namespace admit::ticket
