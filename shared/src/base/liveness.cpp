#include "admit/base/liveness.hpp"

#include <algorithm>
#include <utility>

namespace admit {
namespace {

std::int64_t sinceEpochNs(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string seconds(std::chrono::milliseconds ms) {
    // Whole seconds are what an operator reads in a status line; below one, the milliseconds.
    if (ms < std::chrono::seconds(1)) return std::to_string(ms.count()) + " ms";
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ms).count()) + " s";
}

}  // namespace

Heartbeat::Heartbeat(std::string name, std::chrono::milliseconds limit, SteadyNow now)
    : name_(std::move(name)),
      limit_(limit),
      now_(std::move(now)),
      lastBeatNs_(sinceEpochNs(now_())) {}

void Heartbeat::beat() {
    lastBeatNs_.store(sinceEpochNs(now_()), std::memory_order_release);
    resting_.store(false, std::memory_order_release);
}

void Heartbeat::rest() { resting_.store(true, std::memory_order_release); }

std::chrono::milliseconds Heartbeat::silentFor(std::chrono::steady_clock::time_point now) const {
    const std::int64_t last = lastBeatNs_.load(std::memory_order_acquire);
    const auto silent = std::chrono::nanoseconds(sinceEpochNs(now) - last);
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(silent));
}

LivenessMonitor::LivenessMonitor(SteadyNow now) : now_(std::move(now)) {}

std::shared_ptr<Heartbeat> LivenessMonitor::watch(std::string name,
                                                  std::chrono::milliseconds limit) {
    auto heartbeat = std::make_shared<Heartbeat>(std::move(name), limit, now_);
    std::lock_guard lock(mutex_);
    heartbeats_.push_back(heartbeat);
    return heartbeat;
}

std::vector<Stall> LivenessMonitor::stalled() {
    std::lock_guard lock(mutex_);
    std::erase_if(heartbeats_, [](const std::weak_ptr<Heartbeat>& h) { return h.expired(); });
    const auto now = now_();
    std::vector<Stall> stalls;
    for (const auto& weak : heartbeats_) {
        auto heartbeat = weak.lock();
        if (!heartbeat || heartbeat->resting()) continue;
        const auto silent = heartbeat->silentFor(now);
        if (silent > heartbeat->limit()) {
            stalls.push_back({heartbeat->name(), silent, heartbeat->limit()});
        }
    }
    return stalls;
}

std::vector<std::string> LivenessMonitor::watched() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& weak : heartbeats_) {
        if (auto heartbeat = weak.lock()) names.push_back(heartbeat->name());
    }
    return names;
}

std::string describeStalls(const std::vector<Stall>& stalls) {
    std::string text;
    for (const auto& stall : stalls) {
        if (!text.empty()) text += ", ";
        text += stall.name + " silent for " + seconds(stall.silentFor) + " (limit " +
                seconds(stall.limit) + ")";
    }
    return text;
}

}  // namespace admit
