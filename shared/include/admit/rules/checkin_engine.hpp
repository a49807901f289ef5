#pragma once
// The check-in rules: (scanned text, event, gate, direction, now) -> verdict, and recording
// it. An accepted check-in, its outbox entry and its audit entry are committed (fsynced)
// together before the verdict is returned; denials are audited too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/rules/checkin_error.hpp"
#include "admit/rules/verdict.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/denied_scan.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/pretix_settings.hpp"

namespace admit::rules {

struct ScanContext {
    std::string eventId;
    std::string gate;
    store::Direction direction = store::Direction::kEntry;
    std::string operatorName;  // may be empty on an unattended kiosk
    std::int64_t nowMs = 0;
};

class CheckInEngine {
  public:
    explicit CheckInEngine(SQLite::Database& db);

    // Decides and records. An error means the ticket was neither accepted nor denied: the event
    // is not in the database (kNotFound), the replica is damaged (kDamaged), or the database
    // refused (kStorage: disk full, locked) and the volunteer should try again.
    Result<Verdict, CheckInError> scan(std::string_view text, const ScanContext& context);
    // Decides without recording anything (the organiser's `admit verify`).
    Result<Verdict, CheckInError> evaluate(std::string_view text, const ScanContext& context);
    // The search path (lost phone, unreadable code): checks in the first of an attendee's
    // tickets the rules accept (a reissued code, not the revoked one it replaced).
    Result<Verdict, CheckInError> checkInAttendee(std::int64_t attendeeId,
                                                  const ScanContext& context);
    // What checkInAttendee would decide, recording nothing (the search screen's button).
    Result<Verdict, CheckInError> evaluateAttendee(std::int64_t attendeeId,
                                                   const ScanContext& context);
    // Annuls the latest effective check-in made on this device, as a new audited record;
    // kNothingToUndo when there is none, kDamaged or kStorage when the database failed.
    Result<store::CheckIn, CheckInError> undoLast(const ScanContext& context);

  private:
    enum class Mode { kRecord, kDryRun };
    // Looks the event up, runs `decideFor(event)` and, when recording, writes the verdict, all
    // in one IMMEDIATE transaction; storage failures become errors, never exceptions.
    template <class DecideFor>
    Result<Verdict, CheckInError> decideAndRecord(const ScanContext& context, Mode mode,
                                                  DecideFor&& decideFor);
    Verdict decide(std::string_view text, const store::EventInfo& event,
                   const ScanContext& context);
    Result<Verdict, CheckInError> decideForAttendee(std::int64_t attendeeId,
                                                    const store::EventInfo& event,
                                                    const ScanContext& context);
    // A pretix_sig1 ticket: signature by one of the event's pretix keys, its window, its item's
    // ticket type; then the same rules as ours, by the blind index of its text (its secret).
    Verdict& decidePretix(Verdict& verdict, std::string_view text, const store::EventInfo& event,
                          const ScanContext& context);
    // An imported barcode, by the blind index of its text.
    Verdict& decideOpaque(Verdict& verdict, std::string_view text, const store::EventInfo& event,
                          const ScanContext& context);
    void decideForTicket(Verdict& verdict, const store::EventInfo& event,
                         const ScanContext& context, std::optional<std::uint16_t> signedType);
    void record(Verdict& verdict, const ScanContext& context);
    // Made on first use, inside the guarded paths: opening them reads the database.
    store::CheckInLog& checkInLog();
    store::DeniedScanLog& deniedScanLog();

    SQLite::Database& db_;
    store::HybridLogicalClock clock_;
    // Kept for the engine's lifetime so their prepared statements are reused across scans.
    store::Events events_;
    store::Attendees attendees_;
    store::CodeLists codeLists_;
    store::PretixSettings pretix_;
    std::optional<store::CheckInLog> checkInLog_;
    std::optional<store::DeniedScanLog> deniedScanLog_;
};

}  // namespace admit::rules
