#include "event_setup_controller.hpp"

#include <utility>
#include <variant>

#include "admit/kiosk/kiosk_options.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/store/operators.hpp"
#include "state_navigation.hpp"
#include "verdict_messages.hpp"

namespace admit::kiosk {

EventSetupController::EventSetupController(ThreadQueues& queues, const KioskOptions& options,
                                           KioskSession& session, std::shared_ptr<SyncRunner> sync,
                                           Hooks hooks)
    : queues_(queues),
      options_(options),
      session_(session),
      sync_(std::move(sync)),
      hooks_(std::move(hooks)) {}

void EventSetupController::handleOnWorker(ReplicaHandles& replica, const SetupCode& code,
                                          std::int64_t nowMs) {
    SessionSnapshot session = session_.snapshot();
    const std::string eventId = code.eventId();
    // An online code for the kiosk's own event enrols again (a new device token; the replica
    // and its outbox stay).
    if (session.event && session.event->id == eventId && !code.online()) {
        hooks_.publishVerdictOnWorker(
            messageVerdict(VerdictKind::kInfo, "already_set_up", text::kNotice,
                           text::alreadySetUp(session.event->name), nowMs));
        return;
    }
    if (session.event && session.event->id != eventId && !session.organiserSignedIn()) {
        pending_ = code;
        EventSummary pending{eventId, code.displayName()};
        queues_.runOnUi([pending](KioskState& s, DrainResult&) { s.pendingSwitch = pending; });
        hooks_.publishVerdictOnWorker(
            messageVerdict(VerdictKind::kAttention, "switch_needs_organiser", text::kSeeVolunteer,
                           text::switchNeedsOrganiser(code.displayName()), nowMs));
        return;
    }
    if (const auto* online = std::get_if<ticket::OnlineEnrolment>(&code.decoded)) {
        enrolOnWorker(*online, nowMs);
        return;
    }
    queues_.runOnUi([](KioskState& s, DrainResult&) { s.setupStatus = text::kSetupApplying; });
    auto applied =
        applyOfflineSetup(*replica.db, std::get<ticket::OfflineSetup>(code.decoded), nowMs);
    if (!applied) {
        hooks_.publishVerdictOnWorker(messageVerdict(
            VerdictKind::kError, "setup_failed", text::kNotice, applied.error().message, nowMs));
        return;
    }
    switchToEventOnWorker(EventSummary{applied->eventId, applied->eventName});
    auto shown = messageVerdict(VerdictKind::kSetup, "event_setup", text::kSetUpFor,
                                text::setupDone(applied->eventName), nowMs);
    shown.name = applied->eventName;
    hooks_.publishPendingOnWorker(replica);
    hooks_.publishVerdictOnWorker(shown);
}

void EventSetupController::organiserSignedInOnWorker(ReplicaHandles& replica, std::int64_t nowMs) {
    if (!pending_ || !replica.open()) return;
    SetupCode code = std::move(*pending_);
    pending_.reset();
    handleOnWorker(replica, code, nowMs);
}

void EventSetupController::enrolOnWorker(const ticket::OnlineEnrolment& code, std::int64_t nowMs) {
    if (!sync_ || !sync_->available()) {
        hooks_.publishVerdictOnWorker(messageVerdict(VerdictKind::kInfo, "sync_unavailable",
                                                     text::kNotice, text::noSyncClient(), nowMs));
        return;
    }
    std::string connecting = text::connectingTo(serverDisplayName(code.serverUrl));
    queues_.runOnUi([connecting](KioskState& s, DrainResult&) {
        s.setupStatus = connecting;
        s.sync.activity = connecting;  // until the sync thread reports its own
    });
    pending_.reset();
    sync_->requestEnrol({code.serverUrl, ticket::eventIdToString(code.eventId), code.enrolmentToken,
                         options_.deviceName, code.serverKeySha256});
}

void EventSetupController::enrolmentFinishedOnWorker(ReplicaHandles& replica,
                                                     const EnrolOutcome& outcome) {
    std::int64_t now = options_.clock();
    if (!outcome.enrolled) {
        bool hasEvent = session_.snapshot().event.has_value();
        queues_.runOnUi([hasEvent](KioskState& s, DrainResult&) {
            if (!hasEvent) s.setupStatus = text::kSetupWaiting;
        });
        hooks_.publishVerdictOnWorker(messageVerdict(VerdictKind::kError, "enrol_failed",
                                                     text::kNotice, outcome.message, now));
        return;
    }
    switchToEventOnWorker(EventSummary{outcome.eventId, outcome.eventName});
    if (replica.open()) {
        auto operators = store::Operators(*replica.db).list();
        queues_.runOnUi([operators](KioskState& s, DrainResult&) { s.operators = operators; });
    }
    auto shown = messageVerdict(
        VerdictKind::kSetup, "enrolled", text::kSetUpFor,
        outcome.rosterOk ? text::setupDone(outcome.eventName)
                         : text::enrolledWithoutRoster(outcome.eventName, outcome.message),
        now);
    shown.name = outcome.eventName;
    hooks_.publishPendingOnWorker(replica);
    hooks_.publishVerdictOnWorker(shown);
}

void EventSetupController::switchToEventOnWorker(EventSummary event) {
    session_.setEvent(event);
    pending_.reset();
    if (sync_) sync_->sessionChanged();
    queues_.runOnUi([](KioskState& s, DrainResult&) {
        s.pendingSwitch.reset();
        s.searchResults.clear();
        s.stats.reset();
        navigateOnUi(s, nav::EventChosen{});
    });
}

}  // namespace admit::kiosk
