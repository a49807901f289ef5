#include "admit/codec/base45.hpp"

#include <array>
#include <cstdint>

namespace admit::codec {

namespace {

constexpr int kInvalid = -1;

constexpr std::array<int, 256> makeDecodeTable() {
    std::array<int, 256> table{};
    for (int& entry : table) entry = kInvalid;
    for (std::size_t i = 0; i < kBase45Alphabet.size(); ++i) {
        table[static_cast<unsigned char>(kBase45Alphabet[i])] = static_cast<int>(i);
    }
    return table;
}

constexpr std::array<int, 256> kDecodeTable = makeDecodeTable();

int valueOf(char c) { return kDecodeTable[static_cast<unsigned char>(c)]; }

std::string describeChar(char c) {
    auto byte = static_cast<unsigned char>(c);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "byte 0x";
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
    if (byte >= 0x21 && byte < 0x7f) {
        out += " ('";
        out.push_back(c);
        out += "')";
    }
    return out;
}

}  // namespace

bool isBase45Char(char c) { return valueOf(c) != kInvalid; }

std::string base45Encode(ByteView bytes) {
    std::string out;
    out.reserve(base45EncodedLength(bytes.size()));
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        unsigned n = static_cast<unsigned>(bytes[i]) * 256u + bytes[i + 1];
        out.push_back(kBase45Alphabet[n % 45]);
        out.push_back(kBase45Alphabet[n / 45 % 45]);
        out.push_back(kBase45Alphabet[n / 2025]);
    }
    if (i < bytes.size()) {
        unsigned n = bytes[i];
        out.push_back(kBase45Alphabet[n % 45]);
        out.push_back(kBase45Alphabet[n / 45]);
    }
    return out;
}

Result<Bytes> base45Decode(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isBase45Char(text[i])) {
            return fail("Base45: " + describeChar(text[i]) + " at position " + std::to_string(i) +
                        " is not in the Base45 alphabet");
        }
    }
    if (text.size() % 3 == 1) {
        return fail("Base45: length " + std::to_string(text.size()) +
                    " leaves a single character at the end (valid lengths are 3n or 3n+2)");
    }
    Bytes out;
    out.reserve(text.size() / 3 * 2 + 1);
    std::size_t i = 0;
    for (; i + 2 < text.size(); i += 3) {
        auto n = static_cast<unsigned>(valueOf(text[i]) + valueOf(text[i + 1]) * 45 +
                                       valueOf(text[i + 2]) * 2025);
        if (n > 0xffff) {
            return fail("Base45: the group of 3 at position " + std::to_string(i) + " has value " +
                        std::to_string(n) + ", above the maximum 65535");
        }
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n & 0xff));
    }
    if (i < text.size()) {
        auto n = static_cast<unsigned>(valueOf(text[i]) + valueOf(text[i + 1]) * 45);
        if (n > 0xff) {
            return fail("Base45: the final group of 2 at position " + std::to_string(i) +
                        " has value " + std::to_string(n) + ", above the maximum 255");
        }
        out.push_back(static_cast<std::uint8_t>(n));
    }
    return out;
}

}  // namespace admit::codec
