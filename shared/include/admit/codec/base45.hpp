#pragma once
// Base45 (RFC 9285): binary data as text in the QR alphanumeric alphabet
// "0-9A-Z $%*+-./:". Every 2 bytes become 3 characters, a trailing byte becomes 2.
// Decoding is strict: only the 45 characters, no whitespace, no lowercase, and values that
// could not come from the encoder (a triple above 65535, a pair above 255) are rejected, so a
// valid text has exactly one decoding and each byte string exactly one encoding.

#include <string>
#include <string_view>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"

namespace admit::codec {

// The 45 characters in value order.
inline constexpr std::string_view kBase45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

// True if `c` is one of the 45 characters (the QR alphanumeric set).
bool isBase45Char(char c);

// Length of the Base45 text for `byteCount` bytes.
constexpr std::size_t base45EncodedLength(std::size_t byteCount) {
    return byteCount / 2 * 3 + byteCount % 2 * 2;
}

std::string base45Encode(ByteView bytes);

// Fails with a message naming the position and the reason: a character outside the
// alphabet, a length that leaves one character over (3n+1), or a group above its maximum.
Result<Bytes> base45Decode(std::string_view text);

}  // namespace admit::codec
