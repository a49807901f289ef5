#include "admit/ticket/pretix_ticket.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <vector>

#include "pretix_vectors.hpp"

namespace admit::ticket {
namespace {

std::vector<PretixPublicKey> keysFrom(const nlohmann::json& list) {
    std::vector<PretixPublicKey> keys;
    for (const auto& text : list) {
        auto key = parsePretixPublicKey(text.get<std::string>());
        EXPECT_TRUE(key.ok());
        if (key) keys.push_back(*key);
    }
    return keys;
}

PretixTicketPayload expectedPayload(const nlohmann::json& fields) {
    PretixTicketPayload payload;
    payload.seed = fields.at("seed").get<std::string>();
    payload.item = fields.value("item", std::int64_t{0});
    payload.variation = fields.value("variation", std::int64_t{0});
    payload.subevent = fields.value("subevent", std::int64_t{0});
    if (auto from = fields.value("validFromUnixTime", std::int64_t{0})) payload.validFrom = from;
    if (auto until = fields.value("validUntilUnixTime", std::int64_t{0}))
        payload.validUntil = until;
    return payload;
}

// The outcome the vectors name ("valid", "not yet valid", "expired", a bad signature).
std::string outcomeName(const Result<PretixTicketPayload, PretixTicketError>& result) {
    if (result) return "valid";
    switch (result.error().failure) {
        case PretixTicketFailure::kNotYetValid:
            return "not yet valid";
        case PretixTicketFailure::kExpired:
            return "expired";
        case PretixTicketFailure::kBadSignature:
            return "bad signature";
        case PretixTicketFailure::kUnknownKey:
            return "unknown key";
        case PretixTicketFailure::kUnsupportedVersion:
            return "unsupported version";
        case PretixTicketFailure::kBadEncoding:
            return "bad encoding: " + result.error().detail;
    }
    return "?";
}

// 2023-02-01T00:00:00Z: inside every vector's window that has none listed.
constexpr std::int64_t kSomeNow = 1675209600;

TEST(PretixTicket, EveryVectorHasItsListedOutcome) {
    const auto vectors = testing::readPretixVectors();
    const auto keys = keysFrom(vectors.at("event_keys_pretix_sig1"));
    ASSERT_EQ(keys.size(), 2u);
    std::size_t checked = 0;
    for (const auto& vector : vectors.at("tickets")) {
        const std::string name = vector.at("name");
        const std::string text = vector.at("text");
        SCOPED_TRACE(name);
        EXPECT_TRUE(looksLikePretixTicket(text));
        if (!vector.at("signature_valid").get<bool>()) {
            EXPECT_EQ(outcomeName(verifyPretixTicket(text, keys, kSomeNow)), "bad signature");
            ++checked;
            continue;
        }
        auto parsed = parsePretixTicket(text);
        ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
        EXPECT_EQ(parsed->payload, expectedPayload(vector.at("payload")));
        if (!vector.contains("expect")) {
            auto verified = verifyPretixTicket(text, keys, kSomeNow);
            EXPECT_EQ(outcomeName(verified), "valid");
            ++checked;
            continue;
        }
        for (const auto& expect : vector.at("expect")) {
            SCOPED_TRACE(expect.at("now").get<std::string>());
            const std::int64_t now = testing::unixSecondsOf(expect.at("now"));
            EXPECT_EQ(outcomeName(verifyPretixTicket(text, keys, now)),
                      expect.at("result").get<std::string>());
        }
        ++checked;
    }
    EXPECT_EQ(checked, vectors.at("tickets").size());
    EXPECT_GE(checked, 6u);
}

TEST(PretixTicket, AnotherEventsKeysVerifyNoneOfThem) {
    const auto vectors = testing::readPretixVectors();
    const auto otherKeys = keysFrom(vectors.at("other_event_keys_pretix_sig1"));
    for (const auto& vector : vectors.at("tickets")) {
        SCOPED_TRACE(vector.at("name").get<std::string>());
        EXPECT_EQ(outcomeName(verifyPretixTicket(vector.at("text").get<std::string>(), otherKeys,
                                                 kSomeNow)),
                  "bad signature");
    }
}

TEST(PretixTicket, NoKeysIsAnUnknownKeyNotABadSignature) {
    const auto vectors = testing::readPretixVectors();
    const std::string text = vectors.at("tickets").at(0).at("text");
    EXPECT_EQ(outcomeName(verifyPretixTicket(text, {}, kSomeNow)), "unknown key");
}

// Reverses, decodes, applies `edit` to the bytes, encodes and reverses again.
std::string edited(const std::string& text, auto edit) {
    std::string forward(text.rbegin(), text.rend());
    std::vector<unsigned char> bytes(forward.size());
    std::size_t length = 0;
    EXPECT_EQ(sodium_base642bin(bytes.data(), bytes.size(), forward.data(), forward.size(), nullptr,
                                &length, nullptr, sodium_base64_VARIANT_ORIGINAL),
              0);
    bytes.resize(length);
    edit(bytes);
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return {out.rbegin(), out.rend()};
}

TEST(PretixTicket, AForgedItemIsRefusedAsABadSignature) {
    const auto vectors = testing::readPretixVectors();
    const auto keys = keysFrom(vectors.at("event_keys_pretix_sig1"));
    const std::string valid = vectors.at("tickets").at(0).at("text");  // item 1
    // Payload bytes 0a 09 <9-byte seed> 10 01: change the item's varint from 1 to 100.
    const std::string forged = edited(valid, [](std::vector<unsigned char>& b) {
        ASSERT_EQ(b[5 + 11], 0x10);
        b[5 + 12] = 100;
    });
    auto parsed = parsePretixTicket(forged);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed->payload.item, 100);
    EXPECT_EQ(outcomeName(verifyPretixTicket(forged, keys, kSomeNow)), "bad signature");
    // And a flipped bit in the signature.
    const std::string badSignature =
        edited(valid, [](std::vector<unsigned char>& b) { b.back() ^= 0x01; });
    EXPECT_EQ(outcomeName(verifyPretixTicket(badSignature, keys, kSomeNow)), "bad signature");
}

TEST(PretixTicket, OurEncoderRoundTripsAndVerifiesUnderItsKey) {
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    seed.fill(3);
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
    PretixTicketPayload payload{"abcdefghijk", 7, 2, 14, 1675465200, 1675551600};
    const std::string text = encodePretixTicket(payload, sk);
    EXPECT_TRUE(looksLikePretixTicket(text));
    auto parsed = parsePretixTicket(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed->payload, payload);
    PretixPublicKey key{};
    std::copy(pk.begin(), pk.end(), key.bytes.begin());
    const std::vector<PretixPublicKey> keys{key};
    EXPECT_EQ(outcomeName(verifyPretixTicket(text, keys, 1675465200)), "valid");
    EXPECT_EQ(outcomeName(verifyPretixTicket(text, keys, 1675551601)), "expired");
}

PretixTicketFailure failureOf(const std::string& text) {
    auto parsed = parsePretixTicket(text);
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? PretixTicketFailure::kBadSignature : parsed.error().failure;
}

TEST(PretixTicket, BrokenFramingIsABadEncodingNamingWhat) {
    const auto vectors = testing::readPretixVectors();
    const std::string valid = vectors.at("tickets").at(0).at("text");
    EXPECT_EQ(failureOf(""), PretixTicketFailure::kBadEncoding);
    EXPECT_EQ(failureOf("not base64 at all"), PretixTicketFailure::kBadEncoding);
    EXPECT_EQ(failureOf(valid.substr(4)), PretixTicketFailure::kBadEncoding);  // bytes missing
    auto wrongLength = parsePretixTicket(edited(
        valid, [](std::vector<unsigned char>& b) { b[2] = static_cast<unsigned char>(b[2] + 1); }));
    ASSERT_FALSE(wrongLength.ok());
    EXPECT_EQ(wrongLength.error().failure, PretixTicketFailure::kBadEncoding);
    EXPECT_NE(wrongLength.error().detail.find("-byte payload"), std::string::npos);
    EXPECT_EQ(failureOf(edited(valid, [](std::vector<unsigned char>& b) { b[0] = 2; })),
              PretixTicketFailure::kUnsupportedVersion);
    // The seed's length byte claims more than the payload holds.
    auto truncated =
        parsePretixTicket(edited(valid, [](std::vector<unsigned char>& b) { b[6] = 0x7f; }));
    ASSERT_FALSE(truncated.ok());
    EXPECT_EQ(truncated.error().failure, PretixTicketFailure::kBadEncoding);
    EXPECT_NE(truncated.error().detail.find("field 1 at byte 0"), std::string::npos)
        << truncated.error().detail;
    // The item as a length-delimited field instead of a varint.
    auto wrongWireType =
        parsePretixTicket(edited(valid, [](std::vector<unsigned char>& b) { b[5 + 11] = 0x12; }));
    ASSERT_FALSE(wrongWireType.ok());
    EXPECT_EQ(wrongWireType.error().failure, PretixTicketFailure::kBadEncoding);
}

TEST(PretixTicket, OtherCodesDoNotLookLikeIt) {
    EXPECT_FALSE(looksLikePretixTicket(""));
    EXPECT_FALSE(looksLikePretixTicket("AT1:ABCDEFGH"));
    EXPECT_FALSE(looksLikePretixTicket("1234567890123"));
    // pretix's random (unsigned) secrets are base64-like text of 32 characters.
    EXPECT_FALSE(looksLikePretixTicket("dz4OBvVsTDSJ6rJ4tn6W7zd8pVLgsLe3"));
}

}  // namespace
}  // namespace admit::ticket
