#include "admit/kiosk/screen.hpp"
#include "admit/kiosk/shown_verdict.hpp"

namespace admit::kiosk {

std::string_view verdictKindName(VerdictKind kind) {
    switch (kind) {
        case VerdictKind::kAccepted:
            return "accepted";
        case VerdictKind::kDenied:
            return "denied";
        case VerdictKind::kAttention:
            return "attention";
        case VerdictKind::kSetup:
            return "setup";
        case VerdictKind::kInfo:
            return "info";
        case VerdictKind::kError:
            return "error";
    }
    return "info";
}

std::string_view screenName(Screen screen) {
    switch (screen) {
        case Screen::kSetup:
            return "setup";
        case Screen::kScanning:
            return "scanning";
        case Screen::kVerdict:
            return "verdict";
        case Screen::kSearch:
            return "search";
        case Screen::kPin:
            return "pin";
        case Screen::kDashboard:
            return "dashboard";
        case Screen::kSettings:
            return "settings";
        case Screen::kFailed:
            return "failed";
        case Screen::kDamaged:
            return "damaged";
    }
    return "setup";
}

}  // namespace admit::kiosk
