#pragma once
// What /metrics tells (docs/sync.md, "Health and metrics"): requests by route and status, a
// latency histogram per route, connection figures, refused authentications, and what the
// database holds (check-ins, quarantined entries, devices and their last sync, roster
// versions), in the Prometheus text exposition format 0.0.4.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "admit/sync/store/server_store.hpp"
#include "http_server.hpp"

namespace admit::sync {

class ServerMetrics {
  public:
    // Upper bounds of the latency histogram, in seconds.
    static constexpr std::array<double, 11> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,   0.25,   0.5,   1.0,  2.5};

    // Any thread (the HTTP layer calls it on its I/O thread).
    void count(const AnsweredRequest& answered);

    // Any thread: the exposition text. `nowMs` dates the devices' last-sync ages.
    std::string render(const ConnectionFigures& connections, const StoreFigures& store,
                       std::int64_t nowMs) const;

  private:
    struct Latency {
        std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative
        std::uint64_t count = 0;
        double sumSeconds = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status)
    std::map<std::string, Latency> latency_;                         // by route
};

// A label value in the exposition format: backslash, double quote and newline escaped.
std::string prometheusLabel(std::string_view value);

}  // namespace admit::sync
