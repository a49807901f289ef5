#include "admit/kiosk/service_watchdog.hpp"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <utility>

namespace admit::kiosk::service {
namespace {

template <typename Number>
std::optional<Number> parseNumber(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    Number value{};
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return value;
}

std::optional<std::string> environment(const char* name) {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string(value);
}

}  // namespace

bool notifyServiceManager(const std::string& state) {
    // 0: keep $NOTIFY_SOCKET; the pinger thread sends on it for as long as the kiosk runs.
    return sd_notify(0, state.c_str()) > 0;
}

WatchdogEnvironment readWatchdogEnvironment() {
    return {environment("WATCHDOG_USEC"), environment("WATCHDOG_PID"), getpid(), getppid()};
}

std::optional<std::chrono::milliseconds> watchdogPingInterval(const WatchdogEnvironment& env) {
    auto usec = parseNumber<std::uint64_t>(env.usec);
    if (!usec || *usec == 0) return std::nullopt;
    if (env.pid) {
        auto pid = parseNumber<pid_t>(env.pid);
        if (!pid || (*pid != env.self && *pid != env.parent)) return std::nullopt;
    }
    auto quarter =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(*usec / 4));
    return std::max(quarter, std::chrono::milliseconds(1));
}

WatchdogPinger::WatchdogPinger(std::shared_ptr<LivenessMonitor> monitor, Notify notify,
                               std::chrono::milliseconds every)
    : monitor_(std::move(monitor)), notify_(std::move(notify)), every_(every) {}

WatchdogPinger::~WatchdogPinger() { stop(); }

void WatchdogPinger::start() {
    if (thread_.joinable()) return;
    thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

void WatchdogPinger::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
}

bool WatchdogPinger::tick() {
    auto stalls = monitor_->stalled();
    std::string which;  // reported again only when another set of threads stalls
    for (const auto& stall : stalls) which += stall.name + "\n";
    if (which != reported_) {
        if (stalls.empty()) {
            std::cerr << "admit-kiosk: watchdog: every thread is making progress again\n";
            notify_("STATUS=Running");
        } else {
            // systemd restarts the kiosk once WatchdogSec passes without a ping.
            std::string what = describeStalls(stalls);
            std::cerr << "admit-kiosk: watchdog: " << what << "; no longer telling systemd "
                      << "the kiosk is alive\n";
            notify_("STATUS=Not responding: " + what);
        }
        reported_ = which;
    }
    if (!stalls.empty()) return false;
    notify_("WATCHDOG=1");
    return true;
}

void WatchdogPinger::run(std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    while (!stop.stop_requested()) {
        tick();
        wake.wait_for(lock, stop, every_, [] { return false; });
    }
}

}  // namespace admit::kiosk::service
