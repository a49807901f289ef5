#include "admit/scan/keyboard_wedge.hpp"

namespace admit::scan {
namespace {

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

bool usable(char32_t c) {
    bool control = c < 0x20 || (c >= 0x7f && c < 0xa0);
    bool surrogate = c >= 0xd800 && c <= 0xdfff;
    return !control && !surrogate && c <= 0x10ffff;
}

}  // namespace

void KeyboardWedge::character(char32_t c, TimePoint at) {
    if (!usable(c)) return;
    // A pause longer than a scanner makes: what came before was typed by a person.
    if (count_ > 0 && at - last_ > options_.maxGap) reset();
    if (count_ == 0 && !overflowed_) first_ = at;
    last_ = at;
    if (overflowed_) return;
    if (count_ == options_.maxLength) {
        overflowed_ = true;
        typed_.clear();
        return;
    }
    appendUtf8(typed_, c);
    ++count_;
}

std::optional<std::string> KeyboardWedge::enter(TimePoint at) {
    std::optional<std::string> code;
    bool quick = count_ > 0 && at - last_ <= options_.maxGap &&
                 at - first_ <= options_.maxAverageGap * static_cast<long>(count_);
    if (!overflowed_ && count_ >= options_.minLength && quick) code = std::move(typed_);
    reset();
    return code;
}

void KeyboardWedge::reset() {
    typed_.clear();
    count_ = 0;
    overflowed_ = false;
}

}  // namespace admit::scan
