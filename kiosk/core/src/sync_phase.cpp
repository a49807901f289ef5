#include "sync_phase.hpp"

#include <array>
#include <cstddef>

namespace admit::kiosk {
namespace {

struct Transition {
    SyncPhase from;
    SyncSignal signal;
    SyncPhase to;
};

// The thread's own progress, and resume. Suspend, stop and the thread's end are below.
constexpr std::array<Transition, 9> kTransitions{{
    {SyncPhase::kWaitingForReplica, SyncSignal::kReplicaReady, SyncPhase::kOpening},
    {SyncPhase::kOpening, SyncSignal::kOpened, SyncPhase::kIdle},
    {SyncPhase::kOpening, SyncSignal::kOpenFailed, SyncPhase::kOpening},  // tries again
    {SyncPhase::kIdle, SyncSignal::kEnrolStarted, SyncPhase::kEnrolling},
    {SyncPhase::kEnrolling, SyncSignal::kEnrolFinished, SyncPhase::kIdle},
    {SyncPhase::kIdle, SyncSignal::kRoundStarted, SyncPhase::kRound},
    {SyncPhase::kRound, SyncSignal::kRoundFinished, SyncPhase::kIdle},
    {SyncPhase::kSuspending, SyncSignal::kConnectionClosed, SyncPhase::kSuspended},
    {SyncPhase::kSuspended, SyncSignal::kResumed, SyncPhase::kWaitingForReplica},
}};

// Alive, and not already on its way to close the connection or to stop.
bool live(SyncPhase phase) {
    return phase == SyncPhase::kWaitingForReplica || phase == SyncPhase::kOpening ||
           phase == SyncPhase::kIdle || phase == SyncPhase::kEnrolling ||
           phase == SyncPhase::kRound;
}

}  // namespace

SyncPhase nextSyncPhase(SyncPhase from, SyncSignal signal) {
    if (from == SyncPhase::kExited) return from;
    if (signal == SyncSignal::kThreadEnded) return SyncPhase::kExited;
    if (signal == SyncSignal::kStopAsked) return SyncPhase::kStopping;
    if (signal == SyncSignal::kSuspendAsked) return live(from) ? SyncPhase::kSuspending : from;
    for (const auto& transition : kTransitions) {
        if (transition.from == from && transition.signal == signal) return transition.to;
    }
    return from;  // does not apply here (e.g. a round's end while suspending)
}

std::string_view syncPhaseName(SyncPhase phase) {
    // In the enum's order.
    static constexpr std::array<std::string_view, 9> kNames{
        "waiting_for_replica", "opening",   "idle",     "enrolling", "round",
        "suspending",          "suspended", "stopping", "exited"};
    auto index = static_cast<std::size_t>(phase);
    return index < kNames.size() ? kNames[index] : "exited";
}

}  // namespace admit::kiosk
