// Checks the test vectors written in docs/tickets.md: every ```vector block is parsed from
// the document and re-derived from its inputs, so the document and the code cannot drift.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "admit/base/bytes.hpp"
#include "admit/codec/base45.hpp"
#include "admit/ticket/blind_index.hpp"
#include "admit/ticket/event_setup.hpp"
#include "admit/ticket/signed_ticket.hpp"

namespace admit::ticket {
namespace {

using Vector = std::map<std::string, std::string>;

std::vector<Vector> readVectors() {
    std::ifstream in(std::string(ADMIT_SOURCE_DIR) + "/docs/tickets.md");
    EXPECT_TRUE(in.good()) << "docs/tickets.md not found";
    std::vector<Vector> vectors;
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line == "```vector") {
            inside = true;
            vectors.emplace_back();
        } else if (inside && line == "```") {
            inside = false;
        } else if (inside) {
            auto colon = line.find(": ");
            EXPECT_NE(colon, std::string::npos) << line;
            if (colon != std::string::npos) {
                vectors.back()[line.substr(0, colon)] = line.substr(colon + 2);
            }
        }
    }
    EXPECT_FALSE(inside) << "unterminated vector block";
    return vectors;
}

std::array<std::uint8_t, 32> bytes32(const std::string& hex) {
    Bytes bytes;
    EXPECT_TRUE(fromHex(hex, bytes)) << hex;
    EXPECT_EQ(bytes.size(), 32u) << hex;
    std::array<std::uint8_t, 32> out{};
    std::copy_n(bytes.begin(), std::min<std::size_t>(bytes.size(), 32), out.begin());
    return out;
}

std::optional<std::int64_t> optionalTime(const std::string& value) {
    if (value == "none") return std::nullopt;
    return std::stoll(value);
}

KeyId keyIdFromHex(const std::string& hex) {
    return static_cast<KeyId>(std::stoul(hex, nullptr, 16));
}

std::string binaryHexOf(const std::string& text) {
    auto binary = codec::base45Decode(std::string_view(text).substr(4));
    EXPECT_TRUE(binary.ok());
    return binary.ok() ? toHex(*binary) : std::string{};
}

void checkSignedTicket(const Vector& v) {
    SigningKey key = SigningKey::fromSeed(bytes32(v.at("seed")));
    EXPECT_EQ(toHex(key.publicKey().bytes), v.at("public-key"));
    EXPECT_EQ(key.publicKey().id, keyIdFromHex(v.at("key-id")));
    TicketPayload payload{};
    payload.keyId = keyIdFromHex(v.at("key-id"));
    payload.eventId = *eventIdFromString(v.at("event-id"));
    payload.ticketId = *ticketIdFromString(v.at("ticket-id"));
    payload.ticketType = static_cast<std::uint16_t>(std::stoul(v.at("ticket-type")));
    payload.validFrom = optionalTime(v.at("valid-from"));
    payload.validUntil = optionalTime(v.at("valid-until"));

    EXPECT_EQ(encodeSignedTicket(payload, key), v.at("text"));
    EXPECT_EQ(binaryHexOf(v.at("text")), v.at("binary"));
    auto parsed = parseSignedTicket(v.at("text"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed->payload, payload);
    EXPECT_TRUE(verifyTicketSignature(*parsed, key.publicKey()));
}

void checkOnlineEnrolment(const Vector& v) {
    OnlineEnrolment setup{v.at("server-url"), *eventIdFromString(v.at("event-id")), v.at("token")};
    EXPECT_EQ(encodeEventSetup(setup), v.at("text"));
    EXPECT_EQ(binaryHexOf(v.at("text")), v.at("binary"));
    auto decoded = decodeEventSetup(v.at("text"));
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(std::get<OnlineEnrolment>(*decoded), setup);
}

void checkOfflineSetup(const Vector& v) {
    OfflineSetup setup{*eventIdFromString(v.at("event-id")), v.at("event-name"), {}};
    std::istringstream seeds(v.at("seeds"));
    std::istringstream ids(v.at("key-ids"));
    std::string seed;
    std::string id;
    while (seeds >> seed && ids >> id) {
        setup.keys.push_back(SigningKey::fromSeed(bytes32(seed)).publicKey());
        EXPECT_EQ(setup.keys.back().id, keyIdFromHex(id));
    }
    EXPECT_EQ(setup.keys.size(), 2u);
    EXPECT_EQ(encodeEventSetup(setup), v.at("text"));
    EXPECT_EQ(binaryHexOf(v.at("text")), v.at("binary"));
    auto decoded = decodeEventSetup(v.at("text"));
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(std::get<OfflineSetup>(*decoded), setup);
}

void checkBlindIndex(const Vector& v) {
    BlindIndexKey key = BlindIndexKey::fromBytes(bytes32(v.at("key")));
    EXPECT_EQ(blindIndex(key, v.at("code")), v.at("index"));
    EXPECT_EQ(blindIndex(key, " " + v.at("code") + "\r\n"), v.at("index"));
}

TEST(DocumentedVectors, AllVectorsInDocsTicketsMdHold) {
    std::map<std::string, int> counts;
    for (const Vector& v : readVectors()) {
        const std::string& kind = v.at("kind");
        SCOPED_TRACE(kind + ": " + (v.count("text") ? v.at("text") : v.at("code")));
        ++counts[kind];
        if (kind == "signed-ticket") {
            checkSignedTicket(v);
        } else if (kind == "online-enrolment") {
            checkOnlineEnrolment(v);
        } else if (kind == "offline-setup") {
            checkOfflineSetup(v);
        } else if (kind == "blind-index") {
            checkBlindIndex(v);
        } else {
            ADD_FAILURE() << "unknown vector kind " << kind;
        }
    }
    EXPECT_EQ(counts["signed-ticket"], 3);
    EXPECT_EQ(counts["online-enrolment"], 1);
    EXPECT_EQ(counts["offline-setup"], 1);
    EXPECT_EQ(counts["blind-index"], 2);
}

}  // namespace
}  // namespace admit::ticket
