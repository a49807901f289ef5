#include "admit/store/uuid.hpp"

#include <array>
#include <cstdint>

#include <sodium.h>

#include "admit/base/bytes.hpp"

namespace admit::store {

std::string newUuidV7(std::int64_t unixMs) {
    std::array<std::uint8_t, 16> b{};
    randombytes_buf(b.data(), b.size());
    auto ms = static_cast<std::uint64_t>(unixMs);
    for (int i = 0; i < 6; ++i) {
        b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    }
    b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
    b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));  // RFC 9562 variant
    std::string hex = toHex(b);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

bool isUuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace admit::store
