#pragma once
// Enrolment tokens (docs/sync.md, "Enrolment"): the one-time secret in an online set-up code that
// lets one kiosk enrol for one event within 7 days. Tokens are secrets: only their BLAKE2b-256
// hashes are kept, and no error sentence here contains one. The only owner of the
// `enrolment_tokens` table.

#include <cstdint>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"
#include "admit/sync/store/device_registry.hpp"

namespace admit::sync {

inline constexpr std::int64_t kEnrolmentTokenLifetimeMs = 7LL * 24 * 3600 * 1000;

// 32 random bytes, base64url without padding (43 characters): enrolment and device tokens.
std::string newSecretToken();
// The BLAKE2b-256 hash of a token's text: all the database keeps of a token.
Bytes tokenHash(std::string_view token);

class EnrolmentTokens {
  public:
    enum class State {
        kRedeemable,
        kNotForEvent,  // unknown, or another event's: one answer for both (docs/sync.md)
        kUsed,
        kExpired,
    };

    explicit EnrolmentTokens(SQLite::Database& db) : db_(db) {}

    // A new token for the event, valid for 7 days from nowMs; only its hash is stored. Returns
    // the token itself (for the set-up code, and nowhere else).
    // A relay's token (`admit setup-code --relay`) enrols a device that may upload for the
    // kiosks it serves (docs/sync.md, "Venue relay").
    Result<std::string> issue(const std::string& eventId, std::int64_t nowMs,
                              DeviceRole role = DeviceRole::kKiosk);
    // The same for a token made elsewhere (`admit setup-code --token-file`). At least 16
    // characters; registering the same token twice fails.
    Status<> add(const std::string& eventId, std::string_view token, std::int64_t nowMs,
                 DeviceRole role = DeviceRole::kKiosk);

    State state(const Bytes& hash, const std::string& eventId, std::int64_t nowMs);
    // The role the token enrols (kKiosk for an unknown token).
    DeviceRole role(const Bytes& hash);
    // Marks the token used by the device; call in the transaction that enrols it.
    void spend(const Bytes& hash, const std::string& deviceId, std::int64_t nowMs);

  private:
    SQLite::Database& db_;
};

}  // namespace admit::sync
