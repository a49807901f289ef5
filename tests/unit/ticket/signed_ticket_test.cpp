#include "admit/ticket/signed_ticket.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "admit/codec/base45.hpp"
#include "qr_version.hpp"

namespace admit::ticket {
namespace {

SigningKey testKey(std::uint8_t fill = 7) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(fill);
    return SigningKey::fromSeed(seed);
}

TicketPayload samplePayload(const SigningKey& key) {
    TicketPayload payload{};
    payload.keyId = key.publicKey().id;
    payload.eventId = EventId{0x01, 0x90, 0xa8, 0xc4, 0x5e, 0x3b, 0x7c, 0x2d,
                              0x9f, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f};
    payload.ticketId =
        TicketId{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c};
    payload.ticketType = 3;
    payload.validFrom = 1767225600;   // 2026-01-01T00:00:00Z
    payload.validUntil = 1767311999;  // 2026-01-01T23:59:59Z
    return payload;
}

TicketError parseError(std::string_view text) {
    auto parsed = parseSignedTicket(text);
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? TicketError{} : parsed.error();
}

// Parses and verifies with `key`: true only if the ticket would be admitted.
bool accepted(std::string_view text, const PublicKey& key) {
    auto parsed = parseSignedTicket(text);
    return parsed.ok() && verifyTicketSignature(*parsed, key);
}

TEST(SignedTicket, RoundTripsEveryValidityCombination) {
    SigningKey key = testKey();
    TicketPayload payload = samplePayload(key);
    for (int mask = 0; mask < 4; ++mask) {
        TicketPayload p = payload;
        if (!(mask & 1)) p.validFrom.reset();
        if (!(mask & 2)) p.validUntil.reset();
        std::string text = encodeSignedTicket(p, key);
        EXPECT_TRUE(text.starts_with("AT1:"));
        auto parsed = parseSignedTicket(text);
        ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
        EXPECT_EQ(parsed->payload, p);
        EXPECT_TRUE(verifyTicketSignature(*parsed, key.publicKey()));
    }
}

TEST(SignedTicket, RoundTripsExtremeValues) {
    SigningKey key = testKey();
    TicketPayload p = samplePayload(key);
    p.ticketType = std::numeric_limits<std::uint16_t>::max();
    p.validFrom = std::numeric_limits<std::int64_t>::min();
    p.validUntil = std::numeric_limits<std::int64_t>::max();
    p.keyId = 0xffffffff;
    auto parsed = parseSignedTicket(encodeSignedTicket(p, key));
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed->payload, p);
    p.validFrom = -1;
    p.validUntil = 0;
    parsed = parseSignedTicket(encodeSignedTicket(p, key));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->payload, p);
}

TEST(SignedTicket, ParsedSignedBytesArePrefixAndPayload) {
    SigningKey key = testKey();
    TicketPayload p = samplePayload(key);
    p.validUntil.reset();
    auto parsed = parseSignedTicket(encodeSignedTicket(p, key));
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->signedBytes.size(), 4u + 35u + 8u);
    EXPECT_EQ(std::string(parsed->signedBytes.begin(), parsed->signedBytes.begin() + 4), "AT1:");
    EXPECT_EQ(key.sign(parsed->signedBytes), parsed->signature);
}

TEST(SignedTicket, WrongKeyOrMismatchedKeyIdOrEditedPayloadIsNotVerified) {
    SigningKey key = testKey();
    SigningKey other = testKey(8);
    TicketPayload p = samplePayload(key);
    auto parsed = parseSignedTicket(encodeSignedTicket(p, key));
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(verifyTicketSignature(*parsed, other.publicKey()));
    // A key whose bytes are right but whose id does not match the payload's is refused.
    TicketPayload wrongId = p;
    wrongId.keyId = p.keyId ^ 1;
    auto parsedWrongId = parseSignedTicket(encodeSignedTicket(wrongId, key));
    ASSERT_TRUE(parsedWrongId.ok());
    EXPECT_FALSE(verifyTicketSignature(*parsedWrongId, key.publicKey()));
    // Editing the parsed payload invalidates it: verification covers the fields as given.
    ParsedTicket edited = *parsed;
    edited.payload.ticketType = 4;
    EXPECT_FALSE(verifyTicketSignature(edited, key.publicKey()));
}

TEST(SignedTicket, EverySingleBitFlipOfTheTextIsRejected) {
    SigningKey key = testKey();
    for (bool withValidity : {false, true}) {
        TicketPayload p = samplePayload(key);
        if (!withValidity) {
            p.validFrom.reset();
            p.validUntil.reset();
        }
        const std::string text = encodeSignedTicket(p, key);
        ASSERT_TRUE(accepted(text, key.publicKey()));
        int flips = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string flipped = text;
                flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
                EXPECT_FALSE(accepted(flipped, key.publicKey())) << "char " << i << " bit " << bit;
                ++flips;
            }
        }
        EXPECT_EQ(flips, static_cast<int>(text.size()) * 8);
    }
}

TEST(SignedTicket, EverySingleBitFlipOfTheDecodedBytesIsRejected) {
    SigningKey key = testKey();
    for (bool withValidity : {false, true}) {
        TicketPayload p = samplePayload(key);
        if (!withValidity) {
            p.validFrom.reset();
            p.validUntil.reset();
        }
        const std::string text = encodeSignedTicket(p, key);
        auto binary = codec::base45Decode(std::string_view(text).substr(4));
        ASSERT_TRUE(binary.ok());
        int malformed = 0;
        int badSignature = 0;
        for (std::size_t i = 0; i < binary->size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                Bytes flipped = *binary;
                flipped[i] = static_cast<std::uint8_t>(flipped[i] ^ (1 << bit));
                std::string flippedText = "AT1:" + codec::base45Encode(flipped);
                auto parsed = parseSignedTicket(flippedText);
                if (!parsed.ok()) {
                    EXPECT_EQ(parsed.error().failure, TicketFailure::kMalformed);
                    ++malformed;
                } else {
                    EXPECT_FALSE(verifyTicketSignature(*parsed, key.publicKey()))
                        << "byte " << i << " bit " << bit;
                    ++badSignature;
                }
            }
        }
        // Only the 6 reserved bits and the 2 presence bits of the flags byte change the layout.
        EXPECT_EQ(malformed, 8);
        EXPECT_EQ(badSignature, static_cast<int>(binary->size()) * 8 - 8);
    }
}

TEST(SignedTicket, TextIsQrAlphanumericAndFitsVersion7AtLevelM) {
    SigningKey key = testKey();
    TicketPayload full = samplePayload(key);
    std::string longest = encodeSignedTicket(full, key);
    EXPECT_EQ(longest.size(), kSignedTicketMaxLength);
    for (char c : longest) EXPECT_TRUE(codec::isBase45Char(c)) << c;
    EXPECT_EQ(testing::qrVersionAtLevelM(longest), 7);

    TicketPayload bare = full;
    bare.validFrom.reset();
    bare.validUntil.reset();
    std::string shortest = encodeSignedTicket(bare, key);
    EXPECT_EQ(shortest.size(), 153u);
    EXPECT_EQ(testing::qrVersionAtLevelM(shortest), 6);
}

TEST(SignedTicket, LooksLikeMatchesOurPrefixOfAnyVersionOnly) {
    EXPECT_TRUE(looksLikeSignedTicket("AT1:"));
    EXPECT_TRUE(looksLikeSignedTicket("AT1:ABC"));
    EXPECT_TRUE(looksLikeSignedTicket("AT2:ABC"));
    EXPECT_TRUE(looksLikeSignedTicket("AT123:ABC"));
    EXPECT_FALSE(looksLikeSignedTicket("AT1234:ABC"));
    EXPECT_FALSE(looksLikeSignedTicket("AT:ABC"));
    EXPECT_FALSE(looksLikeSignedTicket("at1:ABC"));
    EXPECT_FALSE(looksLikeSignedTicket("AE1:ABC"));  // an event setup code
    EXPECT_FALSE(looksLikeSignedTicket("HC1:ABC"));  // an EU digital COVID certificate
    EXPECT_FALSE(looksLikeSignedTicket("1234567890123"));
    EXPECT_FALSE(looksLikeSignedTicket(""));
    EXPECT_FALSE(looksLikeSignedTicket("AT1"));
}

TEST(SignedTicket, ReportsPreciseReasons) {
    EXPECT_EQ(parseError("1234567890").detail,
              "signed ticket: text does not start with the \"AT<version>:\" prefix");
    EXPECT_EQ(parseError("1234567890").failure, TicketFailure::kMalformed);

    TicketError version = parseError("AT2:ABC");
    EXPECT_EQ(version.failure, TicketFailure::kUnsupportedVersion);
    EXPECT_EQ(version.detail,
              "signed ticket: format version 2 is not supported (this build reads version 1)");

    EXPECT_EQ(parseError("AT1:ab").detail,
              "signed ticket: in the text after the 4-character prefix: Base45: byte 0x61 ('a') "
              "at position 0 is not in the Base45 alphabet");
    EXPECT_EQ(parseError("AT1:BB8").detail,
              "signed ticket: decoded to 2 bytes, fewer than the 99-byte minimum (35-byte "
              "payload + 64-byte signature)");

    SigningKey key = testKey();
    auto binary = codec::base45Decode(
        std::string_view(encodeSignedTicket(samplePayload(key), key)).substr(4));
    ASSERT_TRUE(binary.ok());
    Bytes reserved = *binary;
    reserved[34] |= 0x80;
    TicketError reservedError = parseError("AT1:" + codec::base45Encode(reserved));
    EXPECT_EQ(reservedError.failure, TicketFailure::kMalformed);
    EXPECT_EQ(reservedError.detail,
              "signed ticket: flags byte 0x83 at offset 34 sets reserved bits (only 0x01 "
              "valid-from and 0x02 valid-until are defined)");
    Bytes truncated(binary->begin(), binary->end() - 1);
    EXPECT_EQ(parseError("AT1:" + codec::base45Encode(truncated)).detail,
              "signed ticket: decoded to 114 bytes but flags 0x03 require exactly 115");
    Bytes extended = *binary;
    extended.push_back(0);
    EXPECT_EQ(parseError("AT1:" + codec::base45Encode(extended)).detail,
              "signed ticket: decoded to 116 bytes but flags 0x03 require exactly 115");
}

TEST(SignedTicket, NeverReportsBadSignatureFromParse) {
    SigningKey key = testKey();
    std::string text = encodeSignedTicket(samplePayload(key), key);
    text.back() = text.back() == '0' ? '1' : '0';
    auto parsed = parseSignedTicket(text);
    if (parsed.ok()) {
        EXPECT_FALSE(verifyTicketSignature(*parsed, key.publicKey()));
    } else {
        EXPECT_NE(parsed.error().failure, TicketFailure::kBadSignature);
    }
}

}  // namespace
}  // namespace admit::ticket
