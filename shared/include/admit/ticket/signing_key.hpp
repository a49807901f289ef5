#pragma once
// The organiser's Ed25519 secret key that signs tickets. Held in this RAII object only: not
// copyable, wiped (sodium_memzero) on destruction and when moved from, never printed.

#include <array>
#include <cstdint>
#include <iosfwd>
#include <span>

#include "admit/base/bytes.hpp"
#include "admit/ticket/public_key.hpp"

namespace admit::ticket {

using Signature = std::array<std::uint8_t, 64>;

class SigningKey {
  public:
    static SigningKey generate();
    // Deterministic: the same 32-byte seed always gives the same key (RFC 8032).
    static SigningKey fromSeed(std::span<const std::uint8_t, 32> seed);

    SigningKey(SigningKey&& other) noexcept;
    SigningKey& operator=(SigningKey&& other) noexcept;
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    ~SigningKey();

    PublicKey publicKey() const { return public_; }

    // The 32-byte seed, for storage in the organiser database. The copy is the caller's to
    // protect and wipe (sodium_memzero) when done.
    std::array<std::uint8_t, 32> seed() const;

    // Ed25519 detached signature of `message`.
    Signature sign(ByteView message) const;

    // Prints the key id only, never secret material.
    friend std::ostream& operator<<(std::ostream& out, const SigningKey& key);

  private:
    SigningKey() = default;
    void wipe() noexcept;

    std::array<std::uint8_t, 64> secret_{};  // libsodium layout: seed || public key
    PublicKey public_{};
};

}  // namespace admit::ticket
