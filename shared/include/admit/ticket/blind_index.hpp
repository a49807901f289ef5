#pragma once
// Opaque codes (barcodes imported from another ticketing system) are stored only as a blind
// index: keyed BLAKE2b-256 of the normalised code. Without the key the replica's hashes do
// not give back usable codes, and codes cannot be confirmed by guessing.

#include <array>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace admit::ticket {

class BlindIndexKey {
  public:
    static BlindIndexKey generate();
    static BlindIndexKey fromBytes(std::span<const std::uint8_t, 32> bytes);

    BlindIndexKey(BlindIndexKey&& other) noexcept;
    BlindIndexKey& operator=(BlindIndexKey&& other) noexcept;
    BlindIndexKey(const BlindIndexKey&) = delete;
    BlindIndexKey& operator=(const BlindIndexKey&) = delete;
    ~BlindIndexKey();

    // The raw key, for storage; wipe any copy made of it.
    std::span<const std::uint8_t, 32> bytes() const { return key_; }

    // Prints nothing secret.
    friend std::ostream& operator<<(std::ostream& out, const BlindIndexKey& key);

  private:
    BlindIndexKey() = default;
    std::array<std::uint8_t, 32> key_{};
};

// The normalisation applied before hashing: surrounding ASCII whitespace (space, \t, \n,
// \v, \f, \r: scanners often append CR/LF) is removed. Nothing else changes: case and
// inner characters are significant, as they may be for the issuing system.
std::string_view normaliseOpaqueCode(std::string_view code);

// 64 lowercase hex digits: BLAKE2b-256 keyed with `key` over normaliseOpaqueCode(code).
std::string blindIndex(const BlindIndexKey& key, std::string_view code);

}  // namespace admit::ticket
