#pragma once
// Our signed ticket: "AT1:" followed by Base45 of a compact payload and an Ed25519
// signature. The whole text is in the QR alphanumeric set and at most 177 characters, so it
// always fits a QR code of version 7 at error correction M. Layout: docs/tickets.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"
#include "admit/ticket/event_id.hpp"
#include "admit/ticket/public_key.hpp"
#include "admit/ticket/signing_key.hpp"
#include "admit/ticket/ticket_id.hpp"

namespace admit::ticket {

// The text prefix of format version 1. Every version's prefix is "AT<n>:", n in decimal.
inline constexpr std::string_view kSignedTicketPrefix = "AT1:";
// Longest text of version 1 (both validity bounds present).
inline constexpr std::size_t kSignedTicketMaxLength = 177;

struct TicketPayload {
    KeyId keyId;
    EventId eventId;
    TicketId ticketId;
    std::uint16_t ticketType;
    std::optional<std::int64_t> validFrom;   // Unix seconds
    std::optional<std::int64_t> validUntil;  // Unix seconds
    // The format carries the window as given; whether it is sensible (from <= until) and
    // whether "now" is inside it is the check-in rules' decision.

    friend bool operator==(const TicketPayload&, const TicketPayload&) = default;
};

// Signs with `key`. The payload's keyId is written as given; normally key.publicKey().id.
std::string encodeSignedTicket(const TicketPayload& payload, const SigningKey& key);

// True if `text` starts with our prefix of any version: "AT", 1 to 3 decimal digits, ':'.
// Says nothing about whether the rest is valid.
bool looksLikeSignedTicket(std::string_view text);

enum class TicketFailure { kMalformed, kUnsupportedVersion, kBadSignature };

struct TicketError {
    TicketFailure failure;
    std::string detail;  // precise and human-readable; names positions and fields
};

struct ParsedTicket {
    TicketPayload payload;
    Bytes signedBytes;    // exactly what the signature covers: prefix || payload bytes
    Signature signature;  // Ed25519, over signedBytes
};

// Checks structure only (no key needed): prefix and version, Base45, layout, lengths,
// reserved bits. Fails with kUnsupportedVersion for "AT<n>:" with n other than 1 and
// kMalformed for anything else wrong; never with kBadSignature.
Result<ParsedTicket, TicketError> parseSignedTicket(std::string_view text);

// True only if `key`'s derived id equals payload.keyId and the signature verifies under `key`
// over the payload fields as they are in `ticket` (re-serialised, so editing the payload
// after parsing makes verification fail). The caller looks the key up by payload.keyId; an
// unknown key id is the caller's verdict.
bool verifyTicketSignature(const ParsedTicket& ticket, const PublicKey& key);

}  // namespace admit::ticket
