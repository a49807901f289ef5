#pragma once
// The headless output: one JSON object per verdict, on one line (and one when ready).

#include <string>

#include "admit/kiosk/kiosk_state.hpp"
#include "admit/kiosk/shown_verdict.hpp"
#include "admit/kiosk/sync_status.hpp"

namespace admit::kiosk {

// Whether a verdict line names the attendee ("name") and gives their attention note ("note").
// Left out where the output is kept on the kiosk's disk in plain (the journal): the replica is
// encrypted so that a lost kiosk does not give its guest list away.
enum class PersonalData { kIncluded, kLeftOut };

// A verdict from the scanning pipeline also carries frame_to_verdict_us (from the frame being
// handed to the pipeline to the verdict being decided) and read_us (QR reading of that frame).
std::string verdictJsonLine(const ShownVerdict& verdict, const KioskState& state,
                            PersonalData personal);

// Printed once by --headless when the kiosk can scan (KioskState::ready):
// {"kind":"ready","screen":"scanning","event":...,"gate":...,"source":...}
std::string readyJsonLine(const KioskState& state);

// One per sync round: {"kind":"sync","ok":true,"uploaded":1,"downloaded":0,...} or, failed,
// {"kind":"sync","ok":false,"step":"upload","error_kind":"unreachable","error":"..."}.
std::string syncJsonLine(const SyncRoundOutcome& round, const KioskState& state);

// Printed when the replica is found damaged (the kDamaged screen):
// {"kind":"damaged","screen":"damaged","error":"replica is damaged or was tampered with: ..."}
std::string damagedJsonLine(const KioskState& state);

}  // namespace admit::kiosk
