#include <algorithm>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {

void drawSearchScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("search", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();
    float inner = width - theme.pad * 2.0f;

    // Query line and Back.
    ImGui::PushFont(theme.large);
    float backW = ImGui::CalcTextSize(text::kBack).x + theme.unit * 2.0f;
    ImGui::PopFont();
    ImVec2 box = ImGui::GetCursorScreenPos();
    float boxW = inner - backW - theme.pad;
    float boxH = theme.touch;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(box, ImVec2(box.x + boxW, box.y + boxH), Theme::kPaper, theme.unit * 0.3f);
    std::string shown =
        ui.searchText.empty() ? std::string(text::kSearchPrompt) : ui.searchText + "_";
    draw->PushClipRect(box, ImVec2(box.x + boxW, box.y + boxH), true);
    draw->AddText(theme.large, theme.large->FontSize,
                  ImVec2(box.x + theme.pad, box.y + (boxH - theme.large->FontSize) * 0.5f),
                  ui.searchText.empty() ? IM_COL32(0x70, 0x70, 0x70, 0xff) : Theme::kInk,
                  shown.c_str());
    draw->PopClipRect();
    ImGui::SetCursorScreenPos(ImVec2(box.x + boxW + theme.pad, box.y));
    if (bigButton(theme, text::kBack, backW)) {
        ui.searchText.clear();
        ui.confirm.reset();
        ui.core.openScreen(Screen::kScanning);
    }

    // Physical keyboards type too.
    bool changed = false;
    for (ImWchar c : ImGui::GetIO().InputQueueCharacters) {
        if (c >= 32 && c < 127) {
            ui.searchText.push_back(static_cast<char>(c));
            changed = true;
        }
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)) && !ui.searchText.empty()) {
        ui.searchText.pop_back();
        changed = true;
    }

    float keyboardH = std::clamp(height * 0.42f, theme.unit * 8.0f, theme.unit * 16.0f);
    if (ui.confirm) keyboardH = 0.0f;  // the question gets the whole screen
    float listH = ImGui::GetContentRegionAvail().y - keyboardH - (ui.confirm ? 0.0f : theme.pad);
    ImGui::BeginChild("results", ImVec2(inner, listH), false);
    if (ui.confirm) {
        ImGui::PushFont(theme.large);
        ImGui::TextWrapped("%s", text::kConfirmCheckIn);
        ImGui::TextWrapped("%s", ui.confirm->name.c_str());
        ImGui::PopFont();
        ImGui::TextWrapped("%s", ui.confirm->email.c_str());
        if (bigButton(theme, text::kYes, 0.0f, Theme::kGreen)) {
            ui.core.checkIn(ui.confirm->id);
            ui.confirm.reset();
        }
        ImGui::SameLine();
        if (bigButton(theme, text::kNo)) ui.confirm.reset();
    } else if (!state.searchQuery.empty() && state.searchResults.empty()) {
        ImGui::PushFont(theme.large);
        ImGui::TextUnformatted(text::kSearchNoResults);
        ImGui::PopFont();
    } else {
        ImGui::PushFont(theme.large);
        float buttonW = ImGui::CalcTextSize(text::kCheckIn).x + theme.unit * 2.0f;
        ImGui::PopFont();
        for (const auto& attendee : state.searchResults) {
            ImGui::PushID(static_cast<int>(attendee.id));
            float rowTop = ImGui::GetCursorPosY();
            ImGui::PushFont(theme.large);
            ImGui::PushTextWrapPos(inner - buttonW - theme.pad * 2.0f -
                                   ImGui::GetStyle().ScrollbarSize);
            ImGui::TextUnformatted(attendee.name.c_str());
            ImGui::PopFont();
            ImGui::TextUnformatted(attendee.email.c_str());
            ImGui::PopTextWrapPos();
            float rowBottom = ImGui::GetCursorPosY();
            ImGui::SetCursorPos(
                ImVec2(inner - buttonW - theme.pad - ImGui::GetStyle().ScrollbarSize, rowTop));
            if (bigButton(theme, text::kCheckIn, buttonW)) ui.confirm = attendee;
            ImGui::SetCursorPosY(std::max(rowBottom, ImGui::GetCursorPosY()));
            ImGui::Separator();
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
    if (!ui.confirm && keyboard(theme, ui.searchText, inner, keyboardH)) changed = true;
    if (changed) {
        ui.confirm.reset();
        ui.core.search(ui.searchText);
    }
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
