#include "tour.hpp"

#include <imgui.h>

#include "admit/demo/demo_event.hpp"

namespace admit::kiosk::app {
namespace {

// "settings", or an enrolled kiosk's "settings-unencrypted", "settings-pinned"...; not the gate
// editor.
bool settingsOverview(const std::string& key) {
    return key.starts_with("settings") && key != "settings-gate";
}

}  // namespace

void Tour::advance(KioskCore& core, ui::UiContext& ui, const Screenshots& shots,
                   const std::string& key) {
    const auto& s = core.state();
    if (key == "damaged" && shots.taken(key) && !resyncPressed_) {
        core.resyncDamagedReplica();
        resyncPressed_ = true;
    }
    if (resyncPressed_) {
        resynced_ = key == "setup-resynced" && shots.taken(key);
        return;
    }
    switch (step_) {
        case 0:
            if (core.finished() && s.screen == Screen::kScanning) {
                core.openScreen(Screen::kSearch);
                // Finds someone inside with a note, a pending and a cancelled booking.
                ui.searchText = "oli";
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 1:
            if (key == "search-results" && shots.taken(key)) {
                ui.confirm = s.searchResults.front();
                ++step_;
            }
            break;
        case 2:
            if (shots.taken("search-confirm")) {
                ui.confirm.reset();
                core.askPin(Screen::kDashboard);
                ++step_;
            }
            break;
        case 3:
            if (key == "pin" && shots.taken(key)) {
                core.enterPin(kDemoOrganiser, kDemoOrganiserPin);
                ++step_;
            }
            break;
        case 4:
            if (key == "dashboard" && s.stats && shots.taken(key)) {
                core.askPin(Screen::kSettings);
                ++step_;
            }
            break;
        case 5:
            // Open the gate editor and type the new name as key presses.
            if (settingsOverview(key)) {
                ui.gateText.clear();
                ui.editingGate = true;
                for (const char* c = kTourGate; *c != '\0'; ++c) {
                    ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(*c));
                }
                ++step_;
            }
            break;
        case 6:
            if (key == "settings-gate" && shots.taken(key)) {
                if (core.setGate(ui.gateText)) ui.editingGate = false;
                ++step_;
            }
            break;
        case 7:
            if (settingsOverview(key) && s.camerasListed && shots.taken(key)) {
                core.signOut();
                ++step_;
            }
            break;
        default:
            break;
    }
}

}  // namespace admit::kiosk::app
