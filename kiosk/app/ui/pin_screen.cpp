#include <algorithm>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {

void drawPinScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("pin", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float width = ImGui::GetWindowWidth();
    float inner = width - theme.pad * 2.0f;
    bool landscape = width > ImGui::GetWindowHeight();

    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(state.pin.organiserOnly ? text::kPinOrganiserTitle : text::kPinTitle);
    ImGui::PopFont();
    ImGui::SameLine(inner - theme.unit * 5.0f);
    if (bigButton(theme, text::kBack, theme.unit * 5.0f)) {
        ui.pinDigits.clear();
        ui.core.openScreen(state.event ? Screen::kScanning : Screen::kSetup);
    }

    float columnW = landscape ? (inner - theme.pad) * 0.5f : inner;
    float avail = ImGui::GetContentRegionAvail().y;
    // Who: one button per operator (organisers only when the target needs one).
    ImGui::BeginChild("who", ImVec2(columnW, landscape ? avail : avail * 0.35f), false);
    ImGui::TextUnformatted(text::kPinWho);
    bool any = false;
    for (const auto& op : state.operators) {
        if (state.pin.organiserOnly && op.role != store::Role::kOrganiser) continue;
        any = true;
        if (ui.pinOperator.empty()) ui.pinOperator = op.name;
        bool selected = ui.pinOperator == op.name;
        if (bigButton(theme, op.name.c_str(), columnW - theme.pad,
                      selected ? Theme::kGreen : Theme::kBlue)) {
            ui.pinOperator = op.name;
        }
    }
    if (!any) ImGui::TextWrapped("%s", text::kNoOperators);
    if (ui.demo) ImGui::TextWrapped("%s", text::kDemoPinHint);
    ImGui::EndChild();
    if (landscape) ImGui::SameLine();

    ImGui::BeginGroup();
    std::string dots(ui.pinDigits.size(), '*');
    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(dots.empty() ? " " : dots.c_str());
    ImGui::PopFont();
    if (!state.pin.message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.75f, 0.3f, 1.0f));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + columnW);
        ImGui::PushFont(theme.large);
        ImGui::TextUnformatted(("! " + state.pin.message).c_str());
        ImGui::PopFont();
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
    }
    float padH = std::max(theme.unit * 6.0f, ImGui::GetContentRegionAvail().y - theme.pad);
    if (pinPad(theme, ui.pinDigits, columnW, padH) && !ui.pinDigits.empty() &&
        !ui.pinOperator.empty()) {
        ui.core.enterPin(ui.pinOperator, ui.pinDigits);
        std::fill(ui.pinDigits.begin(), ui.pinDigits.end(), '\0');
        ui.pinDigits.clear();
    }
    ImGui::EndGroup();
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
