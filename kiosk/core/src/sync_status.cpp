#include "admit/kiosk/sync_status.hpp"

#include <algorithm>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {

SyncLine describeSync(const SyncView& view, std::int64_t nowMs) {
    if (!view.activity.empty()) return {view.activity, false};
    if (view.removed) return {text::kKioskRemoved, false};
    if (view.stopped) return {text::kSyncStopped, false};
    if (!view.lastSuccessMs) return {text::kNeverSynced, false};
    if (view.online) return {text::syncedAgo(nowMs - *view.lastSuccessMs), true};
    return {text::offlineLastSync(*view.lastSuccessMs, nowMs), false};
}

std::string deviceLabel(const std::string& deviceId, const std::string& ownDeviceId,
                        const std::vector<sync::DeviceStatus>& devices) {
    if (!ownDeviceId.empty() && deviceId == ownDeviceId) return text::kThisKiosk;
    auto known = std::find_if(devices.begin(), devices.end(),
                              [&](const auto& d) { return d.deviceId == deviceId; });
    if (known != devices.end() && !known->name.empty()) return known->name;
    constexpr std::size_t kShownIdChars = 13;  // a UUIDv7's first 13 differ between devices
    return deviceId.size() > kShownIdChars ? deviceId.substr(0, kShownIdChars) + "..." : deviceId;
}

std::string serverDisplayName(const std::string& url) {
    auto scheme = url.find("://");
    std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    auto at = rest.rfind('@');  // user information is not for people to read
    if (at != std::string::npos) rest = rest.substr(at + 1);
    return rest.empty() ? url : rest;
}

std::chrono::milliseconds SyncSchedule::delayAfter(int failures) {
    if (failures <= 0) return kInterval;
    auto delay = kInterval;
    for (int i = 1; i < failures && delay < kMaxBackoff; ++i) delay *= 2;
    return std::min(delay, kMaxBackoff);
}

void SyncSchedule::restart(Clock::time_point now) {
    failures_ = 0;
    stopped_ = false;
    next_ = now;
}

void SyncSchedule::roundSucceeded(Clock::time_point now) {
    failures_ = 0;
    stopped_ = false;
    next_ = now + interval_;
}

void SyncSchedule::roundFailed(Clock::time_point now, bool refused) {
    if (refused) {
        stopped_ = true;
        return;
    }
    ++failures_;
    next_ = now + delayAfter(failures_);
}

void SyncSchedule::checkInRecorded(Clock::time_point now) {
    if (stopped_ || failures_ > 0) return;
    next_ = std::min(next_, now + kAfterCheckIn);
}

void SyncSchedule::newsArrived(Clock::time_point now) {
    if (stopped_ || failures_ > 0) return;
    next_ = std::min(next_, now);
}

std::optional<SyncSchedule::Clock::time_point> SyncSchedule::nextRoundAt() const {
    if (stopped_) return std::nullopt;
    return next_;
}

}  // namespace admit::kiosk
