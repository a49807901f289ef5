#include "admit/codec/base45.hpp"

#include <gtest/gtest.h>

#include <random>

namespace admit::codec {
namespace {

std::string decodeToString(std::string_view text) {
    auto decoded = base45Decode(text);
    EXPECT_TRUE(decoded.ok()) << decoded.error().message;
    if (!decoded.ok()) return {};
    return {decoded->begin(), decoded->end()};
}

std::string decodeError(std::string_view text) {
    auto decoded = base45Decode(text);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? std::string{} : decoded.error().message;
}

TEST(Base45, EncodesRfc9285Examples) {
    EXPECT_EQ(base45Encode(asBytes("AB")), "BB8");
    EXPECT_EQ(base45Encode(asBytes("Hello!!")), "%69 VD92EX0");
    EXPECT_EQ(base45Encode(asBytes("base-45")), "UJCLQE7W581");
    EXPECT_EQ(base45Encode(asBytes("")), "");
}

TEST(Base45, DecodesRfc9285Examples) {
    EXPECT_EQ(decodeToString("QED8WEX0"), "ietf!");
    EXPECT_EQ(decodeToString("BB8"), "AB");
    EXPECT_EQ(decodeToString(""), "");
}

TEST(Base45, EncodesExtremeValues) {
    EXPECT_EQ(base45Encode(Bytes{0x00, 0x00}), "000");
    EXPECT_EQ(base45Encode(Bytes{0xff, 0xff}), "FGW");
    EXPECT_EQ(base45Encode(Bytes{0x00}), "00");
    EXPECT_EQ(base45Encode(Bytes{0xff}), "U5");
}

TEST(Base45, RoundTripsRandomDataOfEveryLengthUpTo200) {
    std::mt19937 rng(45);
    for (std::size_t length = 0; length <= 200; ++length) {
        Bytes data(length);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        std::string text = base45Encode(data);
        EXPECT_EQ(text.size(), base45EncodedLength(length));
        auto decoded = base45Decode(text);
        ASSERT_TRUE(decoded.ok()) << decoded.error().message;
        EXPECT_EQ(*decoded, data);
    }
}

TEST(Base45, EveryAlphabetCharacterIsAlphanumericQrAndNothingElseIs) {
    int count = 0;
    for (int c = 0; c < 256; ++c) {
        bool inAlphabet = kBase45Alphabet.find(static_cast<char>(c)) != std::string_view::npos;
        EXPECT_EQ(isBase45Char(static_cast<char>(c)), inAlphabet) << c;
        count += inAlphabet ? 1 : 0;
    }
    EXPECT_EQ(count, 45);
}

TEST(Base45, RejectsCharacterOutsideAlphabetWithPosition) {
    EXPECT_EQ(decodeError("BBa"),
              "Base45: byte 0x61 ('a') at position 2 is not in the Base45 alphabet");
    EXPECT_EQ(decodeError("BB\n"), "Base45: byte 0x0a at position 2 is not in the Base45 alphabet");
    EXPECT_EQ(decodeError(std::string_view("B\0B", 3)),
              "Base45: byte 0x00 at position 1 is not in the Base45 alphabet");
}

TEST(Base45, RejectsLengthOfThreeNPlusOne) {
    EXPECT_EQ(decodeError("BB8B"),
              "Base45: length 4 leaves a single character at the end (valid lengths are 3n or "
              "3n+2)");
    EXPECT_EQ(decodeError("A"),
              "Base45: length 1 leaves a single character at the end (valid lengths are 3n or "
              "3n+2)");
}

TEST(Base45, RejectsTripleAbove65535) {
    // "GGW" = 16 + 16*45 + 32*2025 = 65536: one more than the encoder can produce.
    EXPECT_EQ(decodeError("BB8GGW"),
              "Base45: the group of 3 at position 3 has value 65536, above the maximum 65535");
    EXPECT_EQ(decodeError(":::"),
              "Base45: the group of 3 at position 0 has value 91124, above the maximum 65535");
}

TEST(Base45, RejectsFinalPairAbove255) {
    // "V5" = 31 + 5*45 = 256.
    EXPECT_EQ(decodeError("BB8V5"),
              "Base45: the final group of 2 at position 3 has value 256, above the maximum 255");
}

TEST(Base45, DecodingIsCanonical) {
    // Every valid text re-encodes to itself, so two different texts never decode to the same
    // bytes (the signed-ticket bit-flip guarantee relies on this). Exhaustive over pairs.
    for (std::size_t a = 0; a < kBase45Alphabet.size(); ++a) {
        for (std::size_t b = 0; b < kBase45Alphabet.size(); ++b) {
            std::string text{kBase45Alphabet[a], kBase45Alphabet[b]};
            auto decoded = base45Decode(text);
            EXPECT_EQ(decoded.ok(), a + b * 45 <= 255) << text;
            if (decoded.ok()) {
                EXPECT_EQ(base45Encode(*decoded), text);
            }
        }
    }
}

}  // namespace
}  // namespace admit::codec
