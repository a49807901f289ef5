#include "admit/codec/byte_writer.hpp"

#include <gtest/gtest.h>

#include "admit/codec/byte_reader.hpp"

namespace admit::codec {
namespace {

TEST(ByteWriter, WritesBigEndian) {
    ByteWriter writer;
    writer.u8(0x01);
    writer.u16(0x0203);
    writer.u32(0x04050607);
    writer.uint(0x08090a0b0c, 5);
    writer.bytes(Bytes{0xde, 0xad});
    EXPECT_EQ(writer.data(), (Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                                    0x0b, 0x0c, 0xde, 0xad}));
}

TEST(ByteWriter, RoundTripsThroughReader) {
    ByteWriter writer;
    writer.uint(0xffffffffffffffffu, 8);
    writer.u16(0);
    Bytes data = std::move(writer).take();
    ByteReader reader(data);
    EXPECT_EQ(reader.uint(8), 0xffffffffffffffffu);
    EXPECT_EQ(reader.u16(), 0);
    EXPECT_TRUE(reader.atEnd());
}

}  // namespace
}  // namespace admit::codec
