#pragma once
// Failed authentications per client address (docs/sync.md, "Rate limits"): after `failures`
// refused tokens within `window`, the address's refused tokens are answered 429 with
// Retry-After until that window ends, and the kiosk's client waits that long before it tries
// again. Valid tokens are served whatever their address did (kiosks and attackers share the
// reverse proxy's address). The table holds at most
// `maxAddresses`; when full, expired windows go first, then the window that started earliest,
// so many addresses cost bounded memory (they can only push each other out).
//
// Thread-safe: the server's workers share one.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace admit::sync {

class FailedAuthLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    struct Limits {
        int failures = 10;
        std::chrono::seconds window{60};
        std::size_t maxAddresses = 4096;
    };

    FailedAuthLimiter() : FailedAuthLimiter(Limits{}) {}
    explicit FailedAuthLimiter(Limits limits) : limits_(limits) {}

    // How long the address must wait before it may try again (whole seconds, at least 1), or
    // nullopt if it may try now.
    std::optional<std::chrono::seconds> waitFor(const std::string& address, Clock::time_point now);
    void recordFailure(const std::string& address, Clock::time_point now);

    std::size_t addressesHeld() const;

  private:
    struct Window {
        Clock::time_point start;
        int failures = 0;
    };
    void makeRoom(Clock::time_point now);

    Limits limits_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace admit::sync
