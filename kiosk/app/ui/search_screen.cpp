#include <algorithm>
#include <cmath>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {
namespace {

// Light tones: the text sits on the dark panel.
ImU32 toneColour(text::SearchTone tone) {
    switch (tone) {
        case text::SearchTone::kReady:
            return IM_COL32(0x7d, 0xdc, 0x92, 0xff);
        case text::SearchTone::kAlreadyIn:
        case text::SearchTone::kCaution:
            return Theme::kAmber;
        case text::SearchTone::kRefused:
            return IM_COL32(0xff, 0x7a, 0x7a, 0xff);
    }
    return Theme::kPaper;
}

}  // namespace

void drawSearchScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("search", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();
    float inner = width - theme.pad * 2.0f;

    // Query line and Back.
    float backW = labelWidth(theme, text::kBack) + theme.unit * 2.0f;
    textBox(theme, ui.searchText, text::kSearchPrompt, inner - backW - theme.pad);
    ImGui::SameLine();
    if (bigButton(theme, text::kBack, backW)) {
        ui.searchText.clear();
        ui.confirm.reset();
        ui.core.openScreen(Screen::kScanning);
    }
    bool changed = typePhysicalKeys(ui.searchText);

    float avail = ImGui::GetContentRegionAvail().y;
    if (ui.confirm) {
        // The question gets the whole screen.
        ImGui::BeginChild("confirm", ImVec2(inner, avail), false);
        ImGui::PushFont(theme.large);
        ImGui::TextWrapped("%s", text::kConfirmCheckIn);
        ImGui::TextWrapped("%s", ui.confirm->attendee.name.c_str());
        ImGui::PopFont();
        ImGui::TextWrapped("%s", ui.confirm->attendee.email.c_str());
        // What the person's state is, before the answer: the verdict may still refuse.
        text::SearchState shown = text::searchState(*ui.confirm);
        ImGui::PushFont(theme.large);
        ImGui::PushStyleColor(ImGuiCol_Text, toneColour(shown.tone));
        ImGui::TextWrapped("%s", shown.text.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        if (!shown.note.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, Theme::kAmber);
            ImGui::TextWrapped("%s", shown.note.c_str());
            ImGui::PopStyleColor();
        }
        int answer = buttonRow(theme, {{text::kYes, Theme::kGreen}, {text::kNo}},
                               std::min(inner, theme.unit * 24.0f));
        if (answer == 0) ui.core.checkIn(ui.confirm->attendee.id);
        if (answer >= 0 || changed) ui.confirm.reset();
        if (changed) ui.core.search(ui.searchText);
        ImGui::EndChild();
        ImGui::End();
        return;
    }

    // Result rows have one fixed height: name and e-mail side by side when every row has room,
    // else the e-mail under the name. The list shows whole rows only (scrolling for more); the
    // keyboard below takes the height left over, so no row runs under it.
    ImFont* large = theme.large;
    ImFont* body = theme.body;
    float buttonW = labelWidth(theme, text::kCheckIn) + theme.unit * 1.5f;
    float buttonH = buttonHeight(theme, large->FontSize);
    float keyboardH = std::clamp(height * 0.42f, theme.unit * 8.0f, theme.unit * 16.0f);
    float scrollW = 0.0f;
    float textW = 0.0f;
    float textH = 0.0f;
    float rowH = 0.0f;
    float rows = 0.0f;
    bool oneLine = true;
    // First without a scrollbar; with one if the rows do not all fit.
    for (int pass = 0; pass < 2; ++pass) {
        textW = inner - buttonW - theme.pad * 2.0f - scrollW;
        oneLine = true;
        for (const auto& hit : state.searchResults) {
            const auto& attendee = hit.attendee;
            float nameW =
                large->CalcTextSizeA(large->FontSize, 1e9f, 0.0f, attendee.name.c_str()).x;
            float mailW = body->CalcTextSizeA(body->FontSize, 1e9f, 0.0f, attendee.email.c_str()).x;
            if (nameW + theme.unit + mailW > textW) oneLine = false;
        }
        // Under the name (and e-mail): the person's state and attention note, one line.
        textH = (oneLine ? large->FontSize : large->FontSize * 1.1f + body->FontSize) +
                body->FontSize * 1.15f;
        rowH = std::max(buttonH, textH) + theme.pad;
        rows = std::max(1.0f, std::floor((avail - keyboardH - theme.pad) / rowH));
        if (static_cast<float>(state.searchResults.size()) <= rows) break;
        scrollW = ImGui::GetStyle().ScrollbarSize;
    }
    float listH = rows * rowH;
    keyboardH = std::max(theme.unit * 7.0f, avail - listH - theme.pad);

    ImGui::BeginChild("results", ImVec2(inner, listH), false);
    if (!state.searchQuery.empty() && state.searchResults.empty()) {
        ImGui::PushFont(theme.large);
        ImGui::TextUnformatted(text::kSearchNoResults);
        ImGui::PopFont();
    } else {
        ImDrawList* list = ImGui::GetWindowDrawList();
        float rowTop = 0.0f;
        for (const auto& hit : state.searchResults) {
            const auto& attendee = hit.attendee;
            ImGui::PushID(static_cast<int>(attendee.id));
            ImGui::SetCursorPos(ImVec2(0.0f, rowTop));
            ImVec2 at = ImGui::GetCursorScreenPos();
            float textTop = at.y + (rowH - theme.pad - textH) * 0.5f;
            list->PushClipRect(at, ImVec2(at.x + textW, at.y + rowH), true);
            list->AddText(large, large->FontSize, ImVec2(at.x, textTop), Theme::kPaper,
                          attendee.name.c_str());
            if (oneLine) {
                float nameW =
                    large->CalcTextSizeA(large->FontSize, 1e9f, 0.0f, attendee.name.c_str()).x;
                list->AddText(body, body->FontSize,
                              ImVec2(at.x + nameW + theme.unit,
                                     textTop + large->FontSize - body->FontSize * 1.1f),
                              IM_COL32(0xd0, 0xd0, 0xd0, 0xff), attendee.email.c_str());
            } else {
                list->AddText(body, body->FontSize, ImVec2(at.x, textTop + large->FontSize * 1.1f),
                              IM_COL32(0xd0, 0xd0, 0xd0, 0xff), attendee.email.c_str());
            }
            text::SearchState shown = text::searchState(hit);
            float stateTop = textTop + textH - body->FontSize;
            list->AddText(body, body->FontSize, ImVec2(at.x, stateTop), toneColour(shown.tone),
                          shown.text.c_str());
            if (!shown.note.empty()) {
                float stateW =
                    body->CalcTextSizeA(body->FontSize, 1e9f, 0.0f, shown.text.c_str()).x;
                list->AddText(body, body->FontSize, ImVec2(at.x + stateW + theme.unit, stateTop),
                              Theme::kAmber, shown.note.c_str());
            }
            list->PopClipRect();
            ImGui::SetCursorPos(ImVec2(inner - buttonW - scrollW - theme.pad,
                                       rowTop + (rowH - theme.pad - buttonH) * 0.5f));
            if (bigButton(theme, text::kCheckIn, buttonW)) ui.confirm = hit;
            float lineY = at.y + rowH - theme.pad * 0.5f;
            list->AddLine(ImVec2(at.x, lineY), ImVec2(at.x + inner - scrollW, lineY),
                          IM_COL32(0x50, 0x55, 0x60, 0xff));
            rowTop += rowH;
            ImGui::PopID();
        }
        ImGui::SetCursorPos(ImVec2(0.0f, rowTop));
        ImGui::Dummy(ImVec2(1.0f, 0.0f));
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
