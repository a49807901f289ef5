#pragma once
// The kiosk's screens. Which one is showing is core state, so headless tests can assert on it.

#include <string_view>

namespace admit::kiosk {

enum class Screen {
    kSetup,
    kScanning,
    kVerdict,
    kSearch,
    kPin,
    kDashboard,
    kSettings,
    kFailed,
    kDamaged
};

std::string_view screenName(Screen screen);

}  // namespace admit::kiosk
