#pragma once
// Byte buffers and the few conversions every format needs.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace admit {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

std::string toHex(ByteView bytes);
// Returns an empty optional-like false on odd length or a non-hex digit.
bool fromHex(std::string_view hex, Bytes& out);

inline ByteView asBytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace admit
