#include "wedge_keys.hpp"

#include <utility>

namespace admit::kiosk::app {
namespace {

bool scannerScreen(Screen screen) {
    return screen == Screen::kScanning || screen == Screen::kSetup || screen == Screen::kVerdict;
}

}  // namespace

void WedgeKeys::characterOnUi(unsigned int codepoint, scan::TimePoint at) {
    if (codepoint == 0) return;
    keys_.push_back({static_cast<char32_t>(codepoint), at});
}

void WedgeKeys::enterOnUi(scan::TimePoint at) { keys_.push_back({0, at}); }

void WedgeKeys::deliverOnUi(KioskCore& core) {
    if (!scannerScreen(core.state().screen) || core.state().dashboardOnly) {
        keys_.clear();
        wedge_.reset();
        return;
    }
    for (const Key& key : keys_) {
        if (key.character != 0) {
            wedge_.character(key.character, key.at);
        } else if (auto code = wedge_.enter(key.at)) {
            core.submitHandheldRead(std::move(*code));
        }
    }
    keys_.clear();
}

}  // namespace admit::kiosk::app
