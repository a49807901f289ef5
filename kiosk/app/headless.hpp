#pragma once
// --headless: the same core and pipeline without a window; one JSON line per verdict on stdout,
// preceded by one {"kind":"ready",...} line once the kiosk can scan.

#include "admit/kiosk/kiosk_core.hpp"
#include "options.hpp"
#include "supervision.hpp"

namespace admit::kiosk::app {

// Runs until the file source has ended (and every read is decided) or SIGINT/SIGTERM. The
// ready line is also systemd's READY=1 (`supervision`).
int runHeadless(KioskCore& core, Supervision& supervision);

}  // namespace admit::kiosk::app
