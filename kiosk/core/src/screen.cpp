#include "admit/kiosk/screen.hpp"

#include <array>
#include <cstddef>

namespace admit::kiosk {

std::string_view screenName(Screen screen) {
    // In the enum's order.
    static constexpr std::array<std::string_view, 9> kNames{"setup",    "scanning", "verdict",
                                                            "search",   "pin",      "dashboard",
                                                            "settings", "failed",   "damaged"};
    auto index = static_cast<std::size_t>(screen);
    return index < kNames.size() ? kNames[index] : kNames[0];
}

}  // namespace admit::kiosk
