#include "stats_thread.hpp"

#include <future>
#include <iostream>
#include <utility>

#include "admit/replica/replica_error.hpp"

namespace admit::kiosk {

store::AttendanceTally& StatsHandles::tallyOf(const std::string& eventId) {
    if (!tally || tally->eventId() != eventId) {
        tally.reset();
        tally.emplace(*db, eventId);
    }
    return *tally;
}

store::AttendeeSearch& StatsHandles::searchOf(const std::string& eventId) {
    if (!search || search->eventId() != eventId) {
        search.reset();
        search.emplace(*db, eventId);
    }
    return *search;
}

rules::CheckInEngine& StatsHandles::previewEngine() {
    if (!previews) previews.emplace(*db);
    return *previews;
}

void StatsHandles::close() {
    // Users of the connection first.
    tally.reset();
    search.reset();
    previews.reset();
    db.reset();
}

StatsThread::StatsThread(KioskDatabaseConfig database, Damaged damaged)
    : database_(std::move(database)), damaged_(std::move(damaged)) {}

StatsThread::~StatsThread() { stop(); }

void StatsThread::start() {
    thread_ = std::jthread([this](std::stop_token stop) { loopOnStatsThread(stop); });
}

void StatsThread::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    changed_.notify_all();
    thread_.join();
    std::lock_guard lock(mutex_);
    jobsInFlight_ -= jobs_.size();
    jobs_.clear();
}

void StatsThread::runOnStatsThread(Job job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back({std::move(job), false});
        ++jobsInFlight_;
    }
    changed_.notify_all();
}

void StatsThread::suspend() {
    {
        std::lock_guard lock(mutex_);
        suspended_ = true;
    }
    if (!thread_.joinable()) {
        handles_.close();
        return;
    }
    // The close runs on the thread that owns the handles, after the job in hand.
    auto closed = std::make_shared<std::promise<void>>();
    std::future<void> done = closed->get_future();
    {
        std::lock_guard lock(mutex_);
        jobs_.push_front({[closed](StatsHandles& handles) {
                              handles.close();
                              closed->set_value();
                          },
                          true});
        ++jobsInFlight_;
    }
    changed_.notify_all();
    done.wait();
}

void StatsThread::resume() {
    std::lock_guard lock(mutex_);
    suspended_ = false;
}

bool StatsThread::idle() const {
    std::lock_guard lock(mutex_);
    return jobsInFlight_ == 0;
}

bool StatsThread::openOnStatsThread() {
    if (handles_.db) return true;
    auto opened = openKioskDatabase(database_);
    if (!opened) {
        if (opened.error().resyncable() && damaged_) damaged_(opened.error());
        return false;
    }
    handles_.db.emplace(std::move(opened).value());
    return true;
}

void StatsThread::loopOnStatsThread(std::stop_token stop) {
    for (;;) {
        Queued queued;
        bool suspended = false;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, stop, [this] { return !jobs_.empty(); });
            if (stop.stop_requested()) break;
            queued = std::move(jobs_.front());
            jobs_.pop_front();
            suspended = suspended_;
        }
        if (queued.control) {
            queued.job(handles_);
        } else if (!suspended && openOnStatsThread()) {
            try {
                queued.job(handles_);
            } catch (const SQLite::Exception& e) {
                auto damage = replica::replicaFailure(e, *handles_.db);
                handles_.close();  // opened again by the next job
                if (damage && damaged_) {
                    damaged_({kioskErrorKind(damage->kind), damage->message});
                } else {
                    std::cerr << "admit-kiosk: statistics: " << e.what() << "\n";
                }
            } catch (const std::exception& e) {
                handles_.close();
                std::cerr << "admit-kiosk: statistics: " << e.what() << "\n";
            }
        }
        {
            std::lock_guard lock(mutex_);
            --jobsInFlight_;
        }
        changed_.notify_all();
    }
    handles_.close();
}

}  // namespace admit::kiosk
