#include "base64.hpp"

#include <sodium.h>

#include "admit/base/sodium.hpp"

namespace admit::ticket::detail {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

bool isBase64Char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}
}  // namespace

Result<Bytes> base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return fail("length " + std::to_string(text.size()) + " is not a multiple of 4");
    }
    // Name the first offending character ourselves; libsodium only says "no".
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '=') {
            ++padding;
            continue;
        }
        if (!isBase64Char(c) || padding > 0) {
            return fail("character " + std::to_string(i + 1) + " is not base64");
        }
    }
    if (padding > 2) return fail("more than two '=' of padding");
    // libsodium's buffers are declared non-null; an empty vector's data() may be null.
    if (text.empty()) return Bytes{};
    ensureSodium();
    Bytes out(text.size() / 4 * 3);
    std::size_t length = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length,
                          nullptr, kVariant) != 0) {
        return fail("the padding or its last character's unused bits are wrong");
    }
    out.resize(length);
    return out;
}

std::string base64Encode(ByteView bytes) {
    ensureSodium();
    if (bytes.empty()) return {};
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

}  // namespace admit::ticket::detail
