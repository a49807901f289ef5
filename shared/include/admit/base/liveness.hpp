#pragma once
// Which threads are still making progress. Each watched thread beats its Heartbeat every time
// round its loop; a supervisor (the kiosk's systemd watchdog pinger) asks the monitor which
// threads have been silent for longer than their limit, and stops telling systemd the program
// is alive while any has.
//
//   LivenessMonitor monitor;
//   auto heartbeat = monitor.watch("capture", std::chrono::seconds(20));   // owner thread keeps it
//   while (running) { heartbeat->beat(); ... }                            // owner thread
//   heartbeat->rest();                          // ended normally: no longer expected to beat
//   monitor.stalled();                          // any thread: those silent for too long
//
// A heartbeat is watched while its owner holds it: when the last shared_ptr goes (a capture
// thread replaced by another camera's), the monitor forgets it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace admit {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

class Heartbeat {
  public:
    Heartbeat(std::string name, std::chrono::milliseconds limit, SteadyNow now);
    Heartbeat(const Heartbeat&) = delete;
    Heartbeat& operator=(const Heartbeat&) = delete;

    // ---- the watched thread ----
    // This thread is making progress (lock-free; also wakes it from rest()).
    void beat();
    // This thread has stopped on purpose (its file source ended, it was asked to stop): not
    // stalled, however long it stays silent, until its next beat().
    void rest();

    // ---- any thread ----
    const std::string& name() const { return name_; }
    std::chrono::milliseconds limit() const { return limit_; }
    bool resting() const { return resting_.load(std::memory_order_acquire); }
    // How long since the last beat() (or since it was watched), at `now`.
    std::chrono::milliseconds silentFor(std::chrono::steady_clock::time_point now) const;

  private:
    std::string name_;
    std::chrono::milliseconds limit_;
    SteadyNow now_;
    std::atomic<std::int64_t> lastBeatNs_;  // steady_clock time since its epoch
    std::atomic<bool> resting_{false};
};

struct Stall {
    std::string name;
    std::chrono::milliseconds silentFor;
    std::chrono::milliseconds limit;
};

class LivenessMonitor {
  public:
    explicit LivenessMonitor(SteadyNow now = std::chrono::steady_clock::now);

    // Any thread. Watches a thread that must beat at least every `limit`; it counts as having
    // beaten now.
    std::shared_ptr<Heartbeat> watch(std::string name, std::chrono::milliseconds limit);
    // Any thread. The watched threads silent for longer than their limit (none: all alive),
    // in the order they were watched. Forgets heartbeats whose owners let go of them.
    std::vector<Stall> stalled();
    // Any thread. The names of the heartbeats watched now (resting ones included).
    std::vector<std::string> watched();

  private:
    SteadyNow now_;
    std::mutex mutex_;
    std::vector<std::weak_ptr<Heartbeat>> heartbeats_;
};

// "capture thread silent for 21 s (limit 20 s), database worker silent for ..."
std::string describeStalls(const std::vector<Stall>& stalls);

}  // namespace admit
