#pragma once
// The kiosk's own settings (gate name, entry/exit, sound, camera), kept in the replica's `meta`
// key/value table so that they survive a restart and travel with the replica file: the database
// is already the kiosk's one piece of state, encrypted, and written only by the worker. Command
// line flags override a stored value for one run without changing it.

#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/store/checkin_log.hpp"

namespace admit::kiosk {

inline constexpr const char* kDefaultGate = "A";
inline constexpr std::size_t kMaxGateNameLength = 32;  // bytes; fits the status bar

// The `meta` keys; values are text.
inline constexpr const char* kGateKey = "kiosk.gate";
inline constexpr const char* kDirectionKey = "kiosk.direction";  // "entry" | "exit"
inline constexpr const char* kMutedKey = "kiosk.muted";          // "0" | "1"
inline constexpr const char* kCameraKey = "kiosk.camera";        // device path

struct KioskSettings {
    std::string gate = kDefaultGate;
    store::Direction direction = store::Direction::kEntry;
    bool muted = false;
    std::string camera;  // a V4L2 device path; empty: the first camera (/dev/video0)
};

// What the command line set for this run; unset fields come from the database.
struct SettingOverrides {
    std::optional<std::string> gate;
    std::optional<store::Direction> direction;
    std::optional<bool> muted;
    std::optional<std::string> camera;
};

// The stored settings; a missing or unreadable value keeps its default. Throws SQLite::Exception
// only when the table cannot be read at all.
KioskSettings loadSettings(SQLite::Database& db);
KioskSettings applyOverrides(KioskSettings settings, const SettingOverrides& overrides);

// Each writes one key (so saving one setting never stores another's command-line override).
// Throw SQLite::Exception when the database cannot be written.
void saveGate(SQLite::Database& db, const std::string& gate);
void saveDirection(SQLite::Database& db, store::Direction direction);
void saveMuted(SQLite::Database& db, bool muted);
void saveCamera(SQLite::Database& db, const std::string& camera);

// A gate name as typed: surrounding spaces removed, runs of spaces folded; refused when empty,
// longer than kMaxGateNameLength or holding control characters. The error is a sentence.
Result<std::string> normaliseGateName(std::string_view typed);

}  // namespace admit::kiosk
