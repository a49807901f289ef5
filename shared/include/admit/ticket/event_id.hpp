#pragma once
// An event's identity: 16 bytes, a UUID. New ids are UUIDv7 (RFC 9562: 48-bit Unix
// milliseconds, then random bits) so they sort by creation time.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/base/result.hpp"

namespace admit::ticket {

using EventId = std::array<std::uint8_t, 16>;

// Canonical UUID text: 8-4-4-4-12 lowercase hex digits, e.g.
// "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f".
std::string eventIdToString(const EventId& id);

// Accepts exactly the 36-character 8-4-4-4-12 form; hex digits in either case. Any UUID
// version is accepted (ids may come from elsewhere). The error names the offending position.
Result<EventId> eventIdFromString(std::string_view text);

// A fresh UUIDv7 from the system clock and libsodium's randombytes.
EventId newEventId();

}  // namespace admit::ticket
