#include "thread_queues.hpp"

#include <utility>

namespace admit::kiosk {

// An idle worker wakes this often to beat its heartbeat.
constexpr std::chrono::seconds kWorkerIdleBeat{1};

ThreadQueues::~ThreadQueues() { stopWorker(); }

void ThreadQueues::startWorker(std::shared_ptr<Heartbeat> heartbeat, JobFailed failed) {
    heartbeat_ = std::move(heartbeat);
    failed_ = std::move(failed);
    worker_ = std::jthread([this](std::stop_token stop) { loopOnWorker(stop); });
}

void ThreadQueues::stopWorker() {
    if (!worker_.joinable()) return;
    worker_.request_stop();
    changed_.notify_all();
    worker_.join();
}

void ThreadQueues::runOnWorker(WorkerJob job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
        ++jobsInFlight_;
    }
    changed_.notify_all();
}

void ThreadQueues::runOnUi(UiChange change) {
    {
        std::lock_guard lock(mutex_);
        changes_.push_back(std::move(change));
    }
    changed_.notify_all();
    if (wake_) wake_();
}

void ThreadQueues::setSourceDone(bool done) {
    {
        std::lock_guard lock(mutex_);
        sourceDone_ = done;
    }
    changed_.notify_all();
    if (done && wake_) wake_();
}

std::deque<UiChange> ThreadQueues::takeChangesOnUi() {
    std::deque<UiChange> changes;
    std::lock_guard lock(mutex_);
    changes.swap(changes_);
    return changes;
}

void ThreadQueues::waitForWorkOnUi(std::chrono::milliseconds timeout,
                                   const std::function<bool()>& busy) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        return !changes_.empty() || (sourceDone_ && jobsInFlight_ == 0 && !busy());
    });
}

bool ThreadQueues::finished(const std::function<bool()>& busy) const {
    std::lock_guard lock(mutex_);
    return sourceDone_ && jobsInFlight_ == 0 && changes_.empty() && !busy();
}

void ThreadQueues::loopOnWorker(std::stop_token stop) {
    for (;;) {
        WorkerJob job;
        {
            std::unique_lock lock(mutex_);
            // Idle, it still beats (a stuck job is what stops the beats).
            while (jobs_.empty()) {
                if (heartbeat_) heartbeat_->beat();
                changed_.wait_for(lock, stop, kWorkerIdleBeat, [this] { return !jobs_.empty(); });
                if (stop.stop_requested() && jobs_.empty()) {
                    if (heartbeat_) heartbeat_->rest();
                    return;
                }
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job(handles_);
        } catch (const std::exception& e) {
            if (failed_) failed_(handles_, e);
        }
        bool queueEmpty = false;
        {
            std::lock_guard lock(mutex_);
            queueEmpty = jobs_.empty();
        }
        if (queueEmpty && handles_.checkpoints) {
            // A failed checkpoint loses nothing (the pages stay in the WAL) and is tried again
            // after the next job; a damaged replica is reported by that job itself.
            (void)handles_.checkpoints->runIfDue();
        }
        if (heartbeat_) heartbeat_->beat();
        {
            std::lock_guard lock(mutex_);
            --jobsInFlight_;
        }
        changed_.notify_all();
    }
}

}  // namespace admit::kiosk
