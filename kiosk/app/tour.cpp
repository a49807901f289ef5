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
                // First an exit kiosk's search: someone inside gets "Mark exit", and leaves.
                core.setDirection(store::Direction::kExit);
                core.openScreen(Screen::kSearch);
                ui.searchText = "amelia";
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 1:
            if (key == "search-results-exit" && shots.taken(key)) {
                if (s.searchResults.front().action == SearchAction::kMarkExit) {
                    core.markExit(s.searchResults.front().attendee.id);
                    ++step_;
                } else {
                    // Not inside (a run whose camera did not admit her): nothing to record.
                    core.setDirection(store::Direction::kEntry);
                    ui.searchText = "li";
                    core.search(ui.searchText);
                    step_ = 3;
                }
            }
            break;
        case 2:
            if (s.screen == Screen::kVerdict) {
                core.dismissVerdict();
                core.setDirection(store::Direction::kEntry);
                // Someone not yet in, and the one who just left.
                ui.searchText = "li";
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 3:
            if (key == "search-results" && shots.taken(key) && s.searchQuery == "li") {
                // Someone inside with a note, a pending and a cancelled booking.
                ui.searchText = "oli";
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 4:
            if (s.searchQuery == "oli" && s.searchResults.size() == 3) {
                ui.searchKeysHidden = true;  // every result in view, notes in full
                ++step_;
            }
            break;
        case 5:
            if (key == "search-results-nokeys" && shots.taken(key)) {
                ui.searchKeysHidden = false;
                ui.searchText = "kwame";  // the demo's revoked ticket: no button, the reason
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 6:
            if (key == "search-results-refused" && shots.taken(key)) {
                ui.searchText = "liam";  // someone a check-in is offered for
                core.search(ui.searchText);
                ++step_;
            }
            break;
        case 7:
            if (s.searchQuery == "liam" && !s.searchResults.empty() &&
                s.searchResults.front().action == SearchAction::kCheckIn) {
                ui.confirm = s.searchResults.front();
                ++step_;
            }
            break;
        case 8:
            if (shots.taken("search-confirm")) {
                ui.confirm.reset();
                core.askPin(Screen::kDashboard);
                ++step_;
            }
            break;
        case 9:
            if (key == "pin" && shots.taken(key)) {
                core.enterPin(kDemoOrganiser, kDemoOrganiserPin);
                ++step_;
            }
            break;
        case 10:
            if (key == "dashboard" && s.stats && shots.taken(key)) {
                core.askPin(Screen::kSettings);
                ++step_;
            }
            break;
        case 11:
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
        case 12:
            if (key == "settings-gate" && shots.taken(key)) {
                if (core.setGate(ui.gateText)) ui.editingGate = false;
                ++step_;
            }
            break;
        case 13:
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
