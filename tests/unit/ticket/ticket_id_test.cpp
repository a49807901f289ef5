#include "admit/ticket/ticket_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace admit::ticket {
namespace {

const TicketId kSample{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xff};

TEST(TicketId, ToStringIsLowercaseHex) {
    EXPECT_EQ(ticketIdToString(kSample), "00112233445566778899aaff");
}

TEST(TicketId, FromStringRoundTripsAndAcceptsUppercase) {
    auto parsed = ticketIdFromString("00112233445566778899AAFF");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, kSample);
}

TEST(TicketId, FromStringNamesTheProblem) {
    EXPECT_EQ(ticketIdFromString("0011").error().message,
              "ticket id: expected 24 hex digits, got 4 characters");
    EXPECT_EQ(ticketIdFromString("00112233445566778899aafx").error().message,
              "ticket id: expected a hex digit at position 23");
    EXPECT_EQ(ticketIdFromString(" 0112233445566778899aaff").error().message,
              "ticket id: expected a hex digit at position 0");
}

TEST(TicketId, NewIdsAreRandomAndDistinct) {
    std::set<TicketId> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(newTicketId());
    EXPECT_EQ(ids.size(), 1000u);
    // All 96 bits vary: over 1000 ids every bit position takes both values.
    for (std::size_t bit = 0; bit < 96; ++bit) {
        int ones = 0;
        for (const TicketId& id : ids) ones += (id[bit / 8] >> (bit % 8)) & 1;
        EXPECT_GT(ones, 0) << bit;
        EXPECT_LT(ones, 1000) << bit;
    }
}

}  // namespace
}  // namespace admit::ticket
