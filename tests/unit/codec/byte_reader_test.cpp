#include "admit/codec/byte_reader.hpp"

#include <gtest/gtest.h>

namespace admit::codec {
namespace {

TEST(ByteReader, ReadsBigEndianIntegersInOrder) {
    Bytes data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
    ByteReader reader(data);
    EXPECT_EQ(reader.u8(), 0x01);
    EXPECT_EQ(reader.u16(), 0x0203);
    EXPECT_EQ(reader.u32(), 0x04050607u);
    EXPECT_EQ(reader.uint(5), 0x08090a0b0cu);
    EXPECT_TRUE(reader.atEnd());
    EXPECT_EQ(reader.offset(), 12u);
}

TEST(ByteReader, ShortReadReturnsNothingAndConsumesNothing) {
    Bytes data{0xaa, 0xbb, 0xcc};
    ByteReader reader(data);
    EXPECT_FALSE(reader.u32().has_value());
    EXPECT_EQ(reader.offset(), 0u);
    EXPECT_FALSE(reader.bytes(4).has_value());
    EXPECT_EQ(reader.remaining(), 3u);
    auto view = reader.bytes(3);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(Bytes(view->begin(), view->end()), data);
    EXPECT_FALSE(reader.u8().has_value());
}

TEST(ByteReader, RejectsWidthOutsideOneToEight) {
    Bytes data(16, 0xff);
    ByteReader reader(data);
    EXPECT_FALSE(reader.uint(0).has_value());
    EXPECT_FALSE(reader.uint(9).has_value());
    EXPECT_EQ(reader.uint(8), 0xffffffffffffffffu);
}

}  // namespace
}  // namespace admit::codec
