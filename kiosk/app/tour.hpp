#pragma once
// --tour: after the demo video, visits the staff screens so that each can be photographed, and
// renames the gate through the settings' editor. On a damaged replica: photographs the damage
// screen, presses Re-sync and photographs the set-up screen that follows. It drives the kiosk
// only through the intents a person's taps would call.

#include <string>

#include "admit/kiosk/kiosk_core.hpp"
#include "screenshots.hpp"
#include "ui/screens.hpp"

namespace admit::kiosk::app {

// The gate name the tour types in the settings (the UI test looks for it after a restart).
inline constexpr const char* kTourGate = "North 2";

class Tour {
  public:
    bool done() const { return step_ > kLastStep || resynced_; }

    // Once per rendered frame, after `shots` considered the view `key`.
    void advance(KioskCore& core, ui::UiContext& ui, const Screenshots& shots,
                 const std::string& key);

  private:
    static constexpr int kLastStep = 13;  // advance()'s last case
    int step_ = 0;
    bool resyncPressed_ = false;
    bool resynced_ = false;
};

}  // namespace admit::kiosk::app
