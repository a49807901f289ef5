#include "admit/kiosk/kiosk_settings.hpp"

#include <SQLiteCpp/Statement.h>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {
namespace {

std::optional<std::string> readKey(SQLite::Database& db, const char* key) {
    SQLite::Statement query(db, "SELECT value FROM meta WHERE key = ?");
    query.bind(1, key);
    if (!query.executeStep()) return std::nullopt;
    return query.getColumn(0).getString();
}

void writeKey(SQLite::Database& db, const char* key, const std::string& value) {
    SQLite::Statement upsert(db,
                             "INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, key);
    upsert.bind(2, value);
    upsert.exec();
}

}  // namespace

KioskSettings loadSettings(SQLite::Database& db) {
    KioskSettings settings;
    if (auto gate = readKey(db, kGateKey)) {
        if (auto valid = normaliseGateName(*gate)) settings.gate = *valid;
    }
    if (auto direction = readKey(db, kDirectionKey)) {
        if (*direction == "exit") settings.direction = store::Direction::kExit;
    }
    if (auto muted = readKey(db, kMutedKey)) settings.muted = *muted == "1";
    if (auto camera = readKey(db, kCameraKey)) settings.camera = *camera;
    return settings;
}

KioskSettings applyOverrides(KioskSettings settings, const SettingOverrides& overrides) {
    if (overrides.gate) settings.gate = *overrides.gate;
    if (overrides.direction) settings.direction = *overrides.direction;
    if (overrides.muted) settings.muted = *overrides.muted;
    if (overrides.camera) settings.camera = *overrides.camera;
    return settings;
}

void saveGate(SQLite::Database& db, const std::string& gate) { writeKey(db, kGateKey, gate); }

void saveDirection(SQLite::Database& db, store::Direction direction) {
    writeKey(db, kDirectionKey, direction == store::Direction::kExit ? "exit" : "entry");
}

void saveMuted(SQLite::Database& db, bool muted) { writeKey(db, kMutedKey, muted ? "1" : "0"); }

void saveCamera(SQLite::Database& db, const std::string& camera) {
    writeKey(db, kCameraKey, camera);
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
