#include <algorithm>
#include <string>

#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {
namespace {

void amberText(const Theme& theme, const std::string& line) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.35f, 1.0f));
    ImGui::PushFont(theme.large);
    ImGui::TextWrapped("%s", line.c_str());
    ImGui::PopFont();
    ImGui::PopStyleColor();
}

// The gate name typed with the on-screen keyboard (or a physical one); Save applies and stores it.
void drawGateEditor(UiContext& ui, float inner) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    ImGui::TextUnformatted(text::kGatePrompt);
    RowLayout actions =
        layoutRow(theme, {{text::kSave, Theme::kGreen}, {text::kCancel}}, inner * 0.45f);
    float actionsW = actions.widths[0] + actions.widths[1] + ImGui::GetStyle().ItemSpacing.x;
    textBox(theme, ui.gateText, text::kGatePrompt, inner - actionsW - theme.pad);
    ImGui::SameLine();
    int pressed = buttonRow(theme, {{text::kSave, Theme::kGreen}, {text::kCancel}}, actionsW);
    bool typed = typePhysicalKeys(ui.gateText);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter))) pressed = 0;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) pressed = 1;
    if (!state.settingsMessage.empty()) amberText(theme, state.settingsMessage);
    float keyboardH = std::min(ImGui::GetContentRegionAvail().y - theme.pad, theme.unit * 18.0f);
    if (keyboard(theme, ui.gateText, inner, keyboardH, &ui.gateCapitals)) typed = true;
    if (ui.gateText.size() > kMaxGateNameLength) ui.gateText.resize(kMaxGateNameLength);
    (void)typed;
    if (pressed == 0 && ui.core.setGate(ui.gateText)) ui.editingGate = false;
    if (pressed == 1) ui.editingGate = false;
}

}  // namespace

void drawSettingsScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("settings", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float inner = ImGui::GetWindowWidth() - theme.pad * 2.0f;
    if (!state.camerasListed && !ui.camerasAsked) {
        ui.core.listCameras();
        ui.camerasAsked = true;
    }

    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(text::kSettingsTitle);
    ImGui::PopFont();
    if (!ui.editingGate) {
        float outW = labelWidth(theme, text::kSignOut) + theme.unit * 2.0f;
        ImGui::SameLine(inner - outW + theme.pad);
        if (bigButton(theme, text::kSignOut, outW)) {
            ui.camerasAsked = false;
            ui.core.signOut();
        }
    }
    if (ui.editingGate) {
        drawGateEditor(ui, inner);
        ImGui::End();
        return;
    }

    // One row per setting: its name on the left when there is room, else above (portrait).
    bool beside = inner > theme.unit * 26.0f;
    float labelW = beside ? theme.unit * 6.5f : 0.0f;
    float rowH = buttonHeight(theme, theme.large->FontSize);
    // Centred on a row of buttons; level with the first line of a row of text.
    auto label = [&](const char* name, bool buttons = true) {
        if (beside) {
            float y = ImGui::GetCursorPosY();
            if (buttons) ImGui::SetCursorPosY(y + (rowH - theme.body->FontSize) * 0.5f);
            ImGui::TextUnformatted(name);
            ImGui::SameLine(labelW + theme.pad);
            ImGui::SetCursorPosY(y);
        } else {
            ImGui::TextUnformatted(name);
        }
    };

    ImGui::BeginChild("settings", ImVec2(inner, 0.0f), false);
    // Room for the scroll bar only when there is one (it shows from the frame after overflow).
    float scrollW =
        ImGui::GetScrollMaxY() > 0.0f ? ImGui::GetStyle().ScrollbarSize + theme.pad : 0.0f;
    float controlW = inner - labelW - scrollW - (beside ? theme.pad : 0.0f);
    if (!state.settingsMessage.empty()) amberText(theme, state.settingsMessage);

    label(text::kGateName);
    float changeW = labelWidth(theme, text::kChange) + theme.unit * 2.0f;
    ImGui::BeginGroup();
    ImVec2 at = ImGui::GetCursorScreenPos();
    float nameW = controlW - changeW - theme.pad;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, ImVec2(at.x + nameW, at.y + rowH), Theme::kBar, theme.unit * 0.3f);
    draw->PushClipRect(at, ImVec2(at.x + nameW, at.y + rowH), true);
    draw->AddText(theme.large, theme.large->FontSize,
                  ImVec2(at.x + theme.pad, at.y + (rowH - theme.large->FontSize) * 0.5f),
                  Theme::kPaper, state.gate.c_str());
    draw->PopClipRect();
    ImGui::Dummy(ImVec2(nameW, rowH));
    ImGui::SameLine();
    if (bigButton(theme, text::kChange, changeW)) {
        ui.gateText = state.gate;
        ui.gateCapitals = false;
        ui.editingGate = true;
    }
    ImGui::EndGroup();

    label(text::kDirection);
    bool entry = state.direction == store::Direction::kEntry;
    int direction = buttonRow(theme,
                              {{text::kEntry, entry ? Theme::kGreen : Theme::kBlue},
                               {text::kExit, entry ? Theme::kBlue : Theme::kGreen}},
                              controlW);
    if (direction == 0) ui.core.setDirection(store::Direction::kEntry);
    if (direction == 1) ui.core.setDirection(store::Direction::kExit);

    label(text::kSound);
    int sound = buttonRow(theme,
                          {{text::kSoundOn, state.muted ? Theme::kBlue : Theme::kGreen},
                           {text::kSoundOff, state.muted ? Theme::kGreen : Theme::kBlue}},
                          controlW);
    if (sound == 0) ui.core.setMuted(false);
    if (sound == 1) ui.core.setMuted(true);

    // How the kiosk reaches its server: plain HTTP is said plainly (issue 12).
    ImGui::Dummy(ImVec2(1.0f, theme.pad * 0.5f));  // text rows apart like button rows
    label(text::kSyncServer, false);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + controlW);
    switch (state.sync.connection) {
        case ServerConnection::kNone:
            ImGui::TextWrapped("%s", text::kNoSyncServer);
            break;
        case ServerConnection::kUnencrypted:
            ImGui::TextWrapped("%s", state.sync.server.c_str());
            amberText(theme, text::kUnencrypted);
            break;
        case ServerConnection::kEncrypted:
            ImGui::TextWrapped("%s: %s", state.sync.server.c_str(), text::kEncrypted);
            break;
        case ServerConnection::kEncryptedPinned:
            ImGui::TextWrapped("%s: %s", state.sync.server.c_str(), text::kEncryptedPinned);
            break;
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();

    ImGui::Dummy(ImVec2(1.0f, theme.pad * 0.5f));
    label(text::kCamera, false);
    ImGui::BeginGroup();
    std::string inUse = std::string(text::kCameraInUse) + ": " +
                        (state.cameraDescription.empty() ? "-" : state.cameraDescription);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + controlW);
    ImGui::TextWrapped("%s", inUse.c_str());
    if (!state.camerasListed) {
        ImGui::TextWrapped("%s", text::kLookingForCameras);
    } else if (state.cameras.empty()) {
        amberText(theme, text::kNoCameras);
    }
    ImGui::PopTextWrapPos();
    for (const auto& camera : state.cameras) {
        bool current = state.camera == camera.path || state.camera == camera.node ||
                       (state.camera.empty() && camera.node == "/dev/video0");
        std::string id = camera.label + "##" + camera.path;
        if (bigButton(theme, id.c_str(), controlW, current ? Theme::kGreen : Theme::kBlue)) {
            ui.core.setCamera(camera.path);
        }
    }
    if (bigButton(theme, text::kLookAgain)) ui.core.listCameras();
    ImGui::EndGroup();
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
