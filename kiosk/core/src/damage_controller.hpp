#pragma once
// A damaged replica (or one in an older format): the kDamaged screen offers a re-sync, which
// moves the file aside (renamed with a timestamp, never deleted: it may hold check-ins not
// uploaded yet), creates a fresh replica with the same key and waits for the event code
// (docs/kiosk.md, "Sync", "Damaged replica").

#include <functional>
#include <memory>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/kiosk_state.hpp"
#include "settings_controller.hpp"
#include "thread_queues.hpp"

namespace admit::kiosk {

struct KioskOptions;
class SyncRunner;

class DamageController {
  public:
    // What the re-sync asks of the rest of the core, on the database worker.
    struct Hooks {
        std::function<void()> forgetOnWorker;  // what belonged to the old replica (a pending code)
        // Takes a freshly opened replica into use (handles, device id, pending count).
        std::function<void(ReplicaHandles&, SQLite::Database)> adoptOnWorker;
    };

    DamageController(ThreadQueues& queues, const KioskOptions& options, KioskSession& session,
                     SettingsController& settings, std::shared_ptr<SyncRunner> sync, Hooks hooks);

    // Any thread: `problem` (resyncable) was found; the screen offers the re-sync, after a
    // verdict on screen.
    void report(KioskDatabaseError problem);

    // UI thread: the Re-sync button.
    void resync(KioskState& state);

  private:
    void resyncOnWorker(ReplicaHandles& replica, bool muted, const std::string& camera);

    ThreadQueues& queues_;
    const KioskOptions& options_;
    KioskSession& session_;
    SettingsController& settings_;
    std::shared_ptr<SyncRunner> sync_;
    Hooks hooks_;
};

}  // namespace admit::kiosk
