#pragma once
// The statistics thread: the dashboard's figures (store::AttendanceTally) and the search
// (store::AttendeeSearch), read on a replica connection of its own. They never run on the
// database worker that decides verdicts, so a verdict never waits behind them, and they never
// wait for one: in WAL mode readers and the writer do not block each other (docs/kiosk.md,
// "Threads"). Functions ending in OnStatsThread run here; the rest may be called from any
// other thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendance_tally.hpp"
#include "admit/store/attendee_search.hpp"

namespace admit::kiosk {

// The statistics thread's handles; only that thread touches them.
struct StatsHandles {
    std::optional<SQLite::Database> db;
    std::optional<store::AttendanceTally> tally;
    std::optional<store::AttendeeSearch> search;
    // Only previews (evaluateAttendee) for the search's buttons: this connection records nothing.
    std::optional<rules::CheckInEngine> previews;

    // The tally and the search of `eventId`, made (or remade for another event) on first use.
    store::AttendanceTally& tallyOf(const std::string& eventId);
    store::AttendeeSearch& searchOf(const std::string& eventId);
    rules::CheckInEngine& previewEngine();
    void close();
};

class StatsThread {
  public:
    using Job = std::function<void(StatsHandles&)>;
    // The replica failed in a way a re-sync cures (damage, an older format).
    using Damaged = std::function<void(KioskDatabaseError)>;

    StatsThread(KioskDatabaseConfig database, Damaged damaged);
    ~StatsThread();  // stops
    StatsThread(const StatsThread&) = delete;
    StatsThread& operator=(const StatsThread&) = delete;

    void start();
    // Drops the jobs not started and joins the thread.
    void stop();

    // Runs `job` with an open connection (opened on first use); skipped while suspended.
    void runOnStatsThread(Job job);
    // Closes the connection and opens none until resume(): every connection closes before a
    // damaged replica is moved aside. Returns once it is closed.
    void suspend();
    void resume();
    // No job queued or running.
    bool idle() const;

  private:
    struct Queued {
        Job job;
        bool control = false;  // suspend's close: runs without (and closes) the connection
    };

    void loopOnStatsThread(std::stop_token stop);
    bool openOnStatsThread();

    KioskDatabaseConfig database_;
    Damaged damaged_;
    StatsHandles handles_;  // the statistics thread's alone

    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::deque<Queued> jobs_;
    std::size_t jobsInFlight_ = 0;
    bool suspended_ = false;
    std::jthread thread_;
};

}  // namespace admit::kiosk
