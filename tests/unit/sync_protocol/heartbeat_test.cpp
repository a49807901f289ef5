#include "admit/sync/protocol/heartbeat.hpp"

#include <gtest/gtest.h>

namespace admit::sync {
namespace {

TEST(HeartbeatTest, FieldsRoundTrip) {
    DeviceHeartbeat sent{1'790'000'000'123, "0.3.1", 17};
    auto fields = heartbeatFields(sent);
    ASSERT_EQ(fields.size(), 3u);
    EXPECT_EQ(fields[0], std::make_pair(std::string(kClockField), std::string("1790000000123")));
    auto parsed = parseHeartbeat(fields[0].second, fields[1].second, fields[2].second);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, sent);
    // Absent fields are absent, not errors (an older kiosk sends none).
    auto none = parseHeartbeat("", "", "");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, DeviceHeartbeat{});
    EXPECT_TRUE(heartbeatFields({}).empty());
    EXPECT_EQ(parseHeartbeat("-5000", "", "")->clockMs, -5000);
}

TEST(HeartbeatTest, AMalformedFieldIsNamed) {
    EXPECT_EQ(parseHeartbeat("12:30", "", "").error().message,
              "header field Admit-Clock must be a whole number of milliseconds");
    EXPECT_EQ(parseHeartbeat("1234567890123456789", "", "").error().message,
              "header field Admit-Clock must be a whole number of milliseconds");
    EXPECT_EQ(parseHeartbeat("", "", "-1").error().message,
              "header field Admit-Outbox must be a whole number of entries");
    EXPECT_EQ(parseHeartbeat("", std::string(65, '1'), "").error().message,
              "header field Admit-Version is longer than 64 characters");
    EXPECT_EQ(parseHeartbeat("", "0.1 beta", "").error().message,
              "header field Admit-Version must be printable ASCII without spaces");
}

TEST(HeartbeatTest, AClockIsOffBeyondTwoMinutesEitherWay) {
    EXPECT_FALSE(clockIsOff(std::nullopt));
    EXPECT_FALSE(clockIsOff(120'000));
    EXPECT_FALSE(clockIsOff(-120'000));
    EXPECT_TRUE(clockIsOff(120'001));
    EXPECT_TRUE(clockIsOff(-3'600'000));
    EXPECT_EQ(clockOffsetText(300'000), "clock 5 min ahead");
    EXPECT_EQ(clockOffsetText(-3 * 3'600'000), "clock 3 h behind");
    EXPECT_EQ(clockOffsetText(2 * 86'400'000 + 5), "clock 2 days ahead");
}

}  // namespace
}  // namespace admit::sync
