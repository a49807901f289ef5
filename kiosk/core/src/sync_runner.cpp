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
            return text::enrolFailed(server, error.message);
        case sync::SyncError::Kind::kLocal:
            return error.message;
    }
    return error.message;
}

}  // namespace

SyncRunner::SyncRunner(std::shared_ptr<SyncBackend> backend, KioskDatabaseConfig database,
                       store::WallClock clock)
    : backend_(std::move(backend)), database_(std::move(database)), clock_(std::move(clock)) {}

SyncRunner::~SyncRunner() {
    // stop() joined or detached it; the thread itself holds a reference until it ends.
    if (thread_.joinable()) thread_.detach();
}

void SyncRunner::start(SyncSink sink) {
    {
        std::lock_guard lock(sinkMutex_);
        sink_ = std::move(sink);
    }
    thread_ = std::thread([self = shared_from_this()] { self->run(); });
}

void SyncRunner::stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard lock(sinkMutex_);
        sink_.reset();
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (!thread_.joinable()) return;
    std::unique_lock lock(mutex_);
    bool ended = cv_.wait_for(lock, grace, [this] { return exited_; });
    lock.unlock();
    if (ended) {
        thread_.join();
    } else {
        thread_.detach();
    }
}

void SyncRunner::databaseReady() {
    {
        std::lock_guard lock(mutex_);
        dbReady_ = true;
    }
    cv_.notify_all();
}

void SyncRunner::setContext(std::string eventId, std::string gate) {
    {
        std::lock_guard lock(mutex_);
        eventId_ = std::move(eventId);
        gate_ = std::move(gate);
    }
    cv_.notify_all();
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
    if (stopping_ || exited_) return false;
    suspendRequested_ = true;
    dbReady_ = false;
    cv_.notify_all();
    cv_.wait(lock, [this] { return suspended_ || stopping_; });
    return !stopping_;
}

void SyncRunner::resume() {
    {
        std::lock_guard lock(mutex_);
        suspendRequested_ = false;
    }
    cv_.notify_all();
}

bool SyncRunner::busy() const {
    std::lock_guard lock(mutex_);
    return enrolJob_.has_value() || enrolRunning_ || firstRoundPending_ ||
           checkInsOffered_ < checkIns_;
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

std::string SyncRunner::replicaFailed(const SQLite::Exception& e) {
    auto damage = replica::replicaFailure(e, *db_);
    if (!damage) return e.what();
    reportDamage({kioskErrorKind(damage->kind), damage->message});
    return damage->message;
}

SyncView SyncRunner::currentView() const {
    SyncView view;
    view.enrolled = !syncState_.serverUrl.empty() && syncState_.hasDeviceToken;
    view.server =
        syncState_.serverUrl.empty() ? std::string() : serverDisplayName(syncState_.serverUrl);
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

void SyncRunner::refreshState() {
    try {
        syncState_ = backend_->readState(*db_);
        pending_ = store::Outbox(*db_).pendingCount();
    } catch (const SQLite::Exception& e) {
        replicaFailed(e);
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
    SyncView view = currentView();
    std::int64_t pending = pending_;
    emit([&](SyncSink& sink) {
        if (sink.state) sink.state(view, pending);
    });
}

bool SyncRunner::ensureDatabase() {
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
    refreshState();
    return true;
}

SyncRoundOutcome SyncRunner::runRound(bool afterEnrolment) {
    SyncRoundOutcome out;
    out.afterEnrolment = afterEnrolment;
    std::string eventId;
    std::string gate;
    {
        std::lock_guard lock(mutex_);
        eventId = eventId_;
        gate = gate_;
    }
    try {
        auto report = backend_->runRound(syncState_.serverUrl, *db_, eventId, gate, clock_());
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
        out.error = replicaFailed(e);
        out.errorKind = "local";
        schedule_.roundFailed(SyncSchedule::Clock::now(), false);
    }
    refreshState();
    out.pendingUploads = pending_;
    out.atMs = clock_();
    return out;
}

void SyncRunner::enrol(const EnrolJob& job) {
    const std::string server = serverDisplayName(job.serverUrl);
    EnrolOutcome out;
    out.eventId = job.eventId;
    auto finish = [&] {
        activity_.clear();
        refreshState();
        emit([&](SyncSink& sink) {
            if (sink.enrolled) sink.enrolled(out);
        });
    };
    activity_ = text::connectingTo(server);
    refreshState();

    std::string deviceId;
    try {
        deviceId = store::deviceId(*db_);
    } catch (const SQLite::Exception& e) {
        out.message = replicaFailed(e);
        finish();
        return;
    }
    auto answer =
        backend_->enrol(job.serverUrl, {job.eventId, job.enrolmentToken, deviceId, job.deviceName});
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
        backend_->saveEnrolment(*db_, job.serverUrl, answer->deviceToken);
    } catch (const SQLite::Exception& e) {
        out.message = text::enrolledLocalFailure(replicaFailed(e));
        finish();
        return;
    }
    out.enrolled = true;
    {
        std::lock_guard lock(mutex_);
        eventId_ = job.eventId;
    }
    schedule_.restart(SyncSchedule::Clock::now());
    activity_ = text::kDownloadingRoster;
    refreshState();
    SyncRoundOutcome round = runRound(true);
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

void SyncRunner::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (suspendRequested_) {
            lock.unlock();
            db_.reset();
            lock.lock();
            suspended_ = true;
            cv_.notify_all();
            cv_.wait(lock, [this] { return !suspendRequested_ || stopping_; });
            suspended_ = false;
            continue;
        }
        if (!dbReady_) {
            cv_.wait(lock);
            continue;
        }
        if (!db_) {
            lock.unlock();
            bool opened = ensureDatabase();
            lock.lock();
            if (!opened) {
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
                cv_.wait_for(lock, SyncSchedule::kInterval);
            }
            continue;
        }
        if (enrolJob_) {
            EnrolJob job = std::move(*enrolJob_);
            enrolJob_.reset();
            enrolRunning_ = true;
            lock.unlock();
            enrol(job);
            lock.lock();
            enrolRunning_ = false;
            firstRoundPending_ = false;  // the enrolment ran a round
            continue;
        }
        if (checkInPoke_) {
            checkInPoke_ = false;
            schedule_.checkInRecorded(SyncSchedule::Clock::now());
        }
        auto next = schedule_.nextRoundAt();
        bool canRun = roundsActive();
        if (!canRun) {
            checkInsOffered_ = checkIns_;
            firstRoundPending_ = false;
        }
        if (canRun && next && *next <= SyncSchedule::Clock::now()) {
            std::uint64_t offered = checkIns_;
            lock.unlock();
            SyncRoundOutcome outcome = runRound(false);
            emit([&](SyncSink& sink) {
                if (sink.round) sink.round(outcome);
            });
            lock.lock();
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
    exited_ = true;
    cv_.notify_all();
}

}  // namespace admit::kiosk
