#include "admit/ticket/event_setup.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "admit/codec/base45.hpp"
#include "admit/ticket/signing_key.hpp"
#include "qr_version.hpp"

namespace admit::ticket {
namespace {

constexpr std::string_view kToken = "q7Zt3xWm9KpL2vRn8sYd4FhJ";

const EventId kEvent{0x01, 0x90, 0xa8, 0xc4, 0x5e, 0x3b, 0x7c, 0x2d,
                     0x9f, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f};

PublicKey keyFromFill(std::uint8_t fill) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(fill);
    return SigningKey::fromSeed(seed).publicKey();
}

OnlineEnrolment sampleOnline() {
    return {"https://admit.example.org/api", kEvent, std::string(kToken)};
}

OfflineSetup sampleOffline() {
    return {kEvent, "Fête de la Musique – Zürich", {keyFromFill(1), keyFromFill(2)}};
}

SetupError decodeError(std::string_view text) {
    auto decoded = decodeEventSetup(text);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? SetupError{} : decoded.error();
}

std::string withBinary(const Bytes& binary) { return "AE1:" + codec::base45Encode(binary); }

Bytes binaryOf(const EventSetup& setup) {
    auto decoded = codec::base45Decode(std::string_view(encodeEventSetup(setup)).substr(4));
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? *decoded : Bytes{};
}

TEST(EventSetup, OnlineEnrolmentRoundTrips) {
    std::string text = encodeEventSetup(sampleOnline());
    EXPECT_TRUE(text.starts_with("AE1:"));
    auto decoded = decodeEventSetup(text);
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    ASSERT_TRUE(std::holds_alternative<OnlineEnrolment>(*decoded));
    EXPECT_EQ(std::get<OnlineEnrolment>(*decoded), sampleOnline());
}

TEST(EventSetup, OnlineEnrolmentWithAServerKeyPinRoundTrips) {
    OnlineEnrolment pinned = sampleOnline();
    pinned.serverKeySha256.emplace();
    for (std::size_t i = 0; i < 32; ++i)
        (*pinned.serverKeySha256)[i] = static_cast<std::uint8_t>(i);
    auto decoded = decodeEventSetup(encodeEventSetup(pinned));
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(std::get<OnlineEnrolment>(*decoded), pinned);
    EXPECT_EQ(binaryOf(pinned).size(), binaryOf(sampleOnline()).size() + 33);
}

TEST(EventSetup, AServerKeyPinNeedsHttps) {
    OnlineEnrolment pinned = sampleOnline();
    pinned.serverKeySha256.emplace();
    pinned.serverUrl = "http://admit.example.org/api";
    EXPECT_THROW((void)encodeEventSetup(pinned), std::invalid_argument);

    pinned.serverUrl = "https://admit.example.org/api";
    Bytes binary = binaryOf(pinned);
    // The URL swapped for an http:// one of the same length (29 bytes from offset 18).
    const std::string plain = "http://admit.example.orgg/api";
    std::copy(plain.begin(), plain.end(), binary.begin() + 18);
    EXPECT_EQ(decodeError(withBinary(binary)).detail,
              "event setup code: a server key pin needs an https:// server URL");
    Bytes cut(binary.begin(), binary.end() - 1);
    std::copy(plain.begin(), plain.end(), cut.begin() + 18);
    EXPECT_EQ(decodeError(withBinary(cut)).detail,
              "event setup code: 32 unexpected bytes after the enrolment token");
}

TEST(EventSetup, OfflineSetupRoundTripsWithDerivedKeyIds) {
    std::string text = encodeEventSetup(sampleOffline());
    auto decoded = decodeEventSetup(text);
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    ASSERT_TRUE(std::holds_alternative<OfflineSetup>(*decoded));
    const auto& setup = std::get<OfflineSetup>(*decoded);
    EXPECT_EQ(setup, sampleOffline());
    for (const PublicKey& key : setup.keys) EXPECT_EQ(key.id, keyIdFor(key.bytes));
}

TEST(EventSetup, TextIsAlphanumericAndCompact) {
    std::string online = encodeEventSetup(sampleOnline());
    std::string offline = encodeEventSetup(sampleOffline());
    for (char c : online + offline) EXPECT_TRUE(codec::isBase45Char(c)) << c;
    // 1 kind + 16 event + 1+29 URL + 1+24 token = 72 bytes -> 108 characters + prefix.
    EXPECT_EQ(online.size(), 112u);
    EXPECT_EQ(testing::qrVersionAtLevelM(online), 5);
    // 1 + 16 + 1+31 name + 1 + 2*32 keys = 114 bytes -> 171 characters + prefix.
    EXPECT_EQ(offline.size(), 175u);
    EXPECT_EQ(testing::qrVersionAtLevelM(offline), 7);
}

TEST(EventSetup, LooksLikeIsDistinctFromSignedTickets) {
    EXPECT_TRUE(looksLikeEventSetup(encodeEventSetup(sampleOnline())));
    EXPECT_TRUE(looksLikeEventSetup("AE7:"));
    EXPECT_FALSE(looksLikeEventSetup("AT1:ABC"));
    EXPECT_FALSE(looksLikeEventSetup("https://admit.example.org"));
    EXPECT_FALSE(looksLikeEventSetup("ae1:ABC"));
}

TEST(EventSetup, ReportsPreciseReasons) {
    EXPECT_EQ(decodeError("AT1:ABC").detail,
              "event setup code: text does not start with the \"AE<version>:\" prefix");
    SetupError version = decodeError("AE2:ABC");
    EXPECT_EQ(version.failure, SetupFailure::kUnsupportedVersion);
    EXPECT_EQ(version.detail,
              "event setup code: format version 2 is not supported (this build reads version 1)");
    EXPECT_EQ(decodeError("AE1:").detail, "event setup code: empty after the prefix");
    EXPECT_EQ(decodeError("AE1:A").detail,
              "event setup code: in the text after the 4-character prefix: Base45: length 1 "
              "leaves a single character at the end (valid lengths are 3n or 3n+2)");
    EXPECT_EQ(decodeError(withBinary({0x01, 0x02})).detail,
              "event setup code: ends inside the event id");
    Bytes unknown = binaryOf(sampleOnline());
    unknown[0] = 9;
    EXPECT_EQ(decodeError(withBinary(unknown)).detail,
              "event setup code: unknown kind 9 at offset 0 (1 = online enrolment, 2 = offline "
              "setup)");

    Bytes online = binaryOf(sampleOnline());
    Bytes trailing = online;
    trailing.push_back(0);
    EXPECT_EQ(decodeError(withBinary(trailing)).detail,
              "event setup code: 1 unexpected bytes after the enrolment token");
    Bytes cut(online.begin(), online.end() - 1);
    EXPECT_EQ(decodeError(withBinary(cut)).detail,
              "event setup code: ends inside the enrolment token");
    Bytes ftp = online;
    ftp[18] = 'f';  // "https://" -> "ftfps://"
    EXPECT_EQ(decodeError(withBinary(ftp)).detail,
              "event setup code: server URL does not start with \"https://\" or \"http://\"");

    Bytes offline = binaryOf(sampleOffline());
    Bytes badUtf8 = offline;
    badUtf8[18] = 0xff;
    EXPECT_EQ(decodeError(withBinary(badUtf8)).detail,
              "event setup code: event name is not valid UTF-8 at byte 0");
    Bytes control = offline;
    control[18] = '\n';
    EXPECT_EQ(decodeError(withBinary(control)).detail,
              "event setup code: event name contains control character at byte 0");
    Bytes noKeys = offline;
    noKeys[49] = 0;  // kind 1 + event 16 + name length 1 + name 31 bytes
    EXPECT_EQ(decodeError(withBinary(noKeys)).detail,
              "event setup code: key count 0 at offset 49 is outside 1..16");
    Bytes duplicate = offline;
    std::copy(offline.begin() + 50, offline.begin() + 82, duplicate.begin() + 82);
    EXPECT_EQ(decodeError(withBinary(duplicate)).detail, "event setup code: key 2 repeats key 1");
    Bytes notAPoint = offline;
    std::fill(notAPoint.begin() + 82, notAPoint.end(), 0);  // identity-like, small order
    EXPECT_EQ(decodeError(withBinary(notAPoint)).detail,
              "event setup code: key 2 is not a valid Ed25519 public key");
    Bytes shortKey(offline.begin(), offline.end() - 1);
    EXPECT_EQ(decodeError(withBinary(shortKey)).detail, "event setup code: ends inside key 2");
}

TEST(EventSetup, TokenNeverAppearsInErrors) {
    Bytes online = binaryOf(sampleOnline());
    // Corrupt the token's last character to a space: decoding fails, naming no content.
    Bytes spaced = online;
    spaced.back() = ' ';
    SetupError error = decodeError(withBinary(spaced));
    EXPECT_EQ(error.detail,
              "event setup code: enrolment token contains a space, control character or "
              "non-ASCII byte");
    EXPECT_EQ(error.detail.find(kToken.substr(0, 8)), std::string::npos);

    OnlineEnrolment shortToken = sampleOnline();
    shortToken.enrolmentToken = "secret-short";
    try {
        (void)encodeEventSetup(shortToken);
        ADD_FAILURE() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()),
                  "encodeEventSetup: enrolment token length 12 is outside 16..255");
    }
}

TEST(EventSetup, EncoderRefusesWhatTheDecoderWouldReject) {
    OnlineEnrolment badUrl = sampleOnline();
    badUrl.serverUrl = "admit.example.org";
    EXPECT_THROW((void)encodeEventSetup(badUrl), std::invalid_argument);
    OfflineSetup noName = sampleOffline();
    noName.eventName.clear();
    EXPECT_THROW((void)encodeEventSetup(noName), std::invalid_argument);
    OfflineSetup wrongId = sampleOffline();
    wrongId.keys[0].id ^= 1;
    EXPECT_THROW((void)encodeEventSetup(wrongId), std::invalid_argument);
    OfflineSetup tooMany = sampleOffline();
    for (std::uint8_t i = 3; i <= 17; ++i) tooMany.keys.push_back(keyFromFill(i));
    EXPECT_THROW((void)encodeEventSetup(tooMany), std::invalid_argument);
}

PretixPublicKey pretixKeyFromFill(std::uint8_t fill) {
    return PretixPublicKey{keyFromFill(fill).bytes};
}

TEST(EventSetup, OfflineSetupCarriesPretixKeysAndItems) {
    OfflineSetup setup = sampleOffline();
    setup.pretixKeys = {pretixKeyFromFill(7), pretixKeyFromFill(8)};
    setup.pretixItems = {{42, 2}, {-1, 65535}, {1, 1}};
    auto decoded = decodeEventSetup(encodeEventSetup(setup));
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(std::get<OfflineSetup>(*decoded), setup);
    // Without pretix data the code is byte for byte what it was before the fields existed.
    EXPECT_EQ(binaryOf(sampleOffline()).size(), 114U);
    EXPECT_EQ(binaryOf(setup).size(), 114U + 2 + 64 + 2 + 3 * 10);
}

TEST(EventSetup, ReportsPreciseReasonsInThePretixFields) {
    OfflineSetup setup = sampleOffline();
    setup.pretixKeys = {pretixKeyFromFill(7)};
    setup.pretixItems = {{42, 2}};
    const Bytes full = binaryOf(setup);  // keys end at 114; pretix keys at 114..148; items
    Bytes unknown = binaryOf(sampleOffline());
    unknown.push_back(9);
    EXPECT_EQ(decodeError(withBinary(unknown)).detail,
              "event setup code: unknown field 9 at offset 114 after the last key (1 = pretix "
              "keys, 2 = pretix items)");
    Bytes zero = full;
    zero[115] = 0;
    EXPECT_EQ(decodeError(withBinary(zero)).detail,
              "event setup code: pretix key count 0 at offset 115 is outside 1..16");
    Bytes cut(full.begin(), full.begin() + 140);
    EXPECT_EQ(decodeError(withBinary(cut)).detail, "event setup code: ends inside pretix key 1");
    Bytes notAPoint = full;
    std::fill(notAPoint.begin() + 116, notAPoint.begin() + 148, 0);
    EXPECT_EQ(decodeError(withBinary(notAPoint)).detail,
              "event setup code: pretix key 1 is not a valid Ed25519 public key");
    Bytes repeated = full;
    repeated[148] = 1;  // the items' tag made a second pretix keys field
    EXPECT_EQ(decodeError(withBinary(repeated)).detail,
              "event setup code: field 1 at offset 148 repeats or is out of order");
    Bytes shortItem(full.begin(), full.end() - 1);
    EXPECT_EQ(decodeError(withBinary(shortItem)).detail,
              "event setup code: ends inside pretix item mapping 1");
    OfflineSetup twice = sampleOffline();
    twice.pretixItems = {{42, 2}, {42, 1}};
    EXPECT_THROW((void)encodeEventSetup(twice), std::invalid_argument);
    Bytes duplicate = binaryOf(sampleOffline());
    const Bytes twoMappings{2, 2, 0, 0, 0, 0, 0, 0, 0, 42, 0, 2, 0, 0, 0, 0, 0, 0, 0, 42, 0, 1};
    duplicate.insert(duplicate.end(), twoMappings.begin(), twoMappings.end());
    EXPECT_EQ(decodeError(withBinary(duplicate)).detail,
              "event setup code: pretix item mapping 2 repeats item 42");
}

TEST(EventSetup, LargestOfflineSetupRoundTrips) {
    OfflineSetup largest{kEvent, std::string(255, 'x'), {}};
    for (std::uint8_t i = 1; i <= 16; ++i) largest.keys.push_back(keyFromFill(i));
    for (std::uint8_t i = 17; i <= 32; ++i) largest.pretixKeys.push_back(pretixKeyFromFill(i));
    for (std::int64_t i = 1; i <= 64; ++i) {
        largest.pretixItems.push_back({i, static_cast<std::uint16_t>(i)});
    }
    // 1942 bytes, 2913 characters: within a version 40-M QR code's 3391.
    EXPECT_EQ(encodeEventSetup(largest).size(), 4U + 2913U);
    auto decoded = decodeEventSetup(encodeEventSetup(largest));
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(std::get<OfflineSetup>(*decoded), largest);
}

}  // namespace
}  // namespace admit::ticket
