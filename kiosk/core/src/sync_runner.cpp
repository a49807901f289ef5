#include "sync_runner.hpp"

#include <algorithm>
#include <utility>

#include "admit/kiosk/strings.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/store/events.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/ticket/blind_index.hpp"

namespace admit::kiosk {
namespace {

const char* errorKindName(sync::SyncError::Kind kind) {
    switch (kind) {
        case sync::SyncError::Kind::kUnreachable:
            return "unreachable";
        case sync::SyncError::Kind::kRefused:
            return "refused";
        case sync::SyncError::Kind::kRevoked:
            return "revoked";
        case sync::SyncError::Kind::kServer:
            return "server";
        case sync::SyncError::Kind::kBadResponse:
            return "bad_response";
        case sync::SyncError::Kind::kLocal:
            return "local";
        case sync::SyncError::Kind::kWrongServerKey:
            return "wrong_server_key";
        case sync::SyncError::Kind::kCertificateRefused:
            return "certificate_refused";
        case sync::SyncError::Kind::kProtocolMismatch:
            return "protocol_mismatch";
    }
    return "local";
}

// A failed enrolment in words for the person holding the code.
std::string enrolFailure(const sync::SyncError& error, const std::string& server) {
    switch (error.kind) {
        case sync::SyncError::Kind::kUnreachable:
            return text::enrolUnreachable(server);
        case sync::SyncError::Kind::kRefused:
        case sync::SyncError::Kind::kRevoked:
            return text::enrolRefused();
        case sync::SyncError::Kind::kServer:
        case sync::SyncError::Kind::kBadResponse:
        case sync::SyncError::Kind::kProtocolMismatch:
            return text::enrolFailed(server, error.message);
        case sync::SyncError::Kind::kLocal:
            return error.message;
        case sync::SyncError::Kind::kWrongServerKey:
            return text::wrongServerKey(server);
        case sync::SyncError::Kind::kCertificateRefused:
            return text::certificateRefused(server);
    }
    return error.message;
}

ServerConnection serverConnection(const sync::SyncState& state) {
    if (state.serverUrl.empty()) return ServerConnection::kNone;
    if (!state.serverUrl.starts_with("https://")) return ServerConnection::kUnencrypted;
    return state.serverKeySha256 ? ServerConnection::kEncryptedPinned
                                 : ServerConnection::kEncrypted;
}

}  // namespace

SyncRunner::SyncRunner(std::shared_ptr<SyncBackend> backend, KioskDatabaseConfig database,
                       store::WallClock clock, std::shared_ptr<const KioskSession> session,
                       std::chrono::milliseconds interval)
    : backend_(std::move(backend)),
      database_(std::move(database)),
      clock_(std::move(clock)),
      session_(std::move(session)),
      schedule_(interval) {}

SyncRunner::~SyncRunner() {
    // stop() joined or detached them; each thread holds a reference until it ends.
    if (thread_.joinable()) thread_.detach();
    if (waitingThread_.joinable()) waitingThread_.detach();
}

void SyncRunner::start(SyncSink sink) {
    {
        std::lock_guard lock(sinkMutex_);
        sink_ = std::move(sink);
    }
    thread_ = std::thread([self = shared_from_this()] { self->loopOnSyncThread(); });
    if (backend_->available()) {
        waitingThread_ = std::thread([self = shared_from_this()] { self->loopOnWaitingThread(); });
    } else {
        std::lock_guard lock(mutex_);
        waitingExited_ = true;
    }
}

void SyncRunner::stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard lock(sinkMutex_);
        sink_.reset();
    }
    {
        std::lock_guard lock(mutex_);
        signal(SyncSignal::kStopAsked);
        stopAsked_ = true;
        waitRequest_.reset();
    }
    cv_.notify_all();
    const auto giveUp = std::chrono::steady_clock::now() + grace;
    if (thread_.joinable()) {
        std::unique_lock lock(mutex_);
        bool ended = cv_.wait_until(lock, giveUp, [this] { return phase_ == SyncPhase::kExited; });
        lock.unlock();
        if (ended) {
            thread_.join();
        } else {
            thread_.detach();
        }
    }
    if (waitingThread_.joinable()) {
        // A waiting download notices the stop within about a second (libcurl's progress
        // callback); past the grace it is left to end on its own.
        std::unique_lock lock(mutex_);
        bool ended = cv_.wait_until(lock, giveUp, [this] { return waitingExited_; });
        lock.unlock();
        if (ended) {
            waitingThread_.join();
        } else {
            waitingThread_.detach();
        }
    }
}

void SyncRunner::databaseReady() {
    {
        std::lock_guard lock(mutex_);
        signal(SyncSignal::kReplicaReady);
    }
    cv_.notify_all();
}

void SyncRunner::sessionChanged() {
    { std::lock_guard lock(mutex_); }  // a thread between its check and its wait sees it
    cv_.notify_all();
}

bool SyncRunner::roundsActive() const {
    return enrolled_ && !refused_ && session_->snapshot().event.has_value();
}

void SyncRunner::signal(SyncSignal signal) { phase_ = nextSyncPhase(phase_, signal); }

SyncPhase SyncRunner::phase() const {
    std::lock_guard lock(mutex_);
    return phase_;
}

void SyncRunner::requestEnrol(EnrolJob job) {
    {
        std::lock_guard lock(mutex_);
        enrolJob_ = std::move(job);  // a newer code replaces one not started yet
    }
    cv_.notify_all();
}

void SyncRunner::checkInRecorded() {
    {
        std::lock_guard lock(mutex_);
        if (!roundsActive()) return;
        ++checkIns_;
        checkInPoke_ = true;
    }
    cv_.notify_all();
}

bool SyncRunner::suspend() {
    std::unique_lock lock(mutex_);
    signal(SyncSignal::kSuspendAsked);
    if (phase_ != SyncPhase::kSuspending) return false;  // stopping
    cv_.notify_all();
    cv_.wait(lock, [this] { return phase_ != SyncPhase::kSuspending; });
    return phase_ == SyncPhase::kSuspended;
}

void SyncRunner::resume() {
    {
        std::lock_guard lock(mutex_);
        signal(SyncSignal::kResumed);
    }
    cv_.notify_all();
}

bool SyncRunner::busy() const {
    std::lock_guard lock(mutex_);
    // kOpening: the worker handed the replica over, but whether a first round is due is known
    // only once the thread has opened its connection and read the sync state.
    return enrolJob_.has_value() || phase_ == SyncPhase::kOpening ||
           phase_ == SyncPhase::kEnrolling || firstRoundPending_ || checkInsOffered_ < checkIns_;
}

void SyncRunner::emit(const std::function<void(SyncSink&)>& call) {
    std::lock_guard lock(sinkMutex_);
    if (sink_) call(*sink_);
}

void SyncRunner::reportDamage(KioskDatabaseError problem) {
    emit([&](SyncSink& sink) {
        if (sink.damaged) sink.damaged(problem);
    });
}

std::string SyncRunner::replicaFailedOnSyncThread(const SQLite::Exception& e) {
    auto damage = replica::replicaFailure(e, *db_);
    if (!damage) return e.what();
    reportDamage({kioskErrorKind(damage->kind), damage->message});
    return damage->message;
}

SyncView SyncRunner::currentViewOnSyncThread() const {
    SyncView view;
    view.enrolled = !syncState_.serverUrl.empty() && syncState_.hasDeviceToken;
    view.server =
        syncState_.serverUrl.empty() ? std::string() : serverDisplayName(syncState_.serverUrl);
    view.connection = serverConnection(syncState_);
    view.lastSuccessMs = syncState_.lastSuccessAtMs;
    view.lastAttemptMs = syncState_.lastAttemptAtMs;
    view.lastError = syncState_.lastError;
    view.online = view.enrolled && view.lastSuccessMs && view.lastError.empty();
    view.stopped = view.enrolled && schedule_.stopped();
    view.removed = view.stopped && removed_;
    view.devices = syncState_.devices;
    view.activity = activity_;
    return view;
}

void SyncRunner::refreshStateOnSyncThread() {
    try {
        syncState_ = backend_->readState(*db_);
        pending_ = store::Outbox(*db_).pendingCount();
    } catch (const SQLite::Exception& e) {
        replicaFailedOnSyncThread(e);
    }
    {
        std::lock_guard lock(mutex_);
        enrolled_ = !syncState_.serverUrl.empty() && syncState_.hasDeviceToken;
        refused_ = schedule_.stopped();
        if (!roundsActive()) {
            checkInsOffered_ = checkIns_;
            firstRoundPending_ = false;
        }
    }
    SyncView view = currentViewOnSyncThread();
    std::int64_t pending = pending_;
    emit([&](SyncSink& sink) {
        if (sink.state) sink.state(view, pending);
    });
}

bool SyncRunner::openDatabaseOnSyncThread() {
    if (db_) return true;
    auto opened = openKioskDatabase(database_);
    if (!opened) {
        if (opened.error().resyncable()) reportDamage(opened.error());
        return false;
    }
    db_.emplace(std::move(opened).value());
    schedule_.restart(SyncSchedule::Clock::now());  // a round at once if enrolled
    {
        std::lock_guard lock(mutex_);
        firstRoundPending_ = true;  // cleared by refreshState if not enrolled
    }
    refreshStateOnSyncThread();
    if (syncState_.revoked) {
        // Removed by the organiser before this start: still removed, and no rounds, until a
        // new event code enrols the kiosk again.
        removed_ = true;
        schedule_.roundFailed(SyncSchedule::Clock::now(), true);
        refreshStateOnSyncThread();
    }
    return true;
}

SyncRoundOutcome SyncRunner::runRoundOnSyncThread(bool afterEnrolment,
                                                  std::optional<std::string> eventId) {
    SyncRoundOutcome out;
    out.afterEnrolment = afterEnrolment;
    SessionSnapshot session = session_->snapshot();
    if (!eventId) eventId = session.eventId();
    try {
        auto report = backend_->runRound(sync::serverAddress(syncState_), *db_, *eventId,
                                         session.gate, clock_());
        auto now = SyncSchedule::Clock::now();
        if (report) {
            out.ok = true;
            out.uploaded = report->uploaded;
            out.downloaded = report->downloaded;
            out.rosterChanged = report->rosterChanged;
            out.rosterVersion = report->rosterVersion;
            schedule_.roundSucceeded(now);
            removed_ = false;
        } else {
            const auto& error = report.error();
            out.uploaded = error.progress.uploaded;
            out.downloaded = error.progress.downloaded;
            out.rosterChanged = error.progress.rosterChanged;
            out.rosterVersion = error.progress.rosterVersion;
            out.step = error.step;
            out.error = error.message;
            out.errorKind = errorKindName(error.kind);
            removed_ = error.kind == sync::SyncError::Kind::kRevoked;
            schedule_.roundFailed(now, error.kind == sync::SyncError::Kind::kRefused || removed_);
            if (error.replicaKind) {
                KioskDatabaseError problem{kioskErrorKind(*error.replicaKind), error.message};
                if (problem.resyncable()) reportDamage(std::move(problem));
            }
        }
    } catch (const SQLite::Exception& e) {
        out.step = "local";
        out.error = replicaFailedOnSyncThread(e);
        out.errorKind = "local";
        schedule_.roundFailed(SyncSchedule::Clock::now(), false);
    }
    refreshStateOnSyncThread();
    offerWaitOnSyncThread(out.ok, *eventId);
    out.pendingUploads = pending_;
    out.atMs = clock_();
    return out;
}

void SyncRunner::offerWaitOnSyncThread(bool roundOk, const std::string& eventId) {
    std::optional<sync::WaitRequest> request;
    if (roundOk) request = backend_->prepareWait(*db_, eventId);
    {
        std::lock_guard lock(mutex_);
        waitRequest_ = std::move(request);
        waitServer_ = sync::serverAddress(syncState_);
        ++waitOffers_;
    }
    cv_.notify_all();
}

void SyncRunner::loopOnWaitingThread() {
    std::unique_lock lock(mutex_);
    std::uint64_t seen = 0;
    bool again = false;  // the last wait ran out: wait again for the same
    for (;;) {
        cv_.wait(lock, [&] {
            return stopAsked_.load() ||
                   (waitRequest_ && waitServer_ && (again || waitOffers_ != seen));
        });
        if (stopAsked_) break;
        sync::WaitRequest request = *waitRequest_;
        const sync::ServerAddress server = *waitServer_;
        seen = waitOffers_;
        again = false;
        lock.unlock();
        request.cancelled = [this] { return stopAsked_.load(); };
        auto outcome = backend_->waitForNews(server, request);
        lock.lock();
        if (outcome && *outcome == sync::WaitOutcome::kNothingNew) {
            again = true;
        } else if (outcome && *outcome == sync::WaitOutcome::kNews) {
            // A round at once; it offers the next wait, from the cursor it moved.
            newsPoke_ = true;
            cv_.notify_all();
        }
        // Otherwise (an older server that does not wait, the server's cap on waits, or no
        // answer): the rounds' polling stands, and the next successful round offers again.
    }
    waitingExited_ = true;
    cv_.notify_all();
}

void SyncRunner::enrolOnSyncThread(const EnrolJob& job) {
    const std::string server = serverDisplayName(job.serverUrl);
    EnrolOutcome out;
    out.eventId = job.eventId;
    auto finish = [&] {
        activity_.clear();
        refreshStateOnSyncThread();
        emit([&](SyncSink& sink) {
            if (sink.enrolled) sink.enrolled(out);
        });
    };
    activity_ = text::connectingTo(server);
    refreshStateOnSyncThread();

    std::string deviceId;
    try {
        deviceId = store::deviceId(*db_);
    } catch (const SQLite::Exception& e) {
        out.message = replicaFailedOnSyncThread(e);
        finish();
        return;
    }
    auto answer = backend_->enrol({job.serverUrl, job.serverKeySha256},
                                  {job.eventId, job.enrolmentToken, deviceId, job.deviceName});
    if (!answer) {
        out.message = enrolFailure(answer.error(), server);
        finish();
        return;
    }
    out.eventName = answer->eventName;
    try {
        // The event row first (its roster arrives with the first round); a kiosk already set
        // up for the event keeps its replica and outbox: only the device token is replaced.
        store::Events events(*db_);
        if (!events.find(job.eventId)) {
            auto key = ticket::BlindIndexKey::generate();  // replaced by the roster's
            auto bytes = key.bytes();
            events.create({job.eventId, answer->eventName, store::ReentryPolicy::kSingle,
                           Bytes(bytes.begin(), bytes.end()), clock_()});
        }
        backend_->saveEnrolment(*db_, {job.serverUrl, job.serverKeySha256}, answer->deviceToken);
    } catch (const SQLite::Exception& e) {
        out.message = text::enrolledLocalFailure(replicaFailedOnSyncThread(e));
        finish();
        return;
    }
    out.enrolled = true;
    schedule_.restart(SyncSchedule::Clock::now());
    activity_ = text::kDownloadingRoster;
    refreshStateOnSyncThread();
    SyncRoundOutcome round = runRoundOnSyncThread(true, job.eventId);
    out.rosterOk = round.ok;
    if (!round.ok) out.message = round.error;
    try {
        if (auto event = store::Events(*db_).find(job.eventId); event && !event->name.empty()) {
            out.eventName = event->name;
        }
    } catch (const SQLite::Exception&) {
        // The name from the server's answer stands.
    }
    emit([&](SyncSink& sink) {
        if (sink.round) sink.round(round);
    });
    finish();
}

void SyncRunner::loopOnSyncThread() {
    std::unique_lock lock(mutex_);
    for (;;) {
        switch (phase_) {
            case SyncPhase::kStopping:
            case SyncPhase::kExited:
                signal(SyncSignal::kThreadEnded);
                cv_.notify_all();
                return;
            case SyncPhase::kSuspending:
                waitRequest_.reset();  // the replica goes away: nothing to wait for
                lock.unlock();
                db_.reset();
                lock.lock();
                signal(SyncSignal::kConnectionClosed);
                cv_.notify_all();
                continue;
            case SyncPhase::kWaitingForReplica:
            case SyncPhase::kSuspended:
                cv_.wait(lock);
                continue;
            case SyncPhase::kOpening: {
                lock.unlock();
                bool opened = openDatabaseOnSyncThread();
                lock.lock();
                signal(opened ? SyncSignal::kOpened : SyncSignal::kOpenFailed);
                if (opened) continue;
                if (enrolJob_) {
                    // Nobody would answer it: say so rather than leave the kiosk connecting.
                    EnrolOutcome out;
                    out.eventId = enrolJob_->eventId;
                    out.message = text::cannotOpenDatabase();
                    enrolJob_.reset();
                    lock.unlock();
                    emit([&](SyncSink& sink) {
                        if (sink.enrolled) sink.enrolled(out);
                    });
                    lock.lock();
                }
                if (phase_ == SyncPhase::kOpening) cv_.wait_for(lock, SyncSchedule::kInterval);
                continue;
            }
            case SyncPhase::kEnrolling:
            case SyncPhase::kRound:
            case SyncPhase::kIdle:
                break;  // below
        }
        if (enrolJob_) {
            EnrolJob job = std::move(*enrolJob_);
            enrolJob_.reset();
            signal(SyncSignal::kEnrolStarted);
            lock.unlock();
            enrolOnSyncThread(job);
            lock.lock();
            signal(SyncSignal::kEnrolFinished);
            firstRoundPending_ = false;  // the enrolment ran a round
            continue;
        }
        if (checkInPoke_) {
            checkInPoke_ = false;
            schedule_.checkInRecorded(SyncSchedule::Clock::now());
        }
        if (newsPoke_) {
            newsPoke_ = false;
            schedule_.newsArrived(SyncSchedule::Clock::now());
        }
        auto next = schedule_.nextRoundAt();
        bool canRun = roundsActive();
        if (!canRun) {
            checkInsOffered_ = checkIns_;
            firstRoundPending_ = false;
        }
        if (canRun && next && *next <= SyncSchedule::Clock::now()) {
            std::uint64_t offered = checkIns_;
            signal(SyncSignal::kRoundStarted);
            lock.unlock();
            SyncRoundOutcome outcome = runRoundOnSyncThread(false, std::nullopt);
            emit([&](SyncSink& sink) {
                if (sink.round) sink.round(outcome);
            });
            lock.lock();
            signal(SyncSignal::kRoundFinished);
            checkInsOffered_ = std::max(checkInsOffered_, offered);
            firstRoundPending_ = false;
            continue;
        }
        if (canRun && next) {
            cv_.wait_until(lock, *next);
        } else {
            cv_.wait(lock);
        }
    }
}

}  // namespace admit::kiosk
