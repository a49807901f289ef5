#include "admit/ticket/signing_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <ostream>

#include "admit/base/sodium.hpp"

namespace admit::ticket {

static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32 &&
              crypto_sign_SEEDBYTES == 32 && crypto_sign_BYTES == 64);

SigningKey SigningKey::generate() {
    ensureSodium();
    std::array<std::uint8_t, 32> seed{};
    randombytes_buf(seed.data(), seed.size());
    SigningKey key = fromSeed(seed);
    sodium_memzero(seed.data(), seed.size());
    return key;
}

SigningKey SigningKey::fromSeed(std::span<const std::uint8_t, 32> seed) {
    ensureSodium();
    SigningKey key;
    std::array<std::uint8_t, 32> publicBytes{};
    crypto_sign_seed_keypair(publicBytes.data(), key.secret_.data(), seed.data());
    key.public_ = PublicKey::fromBytes(publicBytes);
    return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_(other.public_) {
    other.wipe();
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
    if (this != &other) {
        secret_ = other.secret_;
        public_ = other.public_;
        other.wipe();
    }
    return *this;
}

SigningKey::~SigningKey() { wipe(); }

void SigningKey::wipe() noexcept { sodium_memzero(secret_.data(), secret_.size()); }

std::array<std::uint8_t, 32> SigningKey::seed() const {
    std::array<std::uint8_t, 32> out{};
    crypto_sign_ed25519_sk_to_seed(out.data(), secret_.data());
    return out;
}

Signature SigningKey::sign(ByteView message) const {
    Signature signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_.data());
    return signature;
}

std::ostream& operator<<(std::ostream& out, const SigningKey& key) {
    return out << "SigningKey(key id " << key.public_.id << ")";
}

}  // namespace admit::ticket
