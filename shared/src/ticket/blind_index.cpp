#include "admit/ticket/blind_index.hpp"

#include <sodium.h>

#include <algorithm>
#include <ostream>

#include "admit/base/bytes.hpp"
#include "admit/base/sodium.hpp"

namespace admit::ticket {

BlindIndexKey BlindIndexKey::generate() {
    ensureSodium();
    BlindIndexKey key;
    randombytes_buf(key.key_.data(), key.key_.size());
    return key;
}

BlindIndexKey BlindIndexKey::fromBytes(std::span<const std::uint8_t, 32> bytes) {
    BlindIndexKey key;
    std::copy(bytes.begin(), bytes.end(), key.key_.begin());
    return key;
}

BlindIndexKey::BlindIndexKey(BlindIndexKey&& other) noexcept : key_(other.key_) {
    sodium_memzero(other.key_.data(), other.key_.size());
}

BlindIndexKey& BlindIndexKey::operator=(BlindIndexKey&& other) noexcept {
    if (this != &other) {
        key_ = other.key_;
        sodium_memzero(other.key_.data(), other.key_.size());
    }
    return *this;
}

BlindIndexKey::~BlindIndexKey() { sodium_memzero(key_.data(), key_.size()); }

std::ostream& operator<<(std::ostream& out, const BlindIndexKey&) {
    return out << "BlindIndexKey(secret)";
}

std::string_view normaliseOpaqueCode(std::string_view code) {
    constexpr std::string_view kWhitespace = " \t\n\v\f\r";
    auto first = code.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) return code.substr(code.size());
    auto last = code.find_last_not_of(kWhitespace);
    return code.substr(first, last - first + 1);
}

std::string blindIndex(const BlindIndexKey& key, std::string_view code) {
    ensureSodium();
    std::string_view normalised = normaliseOpaqueCode(code);
    ByteView input = asBytes(normalised);
    std::array<std::uint8_t, 32> hash{};
    crypto_generichash(hash.data(), hash.size(), input.data(), input.size(), key.bytes().data(),
                       key.bytes().size());
    return toHex(hash);
}

}  // namespace admit::ticket
