#include "admit/sync/server/failed_auth_limiter.hpp"

#include <algorithm>

namespace admit::sync {

std::optional<std::chrono::seconds> FailedAuthLimiter::waitFor(const std::string& address,
                                                               Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(address);
    if (it == windows_.end()) return std::nullopt;
    const auto ends = it->second.start + limits_.window;
    if (now >= ends) {
        windows_.erase(it);
        return std::nullopt;
    }
    if (it->second.failures < limits_.failures) return std::nullopt;
    // Rounded up: a client that waits exactly this long finds the window over.
    auto left = std::chrono::ceil<std::chrono::seconds>(ends - now);
    return std::max(left, std::chrono::seconds(1));
}

void FailedAuthLimiter::recordFailure(const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(address);
    if (it != windows_.end() && now >= it->second.start + limits_.window) {
        windows_.erase(it);
        it = windows_.end();
    }
    if (it == windows_.end()) {
        if (windows_.size() >= limits_.maxAddresses) makeRoom(now);
        it = windows_.emplace(address, Window{now, 0}).first;
    }
    ++it->second.failures;
}

std::size_t FailedAuthLimiter::addressesHeld() const {
    std::lock_guard lock(mutex_);
    return windows_.size();
}

// The caller holds mutex_. Linear, but only when the table is full.
void FailedAuthLimiter::makeRoom(Clock::time_point now) {
    std::erase_if(windows_,
                  [&](const auto& item) { return now >= item.second.start + limits_.window; });
    if (windows_.size() < limits_.maxAddresses) return;
    auto earliest = std::min_element(
        windows_.begin(), windows_.end(),
        [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
    windows_.erase(earliest);
}

}  // namespace admit::sync
