#pragma once
// A USB handheld scanner in keyboard-wedge mode types the code and Enter. KeyboardWedge tells such
// a burst from a person typing: the characters since the last Enter count as a code only if they
// came at scanner speed. Times are given by the caller (the moment each key reached the
// program), so the rule is tested with made-up times.
//
//   wedge.character(U'A', now); ... if (auto code = wedge.enter(now)) submit(*code);

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "admit/scan/frame.hpp"

namespace admit::scan {

struct WedgeOptions {
    // No two keys of a code (Enter included) further apart than this. Scanners send a key every
    // 1-10 ms; the slack covers a UI frame that held the keys back (they then arrive together,
    // after one longer gap).
    std::chrono::milliseconds maxGap{100};
    // And on average (first character to Enter, per key) no slower than this: even a fast typist
    // needs 80 ms or more per key over a few keys.
    std::chrono::milliseconds maxAverageGap{30};
    std::size_t minLength = 4;     // characters; shorter bursts are key mashing, not codes
    std::size_t maxLength = 4096;  // characters; a longer burst is refused whole
};

class KeyboardWedge {
  public:
    explicit KeyboardWedge(WedgeOptions options = {}) : options_(options) {}

    // A character typed (a Unicode code point; control characters are ignored), at `at`.
    void character(char32_t c, TimePoint at);
    // Enter pressed at `at`: the code (UTF-8) if everything since the last Enter was typed at
    // scanner speed, else nothing. Either way the next character starts a new code.
    std::optional<std::string> enter(TimePoint at);
    // Forgets a half-typed code (the screen changed).
    void reset();

  private:
    WedgeOptions options_;
    std::string typed_;        // UTF-8
    std::size_t count_ = 0;    // characters in typed_
    bool overflowed_ = false;  // more than maxLength: refused until the next Enter
    TimePoint first_{};
    TimePoint last_{};
};

}  // namespace admit::scan
