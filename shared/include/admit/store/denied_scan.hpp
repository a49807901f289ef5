#pragma once
// A denied scan as a record the organiser learns about: the kiosk writes it to its audit log
// and, in the same transaction, to its outbox (kind "denial"), so the server's audit log shows
// which kiosk refused whom and why (docs/sync.md, "Denials").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/store/audit_log.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"

namespace admit::store {

// The longest detail a denial carries (bytes); longer ones are cut at a character boundary.
inline constexpr std::size_t kMaxDenialDetailBytes = 1000;

struct DeniedScan {
    std::string id;  // UUIDv7
    std::string eventId;
    std::string ticketRef;  // empty when the code named no ticket
    std::string deviceId;
    std::string gate;
    Direction direction = Direction::kEntry;
    HlcTime hlc = 0;
    std::int64_t wallTimeMs = 0;
    std::string operatorName;
    std::string reason;  // the denial's code (rules::denialCode), e.g. "revoked"
    std::string detail;  // the engine's particulars, at most kMaxDenialDetailBytes

    friend bool operator==(const DeniedScan&, const DeniedScan&) = default;
};

struct NewDeniedScan {
    std::string eventId;
    std::string ticketRef;
    std::string gate;
    Direction direction = Direction::kEntry;
    std::string operatorName;
    std::string reason;
    std::string detail;
};

// The outbox payload (JSON text): every field, as the sync protocol parses it back.
std::string deniedScanPayload(const DeniedScan& denial);
// The audit entry a denial is, on the device that made it and on the server that received it.
AuditEntry deniedScanAuditEntry(const DeniedScan& denial);

class DeniedScanLog {
  public:
    DeniedScanLog(SQLite::Database& db, HybridLogicalClock& clock);

    // Writes the denial's outbox entry and audit entry; call inside a transaction.
    DeniedScan append(const NewDeniedScan& denial, std::int64_t wallTimeMs);

  private:
    HybridLogicalClock& clock_;
    AuditLog audit_;
    Outbox outbox_;
};

}  // namespace admit::store
