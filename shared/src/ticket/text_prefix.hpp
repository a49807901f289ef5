#pragma once
// Internal: our versioned text prefixes "<two letters><version digits>:".

#include <optional>
#include <string_view>

namespace admit::ticket::detail {

struct VersionedPrefix {
    std::string_view version;  // the digits
    std::size_t length;        // of the whole prefix including ':'
};

// Matches `tag` (e.g. "AT"), then 1 to 3 decimal digits, then ':'.
std::optional<VersionedPrefix> matchVersionedPrefix(std::string_view text, std::string_view tag);

}  // namespace admit::ticket::detail
