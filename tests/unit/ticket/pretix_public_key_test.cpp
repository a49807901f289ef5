#include "admit/ticket/pretix_public_key.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "admit/base/bytes.hpp"
#include "pretix_vectors.hpp"

namespace admit::ticket {
namespace {

std::string base64(std::string_view text) {
    std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                      text.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

// The first event key of the vectors; its raw bytes were read independently with Python
// (base64 -> PEM -> base64 -> DER bytes 12..43).
constexpr std::string_view kEventKey =
    "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUNvd0JRWURLMlZ3QXlFQTdBRDcvdkZBMzNFc1k0ejJQSHI3aVpQc1o4"
    "bjVkaDBhalA4Z3l6Tm1tSXM9Ci0tLS0tRU5EIFBVQkxJQyBLRVktLS0tLQo=";
constexpr std::string_view kEventKeyHex =
    "ec00fbfef140df712c638cf63c7afb8993ec67c9f9761d1a8cff20cb3366988b";

TEST(PretixPublicKey, ReadsPretixsBase64PemForm) {
    auto key = parsePretixPublicKey(kEventKey);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(toHex(key->bytes), kEventKeyHex);
}

TEST(PretixPublicKey, EveryVectorKeyReadsAndWritesBackUnchanged) {
    auto vectors = testing::readPretixVectors();
    int count = 0;
    for (const char* list : {"event_keys_pretix_sig1", "other_event_keys_pretix_sig1"}) {
        for (const auto& text : vectors.at(list)) {
            auto key = parsePretixPublicKey(text.get<std::string>());
            ASSERT_TRUE(key.ok()) << key.error().message;
            EXPECT_EQ(pretixPublicKeyText(*key), text.get<std::string>());
            ++count;
        }
    }
    EXPECT_EQ(count, 3);
}

TEST(PretixPublicKey, SurroundingWhitespaceIsIgnored) {
    auto key = parsePretixPublicKey("  " + std::string(kEventKey) + "\n");
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(toHex(key->bytes), kEventKeyHex);
}

TEST(PretixPublicKey, RefusesWhatIsNotAnEd25519PemKey) {
    auto notBase64 = parsePretixPublicKey("not base64!");
    ASSERT_FALSE(notBase64.ok());
    EXPECT_NE(notBase64.error().message.find("not base64"), std::string::npos);

    // base64 of "hello world!": no PEM armour.
    auto notPem = parsePretixPublicKey("aGVsbG8gd29ybGQh");
    ASSERT_FALSE(notPem.ok());
    EXPECT_NE(notPem.error().message.find("PEM"), std::string::npos);

    // A PEM block holding the start of an RSA key's DER, not an Ed25519 one.
    auto rsa = parsePretixPublicKey(
        base64("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
               "-----END PUBLIC KEY-----\n"));
    ASSERT_FALSE(rsa.ok());
    EXPECT_NE(rsa.error().message.find("not an Ed25519 public key"), std::string::npos);

    // The right length and armour, but the algorithm's OID changed (1.3.101.113, Ed448).
    auto ed448 = parsePretixPublicKey(base64(
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VxAyEA7AD7/vFA33EsY4z2PHr7iZPsZ8n5dh0ajP8gyzNmmIs=\n"
        "-----END PUBLIC KEY-----\n"));
    ASSERT_FALSE(ed448.ok());
    EXPECT_NE(ed448.error().message.find("not an Ed25519 public key"), std::string::npos);
}

}  // namespace
}  // namespace admit::ticket
