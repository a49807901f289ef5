#pragma once
// The keyboard-wedge scanner's way in: GLFW's key and character callbacks (UI thread, inside
// glfwPollEvents; chained with Dear ImGui's, which still gets every key) append here, in order,
// with the time each arrived; once per frame deliverOnUi hands them to scan::KeyboardWedge. Keys
// are never read from a text field: nothing to focus, and a burst of keys that arrives within
// one frame is kept whole.

#include <vector>

#include "admit/kiosk/kiosk_core.hpp"
#include "admit/scan/frame.hpp"
#include "admit/scan/keyboard_wedge.hpp"

namespace admit::kiosk::app {

class WedgeKeys {
  public:
    void characterOnUi(unsigned int codepoint, scan::TimePoint at);
    void enterOnUi(scan::TimePoint at);
    // On the screens where nobody types (set-up, scanning, verdict) each code the keys make at
    // scanner speed goes to the core as a handheld read; on the others (search, PIN, settings)
    // the keys are that screen's alone and the wedge forgets them.
    void deliverOnUi(KioskCore& core);

  private:
    struct Key {
        char32_t character = 0;  // 0: Enter
        scan::TimePoint at;
    };
    std::vector<Key> keys_;
    scan::KeyboardWedge wedge_;
};

}  // namespace admit::kiosk::app
