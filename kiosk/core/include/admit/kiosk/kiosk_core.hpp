#pragma once
// The kiosk without its UI. Owns the database (on a worker thread), the check-in engine and the
// scanning pipeline. Screens (or the headless loop) call drain() at the start of each frame,
// read state() and call the intent functions; nothing here blocks the calling thread.
//
//   KioskCore core(options);
//   core.start(std::make_unique<scan::ImageFolderSource>(...));
//   while (running) { core.waitForWork(timeout); auto news = core.drain(); ... core.state() }
//
// Threads (docs/kiosk.md, "Threads"): every public member is called on the UI thread unless it
// says "any thread". Inside (src/), work is handed over with runOnWorker / runOnUi, and a
// function that must run on one thread says so at the end of its name: ...OnUi, ...OnWorker,
// ...OnSyncThread, ...OnForwardThread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admit/base/liveness.hpp"
#include "admit/base/result.hpp"
#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_options.hpp"
#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/kiosk_state.hpp"
#include "admit/kiosk/sync_backend.hpp"
#include "admit/rules/checkin_error.hpp"
#include "admit/rules/verdict.hpp"
#include "admit/scan/debouncer.hpp"
#include "admit/scan/frame.hpp"
#include "admit/scan/frame_source.hpp"
#include "admit/scan/scan_event.hpp"
#include "admit/store/clock.hpp"

namespace admit::scan {
class ScanPipeline;
class SerialScanner;
struct PipelineOptions;
}  // namespace admit::scan

namespace admit::kiosk {

class SyncRunner;
class StatsThread;
struct SyncSink;
struct SetupCode;
struct ReplicaHandles;
class ThreadQueues;
class SettingsController;
class DamageController;
class EventSetupController;

struct DrainResult {
    bool changed = false;
    std::vector<ShownVerdict> verdicts;        // new verdicts since the last drain, oldest first
    std::vector<SyncRoundOutcome> syncRounds;  // sync rounds finished since the last drain
};

class KioskCore {
  public:
    explicit KioskCore(KioskOptions options);
    ~KioskCore();  // stops the pipeline and joins every thread
    KioskCore(const KioskCore&) = delete;
    KioskCore& operator=(const KioskCore&) = delete;

    // Called from worker threads whenever something was queued for drain() (the UI wakes its
    // event loop with it, e.g. glfwPostEmptyEvent). Set before start().
    void setWakeCallback(std::function<void()> wake);
    // Opens the database on the worker and starts scanning `source` (may be null: no camera).
    void start(std::unique_ptr<scan::FrameSource> source);
    void stop();

    // ---- UI thread ----
    // Applies everything the workers queued; expires the verdict screen.
    DrainResult drain();
    const KioskState& state() const { return state_; }
    // Waits until something is queued for drain() or `timeout` passes (the headless loop).
    void waitForWork(std::chrono::milliseconds timeout);
    // True once a file source has ended, every read was decided and drained, and sync has
    // nothing urgent left: no enrolment under way, and a round has tried to upload every
    // check-in recorded (when the kiosk is enrolled).
    bool finished() const;

    // The newest camera frame and the guide rectangle, for the preview (any thread).
    std::optional<scan::Frame> latestFrame() const;
    std::optional<cv::Rect> guideRect(cv::Size frame) const;

    // ---- intents (UI thread; the work happens on the worker) ----
    void submitCode(std::string text);  // as if scanned, never dropped as a repeat (tests)
    // A handheld scanner's read (keyboard wedge or serial line), any thread: decided like a
    // camera's, and like those dropped when the same code was read (by any reader) less than
    // the debounce's forgetAfter ago.
    void submitHandheldRead(std::string code);
    void dismissVerdict();
    void openScreen(Screen screen);  // kSearch, kScanning; PIN-protected ones via askPin
    void askPin(Screen target);      // kSettings (anyone) or kDashboard (organisers)
    void enterPin(std::string name, std::string pin);
    void signOut();
    // The search and the dashboard's figures run on the statistics thread, never on the worker
    // that decides verdicts.
    void search(std::string query);
    // A search result's action: an entry (checkIn) or an exit (markExit, whatever this kiosk's
    // direction) for the attendee, decided by the engine like a scan.
    void checkIn(std::int64_t attendeeId);
    void markExit(std::int64_t attendeeId);
    void undoLast();  // organiser, on the dashboard
    void refreshStats();
    // Settings: applied at once and stored in the database (kiosk_settings.hpp). A gate name
    // that normaliseGateName refuses is not applied: false, and state().settingsMessage says why.
    bool setGate(std::string gate);
    void setDirection(store::Direction direction);
    void setMuted(bool muted);
    // Lists the V4L2 cameras into state().cameras (on the worker: the listing may be slow).
    void listCameras();
    // Scans from this camera from now on (the capture source is restarted, not the app).
    void setCamera(std::string device);
    // kDamaged: moves the damaged replica aside (renamed with a timestamp, never deleted: it
    // may hold check-ins not uploaded yet), creates a fresh one and waits for the event code.
    void resyncDamagedReplica();

  private:
    // ---- database worker ----
    void openOnWorker(ReplicaHandles& replica);
    void adoptOnWorker(ReplicaHandles& replica, SQLite::Database db);
    void handleCodeOnWorker(ReplicaHandles& replica, const std::string& text, std::int64_t nowMs);
    void publishVerdictOnWorker(ShownVerdict verdict);
    // The engine's verdict on a scan or a search check-in ("scan"/"search"), or its storage
    // failure; an accepted one also tells the sync thread there is one to upload.
    void publishEngineVerdictOnWorker(ReplicaHandles& replica,
                                      const Result<rules::Verdict, rules::CheckInError>& verdict,
                                      std::int64_t nowMs, const std::string& via);
    void publishPendingOnWorker(ReplicaHandles& replica);
    void jobFailedOnWorker(ReplicaHandles& replica, const std::exception& e);
    void undoLastOnWorker(ReplicaHandles& replica);
    // checkIn and markExit (UI thread): the engine's decision on the worker, in `direction`
    // (unset: the kiosk's).
    void recordForAttendee(std::int64_t attendeeId, std::optional<store::Direction> direction);

    // ---- forward thread: debounced scan events to worker jobs ----
    void forwardOnForwardThread(std::stop_token stop);
    void postScan(scan::ScanEvent event);  // any thread
    // Whether to decide this read: false for a repeat within the debounce time.
    bool freshReadOnWorker(const std::string& code);

    // ---- UI thread ----
    void showSessionOnUi();  // copies the session into state_ when it changed
    // Stops the pipeline and starts a new one on `source` (null: none).
    void replaceSourceOnUi(std::unique_ptr<scan::FrameSource> source);
    // The camera chosen (setCamera) or named by the stored settings, if not started yet.
    void startDueCameraOnUi();
    void stopPipelineOnUi();
    // A new pipeline's options: its two threads watched by options_.liveness.
    scan::PipelineOptions pipelineOptions() const;

    // ---- any thread: the dashboard's figures, read on the statistics thread ----
    void refreshFigures();

    // ---- sync thread: its news, handed to the worker and the UI ----
    SyncSink makeSyncSink();

    KioskOptions options_;
    std::shared_ptr<KioskSession> session_;  // event, gate, direction, operator: the owner
    std::unique_ptr<ThreadQueues> queues_;
    std::shared_ptr<SyncRunner> sync_;
    std::unique_ptr<StatsThread> stats_;           // the dashboard's figures and the search
    std::atomic<std::uint64_t> searchesAsked_{0};  // bumped by each search(): the newest wins
    std::unique_ptr<SettingsController> settings_;
    std::unique_ptr<DamageController> damage_;
    std::unique_ptr<EventSetupController> eventSetup_;

    // UI thread only.
    KioskState state_;
    std::uint64_t shownSessionVersion_ = 0;
    std::chrono::steady_clock::time_point verdictUntil_{};
    std::chrono::steady_clock::time_point nextStats_{};
    std::optional<std::string> cameraDue_;  // chosen or stored, not started yet
    std::unique_ptr<scan::ScanPipeline> pipeline_;
    std::jthread forwardThread_;
    std::unique_ptr<scan::SerialScanner> serialScanner_;  // its own thread; null without one

    // Database worker only.
    std::uint64_t verdictSequence_ = 0;
    // The pipeline's scan event being decided (for the verdict's timing), while it is handled.
    std::optional<scan::ScanEvent> scanning_;
    // Every reader's codes, recent ones: a handheld read of one of them is a repeat.
    scan::Debouncer recentReads_;
};

}  // namespace admit::kiosk
