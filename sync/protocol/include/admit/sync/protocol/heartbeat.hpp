#pragma once
// The heartbeat (docs/sync.md, "Heartbeat"): header fields every authenticated request of a
// round carries, so the organiser sees each device's version, backlog and clock; and when a
// device's clock counts as off.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admit/base/result.hpp"

namespace admit::sync {

inline constexpr std::string_view kClockField = "Admit-Clock";      // the device's wall clock, ms
inline constexpr std::string_view kVersionField = "Admit-Version";  // its app version
inline constexpr std::string_view kOutboxField = "Admit-Outbox";    // entries it has not sent

struct DeviceHeartbeat {
    std::optional<std::int64_t> clockMs;
    std::string appVersion;  // empty: not reported
    std::optional<std::int64_t> outboxDepth;

    friend bool operator==(const DeviceHeartbeat&, const DeviceHeartbeat&) = default;
};

// The header fields (name, value) that carry a heartbeat.
std::vector<std::pair<std::string, std::string>> heartbeatFields(const DeviceHeartbeat& heartbeat);
// A heartbeat from its fields' values (empty: absent). A malformed value is an error naming
// the field: a clock or depth that is not a whole number, a version longer than 64 characters
// or not printable ASCII.
Result<DeviceHeartbeat> parseHeartbeat(std::string_view clock, std::string_view version,
                                       std::string_view outbox);

// A device's clock is off when it is more than 2 minutes from the server's (the same margin
// within which clocks merge: store::kMaxMergedLeadMs).
bool clockIsOff(std::optional<std::int64_t> clockOffsetMs);
// "clock 5 min ahead", "clock 3 h behind", "clock 2 days ahead": for people.
std::string clockOffsetText(std::int64_t clockOffsetMs);

}  // namespace admit::sync
