#pragma once
// The two hand-offs between the kiosk's threads, named by the thread the work runs on:
//
//   runOnWorker(job)   any thread -> the database worker, which alone holds ReplicaHandles
//   runOnUi(change)    any thread -> the UI thread, applied to KioskState by KioskCore::drain()
//
// (as ImHex's TaskManager::doLater hands work to its main thread). Members ending in OnUi are
// called on the UI thread only; the rest from any thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "admit/base/liveness.hpp"
#include "admit/kiosk/kiosk_state.hpp"
#include "replica_handles.hpp"

namespace admit::kiosk {

struct DrainResult;

using WorkerJob = std::function<void(ReplicaHandles&)>;
using UiChange = std::function<void(KioskState&, DrainResult&)>;

class ThreadQueues {
  public:
    // A job that threw: what to tell (on the worker, with its handles).
    using JobFailed = std::function<void(ReplicaHandles&, const std::exception&)>;

    ThreadQueues() = default;
    ~ThreadQueues();  // stops the worker
    ThreadQueues(const ThreadQueues&) = delete;
    ThreadQueues& operator=(const ThreadQueues&) = delete;

    // Called whenever a change is queued (the UI wakes its event loop). Set before startWorker.
    void setWake(std::function<void()> wake) { wake_ = std::move(wake); }

    // The database worker: runs jobs in order; beats `heartbeat` (if any) after every job and
    // every second while idle; runs due checkpoints when its queue is empty.
    void startWorker(std::shared_ptr<Heartbeat> heartbeat, JobFailed failed);
    // Runs the jobs already queued, then joins the worker.
    void stopWorker();

    void runOnWorker(WorkerJob job);
    void runOnUi(UiChange change);

    // The frame source has ended (or there is none): the headless loop may finish.
    void setSourceDone(bool done);

    std::deque<UiChange> takeChangesOnUi();
    // Waits until a change is queued, or everything is done (`busy` says whether something
    // outside the queues still works, e.g. sync), or `timeout` passes.
    void waitForWorkOnUi(std::chrono::milliseconds timeout, const std::function<bool()>& busy);
    // The source is done, no job is queued or running, no change waits, and nothing is `busy`.
    bool finished(const std::function<bool()>& busy) const;

  private:
    void loopOnWorker(std::stop_token stop);

    std::function<void()> wake_;
    std::shared_ptr<Heartbeat> heartbeat_;
    JobFailed failed_;
    ReplicaHandles handles_;  // the worker's alone

    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::deque<WorkerJob> jobs_;
    std::deque<UiChange> changes_;
    std::size_t jobsInFlight_ = 0;  // queued or running
    bool sourceDone_ = false;
    std::jthread worker_;
};

}  // namespace admit::kiosk
