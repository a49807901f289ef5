#pragma once
// The kiosk and systemd (docs/kiosk.md, "Watchdog"): READY=1 once it can scan, and WATCHDOG=1
// only while every watched thread (UI loop, database worker, capture thread, QR reader) is
// making progress, so that a hung kiosk is restarted. The unit runs cage as its main process
// and the kiosk as cage's child, hence NotifyAccess=all.
//
//   auto every = watchdogPingInterval(readWatchdogEnvironment());
//   WatchdogPinger pinger(monitor, notifyServiceManager, *every);   // when `every` is set
//   pinger.start();                                                  // the pinger thread

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "admit/base/liveness.hpp"

namespace admit::kiosk::service {

// Any thread. Sends one notification ("READY=1", "WATCHDOG=1", "STATUS=...") to the service
// manager on $NOTIFY_SOCKET. False when there is none (not started by systemd) or it failed.
bool notifyServiceManager(const std::string& state);

using Notify = std::function<bool(const std::string& state)>;

struct WatchdogEnvironment {
    std::optional<std::string> usec;  // $WATCHDOG_USEC
    std::optional<std::string> pid;   // $WATCHDOG_PID
    pid_t self = 0;
    pid_t parent = 0;
};
WatchdogEnvironment readWatchdogEnvironment();

// How often to send WATCHDOG=1: a quarter of WATCHDOG_USEC. None when the service manager asked
// for no pings, or asked another process: WATCHDOG_PID, when set, must be this process or its
// parent (the unit's main process is cage, which systemd names there; cage runs the kiosk).
std::optional<std::chrono::milliseconds> watchdogPingInterval(const WatchdogEnvironment& env);

class WatchdogPinger {
  public:
    WatchdogPinger(std::shared_ptr<LivenessMonitor> monitor, Notify notify,
                   std::chrono::milliseconds every);
    ~WatchdogPinger();  // stops and joins the pinger thread
    WatchdogPinger(const WatchdogPinger&) = delete;
    WatchdogPinger& operator=(const WatchdogPinger&) = delete;

    // Starts the pinger thread: tick() at once, then every `every`.
    void start();
    void stop();

    // Pinger thread (tests call it directly). Sends WATCHDOG=1 when no watched thread has
    // stalled and returns true; otherwise sends nothing but, when the set of stalled threads
    // changes, a STATUS= naming them (and the same on stderr, which the journal keeps), and
    // returns false. A recovery is reported once too.
    bool tick();

  private:
    void run(std::stop_token stop);

    std::shared_ptr<LivenessMonitor> monitor_;
    Notify notify_;
    std::chrono::milliseconds every_;
    std::string reported_;  // pinger thread: the stalled threads last reported ("" none)
    std::jthread thread_;
};

}  // namespace admit::kiosk::service
