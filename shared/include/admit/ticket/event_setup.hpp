#pragma once
// The event setup code ("event QR") a kiosk scans to set itself up: "AE1:" followed by
// Base45 of a compact binary record, so the QR code uses alphanumeric mode. Two kinds:
// online enrolment (server, event, one-time token) and offline setup (event, name, public
// keys, pretix keys and pretix items' types: enough to check tickets with an empty replica).
// Layout: docs/tickets.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/ticket/event_id.hpp"
#include "admit/ticket/pretix_public_key.hpp"
#include "admit/ticket/public_key.hpp"

namespace admit::ticket {

// The text prefix of format version 1. Every version's prefix is "AE<n>:", n in decimal.
inline constexpr std::string_view kEventSetupPrefix = "AE1:";

// Limits (both enforced by the encoder and the decoder).
inline constexpr std::size_t kMaxServerUrlLength = 255;
inline constexpr std::size_t kMinEnrolmentTokenLength = 16;
inline constexpr std::size_t kMaxEnrolmentTokenLength = 255;
inline constexpr std::size_t kMaxEventNameLength = 255;  // UTF-8 bytes
inline constexpr std::size_t kMaxSetupKeys = 16;
inline constexpr std::size_t kMaxSetupPretixItems = 64;

struct OnlineEnrolment {
    std::string serverUrl;  // "http://" or "https://", printable ASCII, no spaces
    EventId eventId;
    // A secret: printable ASCII without spaces. Never written to errors or logs by us.
    std::string enrolmentToken;
    // https:// only, optional: the SHA-256 of the server's public key (its certificate's DER
    // SubjectPublicKeyInfo). The kiosk talks to no server with another key.
    // (Initialised here so that brace-initialised codes without it stay complete.)
    std::optional<std::array<std::uint8_t, 32>> serverKeySha256 = std::nullopt;

    friend bool operator==(const OnlineEnrolment&, const OnlineEnrolment&) = default;
};

struct PretixItemMapping {
    std::int64_t item = 0;  // pretix's product id
    std::uint16_t ticketType = 0;

    friend bool operator==(const PretixItemMapping&, const PretixItemMapping&) = default;
};

struct OfflineSetup {
    EventId eventId;
    std::string eventName;        // non-empty UTF-8, no control characters
    std::vector<PublicKey> keys;  // 1 to kMaxSetupKeys distinct valid Ed25519 keys
    // The event's pretix keys, for pretix_sig1 tickets: 0 to kMaxSetupKeys distinct valid
    // Ed25519 keys. (Initialised so that codes brace-initialised without them stay complete.)
    std::vector<PretixPublicKey> pretixKeys = {};
    // Which ticket type each pretix item is: 0 to kMaxSetupPretixItems, distinct items.
    std::vector<PretixItemMapping> pretixItems = {};

    friend bool operator==(const OfflineSetup&, const OfflineSetup&) = default;
};

using EventSetup = std::variant<OnlineEnrolment, OfflineSetup>;

// Throws std::invalid_argument if the setup breaks a limit above (a caller's bug; the message
// never contains the token).
std::string encodeEventSetup(const EventSetup& setup);

// True if `text` starts with our prefix of any version: "AE", 1 to 3 decimal digits, ':'.
bool looksLikeEventSetup(std::string_view text);

enum class SetupFailure { kMalformed, kUnsupportedVersion };

struct SetupError {
    SetupFailure failure;
    std::string detail;  // precise; never contains the enrolment token
};

Result<EventSetup, SetupError> decodeEventSetup(std::string_view text);

}  // namespace admit::ticket
