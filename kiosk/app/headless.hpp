#pragma once
// --headless: the same core and pipeline without a window; one JSON line per verdict on stdout,
// preceded by one {"kind":"ready",...} line once the kiosk can scan.

#include "admit/kiosk/kiosk_core.hpp"
#include "options.hpp"

namespace admit::kiosk::app {

// Runs until the file source has ended (and every read is decided) or SIGINT/SIGTERM.
int runHeadless(KioskCore& core);

}  // namespace admit::kiosk::app
