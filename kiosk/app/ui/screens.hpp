#pragma once
// One function per screen. Screens read the core's state and call its intents; they keep only
// widget state (what is typed, which row awaits confirmation).

#include <cstdint>
#include <optional>
#include <string>

#include "admit/kiosk/kiosk_core.hpp"
#include "preview.hpp"
#include "theme.hpp"

namespace admit::kiosk::app::ui {

struct UiContext {
    KioskCore& core;
    Theme& theme;
    PreviewTexture& preview;
    bool demo = false;
    std::int64_t nowMs = 0;

    std::string searchText{};
    std::optional<SearchRow> confirm{};  // search row awaiting "Yes, check in" / "mark exit"
    bool searchKeysHidden = false;       // the results take the keyboard's room
    std::string pinOperator{};
    std::string pinDigits{};
    bool editingGate = false;  // settings: the gate name editor with the keyboard is open
    std::string gateText{};
    bool gateCapitals = false;
    bool camerasAsked = false;  // settings: the camera list was requested this visit
};

void drawSetupScreen(UiContext& ui);
void drawScanningScreen(UiContext& ui);
void drawVerdictScreen(UiContext& ui);
void drawSearchScreen(UiContext& ui);
void drawPinScreen(UiContext& ui);
void drawDashboardScreen(UiContext& ui);
void drawSettingsScreen(UiContext& ui);
void drawFailedScreen(UiContext& ui);
void drawDamagedScreen(UiContext& ui);

// The preview with its guide, or a sentence why there is none, in [min, max).
void previewOrMessage(UiContext& ui, ImVec2 min, ImVec2 max);

}  // namespace admit::kiosk::app::ui
