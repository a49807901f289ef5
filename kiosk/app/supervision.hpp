#pragma once
// admit-kiosk under systemd (docs/kiosk.md, "Watchdog"): the liveness monitor every kiosk
// thread beats, the watchdog pinger (when systemd asked for pings) and READY=1 once the kiosk
// can scan. Outside systemd it only watches. Under systemd, stdout is the journal: verdict
// lines leave personal data out there.

#include <memory>
#include <optional>

#include "admit/base/liveness.hpp"
#include "admit/kiosk/kiosk_state.hpp"
#include "admit/kiosk/service_watchdog.hpp"
#include "admit/kiosk/verdict_json.hpp"

namespace admit::kiosk::app {

class Supervision {
  public:
    Supervision();   // starts the pinger thread when $WATCHDOG_USEC asks for pings
    ~Supervision();  // stops the pinger, then STOPPING=1
    Supervision(const Supervision&) = delete;
    Supervision& operator=(const Supervision&) = delete;

    // For KioskOptions::liveness: the core's threads beat heartbeats watched here.
    std::shared_ptr<LivenessMonitor> monitor() const { return monitor_; }
    // UI thread, once every time round its loop (headless or windowed): beats the UI loop's
    // heartbeat, watched from the first call; sends READY=1 the first time `state` is ready.
    void onUiLoop(const KioskState& state);
    // What the verdict lines on stdout may carry: no names or notes when stdout is the journal.
    static PersonalData personalDataOnStdout();

  private:
    std::shared_ptr<LivenessMonitor> monitor_;
    std::shared_ptr<Heartbeat> ui_;
    std::optional<service::WatchdogPinger> pinger_;
    bool readySent_ = false;
};

}  // namespace admit::kiosk::app
