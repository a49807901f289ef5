#include "admit/base/bytes.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

TEST(Bytes, HexRoundTrip) {
    Bytes in{0x00, 0x7f, 0x80, 0xff, 0x12};
    EXPECT_EQ(toHex(in), "007f80ff12");
    Bytes out;
    ASSERT_TRUE(fromHex("007F80ff12", out));
    EXPECT_EQ(out, in);
}

TEST(Bytes, FromHexRejectsOddLengthAndNonHexAndKeepsOutput) {
    Bytes out{1, 2};
    EXPECT_FALSE(fromHex("abc", out));
    EXPECT_FALSE(fromHex("zz", out));
    EXPECT_EQ(out, (Bytes{1, 2}));
}

}  // namespace
}  // namespace admit
