#include "admit/kiosk/kiosk_settings.hpp"

#include "admit/kiosk/strings.hpp"
#include "admit/store/meta.hpp"

namespace admit::kiosk {

KioskSettings loadSettings(SQLite::Database& db) {
    KioskSettings settings;
    if (auto gate = store::readMeta(db, kGateKey)) {
        if (auto valid = normaliseGateName(*gate)) settings.gate = *valid;
    }
    if (auto direction = store::readMeta(db, kDirectionKey)) {
        if (*direction == "exit") settings.direction = store::Direction::kExit;
    }
    if (auto muted = store::readMeta(db, kMutedKey)) settings.muted = *muted == "1";
    if (auto camera = store::readMeta(db, kCameraKey)) settings.camera = *camera;
    return settings;
}

KioskSettings applyOverrides(KioskSettings settings, const SettingOverrides& overrides) {
    if (overrides.gate) settings.gate = *overrides.gate;
    if (overrides.direction) settings.direction = *overrides.direction;
    if (overrides.muted) settings.muted = *overrides.muted;
    if (overrides.camera) settings.camera = *overrides.camera;
    return settings;
}

void saveGate(SQLite::Database& db, const std::string& gate) {
    store::writeMeta(db, kGateKey, gate);
}

void saveDirection(SQLite::Database& db, store::Direction direction) {
    store::writeMeta(db, kDirectionKey, direction == store::Direction::kExit ? "exit" : "entry");
}

void saveMuted(SQLite::Database& db, bool muted) {
    store::writeMeta(db, kMutedKey, muted ? "1" : "0");
}

void saveCamera(SQLite::Database& db, const std::string& camera) {
    store::writeMeta(db, kCameraKey, camera);
}

Result<std::string> normaliseGateName(std::string_view typed) {
    std::string out;
    bool space = false;
    for (char c : typed) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return fail(std::string(text::kGateNameInvalid));
        if (c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    if (out.empty()) return fail(std::string(text::kGateNameEmpty));
    if (out.size() > kMaxGateNameLength) return fail(text::gateNameTooLong(kMaxGateNameLength));
    return out;
}

}  // namespace admit::kiosk
