#pragma once
// Builds the frame source the options ask for.

#include <memory>

#include "admit/scan/frame_source.hpp"
#include "options.hpp"

namespace admit::kiosk::app {

// A file or folder source; null for a camera (opened by the kiosk core from its settings, so that
// it can be switched at run time) and when no source is wanted (dashboard mode).
std::unique_ptr<scan::FrameSource> makeSource(const AppOptions& options,
                                              const std::filesystem::path* demoFrames);

}  // namespace admit::kiosk::app
