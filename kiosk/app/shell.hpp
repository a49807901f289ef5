#pragma once
// The windowed kiosk: GLFW + OpenGL 3 + Dear ImGui, drawing the core's state. Prints the same
// JSON line per verdict as --headless, so tests can assert on what it decided.

#include <memory>

#include "admit/kiosk/kiosk_core.hpp"
#include "admit/scan/frame_source.hpp"
#include "options.hpp"
#include "supervision.hpp"

namespace admit::kiosk::app {

// `supervision` hears from the loop every time round (systemd's watchdog and READY=1).
int runWindowed(KioskCore& core, const AppOptions& options,
                std::unique_ptr<scan::FrameSource> source, Supervision& supervision);

}  // namespace admit::kiosk::app
