#include "admit/codec/utf8.hpp"

#include <cstdint>

namespace admit::codec {

std::optional<std::size_t> findInvalidUtf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    auto byteAt = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    auto isCont = [&](std::size_t k) { return k < n && (byteAt(k) & 0xc0) == 0x80; };
    while (i < n) {
        std::uint8_t b = byteAt(i);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        // Bounds of the second byte per RFC 3629 table: excludes overlongs and surrogates.
        std::uint8_t lo = 0x80;
        std::uint8_t hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            len = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            len = 3;
            if (b == 0xe0) lo = 0xa0;
            if (b == 0xed) hi = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            len = 4;
            if (b == 0xf0) lo = 0x90;
            if (b == 0xf4) hi = 0x8f;
        } else {
            return i;
        }
        if (i + 1 >= n || byteAt(i + 1) < lo || byteAt(i + 1) > hi) return i;
        for (std::size_t k = 2; k < len; ++k) {
            if (!isCont(i + k)) return i;
        }
        i += len;
    }
    return std::nullopt;
}

}  // namespace admit::codec
