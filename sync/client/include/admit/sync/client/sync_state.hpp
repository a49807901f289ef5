#pragma once
// A kiosk's sync state, kept in its replica's meta table (keys "sync.*", docs/sync.md) so that
// it survives restarts and is encrypted at rest with everything else.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/sync/client/server_address.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {

struct SyncState {
    std::string serverUrl;  // empty: never enrolled (offline set-up only)
    // The pin of the server's key from the set-up code, if it had one (https:// only).
    std::optional<std::array<std::uint8_t, 32>> serverKeySha256;
    bool hasDeviceToken = false;
    std::optional<std::int64_t> lastSuccessAtMs;
    std::optional<std::int64_t> lastAttemptAtMs;
    std::string lastError;  // empty after a successful round
    bool revoked = false;   // the organiser removed this kiosk; until it enrols again
    std::int64_t checkinsAfter = 0;
    std::int64_t rosterVersion = 0;
    std::vector<DeviceStatus> devices;  // from the last successful round
};

SyncState readSyncState(SQLite::Database& replica);

// The device token itself, for the client only (a secret: never logged or shown).
std::optional<std::string> readDeviceToken(SQLite::Database& replica);

// The server a round goes to: the stored URL and pin.
ServerAddress serverAddress(const SyncState& state);

// After a successful enrolment: stores the server's URL and pin and the device token.
void saveEnrolment(SQLite::Database& replica, const ServerAddress& server,
                   const std::string& deviceToken);

}  // namespace admit::sync
