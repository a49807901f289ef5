#pragma once
// Event set-up codes ("AE1:...", docs/tickets.md) on the kiosk. A scanned code is decoded once
// (readSetupCode) and the value is passed on. An offline code is applied to the kiosk's
// database (applyOfflineSetup): the event and its public keys are created if they are not there
// yet. An online code names a server and carries a one-time enrolment token: the kiosk's sync
// thread enrols with it (docs/sync.md).

#include <cstdint>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/ticket/event_setup.hpp"

namespace admit::kiosk {

// A decoded event code.
struct SetupCode {
    ticket::EventSetup decoded;

    bool online() const;
    std::string eventId() const;
    // What the kiosk calls the event before it is set up: an offline code's event name, or
    // "the event at <server>" for an online code (which names no event).
    std::string displayName() const;
};

// Decodes without writing anything. Fails with a plain sentence if the code is damaged.
Result<SetupCode> readSetupCode(std::string_view text);

struct SetupApplied {
    std::string eventId;
    std::string eventName;
};

// Sets the kiosk up from an offline code: creates the event with its public keys in the replica
// if it is not there yet (applying the same code twice is harmless). Fails with a sentence.
Result<SetupApplied> applyOfflineSetup(SQLite::Database& db, const ticket::OfflineSetup& setup,
                                       std::int64_t nowMs);

}  // namespace admit::kiosk
