#pragma once
// The sync thread's life as an explicit state machine (SyncRunner). The thread is in exactly
// one phase; requests from other threads (suspend, stop) and the thread's own progress are
// signals. nextSyncPhase is pure, so the transitions are tested without threads.
//
//   kWaitingForReplica --ReplicaReady--> kOpening --Opened--> kIdle <--> kEnrolling / kRound
//   (any live phase) --SuspendAsked--> kSuspending --ConnectionClosed--> kSuspended
//   kSuspended --Resumed--> kWaitingForReplica
//   (any phase) --StopAsked--> kStopping --ThreadEnded--> kExited

#include <string_view>

namespace admit::kiosk {

enum class SyncPhase {
    kWaitingForReplica,  // the worker has not opened (and migrated) the replica yet
    kOpening,            // the thread opens its own connection (again after a failure)
    kIdle,               // connection open: waits for the next round or an enrolment
    kEnrolling,          // an online event code is being enrolled (network)
    kRound,              // a sync round runs (network)
    kSuspending,         // re-sync asked the thread to close its connection
    kSuspended,          // connection closed; the damaged replica may be moved aside
    kStopping,           // stop() asked; a request in flight ends by its own timeout
    kExited,             // the thread has ended
};

enum class SyncSignal {
    kReplicaReady,  // the worker opened the replica (databaseReady)
    kOpened,        // the thread's connection is open
    kOpenFailed,    // ... could not be opened; it tries again later
    kEnrolStarted,
    kEnrolFinished,
    kRoundStarted,
    kRoundFinished,
    kSuspendAsked,      // suspend()
    kConnectionClosed,  // the thread closed its connection
    kResumed,           // resume(): wait for the replica again
    kStopAsked,         // stop()
    kThreadEnded,
};

// The phase after `signal`. A signal that does not apply in `from` leaves it unchanged; a
// request (suspend, stop) made while the thread is busy wins over the end of that work.
SyncPhase nextSyncPhase(SyncPhase from, SyncSignal signal);

std::string_view syncPhaseName(SyncPhase phase);

}  // namespace admit::kiosk
