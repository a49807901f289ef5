#include "admit/ticket/blind_index.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace admit::ticket {
namespace {

BlindIndexKey sequentialKey() {
    std::array<std::uint8_t, 32> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i);
    return BlindIndexKey::fromBytes(bytes);
}

TEST(BlindIndex, IsKeyedBlake2b256InHex) {
    // Expected values computed independently with Python's
    // hashlib.blake2b(code, digest_size=32, key=bytes(range(32))).
    BlindIndexKey key = sequentialKey();
    EXPECT_EQ(blindIndex(key, "ABC-123"),
              "789c8d8297e38d47baeaf86848b4f59b63013ba0062b6e2189820437b630c5f4");
    EXPECT_EQ(blindIndex(key, ""),
              "4e51e7a913fc80137da52880fecca175bf81e117d5c68126dc2774033517ea0d");
}

TEST(BlindIndex, TrimsSurroundingAsciiWhitespaceOnly) {
    BlindIndexKey key = sequentialKey();
    std::string expected = blindIndex(key, "ABC-123");
    EXPECT_EQ(blindIndex(key, "  ABC-123\r\n"), expected);
    EXPECT_EQ(blindIndex(key, "\tABC-123\v\f"), expected);
    EXPECT_NE(blindIndex(key, "abc-123"), expected);   // case is significant
    EXPECT_NE(blindIndex(key, "ABC -123"), expected);  // inner spaces are significant
    EXPECT_EQ(normaliseOpaqueCode(" \r\n "), "");
    EXPECT_EQ(normaliseOpaqueCode(" A B "), "A B");
}

TEST(BlindIndex, DependsOnTheKey) {
    BlindIndexKey a = BlindIndexKey::generate();
    BlindIndexKey b = BlindIndexKey::generate();
    EXPECT_NE(blindIndex(a, "ABC-123"), blindIndex(b, "ABC-123"));
    EXPECT_EQ(blindIndex(a, "ABC-123"), blindIndex(a, "ABC-123"));
    EXPECT_EQ(blindIndex(a, "ABC-123").size(), 64u);
}

TEST(BlindIndex, KeyRoundTripsThroughBytesAndMoveWipesTheSource) {
    BlindIndexKey key = BlindIndexKey::generate();
    std::array<std::uint8_t, 32> raw{};
    std::copy(key.bytes().begin(), key.bytes().end(), raw.begin());
    BlindIndexKey restored = BlindIndexKey::fromBytes(raw);
    EXPECT_EQ(blindIndex(restored, "X"), blindIndex(key, "X"));
    BlindIndexKey moved = std::move(key);
    EXPECT_TRUE(std::equal(moved.bytes().begin(), moved.bytes().end(), raw.begin()));
    std::array<std::uint8_t, 32> zero{};
    EXPECT_TRUE(std::equal(key.bytes().begin(), key.bytes().end(), zero.begin()));  // NOLINT
}

TEST(BlindIndex, KeyPrintsNoSecret) {
    std::ostringstream out;
    out << sequentialKey();
    EXPECT_EQ(out.str(), "BlindIndexKey(secret)");
}

}  // namespace
}  // namespace admit::ticket
