#pragma once
// --screenshot-dir: a PNG of every distinct view the first time it is shown, and
// shown-WxH.jsonl saying what each showed (docs/kiosk.md, "Command line"). Used by the UI test
// and the screenshot tour.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "admit/kiosk/kiosk_state.hpp"
#include "ui/screens.hpp"

namespace admit::kiosk::app {

// The name a screenshot of the current view gets; one file per name.
std::string viewKey(const KioskState& state, const ui::UiContext& ui);

class Screenshots {
  public:
    explicit Screenshots(std::optional<std::filesystem::path> dir) : dir_(std::move(dir)) {}

    bool enabled() const { return dir_.has_value(); }
    bool taken(const std::string& key) const { return taken_.count(key) != 0; }

    // Reads the back buffer just rendered and writes <dir>/<key>-<W>x<H>.png, once per key, on
    // the second consecutive render of that view (fonts and layout settled).
    void consider(const std::string& key, int width, int height, const KioskState& state);

  private:
    std::optional<std::filesystem::path> dir_;
    std::map<std::string, bool> taken_;
    std::string lastKey_;
    int renders_ = 0;
};

}  // namespace admit::kiosk::app
