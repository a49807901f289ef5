#include "admit/ticket/public_key.hpp"

#include <sodium.h>

#include <algorithm>

#include "admit/base/sodium.hpp"

namespace admit::ticket {

KeyId keyIdFor(std::span<const std::uint8_t, 32> publicKeyBytes) {
    ensureSodium();
    std::array<std::uint8_t, 32> hash{};
    crypto_generichash(hash.data(), hash.size(), publicKeyBytes.data(), publicKeyBytes.size(),
                       nullptr, 0);
    return static_cast<KeyId>(hash[0]) << 24 | static_cast<KeyId>(hash[1]) << 16 |
           static_cast<KeyId>(hash[2]) << 8 | static_cast<KeyId>(hash[3]);
}

PublicKey PublicKey::fromBytes(std::span<const std::uint8_t, 32> bytes) {
    PublicKey key{};
    std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
    key.id = keyIdFor(key.bytes);
    return key;
}

}  // namespace admit::ticket
