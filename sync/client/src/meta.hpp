#pragma once
// The replica's meta table (key TEXT PRIMARY KEY, value TEXT) as the sync client uses it.
// SQLite errors are exceptions here; the client turns them into SyncError values.

#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

namespace admit::sync::detail {

inline constexpr const char* kServerUrl = "sync.server_url";
inline constexpr const char* kDeviceToken = "sync.device_token";
inline constexpr const char* kCheckinsAfter = "sync.checkins_after";
inline constexpr const char* kRosterVersion = "sync.roster_version";
inline constexpr const char* kLastSuccessAt = "sync.last_success_at";
inline constexpr const char* kLastAttemptAt = "sync.last_attempt_at";
inline constexpr const char* kLastError = "sync.last_error";
inline constexpr const char* kDevices = "sync.devices";
// Downloaded annulments whose target check-in is not stored yet (JSON array of records).
inline constexpr const char* kHeldAnnulments = "sync.held_annulments";

std::optional<std::string> readMeta(SQLite::Database& db, const std::string& key);
// An integer value; nullopt when absent or not a whole number.
std::optional<std::int64_t> readMetaInt(SQLite::Database& db, const std::string& key);
void writeMeta(SQLite::Database& db, const std::string& key, const std::string& value);
void eraseMeta(SQLite::Database& db, const std::string& key);

}  // namespace admit::sync::detail
