#pragma once
// The headless output: one JSON object per verdict, on one line.

#include <string>

#include "admit/kiosk/kiosk_state.hpp"
#include "admit/kiosk/shown_verdict.hpp"

namespace admit::kiosk {

std::string verdictJsonLine(const ShownVerdict& verdict, const KioskState& state);

}  // namespace admit::kiosk
