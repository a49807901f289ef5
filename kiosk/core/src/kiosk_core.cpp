#include "admit/kiosk/kiosk_core.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <exception>
#include <utility>

#include <SQLiteCpp/Transaction.h>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/setup_code.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/scan/camera_source.hpp"
#include "admit/scan/scan_pipeline.hpp"
#include "admit/scan/serial_scanner.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/events.hpp"
#include "admit/store/schema.hpp"
#include "admit/ticket/code_format.hpp"
#include "admit/ticket/event_setup.hpp"
#include "damage_controller.hpp"
#include "event_setup_controller.hpp"
#include "settings_controller.hpp"
#include "state_navigation.hpp"
#include "stats_thread.hpp"
#include "sync_runner.hpp"
#include "thread_queues.hpp"
#include "verdict_messages.hpp"

namespace admit::kiosk {

// How long each watched thread may go without progress before the kiosk stops telling systemd
// it is alive (docs/kiosk.md, "Watchdog"). The worker: a commit may wait 5 s for the busy
// timeout, then fsync on slow flash; the capture thread: OpenCV gives up on a camera that
// delivers nothing after 10 s, and reopening one takes a few more.
constexpr std::chrono::seconds kWorkerLimit{20};
constexpr std::chrono::seconds kCaptureLimit{20};
constexpr std::chrono::seconds kReaderLimit{10};

namespace {

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

std::string hostName() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "kiosk";
    return name.data();
}

rules::ScanContext scanContext(const SessionSnapshot& session, std::int64_t nowMs) {
    return {session.eventId(), session.gate, session.direction,
            session.signedIn ? session.signedIn->name : std::string(), nowMs};
}

}  // namespace

KioskCore::KioskCore(KioskOptions options)
    : options_(std::move(options)),
      session_(std::make_shared<KioskSession>()),
      queues_(std::make_unique<ThreadQueues>()) {
    if (!options_.openCamera) options_.openCamera = openCameraDevice;
    if (!options_.syncBackend) options_.syncBackend = makeSyncClientBackend();
    if (options_.deviceName.empty()) options_.deviceName = hostName();
    // The read-only dashboard syncs too: its counts are only live with the other devices'
    // check-ins. It records none, so its rounds only download.
    sync_ = std::make_shared<SyncRunner>(options_.syncBackend, options_.database, options_.clock,
                                         session_, options_.syncInterval);
    settings_ = std::make_unique<SettingsController>(
        *queues_, options_, *session_, [this](const std::string& device) { cameraDue_ = device; });
    stats_ = std::make_unique<StatsThread>(options_.database, [this](KioskDatabaseError problem) {
        queues_->runOnWorker(
            [this, problem = std::move(problem)](ReplicaHandles&) { damage_->report(problem); });
    });
    damage_ = std::make_unique<DamageController>(
        *queues_, options_, *session_, *settings_, sync_,
        DamageController::Hooks{[this] {
                                    eventSetup_->forgetPendingOnWorker();
                                    // Its connection closes before the file moves.
                                    stats_->suspend();
                                },
                                [this](ReplicaHandles& replica, SQLite::Database db) {
                                    adoptOnWorker(replica, std::move(db));
                                    stats_->resume();
                                    publishPendingOnWorker(replica);
                                }});
    eventSetup_ = std::make_unique<EventSetupController>(
        *queues_, options_, *session_, sync_,
        EventSetupController::Hooks{
            [this](ShownVerdict verdict) { publishVerdictOnWorker(std::move(verdict)); },
            [this](ReplicaHandles& replica) { publishPendingOnWorker(replica); }});

    // Until the stored settings are read: the command line's, else the defaults.
    KioskSettings shown = applyOverrides(KioskSettings{}, settings_->overrides());
    session_->setGate(shown.gate);
    session_->setDirection(shown.direction);
    state_.muted = shown.muted;
    state_.camera = shown.camera;
    state_.dashboardOnly = options_.dashboardOnly;
    state_.setupStatus = text::kSetupOpening;
    showSessionOnUi();
}

KioskCore::~KioskCore() { stop(); }

void KioskCore::setWakeCallback(std::function<void()> wake) { queues_->setWake(std::move(wake)); }

void KioskCore::start(std::unique_ptr<scan::FrameSource> source) {
    if (options_.cameraFromSettings && !options_.dashboardOnly) {
        // The camera opens once the settings are read (SettingsController::loadOnWorker).
    } else if (source && !options_.dashboardOnly) {
        state_.cameraDescription = source->describe();
        pipeline_ = std::make_unique<scan::ScanPipeline>(std::move(source), pipelineOptions());
    } else {
        queues_->setSourceDone(true);
    }
    std::shared_ptr<Heartbeat> heartbeat;
    if (options_.liveness) heartbeat = options_.liveness->watch("database worker", kWorkerLimit);
    sync_->start(makeSyncSink());
    stats_->start();
    queues_->startWorker(heartbeat, [this](ReplicaHandles& replica, const std::exception& e) {
        jobFailedOnWorker(replica, e);
    });
    queues_->runOnWorker([this](ReplicaHandles& replica) { openOnWorker(replica); });
    if (options_.dashboardOnly) {
        // Once the worker has opened the replica: the statistics thread needs its event.
        queues_->runOnWorker([this](ReplicaHandles& replica) {
            refreshFigures();
            if (replica.open()) publishPendingOnWorker(replica);
        });
    }

    if (pipeline_) {
        pipeline_->start();
        forwardThread_ =
            std::jthread([this](std::stop_token stop) { forwardOnForwardThread(stop); });
    }
    if (options_.scannerDevice && !options_.dashboardOnly) {
        scan::SerialScannerOptions serial;
        serial.device = *options_.scannerDevice;
        serial.retryEvery = options_.scannerRetry;
        // These run on the scanner thread.
        serial.onCode = [this](std::string code) { submitHandheldRead(std::move(code)); };
        serial.onState = [this](scan::ScannerState scanner) {
            queues_->runOnUi([scanner = std::move(scanner)](KioskState& s, DrainResult&) {
                s.scanner = scanner;
            });
        };
        serial.onRefused = [this](std::string why) {
            queues_->runOnUi([why = std::move(why)](KioskState& s, DrainResult&) {
                s.notice = text::scannerLineRefused(why);
            });
        };
        serialScanner_ = std::make_unique<scan::SerialScanner>(std::move(serial));
        serialScanner_->start();
    }
}

void KioskCore::stop() {
    // First: its codes become worker jobs.
    if (serialScanner_) serialScanner_->stop();
    stopPipelineOnUi();
    // Before the worker: a worker job waiting for the sync thread (re-sync) is released.
    if (sync_) sync_->stop(options_.syncStopGrace);
    queues_->stopWorker();
    // After the worker: a re-sync job there waits for this thread to close its connection.
    if (stats_) stats_->stop();
}

// ---- database worker ----

void KioskCore::openOnWorker(ReplicaHandles& replica) {
    auto opened = openKioskDatabase(options_.database);
    if (!opened) {
        if (opened.error().resyncable()) {
            damage_->report(opened.error());
            return;
        }
        std::string why = opened.error().message;
        queues_->runOnUi([why](KioskState& s, DrainResult&) {
            s.failure = text::cannotOpenDatabase() + ": " + why;
            navigateOnUi(s, nav::OpenFailed{});
        });
        return;
    }
    adoptOnWorker(replica, std::move(opened).value());
    store::Events events(*replica.db);
    std::optional<EventSummary> event;
    if (options_.eventId) {
        if (auto info = events.find(*options_.eventId)) event = EventSummary{info->id, info->name};
    } else if (options_.selectSingleEvent) {
        auto all = events.list();
        if (all.size() == 1) event = EventSummary{all.front().id, all.front().name};
    }
    session_->setEvent(event);
    auto operators = store::Operators(*replica.db).list();
    queues_->runOnUi([operators](KioskState& s, DrainResult&) {
        s.operators = operators;
        if (s.dashboardOnly) {
            if (!s.event) s.setupStatus = text::dashboardOnlyNoEvent();
        } else {
            s.setupStatus = text::kSetupWaiting;
        }
        navigateOnUi(s, nav::Opened{});
    });
    settings_->loadOnWorker(replica);
    // After the settings' change, which starts the camera they name: the kiosk can scan.
    queues_->runOnUi([](KioskState& s, DrainResult&) { s.ready = true; });
    publishPendingOnWorker(replica);
    sync_->sessionChanged();
    sync_->databaseReady();
}

void KioskCore::adoptOnWorker(ReplicaHandles& replica, SQLite::Database db) {
    replica.adopt(std::move(db));
    queues_->runOnUi(
        [id = store::deviceId(*replica.db)](KioskState& s, DrainResult&) { s.deviceId = id; });
}

void KioskCore::jobFailedOnWorker(ReplicaHandles& replica, const std::exception& e) {
    std::int64_t now = options_.clock();
    const auto* storage = dynamic_cast<const SQLite::Exception*>(&e);
    if (!storage) {
        publishVerdictOnWorker(storageErrorVerdict(e.what(), now));
        return;
    }
    // A storage exception outside the engine (stats, search, operators): tell, don't die.
    auto damage = replica.db ? replica::replicaFailure(*storage, *replica.db)
                             : replica::replicaFailure(*storage);
    std::string why = damage ? damage->message : std::string(e.what());
    publishVerdictOnWorker(storageErrorVerdict(why, now));
    if (damage) damage_->report({KioskDatabaseError::Kind::kDamaged, why});
}

void KioskCore::publishVerdictOnWorker(ShownVerdict verdict) {
    verdict.sequence = ++verdictSequence_;
    verdict.decidedAt = std::chrono::steady_clock::now();
    if (scanning_) {
        verdict.frameCaptured = scanning_->frameCaptured;
        verdict.readDuration = scanning_->readDuration;
    }
    queues_->runOnUi([this, verdict](KioskState& s, DrainResult& result) {
        s.verdict = verdict;
        s.verdictCount = verdict.sequence;
        navigateOnUi(s, nav::VerdictShown{});
        verdictUntil_ = std::chrono::steady_clock::now() + options_.verdictDuration;
        result.verdicts.push_back(verdict);
    });
}

void KioskCore::publishPendingOnWorker(ReplicaHandles& replica) {
    if (!replica.outbox) return;
    std::int64_t pending = replica.outbox->pendingCount();
    queues_->runOnUi([pending](KioskState& s, DrainResult&) { s.pendingUploads = pending; });
}

void KioskCore::handleCodeOnWorker(ReplicaHandles& replica, const std::string& code,
                                   std::int64_t nowMs) {
    if (!replica.open()) return;
    // Every format is told from the text alone: an event code sets the kiosk up; tickets (ours,
    // pretix_sig1, imported barcodes) go to the engine, which recognises them the same way.
    if (ticket::recogniseCode(code) == ticket::CodeFormat::kEventSetup) {
        auto setup = readSetupCode(code);  // the only decode: the value goes on
        if (!setup) {
            publishVerdictOnWorker(messageVerdict(VerdictKind::kInfo, "setup_code_invalid",
                                                  text::kNotice, setup.error().message, nowMs));
            return;
        }
        eventSetup_->handleOnWorker(replica, *setup, nowMs);
        return;
    }
    SessionSnapshot session = session_->snapshot();
    if (!session.event) {
        publishVerdictOnWorker(messageVerdict(VerdictKind::kInfo, "no_event", text::kNotice,
                                              text::scanEventCodeFirst(), nowMs));
        return;
    }
    publishEngineVerdictOnWorker(replica, replica.engine->scan(code, scanContext(session, nowMs)),
                                 nowMs, "scan");
}

void KioskCore::publishEngineVerdictOnWorker(
    ReplicaHandles& replica, const Result<rules::Verdict, rules::CheckInError>& verdict,
    std::int64_t nowMs, const std::string& via) {
    if (!verdict) {
        auto shown = storageErrorVerdict(verdict.error().message, nowMs);
        shown.via = via;
        publishVerdictOnWorker(shown);
        if (verdict.error().kind == rules::CheckInError::Kind::kDamaged) {
            damage_->report({KioskDatabaseError::Kind::kDamaged, shown.detail});
        }
        return;
    }
    if (verdict->accepted) sync_->checkInRecorded();
    publishPendingOnWorker(replica);
    publishVerdictOnWorker(fromEngineVerdict(*verdict, nowMs, via));
}

void KioskCore::undoLastOnWorker(ReplicaHandles& replica) {
    SessionSnapshot session = session_->snapshot();
    if (!replica.open() || !session.event || !session.organiserSignedIn()) return;
    auto undone = replica.engine->undoLast(scanContext(session, options_.clock()));
    std::string notice;
    std::optional<store::CheckIn> record;
    if (!undone) {
        switch (undone.error().kind) {
            case rules::CheckInError::Kind::kNothingToUndo:
                notice = text::nothingToUndo();
                break;
            case rules::CheckInError::Kind::kDamaged:
                damage_->report({KioskDatabaseError::Kind::kDamaged, undone.error().message});
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
            if (auto a = store::Attendees(*replica.db).find(*undone->attendeeId)) who = a->name;
        }
        notice = text::undone(who);
        sync_->checkInRecorded();  // the annulment waits for upload too
    }
    queues_->runOnUi([notice, record](KioskState& s, DrainResult&) {
        s.notice = notice;
        if (record) s.lastUndone = record;
    });
    publishPendingOnWorker(replica);
}

// ---- forward thread ----

void KioskCore::forwardOnForwardThread(std::stop_token stop) {
    scan::SourceState last;
    while (!stop.stop_requested()) {
        auto state = pipeline_->sourceState();
        if (state.status != last.status || state.detail != last.detail) {
            last = state;
            queues_->runOnUi([state](KioskState& s, DrainResult&) { s.source = state; });
        }
        if (auto event = pipeline_->waitEvent(std::chrono::milliseconds(100))) {
            postScan(std::move(*event));
            continue;
        }
        if (pipeline_->finished()) {
            for (auto& event : pipeline_->takeEvents()) postScan(std::move(event));
            auto final = pipeline_->sourceState();
            queues_->runOnUi([final](KioskState& s, DrainResult&) { s.source = final; });
            queues_->setSourceDone(true);
            return;
        }
    }
}

void KioskCore::postScan(scan::ScanEvent event) {
    queues_->runOnWorker([this, event = std::move(event)](ReplicaHandles& replica) {
        struct Forget {  // also when the handling throws
            std::optional<scan::ScanEvent>& scanning;
            ~Forget() { scanning.reset(); }
        } forget{scanning_};
        scanning_ = event;
        // Already debounced by the pipeline; noted so that a handheld read of it is a repeat.
        freshReadOnWorker(event.code.text);
        handleCodeOnWorker(replica, event.code.text, options_.clock());
    });
}

// ---- UI thread ----

void KioskCore::showSessionOnUi() {
    std::uint64_t version = session_->version();
    if (version == shownSessionVersion_) return;
    shownSessionVersion_ = version;
    SessionSnapshot now = session_->snapshot();
    state_.event = now.event;
    state_.gate = now.gate;
    state_.direction = now.direction;
    state_.signedIn = now.signedIn;
}

DrainResult KioskCore::drain() {
    auto changes = queues_->takeChangesOnUi();
    // After taking the changes: every session change made before one of them was queued is
    // in the copy the changes see.
    showSessionOnUi();
    DrainResult result;
    result.changed = !changes.empty();
    for (auto& change : changes) change(state_, result);
    startDueCameraOnUi();
    auto now = std::chrono::steady_clock::now();
    if (state_.screen == Screen::kVerdict && now >= verdictUntil_) {
        navigateOnUi(state_, nav::VerdictEnded{});
        result.changed = true;
    }
    if (state_.screen == Screen::kDashboard && now >= nextStats_) {
        nextStats_ = now + options_.statsInterval;
        refreshStats();
    }
    return result;
}

void KioskCore::waitForWork(std::chrono::milliseconds timeout) {
    queues_->waitForWorkOnUi(timeout, [this] { return sync_->busy() || !stats_->idle(); });
}

bool KioskCore::finished() const {
    return queues_->finished([this] { return sync_->busy() || !stats_->idle(); });
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
    queues_->runOnWorker([this, code = std::move(code)](ReplicaHandles& replica) {
        handleCodeOnWorker(replica, code, options_.clock());
    });
}

void KioskCore::submitHandheldRead(std::string code) {
    queues_->runOnWorker([this, code = std::move(code)](ReplicaHandles& replica) {
        if (!freshReadOnWorker(code)) return;
        handleCodeOnWorker(replica, code, options_.clock());
    });
}

bool KioskCore::freshReadOnWorker(const std::string& code) {
    return recentReads_.accept(code, std::chrono::steady_clock::now());
}

void KioskCore::dismissVerdict() { navigateOnUi(state_, nav::VerdictEnded{}); }

void KioskCore::openScreen(Screen screen) {
    switch (screen) {
        case Screen::kSearch:
        case Screen::kScanning:
        case Screen::kSetup:
            if (state_.dashboardOnly) return;
            navigateOnUi(state_, nav::Opening{screen});
            state_.notice.clear();
            if (screen == Screen::kSearch) {
                state_.searchQuery.clear();
                state_.searchResults.clear();
                // The index is built now, not on the first keystroke (it takes a while at a
                // large event); on the statistics thread, like every search.
                stats_->runOnStatsThread([this](StatsHandles& handles) {
                    auto event = session_->snapshot().event;
                    if (event) handles.searchOf(event->id).prepare();
                });
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
    navigateOnUi(state_, nav::Opening{target});
    if (state_.screen == Screen::kPin) {
        state_.pin = PinPrompt{target, target == Screen::kDashboard, {}};
    } else if (target == Screen::kDashboard) {
        refreshStats();
    }
}

void KioskCore::enterPin(std::string name, std::string pin) {
    PinPrompt prompt = state_.pin;
    queues_->runOnWorker([this, name = std::move(name), pin = std::move(pin),
                          prompt](ReplicaHandles& replica) mutable {
        if (!replica.open()) return;
        auto who = store::Operators(*replica.db).authenticate(name, pin, options_.clock());
        std::fill(pin.begin(), pin.end(), '\0');
        if (!who) {
            std::string why = who.error().failure == store::PinFailure::kLockedOut
                                  ? text::lockedOut(who.error().retryAfterMs)
                              : who.error().failure == store::PinFailure::kUnknownOperator
                                  ? std::string(text::kUnknownOperator)
                                  : std::string(text::kWrongPin);
            queues_->runOnUi([why](KioskState& s, DrainResult&) { s.pin.message = why; });
            return;
        }
        if (prompt.organiserOnly && who->role != store::Role::kOrganiser) {
            queues_->runOnUi(
                [](KioskState& s, DrainResult&) { s.pin.message = text::kNotOrganiser; });
            return;
        }
        session_->signIn(*who);
        queues_->runOnUi([prompt](KioskState& s, DrainResult&) {
            s.pin.message.clear();
            navigateOnUi(s, nav::PinAccepted{prompt.target});
        });
        if (session_->snapshot().organiserSignedIn())
            eventSetup_->organiserSignedInOnWorker(replica, options_.clock());
    });
    if (prompt.target == Screen::kDashboard) refreshStats();
}

void KioskCore::signOut() {
    // Shown at once; the session forgets the operator on the worker, in order with the jobs
    // before (a PIN being checked).
    state_.signedIn.reset();
    navigateOnUi(state_, nav::SignedOut{});
    queues_->runOnWorker([this](ReplicaHandles&) { session_->signOut(); });
}

void KioskCore::search(std::string query) {
    state_.searchQuery = query;
    // Typing runs ahead of the statistics thread: only the newest query is worth answering.
    std::uint64_t asked = ++searchesAsked_;
    // The direction as shown: the session's copy is updated on the worker, maybe later.
    stats_->runOnStatsThread([this, asked, direction = state_.direction,
                              query = std::move(query)](StatsHandles& handles) {
        if (asked != searchesAsked_.load()) return;
        SessionSnapshot session = session_->snapshot();
        if (!session.event) return;
        std::vector<SearchRow> rows;
        if (!query.empty()) {
            auto event = store::Events(*handles.db).find(session.event->id);
            auto policy = event ? event->reentryPolicy : store::ReentryPolicy::kSingle;
            rules::ScanContext context = scanContext(session, options_.clock());
            context.direction = direction;
            auto hits = handles.searchOf(session.event->id).find(query, 20);
            // The previews in one read transaction: a snapshot, and no lock taken per statement.
            SQLite::Transaction snapshot(*handles.db, SQLite::TransactionBehavior::DEFERRED);
            for (auto& hit : hits) {
                SearchRow row{std::move(hit), SearchAction::kNone, std::nullopt};
                auto preview = handles.previewEngine().evaluateAttendee(row.attendee.id, context);
                // A preview that fails (storage) offers nothing; the search itself still shows.
                if (preview) {
                    row.action = searchAction(*preview, policy);
                    if (row.action == SearchAction::kNone) row.refusal = std::move(*preview);
                }
                rows.push_back(std::move(row));
            }
            snapshot.commit();
        }
        queues_->runOnUi([query, rows = std::move(rows)](KioskState& s, DrainResult&) {
            if (s.searchQuery == query) s.searchResults = rows;
        });
    });
}

void KioskCore::checkIn(std::int64_t attendeeId) { recordForAttendee(attendeeId, std::nullopt); }

void KioskCore::markExit(std::int64_t attendeeId) {
    recordForAttendee(attendeeId, store::Direction::kExit);
}

void KioskCore::recordForAttendee(std::int64_t attendeeId,
                                  std::optional<store::Direction> direction) {
    queues_->runOnWorker([this, attendeeId, direction](ReplicaHandles& replica) {
        SessionSnapshot session = session_->snapshot();
        if (!replica.open() || !session.event) return;
        std::int64_t now = options_.clock();
        rules::ScanContext context = scanContext(session, now);
        if (direction) context.direction = *direction;
        publishEngineVerdictOnWorker(replica, replica.engine->checkInAttendee(attendeeId, context),
                                     now, "search");
        // The results show the state the verdict left (it is committed: the search reads it).
        queues_->runOnUi([this](KioskState& s, DrainResult&) {
            if (!s.searchQuery.empty()) search(s.searchQuery);
        });
    });
}

void KioskCore::undoLast() {
    if (state_.dashboardOnly) return;
    queues_->runOnWorker([this](ReplicaHandles& replica) {
        undoLastOnWorker(replica);
        // Once the undo is committed, or the figures could be read before it.
        refreshFigures();
    });
}

void KioskCore::refreshStats() {
    refreshFigures();
    queues_->runOnWorker([this](ReplicaHandles& replica) {
        if (replica.open()) publishPendingOnWorker(replica);
    });
}

void KioskCore::refreshFigures() {
    stats_->runOnStatsThread([this](StatsHandles& handles) {
        auto event = session_->snapshot().event;
        if (!event) return;
        auto stats = handles.tallyOf(event->id).refresh();
        queues_->runOnUi(
            [stats = std::move(stats)](KioskState& s, DrainResult&) { s.stats = stats; });
    });
}

bool KioskCore::setGate(std::string gate) { return settings_->setGate(state_, std::move(gate)); }

void KioskCore::setDirection(store::Direction direction) {
    settings_->setDirection(state_, direction);
}

void KioskCore::setMuted(bool muted) { settings_->setMuted(state_, muted); }

void KioskCore::listCameras() { settings_->listCameras(); }

void KioskCore::setCamera(std::string device) {
    settings_->setCamera(state_, std::move(device));
    startDueCameraOnUi();  // the volunteer sees the new camera at once
}

void KioskCore::startDueCameraOnUi() {
    if (!cameraDue_) return;
    replaceSourceOnUi(options_.openCamera(*cameraDue_));
    cameraDue_.reset();
}

void KioskCore::resyncDamagedReplica() { damage_->resync(state_); }

scan::PipelineOptions KioskCore::pipelineOptions() const {
    scan::PipelineOptions pipeline;
    if (options_.liveness) {
        pipeline.capture.heartbeat = options_.liveness->watch("capture thread", kCaptureLimit);
        pipeline.readerHeartbeat = options_.liveness->watch("QR reader", kReaderLimit);
    }
    return pipeline;
}

void KioskCore::stopPipelineOnUi() {
    if (forwardThread_.joinable()) {
        forwardThread_.request_stop();
        forwardThread_.join();
    }
    if (pipeline_) pipeline_->stop();
}

void KioskCore::replaceSourceOnUi(std::unique_ptr<scan::FrameSource> source) {
    stopPipelineOnUi();
    pipeline_.reset();
    queues_->setSourceDone(source == nullptr);
    state_.source = {};
    if (!source) {
        state_.cameraDescription.clear();
        return;
    }
    state_.cameraDescription = source->describe();
    pipeline_ = std::make_unique<scan::ScanPipeline>(std::move(source), pipelineOptions());
    pipeline_->start();
    forwardThread_ = std::jthread([this](std::stop_token stop) { forwardOnForwardThread(stop); });
}

// ---- sync thread ----

SyncSink KioskCore::makeSyncSink() {
    SyncSink sink;
    // These run on the sync thread: state goes through runOnUi, anything the worker must know
    // (the event it now checks, verdicts) through runOnWorker.
    sink.state = [this](SyncView view, std::int64_t pending) {
        queues_->runOnUi([view = std::move(view), pending](KioskState& s, DrainResult&) {
            s.sync = view;
            s.pendingUploads = pending;
        });
    };
    sink.round = [this](SyncRoundOutcome outcome) {
        queues_->runOnUi([this, outcome = std::move(outcome)](KioskState& s, DrainResult& result) {
            // Other devices' check-ins change the counts an organiser is looking at: the figures
            // are due now, and drain() asks for them after the changes (a closure only changes
            // state; drain starts the work).
            bool news = outcome.downloaded > 0 || outcome.rosterChanged;
            if (s.screen == Screen::kDashboard && outcome.ok && news) nextStats_ = {};
            result.syncRounds.push_back(outcome);
        });
    };
    sink.enrolled = [this](EnrolOutcome outcome) {
        queues_->runOnWorker([this, outcome = std::move(outcome)](ReplicaHandles& replica) {
            eventSetup_->enrolmentFinishedOnWorker(replica, outcome);
        });
    };
    sink.damaged = [this](KioskDatabaseError problem) {
        queues_->runOnWorker(
            [this, problem = std::move(problem)](ReplicaHandles&) { damage_->report(problem); });
    };
    return sink;
}

}  // namespace admit::kiosk
