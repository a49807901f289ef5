#pragma once
// A ticket's identity: 96 random bits, unguessable, so knowing one ticket does not reveal
// another.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/base/result.hpp"

namespace admit::ticket {

using TicketId = std::array<std::uint8_t, 12>;

// 24 lowercase hex digits.
std::string ticketIdToString(const TicketId& id);

// Accepts exactly 24 hex digits in either case.
Result<TicketId> ticketIdFromString(std::string_view text);

// 12 bytes from libsodium's randombytes_buf.
TicketId newTicketId();

}  // namespace admit::ticket
