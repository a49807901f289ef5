#include "settings_controller.hpp"

#include <exception>
#include <utility>

#include "admit/kiosk/camera_devices.hpp"
#include "admit/kiosk/kiosk_options.hpp"
#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {

SettingsController::SettingsController(ThreadQueues& queues, const KioskOptions& options,
                                       KioskSession& session,
                                       std::function<void(const std::string& device)> cameraDueOnUi)
    : queues_(queues),
      options_(options),
      session_(session),
      cameraDueOnUi_(std::move(cameraDueOnUi)) {}

SettingOverrides SettingsController::overrides() const {
    return {options_.gate, options_.direction, options_.muted, options_.camera};
}

void SettingsController::loadOnWorker(ReplicaHandles& replica) {
    KioskSettings stored;
    std::string message;
    try {
        stored = loadSettings(*replica.db);
    } catch (const std::exception&) {
        message = text::settingNotSaved();  // unreadable: the defaults, and they may not stick
    }
    KioskSettings settings = applyOverrides(stored, overrides());
    session_.setGate(settings.gate);
    session_.setDirection(settings.direction);
    loaded_ = true;
    bool startCamera = options_.cameraFromSettings && !options_.dashboardOnly;
    queues_.runOnUi([this, settings, message, startCamera](KioskState& s, DrainResult&) {
        s.muted = settings.muted;
        s.camera = settings.camera;
        s.settingsLoaded = true;
        if (!message.empty()) s.settingsMessage = message;
        if (startCamera) cameraDueOnUi_(settings.camera);
    });
}

void SettingsController::carryOverOnWorker(ReplicaHandles& replica, bool muted,
                                           const std::string& camera) {
    // A replica damaged at start never had its settings read: the fresh one then starts from
    // the defaults.
    if (loaded_) {
        SessionSnapshot session = session_.snapshot();
        try {
            if (!options_.gate) saveGate(*replica.db, session.gate);
            if (!options_.direction) saveDirection(*replica.db, session.direction);
            if (!options_.muted) saveMuted(*replica.db, muted);
            if (!options_.camera) saveCamera(*replica.db, camera);
        } catch (const SQLite::Exception&) {
            queues_.runOnUi(
                [](KioskState& s, DrainResult&) { s.settingsMessage = text::settingNotSaved(); });
        }
    }
    // Read back (and, if the damage was found at start, the camera they name started).
    loadOnWorker(replica);
}

void SettingsController::saveOnWorker(std::function<void(SQLite::Database&)> save) {
    if (options_.dashboardOnly) return;
    queues_.runOnWorker([this, save = std::move(save)](ReplicaHandles& replica) {
        if (!replica.open()) return;
        try {
            save(*replica.db);
        } catch (const std::exception&) {
            queues_.runOnUi(
                [](KioskState& s, DrainResult&) { s.settingsMessage = text::settingNotSaved(); });
        }
    });
}

bool SettingsController::setGate(KioskState& state, std::string gate) {
    auto valid = normaliseGateName(gate);
    if (!valid) {
        state.settingsMessage = valid.error().message;
        return false;
    }
    state.settingsMessage.clear();
    // Shown at once; the session takes it on the worker, after the jobs queued before it (the
    // stored settings being read, scans being decided).
    state.gate = *valid;
    queues_.runOnWorker([this, gate = *valid](ReplicaHandles&) { session_.setGate(gate); });
    saveOnWorker([gate = *valid](SQLite::Database& db) { saveGate(db, gate); });
    return true;
}

void SettingsController::setDirection(KioskState& state, store::Direction direction) {
    state.direction = direction;  // as the gate
    queues_.runOnWorker([this, direction](ReplicaHandles&) { session_.setDirection(direction); });
    saveOnWorker([direction](SQLite::Database& db) { saveDirection(db, direction); });
}

void SettingsController::setMuted(KioskState& state, bool muted) {
    state.muted = muted;
    saveOnWorker([muted](SQLite::Database& db) { saveMuted(db, muted); });
}

void SettingsController::listCameras() {
    // On the worker: the listing may be slow.
    queues_.runOnWorker([this](ReplicaHandles&) {
        auto found = listCameraDevices();
        queues_.runOnUi([found](KioskState& s, DrainResult&) {
            s.cameras = found;
            s.camerasListed = true;
        });
    });
}

void SettingsController::setCamera(KioskState& state, std::string device) {
    if (options_.dashboardOnly) return;
    state.camera = device;
    cameraDueOnUi_(device);
    saveOnWorker([device](SQLite::Database& db) { saveCamera(db, device); });
}

}  // namespace admit::kiosk
