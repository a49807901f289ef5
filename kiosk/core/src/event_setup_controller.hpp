#pragma once
// What a scanned event code does (docs/kiosk.md, "Structure"; docs/sync.md, "Enrolment"): an
// offline code sets the kiosk up from the code alone, an online one hands the enrolment to the
// sync thread; switching away from the event the kiosk checks needs an organiser (the code
// waits until one signs in). The code arrives decoded once (setup_code.hpp).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/setup_code.hpp"
#include "admit/kiosk/shown_verdict.hpp"
#include "sync_runner.hpp"
#include "thread_queues.hpp"

namespace admit::kiosk {

struct KioskOptions;

// Everything here runs on the database worker.
class EventSetupController {
  public:
    struct Hooks {
        std::function<void(ShownVerdict)> publishVerdictOnWorker;
        std::function<void(ReplicaHandles&)> publishPendingOnWorker;  // the outbox's count
    };

    EventSetupController(ThreadQueues& queues, const KioskOptions& options, KioskSession& session,
                         std::shared_ptr<SyncRunner> sync, Hooks hooks);

    void handleOnWorker(ReplicaHandles& replica, const SetupCode& code, std::int64_t nowMs);
    // An organiser signed in: the code that waited for one is applied now.
    void organiserSignedInOnWorker(ReplicaHandles& replica, std::int64_t nowMs);
    // The sync thread finished enrolling (the sink posts this to the worker).
    void enrolmentFinishedOnWorker(ReplicaHandles& replica, const EnrolOutcome& outcome);
    void forgetPendingOnWorker() { pending_.reset(); }

  private:
    void enrolOnWorker(const ticket::OnlineEnrolment& code, std::int64_t nowMs);
    // The kiosk now checks `event`: what was shown for the previous one goes, and the set-up
    // screen gives way to scanning.
    void switchToEventOnWorker(EventSummary event);

    ThreadQueues& queues_;
    const KioskOptions& options_;
    KioskSession& session_;
    std::shared_ptr<SyncRunner> sync_;
    Hooks hooks_;
    std::optional<SetupCode> pending_;  // waits for an organiser (holds a secret if online)
};

}  // namespace admit::kiosk
