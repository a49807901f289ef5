#pragma once
// The same code held in front of the camera is reported once; it is reported again only after
// it has not been read for `forgetAfter` (it left the view for a while).

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "admit/scan/frame.hpp"

namespace admit::scan {

struct DebounceOptions {
    std::chrono::milliseconds forgetAfter{1500};
};

class Debouncer {
  public:
    explicit Debouncer(DebounceOptions options = {}) : options_(options) {}

    // Called for each read, with the time of the frame it was read from (frames arrive in time
    // order). True if this read should be reported.
    bool accept(std::string_view text, TimePoint seenAt);

    void reset() { lastSeen_.clear(); }

  private:
    DebounceOptions options_;
    std::unordered_map<std::string, TimePoint> lastSeen_;
};

}  // namespace admit::scan
