#pragma once
// Internal: standard base64 with padding (RFC 4648 section 4), strict: no whitespace, canonical
// padding and trailing bits. pretix's keys and pretix_sig1 tickets use it.

#include <string>
#include <string_view>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"

namespace admit::ticket::detail {

// The error's message is a short phrase ("length 7 is not a multiple of 4", "character 3 is not
// base64").
Result<Bytes> base64Decode(std::string_view text);
std::string base64Encode(ByteView bytes);

}  // namespace admit::ticket::detail
