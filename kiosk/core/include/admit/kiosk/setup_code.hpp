#pragma once
// Applies a scanned offline event set-up code ("AE1:...") to the kiosk's database: the event and
// its public keys are created if they are not there yet (organiser::applyOfflineSetup).

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

// Fails with a plain sentence if the text is not a valid offline set-up code (an online
// enrolment code is refused: there is no sync client yet).
Result<SetupApplied> applySetupCode(SQLite::Database& db, std::string_view text,
                                    std::int64_t nowMs);

// Decodes without writing anything: the event id and name in a set-up code.
Result<SetupApplied> peekSetupCode(std::string_view text);

}  // namespace admit::kiosk
