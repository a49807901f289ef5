#include <array>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {

void drawSettingsScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("settings", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float inner = ImGui::GetWindowWidth() - theme.pad * 2.0f;

    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(text::kSettingsTitle);
    ImGui::PopFont();
    ImGui::PushFont(theme.large);
    float outW = ImGui::CalcTextSize(text::kSignOut).x + theme.unit * 2.0f;
    ImGui::PopFont();
    ImGui::SameLine(inner - outW);
    if (bigButton(theme, text::kSignOut, outW)) ui.core.signOut();

    ImGui::BeginChild("settings", ImVec2(inner, 0.0f), false);
    ImGui::TextUnformatted(text::kGateName);
    static constexpr std::array<const char*, 6> kGates = {"A", "B", "C", "D", "Main", "VIP"};
    float gateW = (inner - theme.pad * 7.0f) / 6.0f;
    for (std::size_t i = 0; i < kGates.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        bool current = state.gate == kGates[i];
        if (bigButton(theme, kGates[i], gateW, current ? Theme::kGreen : Theme::kBlue)) {
            ui.core.setGate(kGates[i]);
        }
    }
    ImGui::TextUnformatted(text::kDirection);
    float half = (inner - theme.pad * 3.0f) / 2.0f;
    bool entry = state.direction == store::Direction::kEntry;
    if (bigButton(theme, text::kEntry, half, entry ? Theme::kGreen : Theme::kBlue)) {
        ui.core.setDirection(store::Direction::kEntry);
    }
    ImGui::SameLine();
    if (bigButton(theme, text::kExit, half, entry ? Theme::kBlue : Theme::kGreen)) {
        ui.core.setDirection(store::Direction::kExit);
    }
    ImGui::TextUnformatted(text::kSound);
    if (bigButton(theme, text::kSoundOn, half, state.muted ? Theme::kBlue : Theme::kGreen)) {
        ui.core.setMuted(false);
    }
    ImGui::SameLine();
    if (bigButton(theme, text::kSoundOff, half, state.muted ? Theme::kGreen : Theme::kBlue)) {
        ui.core.setMuted(true);
    }
    ImGui::TextUnformatted(text::kCamera);
    ImGui::PushFont(theme.large);
    ImGui::TextWrapped("%s",
                       state.cameraDescription.empty() ? "-" : state.cameraDescription.c_str());
    ImGui::PopFont();
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
