#pragma once
// An Ed25519 public key that verifies signed tickets, and its short id.

#include <array>
#include <cstdint>
#include <span>

namespace admit::ticket {

// First 4 bytes (big-endian) of the unkeyed BLAKE2b-256 hash of the 32 public key bytes.
// Tickets carry it so that a kiosk can find the key; 32 bits are not unique in general, so
// a kiosk must be prepared for two keys with one id (try each).
using KeyId = std::uint32_t;

KeyId keyIdFor(std::span<const std::uint8_t, 32> publicKeyBytes);

struct PublicKey {
    KeyId id;  // always keyIdFor(bytes)
    std::array<std::uint8_t, 32> bytes;

    // Builds the key with its derived id.
    static PublicKey fromBytes(std::span<const std::uint8_t, 32> bytes);

    friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

}  // namespace admit::ticket
