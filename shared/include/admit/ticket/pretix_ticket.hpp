#pragma once
// pretix's offline signed ticket, "pretix_sig1": the text is the reversed base64 of
// 0x01 | u16be len(P) | u16be len(S) | P | S, where P is a protobuf Ticket message and S its
// Ed25519 signature under one of the event's pretix keys. Layout and fields: docs/tickets.md.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"
#include "admit/ticket/pretix_public_key.hpp"

namespace admit::ticket {

struct PretixTicketPayload {
    std::string seed;  // pretix's random part of the secret; bytes as signed
    std::int64_t item = 0;
    std::int64_t variation = 0;  // 0: none
    std::int64_t subevent = 0;   // 0: none
    // Unix seconds; a bound of 0 is no bound, as pretix writes it.
    std::optional<std::int64_t> validFrom;
    std::optional<std::int64_t> validUntil;

    friend bool operator==(const PretixTicketPayload&, const PretixTicketPayload&) = default;
};

enum class PretixTicketFailure {
    kBadEncoding,         // not reversed base64, wrong lengths, or a broken protobuf payload
    kUnsupportedVersion,  // a version byte other than 0x01
    kUnknownKey,          // the event has no pretix key to check it with
    kBadSignature,        // no key of the event verifies the signature
    kNotYetValid,
    kExpired,
};

struct PretixTicketError {
    PretixTicketFailure failure;
    std::string detail;  // names the byte or field; never the text itself
};

struct ParsedPretixTicket {
    PretixTicketPayload payload;
    Bytes payloadBytes;                      // exactly what the signature covers
    std::array<std::uint8_t, 64> signature;  // Ed25519
};

// True if `text` has pretix_sig1's shape: base64 once reversed, with a version byte and two
// lengths that add up to the decoded size. Needs no key; says nothing about the payload.
bool looksLikePretixTicket(std::string_view text);

// Structure only: encoding, version, lengths and the protobuf payload; never kBadSignature.
Result<ParsedPretixTicket, PretixTicketError> parsePretixTicket(std::string_view text);

// True if one of `keys` verifies the signature over payloadBytes.
bool verifyPretixSignature(const ParsedPretixTicket& ticket, std::span<const PretixPublicKey> keys);

// Everything the ticket itself can tell: structure, a signature by one of `keys`, and the
// validity window at `nowSeconds` (inclusive bounds).
Result<PretixTicketPayload, PretixTicketError> verifyPretixTicket(
    std::string_view text, std::span<const PretixPublicKey> keys, std::int64_t nowSeconds);

// Builds a ticket signed with an Ed25519 secret key (libsodium's 64-byte form): for tests and
// the benchmark, which cannot ask pretix for new tickets.
std::string encodePretixTicket(const PretixTicketPayload& payload,
                               std::span<const std::uint8_t, 64> secretKey);

}  // namespace admit::ticket
