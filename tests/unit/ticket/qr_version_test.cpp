// Calibrates the helper against the QR capacity table (ISO/IEC 18004): at level M version 7
// holds 178 alphanumeric characters or 122 bytes, version 6 holds 154 alphanumeric characters.
// If the helper used another level or mode these boundaries would move.
#include "qr_version.hpp"

#include <gtest/gtest.h>

namespace admit::ticket::testing {
namespace {

TEST(QrVersion, AlphanumericCapacityBoundariesAtLevelM) {
    EXPECT_EQ(qrVersionAtLevelM(std::string(154, 'A')), 6);
    EXPECT_EQ(qrVersionAtLevelM(std::string(155, 'A')), 7);
    EXPECT_EQ(qrVersionAtLevelM(std::string(178, 'A')), 7);
    EXPECT_EQ(qrVersionAtLevelM(std::string(179, 'A')), 8);
}

TEST(QrVersion, ByteModeCapacityBoundaryAtLevelM) {
    EXPECT_EQ(qrVersionAtLevelM(std::string(122, 'a')), 7);
    EXPECT_EQ(qrVersionAtLevelM(std::string(123, 'a')), 8);
}

}  // namespace
}  // namespace admit::ticket::testing
