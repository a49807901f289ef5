#pragma once
// The kiosk's sync thread (docs/sync.md, "A sync round"). It has its own connection to the
// replica (SQLite WAL lets it write while the worker decides verdicts), so a slow network never
// delays a verdict. It runs a round every 15 s, sooner after a check-in, with backoff while the
// server is unreachable (SyncSchedule), and enrols the kiosk when an online event code is
// scanned. It tells the core what happened through a SyncSink, never touching KioskState.
//
// While the kiosk is online, a second thread (the waiting thread) holds a waiting download open
// with its own HTTP connection (docs/sync.md, "Waiting downloads"): when the server answers
// that it has news for this kiosk, the sync thread runs a round at once. The waiting thread
// never touches the replica (the sync thread hands it what to wait for after each successful
// round), and a check-in's upload never waits behind it: the sync thread is free.
//
// Shutdown does not wait for the network: stop() waits a moment for the thread, then detaches
// it. The thread owns everything it uses (this object is shared with it), and after stop() its
// news goes nowhere.
//
// Threads: the public members are called from the UI thread or the database worker; members
// ending in OnSyncThread run on the sync thread only, OnWaitingThread on the waiting thread. The
// thread's life is a SyncPhase (sync_phase.hpp), changed only through nextSyncPhase under mutex_.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/sync_backend.hpp"
#include "admit/kiosk/sync_status.hpp"
#include "admit/store/clock.hpp"
#include "sync_phase.hpp"

namespace admit::kiosk {

struct EnrolJob {
    std::string serverUrl;
    std::string eventId;
    std::string enrolmentToken;  // a secret: never logged or shown
    std::string deviceName;
    // The pin of the server's key from the event code, if any.
    std::optional<std::array<std::uint8_t, 32>> serverKeySha256 = std::nullopt;
};

struct EnrolOutcome {
    bool enrolled = false;  // the server accepted the kiosk and the replica stored it
    std::string eventId;
    std::string eventName;
    bool rosterOk = false;  // the first round (the roster download) succeeded
    std::string message;    // why not enrolled, or why the roster is missing: a sentence
};

struct SyncSink {
    std::function<void(SyncView view, std::int64_t pendingUploads)> state;
    std::function<void(SyncRoundOutcome outcome)> round;
    std::function<void(EnrolOutcome outcome)> enrolled;
    // The replica is damaged or in an older format (problem.resyncable()).
    std::function<void(KioskDatabaseError problem)> damaged;
};

class SyncRunner : public std::enable_shared_from_this<SyncRunner> {
  public:
    // Rounds upload for the session's event and gate, read when each round starts.
    SyncRunner(std::shared_ptr<SyncBackend> backend, KioskDatabaseConfig database,
               store::WallClock clock, std::shared_ptr<const KioskSession> session,
               std::chrono::milliseconds interval = SyncSchedule::kInterval);
    ~SyncRunner();
    SyncRunner(const SyncRunner&) = delete;
    SyncRunner& operator=(const SyncRunner&) = delete;

    bool available() const { return backend_->available(); }

    void start(SyncSink sink);
    // Stops the thread: joins it if it ends within `grace`, else detaches it (a request in
    // flight ends by its own timeout; nothing it learns is reported any more).
    void stop(std::chrono::milliseconds grace);

    // The worker opened and migrated the replica: the thread may open its own connection.
    void databaseReady();
    // The session's event changed: rounds may start (or stop).
    void sessionChanged();
    void requestEnrol(EnrolJob job);
    // A check-in (or an undo) waits in the outbox: the next round comes sooner.
    void checkInRecorded();
    // Closes the thread's connection and pauses it (re-sync moves the replica aside). Blocks
    // until done; false if the runner is stopping. databaseReady() + resume() restart it.
    bool suspend();
    void resume();

    // An enrolment is pending or running, the thread is opening its connection, the first
    // round after the replica opened (when enrolled) has not finished, or a check-in has not been
    // offered for upload by a round yet (the headless kiosk waits for these before it exits).
    bool busy() const;
    SyncPhase phase() const;

  private:
    void loopOnSyncThread();
    void loopOnWaitingThread();
    // After a round: what the waiting thread waits for next (nothing after a failed round).
    void offerWaitOnSyncThread(bool roundOk, const std::string& eventId);
    // Opens the connection and reads the state; false if it cannot be opened.
    bool openDatabaseOnSyncThread();
    void refreshStateOnSyncThread();  // reads the state from the replica and reports it
    // `eventId`: the enrolment's, else the session's.
    SyncRoundOutcome runRoundOnSyncThread(bool afterEnrolment, std::optional<std::string> eventId);
    void enrolOnSyncThread(const EnrolJob& job);
    void emit(const std::function<void(SyncSink&)>& call);
    void reportDamage(KioskDatabaseError problem);
    // A failed query on the thread's connection: reported if the replica is damaged. Returns
    // the sentence for people.
    std::string replicaFailedOnSyncThread(const SQLite::Exception& e);
    SyncView currentViewOnSyncThread() const;  // the last state read plus the activity
    void signal(SyncSignal signal);            // under mutex_

    std::shared_ptr<SyncBackend> backend_;
    KioskDatabaseConfig database_;
    store::WallClock clock_;
    std::shared_ptr<const KioskSession> session_;

    // The thread's own (only the thread touches these).
    std::optional<SQLite::Database> db_;
    SyncSchedule schedule_;
    sync::SyncState syncState_;
    bool removed_ = false;  // the last round was refused because the organiser revoked this kiosk
    std::int64_t pending_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    SyncPhase phase_ = SyncPhase::kWaitingForReplica;
    std::optional<EnrolJob> enrolJob_;
    // Enrolled, not refused, with an event: rounds run and check-ins will be uploaded.
    bool enrolled_ = false;
    bool refused_ = false;
    bool roundsActive() const;
    std::uint64_t checkIns_ = 0;         // check-ins recorded while rounds are active
    std::uint64_t checkInsOffered_ = 0;  // ... of which a finished round started after
    bool checkInPoke_ = false;
    // The waiting thread: what to wait for (none: it idles), a count of offers, and news.
    std::optional<sync::WaitRequest> waitRequest_;
    std::optional<sync::ServerAddress> waitServer_;
    std::uint64_t waitOffers_ = 0;
    bool newsPoke_ = false;
    std::atomic<bool> stopAsked_{false};
    bool waitingExited_ = false;
    bool firstRoundPending_ = false;  // enrolled at start: the first round has not finished
    std::string activity_;

    std::mutex sinkMutex_;
    std::optional<SyncSink> sink_;
    std::thread thread_;
    std::thread waitingThread_;
};

}  // namespace admit::kiosk
