#pragma once
// The kiosk's settings (gate, entry/exit, sound, camera): read from the replica once it is open,
// the command line's values winning for the run, changed on the settings screen and stored at
// once (kiosk_settings.hpp). Gate and direction live in the session (kiosk_session.hpp), the
// rest in KioskState.

#include <functional>
#include <string>

#include "admit/kiosk/kiosk_session.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/kiosk_state.hpp"
#include "thread_queues.hpp"

namespace admit::kiosk {

struct KioskOptions;

class SettingsController {
  public:
    // `cameraDueOnUi` records the camera to scan from; the core starts it after the drain's
    // changes (a change only changes state; the pipeline is the core's).
    SettingsController(ThreadQueues& queues, const KioskOptions& options, KioskSession& session,
                       std::function<void(const std::string& device)> cameraDueOnUi);

    // The command line's values: they win for this run and are never stored.
    SettingOverrides overrides() const;

    // ---- database worker ----
    // Reads the stored settings (after the replica opened) and applies them; with
    // cameraFromSettings, the camera they name starts.
    void loadOnWorker(ReplicaHandles& replica);
    // Re-sync: the fresh replica keeps the settings in use (not the command line's), if they
    // were ever read; then reads them back.
    void carryOverOnWorker(ReplicaHandles& replica, bool muted, const std::string& camera);

    // ---- UI thread ----
    bool setGate(KioskState& state, std::string gate);
    void setDirection(KioskState& state, store::Direction direction);
    void setMuted(KioskState& state, bool muted);
    void listCameras();
    void setCamera(KioskState& state, std::string device);

  private:
    // Stores one setting on the worker; a database that refuses says so on the settings screen.
    void saveOnWorker(std::function<void(SQLite::Database&)> save);

    ThreadQueues& queues_;
    const KioskOptions& options_;
    KioskSession& session_;
    std::function<void(const std::string& device)> cameraDueOnUi_;
    bool loaded_ = false;  // database worker: the stored settings were read once
};

}  // namespace admit::kiosk
