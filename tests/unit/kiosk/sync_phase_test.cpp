// The sync thread's phases (sync_phase.hpp): every transition the runner relies on, without
// threads. One row a transition.

#include "sync_phase.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

namespace admit::kiosk {
namespace {

using P = SyncPhase;
using S = SyncSignal;

struct Step {
    P from;
    S signal;
    P to;
    const char* why;
};

class SyncPhaseStep : public ::testing::TestWithParam<Step> {};

TEST_P(SyncPhaseStep, GoesWhereTheTableSays) {
    const Step& step = GetParam();
    EXPECT_EQ(nextSyncPhase(step.from, step.signal), step.to)
        << syncPhaseName(step.from) << ": " << step.why;
}

INSTANTIATE_TEST_SUITE_P(
    SyncPhase, SyncPhaseStep,
    ::testing::Values(
        // Opens only once the worker has the replica.
        Step{P::kWaitingForReplica, S::kOpened, P::kWaitingForReplica, "nothing to open yet"},
        Step{P::kWaitingForReplica, S::kReplicaReady, P::kOpening, "the worker opened it"},
        Step{P::kOpening, S::kOpened, P::kIdle, "open"},
        Step{P::kOpening, S::kOpenFailed, P::kOpening, "tries again"},
        Step{P::kIdle, S::kReplicaReady, P::kIdle, "already open"},
        // Enrolments and rounds start and end only when idle.
        Step{P::kIdle, S::kEnrolStarted, P::kEnrolling, "enrol"},
        Step{P::kEnrolling, S::kEnrolFinished, P::kIdle, "enrolled"},
        Step{P::kIdle, S::kRoundStarted, P::kRound, "round"},
        Step{P::kRound, S::kRoundFinished, P::kIdle, "round over"},
        Step{P::kWaitingForReplica, S::kRoundStarted, P::kWaitingForReplica, "no connection"},
        Step{P::kEnrolling, S::kRoundStarted, P::kEnrolling, "one thing at a time"},
        // Re-sync: the connection closes, then the thread waits for the replica again.
        Step{P::kSuspending, S::kConnectionClosed, P::kSuspended, "closed"},
        Step{P::kSuspended, S::kReplicaReady, P::kSuspended, "the replica is being moved"},
        Step{P::kSuspended, S::kResumed, P::kWaitingForReplica, "resumed"},
        Step{P::kIdle, S::kResumed, P::kIdle, "nothing to resume"},
        // A request made while the thread is busy wins over the end of that work.
        Step{P::kSuspending, S::kRoundFinished, P::kSuspending, "the round ended"},
        Step{P::kSuspending, S::kEnrolFinished, P::kSuspending, "the enrolment ended"},
        Step{P::kSuspending, S::kOpened, P::kSuspending, "the connection opened"},
        Step{P::kStopping, S::kRoundFinished, P::kStopping, "the round ended"},
        Step{P::kStopping, S::kSuspendAsked, P::kStopping, "no suspend while stopping"},
        // The thread ends once.
        Step{P::kStopping, S::kThreadEnded, P::kExited, "ended"},
        Step{P::kExited, S::kReplicaReady, P::kExited, "over"},
        Step{P::kExited, S::kSuspendAsked, P::kExited, "over"},
        Step{P::kExited, S::kStopAsked, P::kExited, "over"}));

// Every phase in `from` goes to `to` on `signal`.
void expectAll(std::initializer_list<P> from, S signal, P to) {
    for (P phase : from) EXPECT_EQ(nextSyncPhase(phase, signal), to) << syncPhaseName(phase);
}

TEST(SyncPhase, EveryLivePhaseCanBeSuspended) {
    expectAll({P::kWaitingForReplica, P::kOpening, P::kIdle, P::kEnrolling, P::kRound},
              S::kSuspendAsked, P::kSuspending);
}

TEST(SyncPhase, StopWinsOverEveryPhaseButTheEnd) {
    expectAll({P::kWaitingForReplica, P::kOpening, P::kIdle, P::kEnrolling, P::kRound,
               P::kSuspending, P::kSuspended},
              S::kStopAsked, P::kStopping);
}

}  // namespace
}  // namespace admit::kiosk
