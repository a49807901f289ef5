#pragma once
// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequences.

#include <cstddef>
#include <optional>
#include <string_view>

namespace admit::codec {

// Empty if `text` is valid UTF-8, otherwise the byte offset of the first invalid sequence.
std::optional<std::size_t> findInvalidUtf8(std::string_view text);

inline bool isValidUtf8(std::string_view text) { return !findInvalidUtf8(text).has_value(); }

}  // namespace admit::codec
