#include "text_prefix.hpp"

namespace admit::ticket::detail {

std::optional<VersionedPrefix> matchVersionedPrefix(std::string_view text, std::string_view tag) {
    if (!text.starts_with(tag)) return std::nullopt;
    std::size_t i = tag.size();
    while (i < text.size() && i - tag.size() < 3 && text[i] >= '0' && text[i] <= '9') ++i;
    std::size_t digits = i - tag.size();
    if (digits == 0 || i >= text.size() || text[i] != ':') return std::nullopt;
    return VersionedPrefix{text.substr(tag.size(), digits), i + 1};
}

}  // namespace admit::ticket::detail
