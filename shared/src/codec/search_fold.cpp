#include "admit/codec/search_fold.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace admit::codec {
namespace {

// U+00C0..U+00FF; "" keeps the character (x and the division sign).
constexpr std::array<const char*, 64> kLatin1{
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F, Latin Extended-A.
constexpr std::array<const char*, 128> kLatinExtendedA{
    "a", "a", "a",  "a",  "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",   // 0100
    "d", "d", "e",  "e",  "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",   // 0110
    "g", "g", "g",  "g",  "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",   // 0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",   // 0130
    "l", "l", "l",  "n",  "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",   // 0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",   // 0150
    "s", "s", "t",  "t",  "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",   // 0160
    "u", "u", "u",  "u",  "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};  // 0170

struct Decoded {
    std::uint32_t code = 0;
    std::size_t length = 0;
};

std::optional<Decoded> decode(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    unsigned char first = byte(0);
    std::size_t length = first < 0x80           ? 1
                         : (first >> 5) == 0x6  ? 2
                         : (first >> 4) == 0xe  ? 3
                         : (first >> 3) == 0x1e ? 4
                                                : 0;
    if (length == 0 || at + length > text.size()) return std::nullopt;
    std::uint32_t code = length == 1 ? first : first & (0x7fu >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) return std::nullopt;
        code = (code << 6) | (byte(i) & 0x3f);
    }
    return Decoded{code, length};
}

void appendUtf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    }
}

}  // namespace

std::string foldForSearch(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        auto decoded = decode(text, at);
        if (!decoded) {  // not UTF-8: the byte as it is
            out.push_back(text[at]);
            ++at;
            continue;
        }
        std::uint32_t c = decoded->code;
        at += decoded->length;
        if (c < 0x20 || c == 0x7f) continue;
        if (c < 0x80) {
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A'))
                                               : static_cast<char>(c));
        } else if (c >= 0xc0 && c <= 0xff && kLatin1[c - 0xc0][0] != '\0') {
            out += kLatin1[c - 0xc0];
        } else if (c >= 0x100 && c <= 0x17f) {
            out += kLatinExtendedA[c - 0x100];
        } else if (c >= 0x218 && c <= 0x21b) {  // Romanian s and t with a comma below
            out.push_back(c < 0x21a ? 's' : 't');
        } else if (c >= 0x300 && c <= 0x36f) {
            // A combining accent (text in decomposed form): dropped with the accent.
        } else if ((c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f)) {
            appendUtf8(out, c + 0x20);  // Greek and Cyrillic capitals
        } else if (c >= 0x400 && c <= 0x40f) {
            appendUtf8(out, c + 0x50);  // Cyrillic capitals with marks (Ё, Ї, ...)
        } else {
            appendUtf8(out, c);
        }
    }
    return out;
}

}  // namespace admit::codec
