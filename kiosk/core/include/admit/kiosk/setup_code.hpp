#pragma once
// Event set-up codes ("AE1:...", docs/tickets.md) on the kiosk. An offline code is applied to
// the kiosk's database here: the event and its public keys are created if they are not there
// yet (organiser::applyOfflineSetup). An online code names a server and carries a one-time
// enrolment token: the kiosk's sync thread enrols with it (docs/sync.md).

#include <cstdint>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::kiosk {

struct SetupApplied {
    std::string eventId;
    std::string eventName;
};

struct SetupCode {
    bool online = false;
    std::string eventId;
    std::string eventName;       // offline codes only (an online code names no event)
    std::string serverUrl;       // online codes only
    std::string enrolmentToken;  // online codes only; a secret: never shown or logged
};

// Fails with a plain sentence if the text is not a valid offline set-up code.
Result<SetupApplied> applySetupCode(SQLite::Database& db, std::string_view text,
                                    std::int64_t nowMs);

// Decodes without writing anything. Fails with a plain sentence if the code is damaged.
Result<SetupCode> readSetupCode(std::string_view text);

}  // namespace admit::kiosk
