#include "admit/scan/debouncer.hpp"

#include <iterator>

namespace admit::scan {

bool Debouncer::accept(std::string_view text, TimePoint seenAt) {
    // Forget codes that have been out of view long enough, so the map stays small.
    for (auto it = lastSeen_.begin(); it != lastSeen_.end();) {
        it = seenAt - it->second >= options_.forgetAfter ? lastSeen_.erase(it) : std::next(it);
    }
    auto [it, inserted] = lastSeen_.try_emplace(std::string(text), seenAt);
    if (!inserted) it->second = seenAt;
    return inserted;
}

}  // namespace admit::scan
