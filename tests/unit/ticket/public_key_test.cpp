#include "admit/ticket/public_key.hpp"

#include <gtest/gtest.h>

#include "admit/base/bytes.hpp"

namespace admit::ticket {
namespace {

std::array<std::uint8_t, 32> hex32(std::string_view hex) {
    Bytes bytes;
    EXPECT_TRUE(fromHex(hex, bytes));
    std::array<std::uint8_t, 32> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

TEST(PublicKey, KeyIdIsFirstFourBytesOfBlake2b256) {
    // RFC 8032 test 1 public key; expected value computed independently with Python's
    // hashlib.blake2b(pk, digest_size=32).
    auto bytes = hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    EXPECT_EQ(keyIdFor(bytes), 0x7849ac30u);
}

TEST(PublicKey, FromBytesDerivesTheId) {
    auto bytes = hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    PublicKey key = PublicKey::fromBytes(bytes);
    EXPECT_EQ(key.bytes, bytes);
    EXPECT_EQ(key.id, 0x7849ac30u);
    bytes[31] ^= 1;
    EXPECT_NE(PublicKey::fromBytes(bytes).id, key.id);
}

}  // namespace
}  // namespace admit::ticket
