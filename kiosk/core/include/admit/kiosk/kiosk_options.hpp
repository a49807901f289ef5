#pragma once
// How a KioskCore is set up: its replica, the command line's settings for this run, the
// camera, sync, the watchdog and the clock.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "admit/base/liveness.hpp"
#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/sync_backend.hpp"
#include "admit/kiosk/sync_status.hpp"
#include "admit/scan/frame_source.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"

namespace admit::kiosk {

struct KioskOptions {
    KioskDatabaseConfig database;
    // Gate, direction, sound and camera are settings stored in the replica (kiosk_settings.hpp)
    // and changed on the settings screen. A value set here (the command line) wins for this run
    // and is not stored.
    std::optional<std::string> gate;
    std::optional<store::Direction> direction;
    // The event to check tickets for. Unset: the only event in the database if there is exactly
    // one and selectSingleEvent is set (a provisioned replica), else wait for an event code.
    std::optional<std::string> eventId;
    bool selectSingleEvent = true;
    bool dashboardOnly = false;  // read-only dashboard, no scanning
    std::optional<bool> muted;
    std::optional<std::string> camera;  // a device path or index ("0")
    // Scan from the camera the settings name (start() is given no source): `camera`, else the
    // stored one, else the first; opened once the database is open.
    bool cameraFromSettings = false;
    // Opens a camera by device path or index ("" = the first camera). Default: scan::CameraSource.
    std::function<std::unique_ptr<scan::FrameSource>(const std::string& device)> openCamera;
    // A handheld scanner on a serial line (--scanner /dev/ttyACM0): read on a thread of its own
    // (scan::SerialScanner), its codes decided like the camera's.
    std::optional<std::string> scannerDevice;
    std::chrono::milliseconds scannerRetry{1000};  // between attempts to open it while missing
    // Sync (docs/sync.md): rounds on a thread of their own with its own connection to the
    // replica, once it holds a server URL and a device token. Default: the libcurl client
    // (makeSyncClientBackend); tests give a stand-in.
    std::shared_ptr<SyncBackend> syncBackend;
    // How long stop() waits for a sync request in flight before leaving it to its timeout.
    std::chrono::milliseconds syncStopGrace{500};
    // Rounds this often when nothing else asks for one (SyncSchedule::kInterval); a waiting
    // download brings other kiosks' news sooner whenever the server supports it.
    std::chrono::milliseconds syncInterval{SyncSchedule::kInterval};
    std::string deviceName;  // sent when enrolling; default: the host name
    // The systemd watchdog (docs/kiosk.md, "Watchdog"): the database worker, the capture thread
    // and the QR reader beat heartbeats watched here. Optional.
    std::shared_ptr<LivenessMonitor> liveness;
    std::chrono::milliseconds verdictDuration{2000};
    std::chrono::milliseconds statsInterval{5000};
    store::WallClock clock = store::systemTimeMs;
};

}  // namespace admit::kiosk
