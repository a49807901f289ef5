#include "admit/kiosk/shown_verdict.hpp"

#include <array>
#include <cstddef>

namespace admit::kiosk {

std::string_view verdictKindName(VerdictKind kind) {
    // In the enum's order.
    static constexpr std::array<std::string_view, 6> kNames{"accepted", "denied", "attention",
                                                            "setup",    "info",   "error"};
    auto index = static_cast<std::size_t>(kind);
    return index < kNames.size() ? kNames[index] : "info";
}

}  // namespace admit::kiosk
