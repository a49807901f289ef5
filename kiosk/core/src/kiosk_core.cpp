#include "admit/kiosk/kiosk_core.hpp"

#include <unistd.h>

#include <array>
#include <exception>
#include <utility>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/setup_code.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/scan/camera_source.hpp"
#include "admit/scan/scan_pipeline.hpp"
#include "admit/store/deferred_checkpoints.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/ticket/event_setup.hpp"
#include "sync_runner.hpp"

namespace admit::kiosk {

// How long each watched thread may go without progress before the kiosk stops telling systemd
// it is alive (docs/kiosk.md, "Watchdog"). The worker: a commit may wait 5 s for the busy
// timeout, then fsync on slow flash; the capture thread: OpenCV gives up on a camera that
// delivers nothing after 10 s, and reopening one takes a few more.
constexpr std::chrono::seconds kWorkerLimit{20};
constexpr std::chrono::seconds kCaptureLimit{20};
constexpr std::chrono::seconds kReaderLimit{10};
// An idle worker wakes this often to beat its heartbeat.
constexpr std::chrono::seconds kWorkerIdleBeat{1};

// Lives on the worker thread only: the database and everything that uses it.
struct KioskCore::Worker {
    std::optional<SQLite::Database> db;
    // Checkpoints run when the queue is empty, never inside the commit a verdict waits for.
    std::optional<store::DeferredCheckpoints> checkpoints;
    std::optional<rules::CheckInEngine> engine;
    std::optional<store::HybridLogicalClock> clock;
    std::optional<store::Outbox> outbox;  // kept: its count is read after every verdict
    std::optional<EventSummary> event;
    std::string gate;
    store::Direction direction = store::Direction::kEntry;
    std::optional<store::Operator> signedIn;
    std::string pendingSetupText;
    bool settingsLoaded = false;  // gate and direction came from the replica (or defaults)
    // The pipeline's scan event being decided (for the verdict's timing), while handleCode runs.
    std::optional<scan::ScanEvent> scanning;

    rules::ScanContext context(std::int64_t nowMs) const {
        return {event ? event->id : std::string(), gate, direction,
                signedIn ? signedIn->name : std::string(), nowMs};
    }
    bool organiser() const { return signedIn && signedIn->role == store::Role::kOrganiser; }
};

namespace {

ShownVerdict fromVerdict(const rules::Verdict& verdict, std::int64_t nowMs, std::string via) {
    ShownVerdict shown;
    shown.accepted = verdict.accepted;
    shown.direction = verdict.direction;
    shown.ticketRef = verdict.ticketRef;
    shown.name = verdict.attendee ? verdict.attendee->name : std::string();
    shown.ticketType = verdict.ticketTypeName;
    shown.note = verdict.attentionNote;
    shown.detail = verdict.detail;
    shown.atMs = nowMs;
    shown.via = std::move(via);
    if (verdict.accepted) {
        shown.code = "accepted";
        shown.kind = verdict.needsAttention() ? VerdictKind::kAttention : VerdictKind::kAccepted;
        shown.headline = verdict.needsAttention()                       ? text::kSeeVolunteer
                         : verdict.direction == store::Direction::kExit ? text::kGoodbye
                                                                        : text::kWelcome;
        if (shown.name.empty()) shown.name = text::kNoName;
    } else {
        shown.code = verdict.denial ? std::string(rules::denialCode(*verdict.denial)) : "denied";
        shown.kind = VerdictKind::kDenied;
        shown.headline = text::kNotAdmitted;
        shown.reason = text::denialReason(verdict);
    }
    return shown;
}

// "" = the first camera, "2" = /dev/video2, else a device path.
std::unique_ptr<scan::FrameSource> openCameraDevice(const std::string& device) {
    scan::CameraOptions camera;
    bool index = !device.empty() && device.size() < 4 &&
                 device.find_first_not_of("0123456789") == std::string::npos;
    if (index) {
        camera.device = std::stoi(device);
    } else if (!device.empty()) {
        camera.device = device;
    }
    return std::make_unique<scan::CameraSource>(camera);
}

ShownVerdict message(VerdictKind kind, std::string code, std::string headline, std::string reason,
                     std::int64_t nowMs) {
    ShownVerdict shown;
    shown.kind = kind;
    shown.code = std::move(code);
    shown.headline = std::move(headline);
    shown.reason = std::move(reason);
    shown.atMs = nowMs;
    return shown;
}

// "Not saved, try again", with what failed.
ShownVerdict storageError(std::string detail, std::int64_t nowMs) {
    auto shown = message(VerdictKind::kError, "storage_error", text::kTryAgain,
                         text::storageFailure(), nowMs);
    shown.detail = std::move(detail);
    return shown;
}

std::string hostName() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "kiosk";
    return name.data();
}

}  // namespace

KioskCore::KioskCore(KioskOptions options) : options_(std::move(options)) {
    if (!options_.openCamera) options_.openCamera = openCameraDevice;
    if (!options_.syncBackend) options_.syncBackend = makeSyncClientBackend();
    if (options_.deviceName.empty()) options_.deviceName = hostName();
    // Until the stored settings are read: the command line's, else the defaults.
    KioskSettings shown = applyOverrides(KioskSettings{}, overrides());
    state_.gate = shown.gate;
    state_.direction = shown.direction;
    state_.muted = shown.muted;
    state_.camera = shown.camera;
    state_.dashboardOnly = options_.dashboardOnly;
    state_.setupStatus = text::kSetupOpening;
}

KioskCore::~KioskCore() { stop(); }

void KioskCore::setWakeCallback(std::function<void()> wake) { wake_ = std::move(wake); }

void KioskCore::start(std::unique_ptr<scan::FrameSource> source) {
    worker_ = std::make_unique<Worker>();
    if (options_.cameraFromSettings && !options_.dashboardOnly) {
        // The camera opens once the settings are read (loadSettings).
    } else if (source && !options_.dashboardOnly) {
        state_.cameraDescription = source->describe();
        pipeline_ = std::make_unique<scan::ScanPipeline>(std::move(source), pipelineOptions());
    } else {
        sourceDone_ = true;
    }
    if (options_.liveness)
        workerHeartbeat_ = options_.liveness->watch("database worker", kWorkerLimit);
    // The read-only dashboard syncs too: its counts are only live with the other devices'
    // check-ins. It records none, so its rounds only download.
    sync_ = std::make_shared<SyncRunner>(options_.syncBackend, options_.database, options_.clock);
    sync_->start(makeSyncSink());
    workerThread_ = std::jthread([this](std::stop_token stop) { workerLoop(stop); });

    post([this](Worker& w) {
        std::int64_t now = options_.clock();
        auto opened = openKioskDatabase(options_.database);
        if (!opened) {
            if (opened.error().resyncable()) {
                reportDamage(w, opened.error());
                return;
            }
            std::string why = opened.error().message;
            publish([why](KioskState& s, DrainResult&) {
                s.screen = Screen::kFailed;
                s.failure = text::cannotOpenDatabase() + ": " + why;
            });
            return;
        }
        adoptDatabase(w, std::move(opened).value());
        store::Events events(*w.db);
        if (options_.eventId) {
            if (auto info = events.find(*options_.eventId))
                w.event = EventSummary{info->id, info->name};
        } else if (options_.selectSingleEvent) {
            auto all = events.list();
            if (all.size() == 1) w.event = EventSummary{all.front().id, all.front().name};
        }
        auto operators = store::Operators(*w.db).list();
        auto event = w.event;
        bool dashboard = options_.dashboardOnly;
        publish([event, operators, dashboard](KioskState& s, DrainResult&) {
            s.event = event;
            s.operators = operators;
            if (dashboard) {
                s.screen = Screen::kDashboard;
                if (!event) s.setupStatus = text::dashboardOnlyNoEvent();
            } else {
                s.screen = event ? Screen::kScanning : Screen::kSetup;
                s.setupStatus = text::kSetupWaiting;
            }
        });
        loadSettings(w);
        // After the settings' change, which starts the camera they name: the kiosk can scan.
        publish([](KioskState& s, DrainResult&) { s.ready = true; });
        publishStatus(w);
        syncContextChanged(w);
        if (sync_) sync_->databaseReady();
        (void)now;
    });
    if (options_.dashboardOnly) refreshStats();

    if (pipeline_) {
        pipeline_->start();
        forwardThread_ = std::jthread([this](std::stop_token stop) { forwardLoop(stop); });
    }
}

void KioskCore::stop() {
    if (forwardThread_.joinable()) {
        forwardThread_.request_stop();
        forwardThread_.join();
    }
    if (pipeline_) pipeline_->stop();
    // Before the worker: a worker job waiting for the sync thread (re-sync) is released.
    if (sync_) sync_->stop(options_.syncStopGrace);
    if (workerThread_.joinable()) {
        workerThread_.request_stop();
        changed_.notify_all();
        workerThread_.join();
    }
}

void KioskCore::post(Job job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
        ++jobsInFlight_;
    }
    changed_.notify_all();
}

void KioskCore::publish(Change change) {
    {
        std::lock_guard lock(mutex_);
        changes_.push_back(std::move(change));
    }
    changed_.notify_all();
    if (wake_) wake_();
}

void KioskCore::workerLoop(std::stop_token stop) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            // Idle, it still beats (a stuck job is what stops the beats).
            while (jobs_.empty()) {
                if (workerHeartbeat_) workerHeartbeat_->beat();
                changed_.wait_for(lock, stop, kWorkerIdleBeat, [this] { return !jobs_.empty(); });
                if (stop.stop_requested() && jobs_.empty()) {
                    if (workerHeartbeat_) workerHeartbeat_->rest();
                    return;
                }
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job(*worker_);
        } catch (const SQLite::Exception& e) {
            // A storage exception outside the engine (stats, search, operators): tell, don't die.
            auto damage =
                worker_->db ? replica::replicaFailure(e, *worker_->db) : replica::replicaFailure(e);
            std::string why = damage ? damage->message : std::string(e.what());
            publishVerdict(storageError(why, options_.clock()));
            if (damage) reportDamage(*worker_, {KioskDatabaseError::Kind::kDamaged, why});
        } catch (const std::exception& e) {
            publishVerdict(storageError(e.what(), options_.clock()));
        }
        bool queueEmpty = false;
        {
            std::lock_guard lock(mutex_);
            queueEmpty = jobs_.empty();
        }
        if (queueEmpty && worker_->checkpoints) {
            // A failed checkpoint loses nothing (the pages stay in the WAL) and is tried again
            // after the next job; a damaged replica is reported by that job itself.
            (void)worker_->checkpoints->runIfDue();
        }
        if (workerHeartbeat_) workerHeartbeat_->beat();
        {
            std::lock_guard lock(mutex_);
            --jobsInFlight_;
        }
        changed_.notify_all();
    }
}

void KioskCore::forwardLoop(std::stop_token stop) {
    scan::SourceState last;
    while (!stop.stop_requested()) {
        auto state = pipeline_->sourceState();
        if (state.status != last.status || state.detail != last.detail) {
            last = state;
            publish([state](KioskState& s, DrainResult&) { s.source = state; });
        }
        if (auto event = pipeline_->waitEvent(std::chrono::milliseconds(100))) {
            postScan(std::move(*event));
            continue;
        }
        if (pipeline_->finished()) {
            for (auto& event : pipeline_->takeEvents()) postScan(std::move(event));
            auto final = pipeline_->sourceState();
            publish([final](KioskState& s, DrainResult&) { s.source = final; });
            {
                std::lock_guard lock(mutex_);
                sourceDone_ = true;
            }
            changed_.notify_all();
            if (wake_) wake_();
            return;
        }
    }
}

void KioskCore::postScan(scan::ScanEvent event) {
    post([this, event = std::move(event)](Worker& w) {
        struct Forget {  // also when handleCode throws
            Worker& worker;
            ~Forget() { worker.scanning.reset(); }
        } forget{w};
        w.scanning = event;
        handleCode(w, event.code.text, options_.clock());
    });
}

void KioskCore::publishVerdict(ShownVerdict verdict) {
    verdict.sequence = ++verdictSequence_;
    verdict.decidedAt = std::chrono::steady_clock::now();
    if (worker_ && worker_->scanning) {  // worker thread: the only caller
        verdict.frameCaptured = worker_->scanning->frameCaptured;
        verdict.readDuration = worker_->scanning->readDuration;
    }
    publish([this, verdict](KioskState& s, DrainResult& result) {
        s.verdict = verdict;
        s.verdictCount = verdict.sequence;
        if (s.screen != Screen::kVerdict) s.screenBeforeVerdict = s.screen;
        // A verdict interrupts scanning only; on the search screen it also shows.
        if (s.screenBeforeVerdict == Screen::kSetup && s.event) {
            s.screenBeforeVerdict = Screen::kScanning;
        }
        if (s.screen != Screen::kDashboard && s.screen != Screen::kSettings &&
            s.screen != Screen::kPin && s.screen != Screen::kDamaged) {
            s.screen = Screen::kVerdict;
        }
        verdictUntil_ = std::chrono::steady_clock::now() + options_.verdictDuration;
        result.verdicts.push_back(verdict);
    });
}

void KioskCore::publishStatus(Worker& w) {
    if (!w.outbox) return;
    std::int64_t pending = w.outbox->pendingCount();
    publish([pending](KioskState& s, DrainResult&) { s.pendingUploads = pending; });
}

void KioskCore::handleCode(Worker& w, const std::string& code, std::int64_t nowMs) {
    if (!w.db) return;
    if (ticket::looksLikeEventSetup(code)) {
        auto peek = readSetupCode(code);
        if (!peek) {
            publishVerdict(message(VerdictKind::kInfo, "setup_code_invalid", text::kNotice,
                                   peek.error().message, nowMs));
            return;
        }
        // An online code for the kiosk's own event enrols again (a new device token; the
        // replica and its outbox stay).
        if (w.event && w.event->id == peek->eventId && !peek->online) {
            publishVerdict(message(VerdictKind::kInfo, "already_set_up", text::kNotice,
                                   text::alreadySetUp(w.event->name), nowMs));
            return;
        }
        if (w.event && w.event->id != peek->eventId && !w.organiser()) {
            w.pendingSetupText = code;
            std::string name = peek->online
                                   ? text::eventAtServer(serverDisplayName(peek->serverUrl))
                                   : peek->eventName;
            peek->eventName = name;
            EventSummary pending{peek->eventId, name};
            publish([pending](KioskState& s, DrainResult&) { s.pendingSwitch = pending; });
            publishVerdict(message(VerdictKind::kAttention, "switch_needs_organiser",
                                   text::kSeeVolunteer, text::switchNeedsOrganiser(peek->eventName),
                                   nowMs));
            return;
        }
        if (peek->online) {
            startEnrolment(w, *peek, nowMs);
            return;
        }
        publish([](KioskState& s, DrainResult&) { s.setupStatus = text::kSetupApplying; });
        auto applied = applySetupCode(*w.db, code, nowMs);
        if (!applied) {
            publishVerdict(message(VerdictKind::kError, "setup_failed", text::kNotice,
                                   applied.error().message, nowMs));
            return;
        }
        switchToEvent(w, EventSummary{applied->eventId, applied->eventName});
        auto shown = message(VerdictKind::kSetup, "event_setup", text::kSetUpFor,
                             text::setupDone(applied->eventName), nowMs);
        shown.name = applied->eventName;
        publishStatus(w);
        publishVerdict(shown);
        return;
    }
    if (!w.event) {
        publishVerdict(message(VerdictKind::kInfo, "no_event", text::kNotice,
                               text::scanEventCodeFirst(), nowMs));
        return;
    }
    publishEngineVerdict(w, w.engine->scan(code, w.context(nowMs)), nowMs, "scan");
}

void KioskCore::publishEngineVerdict(Worker& w,
                                     const Result<rules::Verdict, rules::CheckInError>& verdict,
                                     std::int64_t nowMs, const std::string& via) {
    if (!verdict) {
        auto shown = storageError(verdict.error().message, nowMs);
        shown.via = via;
        publishVerdict(shown);
        if (verdict.error().kind == rules::CheckInError::Kind::kDamaged) {
            reportDamage(w, {KioskDatabaseError::Kind::kDamaged, shown.detail});
        }
        return;
    }
    if (verdict->accepted && sync_) sync_->checkInRecorded();
    publishStatus(w);
    publishVerdict(fromVerdict(*verdict, nowMs, via));
}

DrainResult KioskCore::drain() {
    std::deque<Change> changes;
    {
        std::lock_guard lock(mutex_);
        changes.swap(changes_);
    }
    DrainResult result;
    result.changed = !changes.empty();
    for (auto& change : changes) change(state_, result);
    auto now = std::chrono::steady_clock::now();
    if (state_.screen == Screen::kVerdict && now >= verdictUntil_) {
        state_.screen = state_.screenBeforeVerdict;
        result.changed = true;
    }
    if (state_.screen == Screen::kDashboard && now >= nextStats_) {
        nextStats_ = now + options_.statsInterval;
        refreshStats();
    }
    return result;
}

void KioskCore::waitForWork(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] {
        return !changes_.empty() ||
               (sourceDone_ && jobsInFlight_ == 0 && !(sync_ && sync_->busy()));
    });
}

bool KioskCore::finished() const {
    std::lock_guard lock(mutex_);
    return sourceDone_ && jobsInFlight_ == 0 && changes_.empty() && !(sync_ && sync_->busy());
}

std::optional<scan::Frame> KioskCore::latestFrame() const {
    if (!pipeline_) return std::nullopt;
    return pipeline_->latestFrame();
}

std::optional<cv::Rect> KioskCore::guideRect(cv::Size frame) const {
    if (!pipeline_) return std::nullopt;
    return pipeline_->guideRect(frame);
}

void KioskCore::submitCode(std::string code) {
    post([this, code = std::move(code)](Worker& w) { handleCode(w, code, options_.clock()); });
}

void KioskCore::dismissVerdict() {
    if (state_.screen == Screen::kVerdict) state_.screen = state_.screenBeforeVerdict;
}

void KioskCore::openScreen(Screen screen) {
    switch (screen) {
        case Screen::kSearch:
        case Screen::kScanning:
        case Screen::kSetup:
            if (state_.dashboardOnly) return;
            state_.screen = screen;
            state_.notice.clear();
            if (screen == Screen::kSearch) {
                state_.searchQuery.clear();
                state_.searchResults.clear();
            }
            return;
        case Screen::kDashboard:
        case Screen::kSettings:
            askPin(screen);
            return;
        default:
            return;
    }
}

void KioskCore::askPin(Screen target) {
    bool organiserOnly = target == Screen::kDashboard;
    if (state_.signedIn && (!organiserOnly || state_.signedIn->role == store::Role::kOrganiser)) {
        state_.screen = target;
        if (target == Screen::kDashboard) refreshStats();
        return;
    }
    state_.pin = PinPrompt{target, organiserOnly, {}};
    state_.screen = Screen::kPin;
}

void KioskCore::enterPin(std::string name, std::string pin) {
    PinPrompt prompt = state_.pin;
    post([this, name = std::move(name), pin = std::move(pin), prompt](Worker& w) mutable {
        if (!w.db) return;
        auto who = store::Operators(*w.db).authenticate(name, pin, options_.clock());
        std::fill(pin.begin(), pin.end(), '\0');
        if (!who) {
            std::string why = who.error().failure == store::PinFailure::kLockedOut
                                  ? text::lockedOut(who.error().retryAfterMs)
                              : who.error().failure == store::PinFailure::kUnknownOperator
                                  ? std::string(text::kUnknownOperator)
                                  : std::string(text::kWrongPin);
            publish([why](KioskState& s, DrainResult&) { s.pin.message = why; });
            return;
        }
        if (prompt.organiserOnly && who->role != store::Role::kOrganiser) {
            publish([](KioskState& s, DrainResult&) { s.pin.message = text::kNotOrganiser; });
            return;
        }
        w.signedIn = *who;
        auto op = *who;
        publish([op, prompt](KioskState& s, DrainResult&) {
            s.signedIn = op;
            s.pin.message.clear();
            s.screen = prompt.target;
        });
        if (!w.pendingSetupText.empty() && w.organiser()) {
            std::string code = std::move(w.pendingSetupText);
            w.pendingSetupText.clear();
            handleCode(w, code, options_.clock());
        }
    });
    if (prompt.target == Screen::kDashboard) refreshStats();
}

void KioskCore::signOut() {
    state_.signedIn.reset();
    if (!state_.dashboardOnly) state_.screen = state_.event ? Screen::kScanning : Screen::kSetup;
    post([](Worker& w) { w.signedIn.reset(); });
}

void KioskCore::search(std::string query) {
    state_.searchQuery = query;
    post([this, query = std::move(query)](Worker& w) {
        if (!w.db || !w.event) return;
        auto found = query.empty() ? std::vector<store::Attendee>{}
                                   : store::Attendees(*w.db).search(w.event->id, query, 20);
        publish([query, found](KioskState& s, DrainResult&) {
            if (s.searchQuery == query) s.searchResults = found;
        });
    });
}

void KioskCore::checkIn(std::int64_t attendeeId) {
    post([this, attendeeId](Worker& w) {
        if (!w.db || !w.event) return;
        std::int64_t now = options_.clock();
        publishEngineVerdict(w, w.engine->checkInAttendee(attendeeId, w.context(now)), now,
                             "search");
    });
}

void KioskCore::undoLast() {
    if (state_.dashboardOnly) return;
    post([this](Worker& w) {
        if (!w.db || !w.event || !w.organiser()) return;
        auto undone = w.engine->undoLast(w.context(options_.clock()));
        std::string notice;
        std::optional<store::CheckIn> record;
        if (!undone) {
            switch (undone.error().kind) {
                case rules::CheckInError::Kind::kNothingToUndo:
                    notice = text::nothingToUndo();
                    break;
                case rules::CheckInError::Kind::kDamaged:
                    reportDamage(w, {KioskDatabaseError::Kind::kDamaged, undone.error().message});
                    notice = text::undoFailed(undone.error().message);
                    break;
                case rules::CheckInError::Kind::kNotFound:
                case rules::CheckInError::Kind::kStorage:
                    notice = text::undoFailed(undone.error().message);
                    break;
            }
        } else {
            record = *undone;
            std::string who = undone->ticketRef;
            if (undone->attendeeId) {
                if (auto a = store::Attendees(*w.db).find(*undone->attendeeId)) who = a->name;
            }
            notice = text::undone(who);
            if (sync_) sync_->checkInRecorded();  // the annulment waits for upload too
        }
        publish([notice, record](KioskState& s, DrainResult&) {
            s.notice = notice;
            if (record) s.lastUndone = record;
        });
        publishStatus(w);
    });
    refreshStats();
}

void KioskCore::refreshStats() {
    post([this](Worker& w) {
        if (!w.db || !w.event) return;
        auto stats = store::CheckInLog(*w.db, *w.clock).stats(w.event->id);
        publish([stats](KioskState& s, DrainResult&) { s.stats = stats; });
        publishStatus(w);
    });
}

SettingOverrides KioskCore::overrides() const {
    return {options_.gate, options_.direction, options_.muted, options_.camera};
}

void KioskCore::loadSettings(Worker& w) {
    KioskSettings stored;
    std::string message;
    try {
        stored = kiosk::loadSettings(*w.db);
    } catch (const std::exception&) {
        message = text::settingNotSaved();  // unreadable: the defaults, and they may not stick
    }
    KioskSettings settings = applyOverrides(stored, overrides());
    w.gate = settings.gate;
    w.direction = settings.direction;
    w.settingsLoaded = true;
    bool startCamera = options_.cameraFromSettings && !options_.dashboardOnly;
    publish([this, settings, message, startCamera](KioskState& s, DrainResult&) {
        s.gate = settings.gate;
        s.direction = settings.direction;
        s.muted = settings.muted;
        s.camera = settings.camera;
        s.settingsLoaded = true;
        if (!message.empty()) s.settingsMessage = message;
        if (startCamera) replaceSource(options_.openCamera(settings.camera));  // UI thread
    });
}

scan::PipelineOptions KioskCore::pipelineOptions() const {
    scan::PipelineOptions pipeline;
    if (options_.liveness) {
        pipeline.capture.heartbeat = options_.liveness->watch("capture thread", kCaptureLimit);
        pipeline.readerHeartbeat = options_.liveness->watch("QR reader", kReaderLimit);
    }
    return pipeline;
}

void KioskCore::stopPipeline() {
    if (forwardThread_.joinable()) {
        forwardThread_.request_stop();
        forwardThread_.join();
    }
    if (pipeline_) pipeline_->stop();
}

void KioskCore::replaceSource(std::unique_ptr<scan::FrameSource> source) {
    stopPipeline();
    pipeline_.reset();
    {
        std::lock_guard lock(mutex_);
        sourceDone_ = source == nullptr;
    }
    state_.source = {};
    if (!source) {
        state_.cameraDescription.clear();
        return;
    }
    state_.cameraDescription = source->describe();
    pipeline_ = std::make_unique<scan::ScanPipeline>(std::move(source), pipelineOptions());
    pipeline_->start();
    forwardThread_ = std::jthread([this](std::stop_token stop) { forwardLoop(stop); });
}

// Runs `save` on the worker; a database that refuses says so on the settings screen.
void KioskCore::saveSetting(std::function<void(SQLite::Database&)> save) {
    if (options_.dashboardOnly) return;
    post([this, save = std::move(save)](Worker& w) {
        if (!w.db) return;
        try {
            save(*w.db);
        } catch (const std::exception&) {
            publish(
                [](KioskState& s, DrainResult&) { s.settingsMessage = text::settingNotSaved(); });
        }
    });
}

bool KioskCore::setGate(std::string gate) {
    auto valid = normaliseGateName(gate);
    if (!valid) {
        state_.settingsMessage = valid.error().message;
        return false;
    }
    state_.settingsMessage.clear();
    state_.gate = *valid;
    post([this, gate = *valid](Worker& w) {
        w.gate = gate;
        syncContextChanged(w);
    });
    saveSetting([gate = *valid](SQLite::Database& db) { saveGate(db, gate); });
    return true;
}

void KioskCore::setDirection(store::Direction direction) {
    state_.direction = direction;
    post([direction](Worker& w) { w.direction = direction; });
    saveSetting([direction](SQLite::Database& db) { saveDirection(db, direction); });
}

void KioskCore::setMuted(bool muted) {
    state_.muted = muted;
    saveSetting([muted](SQLite::Database& db) { saveMuted(db, muted); });
}

void KioskCore::listCameras() {
    post([this](Worker&) {
        auto found = listCameraDevices();
        publish([found](KioskState& s, DrainResult&) {
            s.cameras = found;
            s.camerasListed = true;
        });
    });
}

void KioskCore::setCamera(std::string device) {
    if (options_.dashboardOnly) return;
    state_.camera = device;
    replaceSource(options_.openCamera(device));
    saveSetting([device](SQLite::Database& db) { saveCamera(db, device); });
}

// The kiosk now checks `event` (set up from an event code, offline or online): what was shown
// for the previous one goes, and the set-up screen gives way to scanning.
void KioskCore::switchToEvent(Worker& w, EventSummary event) {
    w.event = event;
    w.pendingSetupText.clear();
    syncContextChanged(w);
    publish([event = std::move(event)](KioskState& s, DrainResult&) {
        s.event = event;
        s.pendingSwitch.reset();
        s.searchResults.clear();
        s.stats.reset();
        if (s.screen == Screen::kSetup) s.screen = Screen::kScanning;
    });
}

void KioskCore::adoptDatabase(Worker& w, SQLite::Database db) {
    w.db.emplace(std::move(db));
    w.checkpoints.emplace(*w.db);
    w.engine.emplace(*w.db);
    w.clock.emplace(*w.db);
    w.outbox.emplace(*w.db);
    publish([id = store::deviceId(*w.db)](KioskState& s, DrainResult&) { s.deviceId = id; });
}

void KioskCore::closeDatabase(Worker& w) {
    // Users of the connection first, the connection last.
    w.engine.reset();
    w.outbox.reset();
    w.clock.reset();
    w.checkpoints.reset();
    w.db.reset();
}

void KioskCore::syncContextChanged(Worker& w) {
    if (sync_) sync_->setContext(w.event ? w.event->id : std::string(), w.gate);
}

void KioskCore::startEnrolment(Worker& w, const SetupCode& code, std::int64_t nowMs) {
    if (!sync_ || !sync_->available()) {
        publishVerdict(message(VerdictKind::kInfo, "sync_unavailable", text::kNotice,
                               text::noSyncClient(), nowMs));
        return;
    }
    std::string connecting = text::connectingTo(serverDisplayName(code.serverUrl));
    publish([connecting](KioskState& s, DrainResult&) {
        s.setupStatus = connecting;
        s.sync.activity = connecting;  // until the sync thread reports its own
    });
    w.pendingSetupText.clear();
    sync_->requestEnrol({code.serverUrl, code.eventId, code.enrolmentToken, options_.deviceName});
}

void KioskCore::reportDamage(Worker&, KioskDatabaseError problem) {
    const bool olderFormat = problem.kind == KioskDatabaseError::Kind::kOlderFormat;
    publish([why = std::move(problem.message), olderFormat](KioskState& s, DrainResult&) {
        if (s.damage && s.damage->moving) return;  // being dealt with
        s.damage = ReplicaDamage{why, false, {}, olderFormat};
        // After a verdict on screen (NOT SAVED), else at once.
        if (s.screen == Screen::kVerdict) {
            s.screenBeforeVerdict = Screen::kDamaged;
        } else {
            s.screen = Screen::kDamaged;
        }
    });
}

SyncSink KioskCore::makeSyncSink() {
    SyncSink sink;
    // These run on the sync thread: state goes through publish(), anything the worker must
    // know (the event it now checks, verdicts) through post().
    sink.state = [this](SyncView view, std::int64_t pending) {
        publish([view = std::move(view), pending](KioskState& s, DrainResult&) {
            s.sync = view;
            s.pendingUploads = pending;
        });
    };
    sink.round = [this](SyncRoundOutcome outcome) {
        publish([this, outcome = std::move(outcome)](KioskState& s, DrainResult& result) {
            // Other devices' check-ins change the counts an organiser is looking at.
            bool news = outcome.downloaded > 0 || outcome.rosterChanged;
            if (s.screen == Screen::kDashboard && outcome.ok && news) refreshStats();
            result.syncRounds.push_back(outcome);
        });
    };
    sink.enrolled = [this](EnrolOutcome outcome) {
        post([this, outcome = std::move(outcome)](Worker& w) {
            std::int64_t now = options_.clock();
            if (!outcome.enrolled) {
                bool hasEvent = w.event.has_value();
                publish([hasEvent](KioskState& s, DrainResult&) {
                    if (!hasEvent) s.setupStatus = text::kSetupWaiting;
                });
                publishVerdict(message(VerdictKind::kError, "enrol_failed", text::kNotice,
                                       outcome.message, now));
                return;
            }
            switchToEvent(w, EventSummary{outcome.eventId, outcome.eventName});
            if (w.db) {
                auto operators = store::Operators(*w.db).list();
                publish([operators](KioskState& s, DrainResult&) { s.operators = operators; });
            }
            auto shown = message(
                VerdictKind::kSetup, "enrolled", text::kSetUpFor,
                outcome.rosterOk ? text::setupDone(outcome.eventName)
                                 : text::enrolledWithoutRoster(outcome.eventName, outcome.message),
                now);
            shown.name = outcome.eventName;
            publishStatus(w);
            publishVerdict(shown);
        });
    };
    sink.damaged = [this](KioskDatabaseError problem) {
        post([this, problem = std::move(problem)](Worker& w) { reportDamage(w, problem); });
    };
    return sink;
}

void KioskCore::resyncDamagedReplica() {
    if (!state_.damage || state_.damage->moving) return;
    state_.damage->moving = true;
    state_.damage->problem.clear();
    bool muted = state_.muted;
    std::string camera = state_.camera;
    post([this, muted, camera](Worker& w) {
        // Every connection to the file closes before it moves: the sync thread's first.
        if (sync_ && !sync_->suspend()) return;  // shutting down
        closeDatabase(w);
        w.event.reset();
        w.signedIn.reset();
        w.pendingSetupText.clear();
        std::int64_t now = options_.clock();
        auto moved = moveDamagedReplicaAside(options_.database.path, now);
        if (sync_) sync_->resume();
        if (!moved) {
            std::string problem = text::resyncFailed(moved.error().message);
            publish([problem](KioskState& s, DrainResult&) {
                if (!s.damage) return;
                s.damage->moving = false;
                s.damage->problem = problem;
            });
            return;
        }
        std::string keptAs = moved->filename().string();
        auto opened = openKioskDatabase(options_.database);
        if (!opened) {
            std::string why = opened.error().message;
            publish([why](KioskState& s, DrainResult&) {
                s.damage.reset();
                s.screen = Screen::kFailed;
                s.failure = text::cannotOpenDatabase() + ": " + why;
            });
            return;
        }
        adoptDatabase(w, std::move(opened).value());
        // The fresh replica keeps this kiosk's settings (the command line's stay unstored);
        // a replica damaged at start never had its settings read: the fresh one then starts
        // from the defaults.
        if (w.settingsLoaded) {
            try {
                if (!options_.gate) saveGate(*w.db, w.gate);
                if (!options_.direction) saveDirection(*w.db, w.direction);
                if (!options_.muted) saveMuted(*w.db, muted);
                if (!options_.camera) saveCamera(*w.db, camera);
            } catch (const SQLite::Exception&) {
                publish([](KioskState& s, DrainResult&) {
                    s.settingsMessage = text::settingNotSaved();
                });
            }
        }
        // Read back (and, if the damage was found at start, the camera they name started).
        loadSettings(w);
        syncContextChanged(w);
        if (sync_) sync_->databaseReady();
        std::string status = text::resyncDone(keptAs);
        publish([status, keptAs](KioskState& s, DrainResult&) {
            s.damage.reset();
            s.resyncedFrom = keptAs;
            s.event.reset();
            s.pendingSwitch.reset();
            s.operators.clear();
            s.signedIn.reset();
            s.stats.reset();
            s.searchResults.clear();
            s.sync = SyncView{};
            s.screen = Screen::kSetup;
            s.setupStatus = status;
            s.ready = true;
        });
        publishStatus(w);
    });
}

}  // namespace admit::kiosk
