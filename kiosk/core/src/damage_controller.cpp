#include "damage_controller.hpp"

#include <utility>

#include "admit/kiosk/kiosk_options.hpp"
#include "admit/kiosk/strings.hpp"
#include "state_navigation.hpp"
#include "sync_runner.hpp"

namespace admit::kiosk {

DamageController::DamageController(ThreadQueues& queues, const KioskOptions& options,
                                   KioskSession& session, SettingsController& settings,
                                   std::shared_ptr<SyncRunner> sync, Hooks hooks)
    : queues_(queues),
      options_(options),
      session_(session),
      settings_(settings),
      sync_(std::move(sync)),
      hooks_(std::move(hooks)) {}

void DamageController::report(KioskDatabaseError problem) {
    const bool olderFormat = problem.kind == KioskDatabaseError::Kind::kOlderFormat;
    queues_.runOnUi([why = std::move(problem.message), olderFormat](KioskState& s, DrainResult&) {
        if (s.damage && s.damage->moving) return;  // being dealt with
        s.damage = ReplicaDamage{why, false, {}, olderFormat};
        navigateOnUi(s, nav::DamageFound{});
    });
}

void DamageController::resync(KioskState& state) {
    if (!state.damage || state.damage->moving) return;
    state.damage->moving = true;
    state.damage->problem.clear();
    queues_.runOnWorker([this, muted = state.muted, camera = state.camera](ReplicaHandles& r) {
        resyncOnWorker(r, muted, camera);
    });
}

void DamageController::resyncOnWorker(ReplicaHandles& replica, bool muted,
                                      const std::string& camera) {
    // Every connection to the file closes before it moves: the sync thread's first.
    if (sync_ && !sync_->suspend()) return;  // shutting down
    replica.close();
    session_.setEvent(std::nullopt);
    session_.signOut();
    hooks_.forgetOnWorker();
    std::int64_t now = options_.clock();
    auto moved = moveDamagedReplicaAside(options_.database.path, now);
    if (sync_) sync_->resume();
    if (!moved) {
        std::string problem = text::resyncFailed(moved.error().message);
        queues_.runOnUi([problem](KioskState& s, DrainResult&) {
            if (!s.damage) return;
            s.damage->moving = false;
            s.damage->problem = problem;
        });
        return;
    }
    std::string keptAs = moved->filename().string();
    auto opened = openKioskDatabase(options_.database);
    if (!opened) {
        std::string why = opened.error().message;
        queues_.runOnUi([why](KioskState& s, DrainResult&) {
            s.damage.reset();
            s.failure = text::cannotOpenDatabase() + ": " + why;
            navigateOnUi(s, nav::OpenFailed{});
        });
        return;
    }
    hooks_.adoptOnWorker(replica, std::move(opened).value());
    settings_.carryOverOnWorker(replica, muted, camera);
    if (sync_) {
        sync_->sessionChanged();
        sync_->databaseReady();
    }
    std::string status = text::resyncDone(keptAs);
    queues_.runOnUi([status, keptAs](KioskState& s, DrainResult&) {
        s.damage.reset();
        s.resyncedFrom = keptAs;
        s.pendingSwitch.reset();
        s.operators.clear();
        s.stats.reset();
        s.searchResults.clear();
        s.sync = SyncView{};
        s.setupStatus = status;
        s.ready = true;
        navigateOnUi(s, nav::Resynced{});
    });
}

}  // namespace admit::kiosk
