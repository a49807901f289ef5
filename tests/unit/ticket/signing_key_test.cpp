#include "admit/ticket/signing_key.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <sstream>

#include "admit/base/bytes.hpp"

namespace admit::ticket {
namespace {

// RFC 8032 section 7.1, test 1.
constexpr std::string_view kSeedHex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view kPublicHex =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr std::string_view kEmptyMessageSignatureHex =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
    "701cf9b46bd25bf5f0595bbe24655141438e7a100b";

std::array<std::uint8_t, 32> seedFromHex(std::string_view hex) {
    Bytes bytes;
    EXPECT_TRUE(fromHex(hex, bytes));
    std::array<std::uint8_t, 32> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

TEST(SigningKey, FromSeedMatchesRfc8032) {
    SigningKey key = SigningKey::fromSeed(seedFromHex(kSeedHex));
    EXPECT_EQ(toHex(key.publicKey().bytes), kPublicHex);
    EXPECT_EQ(key.publicKey().id, keyIdFor(key.publicKey().bytes));
    EXPECT_EQ(toHex(key.sign({})), kEmptyMessageSignatureHex);
    EXPECT_EQ(toHex(key.seed()), kSeedHex);
}

TEST(SigningKey, GeneratedKeysDifferAndRoundTripThroughSeed) {
    SigningKey a = SigningKey::generate();
    SigningKey b = SigningKey::generate();
    EXPECT_NE(a.publicKey(), b.publicKey());
    SigningKey restored = SigningKey::fromSeed(a.seed());
    EXPECT_EQ(restored.publicKey(), a.publicKey());
}

TEST(SigningKey, SignatureVerifiesWithLibsodium) {
    SigningKey key = SigningKey::generate();
    Bytes message{1, 2, 3};
    Signature signature = key.sign(message);
    EXPECT_EQ(crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                          key.publicKey().bytes.data()),
              0);
    message[0] ^= 1;
    EXPECT_NE(crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                          key.publicKey().bytes.data()),
              0);
}

TEST(SigningKey, MoveTransfersTheKeyAndWipesTheSource) {
    SigningKey original = SigningKey::fromSeed(seedFromHex(kSeedHex));
    SigningKey moved = std::move(original);
    EXPECT_EQ(toHex(moved.seed()), kSeedHex);
    // The moved-from object is still destructible and holds no secret any more.
    EXPECT_EQ(original.seed(),
              (std::array<std::uint8_t, 32>{}));  // NOLINT(bugprone-use-after-move)
    SigningKey assigned = SigningKey::generate();
    assigned = std::move(moved);
    EXPECT_EQ(toHex(assigned.seed()), kSeedHex);
}

TEST(SigningKey, PrintsOnlyTheKeyId) {
    SigningKey key = SigningKey::fromSeed(seedFromHex(kSeedHex));
    std::ostringstream out;
    out << key;
    EXPECT_EQ(out.str(), "SigningKey(key id " + std::to_string(key.publicKey().id) + ")");
}

}  // namespace
}  // namespace admit::ticket
