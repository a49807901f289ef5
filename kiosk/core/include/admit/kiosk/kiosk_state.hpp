#pragma once
// Everything the screens show. Owned by the UI thread: workers never touch it, they queue changes
// that KioskCore::drain() applies at the start of a frame. Which screen shows is decided by the
// pure navigation step (navigation.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admit/kiosk/camera_devices.hpp"
#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/screen.hpp"
#include "admit/kiosk/search_row.hpp"
#include "admit/kiosk/shown_verdict.hpp"
#include "admit/kiosk/sync_status.hpp"
#include "admit/scan/scanner_state.hpp"
#include "admit/scan/source_status.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/operators.hpp"

namespace admit::kiosk {

struct PinPrompt {
    Screen target = Screen::kSettings;  // where a correct PIN leads
    bool organiserOnly = false;
    std::string message;  // "Wrong PIN", "Locked: try again in 30 s"
};

// The replica failed authentication (damaged or tampered with): the kDamaged screen offers to
// move it aside and start again from the event code (KioskCore::resyncDamagedReplica).
struct ReplicaDamage {
    std::string message;       // "replica is damaged or was tampered with: <file>"
    bool moving = false;       // re-sync asked for, under way
    std::string problem;       // why moving it aside failed, if it did
    bool olderFormat = false;  // not damage: a replica in a format this version cannot read
};

struct KioskState {
    Screen screen = Screen::kSetup;
    Screen screenBeforeVerdict = Screen::kScanning;
    std::string setupStatus;              // what set-up is doing, for the set-up screen
    std::string failure;                  // kFailed: why the kiosk cannot run (shown, not thrown)
    std::optional<ReplicaDamage> damage;  // kDamaged
    std::string resyncedFrom;  // after a re-sync: the name the damaged file was kept under
    // The database is open, the event (if any) and the settings loaded and the scanning
    // pipeline started: the kiosk can scan. Set once; false if the database cannot be opened.
    bool ready = false;

    // Copied from KioskSession, the owner, at every drain() when it changed; the intents that
    // change them update the copy at once (change them through the intents only).
    std::optional<EventSummary> event;
    std::string gate;
    store::Direction direction = store::Direction::kEntry;
    std::optional<store::Operator> signedIn;

    bool muted = false;
    bool dashboardOnly = false;         // --mode dashboard: read-only, no scanning
    std::string cameraDescription;      // the frame source in use ("camera /dev/video0")
    std::string camera;                 // the camera setting in use ("" = the first camera)
    std::vector<CameraDevice> cameras;  // listCameras(): what the settings screen offers
    bool camerasListed = false;
    std::string settingsMessage;  // why a setting was refused or not saved
    bool settingsLoaded = false;  // the stored settings were read (after the database opened)

    std::string deviceId;  // this kiosk's id in check-in records (once the database is open)
    SyncView sync;         // read from the replica after each sync round (sync_status.hpp)
    std::int64_t pendingUploads = 0;
    scan::SourceState source;
    std::optional<scan::ScannerState> scanner;  // the serial scanner, when there is one

    std::optional<ShownVerdict> verdict;  // the latest, shown on kVerdict
    std::uint64_t verdictCount = 0;
    std::string notice;  // a transient line under the status bar ("Check-in undone: ...")

    std::string searchQuery;
    std::vector<SearchRow> searchResults;  // each with the action this kiosk may take

    PinPrompt pin;
    std::vector<store::Operator> operators;     // names for the PIN screen (never PINs)
    std::optional<EventSummary> pendingSwitch;  // an event code waiting for an organiser

    std::optional<store::AttendanceStats> stats;
    std::optional<store::CheckIn> lastUndone;
};

}  // namespace admit::kiosk
