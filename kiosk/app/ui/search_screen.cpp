#include <algorithm>
#include <cmath>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_status.hpp"
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

constexpr ImU32 kMailColour = IM_COL32(0xd0, 0xd0, 0xd0, 0xff);

text::SearchState shownState(const KioskState& state, const SearchRow& row) {
    std::string device;
    if (row.presence.lastEntry) {
        device = deviceLabel(row.presence.lastEntry->deviceId, state.deviceId, state.sync.devices);
    }
    return text::searchState(row, device);
}

float wrappedHeight(ImFont* font, const std::string& s, float width) {
    return font->CalcTextSizeA(font->FontSize, 1e9f, width, s.c_str()).y;
}

// One result's text block (name, e-mail, state, note in full), laid out in `width`: its height,
// and whether the e-mail fits beside the name.
struct RowText {
    text::SearchState shown;
    bool mailBeside = true;
    float height = 0.0f;
};

RowText layoutRowText(const Theme& theme, const KioskState& state, const SearchRow& row,
                      float width) {
    ImFont* large = theme.large;
    ImFont* body = theme.body;
    RowText out;
    out.shown = shownState(state, row);
    const auto& a = row.attendee;
    float nameW = large->CalcTextSizeA(large->FontSize, 1e9f, 0.0f, a.name.c_str()).x;
    float mailW = body->CalcTextSizeA(body->FontSize, 1e9f, 0.0f, a.email.c_str()).x;
    out.mailBeside = nameW + theme.unit + mailW <= width;
    out.height = wrappedHeight(large, a.name, width) +
                 (out.mailBeside ? 0.0f : wrappedHeight(body, a.email, width)) +
                 wrappedHeight(body, out.shown.text, width);
    if (!out.shown.note.empty()) out.height += wrappedHeight(body, out.shown.note, width);
    return out;
}

void drawRowText(const Theme& theme, const SearchRow& row, const RowText& t, ImVec2 at,
                 float width) {
    ImFont* large = theme.large;
    ImFont* body = theme.body;
    ImDrawList* list = ImGui::GetWindowDrawList();
    const auto& a = row.attendee;
    float y = at.y;
    list->AddText(large, large->FontSize, ImVec2(at.x, y), Theme::kPaper, a.name.c_str(), nullptr,
                  width);
    if (t.mailBeside) {
        float nameW = large->CalcTextSizeA(large->FontSize, 1e9f, 0.0f, a.name.c_str()).x;
        list->AddText(
            body, body->FontSize,
            ImVec2(at.x + nameW + theme.unit, y + large->FontSize - body->FontSize * 1.1f),
            kMailColour, a.email.c_str());
    }
    y += wrappedHeight(large, a.name, width);
    if (!t.mailBeside) {
        list->AddText(body, body->FontSize, ImVec2(at.x, y), kMailColour, a.email.c_str(), nullptr,
                      width);
        y += wrappedHeight(body, a.email, width);
    }
    list->AddText(body, body->FontSize, ImVec2(at.x, y), toneColour(t.shown.tone),
                  t.shown.text.c_str(), nullptr, width);
    y += wrappedHeight(body, t.shown.text, width);
    if (!t.shown.note.empty()) {
        list->AddText(body, body->FontSize, ImVec2(at.x, y), Theme::kAmber, t.shown.note.c_str(),
                      nullptr, width);
    }
}

void drawConfirm(UiContext& ui, float inner, float avail, bool changed) {
    const Theme& theme = ui.theme;
    const SearchRow& row = *ui.confirm;
    bool exit = row.action == SearchAction::kMarkExit;
    // The question gets the whole screen.
    ImGui::BeginChild("confirm", ImVec2(inner, avail), false);
    ImGui::PushFont(theme.large);
    ImGui::TextWrapped("%s", exit ? text::kConfirmExit : text::kConfirmCheckIn);
    ImGui::TextWrapped("%s", row.attendee.name.c_str());
    ImGui::PopFont();
    ImGui::TextWrapped("%s", row.attendee.email.c_str());
    // What the person's state is, before the answer: the verdict may still refuse.
    text::SearchState shown = shownState(ui.core.state(), row);
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
    int answer =
        buttonRow(theme, {{exit ? text::kYesExit : text::kYes, Theme::kGreen}, {text::kNo}},
                  std::min(inner, theme.unit * 24.0f));
    if (answer == 0) {
        if (exit) {
            ui.core.markExit(row.attendee.id);
        } else {
            ui.core.checkIn(row.attendee.id);
        }
    }
    if (answer >= 0 || changed) ui.confirm.reset();
    if (changed) ui.core.search(ui.searchText);
    ImGui::EndChild();
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

    // Query line, the keyboard's toggle and Back.
    const char* keysLabel = ui.searchKeysHidden ? text::kShowKeyboard : text::kHideKeyboard;
    float backW = labelWidth(theme, text::kBack) + theme.unit * 2.0f;
    float keysW =
        std::max(labelWidth(theme, text::kShowKeyboard), labelWidth(theme, text::kHideKeyboard)) +
        theme.unit * 2.0f;
    bool showKeysToggle = !state.searchResults.empty() && !ui.confirm;
    float boxW = inner - backW - theme.pad - (showKeysToggle ? keysW + theme.pad : 0.0f);
    textBox(theme, ui.searchText, text::kSearchPrompt, boxW);
    if (showKeysToggle) {
        ImGui::SameLine();
        if (bigButton(theme, keysLabel, keysW)) ui.searchKeysHidden = !ui.searchKeysHidden;
    }
    ImGui::SameLine();
    if (bigButton(theme, text::kBack, backW)) {
        ui.searchText.clear();
        ui.confirm.reset();
        ui.searchKeysHidden = false;
        ui.core.openScreen(Screen::kScanning);
    }
    bool changed = typePhysicalKeys(ui.searchText);

    float avail = ImGui::GetContentRegionAvail().y;
    if (ui.confirm) {
        drawConfirm(ui, inner, avail, changed);
        ImGui::End();
        return;
    }

    // Rows as high as their text: name (and e-mail beside it when it fits), the person's state
    // and their attention note in full, wrapped. The button (if any: only an action the engine
    // would accept) sits at the right, or below the text where beside it would leave the text
    // less than 60 % of the row (portrait); a row without one gives its text the whole width.
    // The list scrolls, the keyboard keeps its room below unless hidden.
    bool keys = !ui.searchKeysHidden || state.searchResults.empty();
    float keyboardH =
        keys ? std::clamp(height * 0.42f, theme.unit * 8.0f, theme.unit * 16.0f) : 0.0f;
    float listH = std::max(theme.unit * 4.0f, avail - keyboardH - (keys ? theme.pad : 0.0f));
    if (keys) keyboardH = avail - listH - theme.pad;
    float buttonW =
        std::max(labelWidth(theme, text::kCheckIn), labelWidth(theme, text::kMarkExit)) +
        theme.unit * 1.5f;
    float buttonH = buttonHeight(theme, theme.large->FontSize);

    struct ResultLayout {
        RowText text;
        float textW = 0.0f;
        bool button = false;
        bool buttonBelow = false;
        float height = 0.0f;  // with the gap below
    };
    std::vector<ResultLayout> rows;
    float scrollW = 0.0f;
    auto layOut = [&] {
        rows.clear();
        float total = 0.0f;
        const float full = inner - scrollW - theme.pad;
        const float beside = full - buttonW - theme.pad;
        const bool below = beside < full * 0.6f;
        for (const auto& row : state.searchResults) {
            ResultLayout r;
            r.button = text::searchActionLabel(row.action) != nullptr;
            r.buttonBelow = r.button && below;
            r.textW = r.button && !below ? beside : full;
            r.text = layoutRowText(theme, state, row, r.textW);
            if (!r.button) {
                r.height = r.text.height;
            } else if (r.buttonBelow) {
                r.height = r.text.height + theme.pad * 0.5f + buttonH;
            } else {
                r.height = std::max(buttonH, r.text.height);
            }
            r.height += theme.pad;
            total += r.height;
            rows.push_back(std::move(r));
        }
        return total;
    };
    // First without a scrollbar; with one if the rows do not all fit.
    if (layOut() > listH) {
        scrollW = ImGui::GetStyle().ScrollbarSize;
        layOut();
    }
    if (keys && !rows.empty()) {
        // Whole rows above the keyboard: the keyboard takes what the last whole row leaves.
        float whole = 0.0f;
        for (const ResultLayout& r : rows) {
            if (whole + r.height > listH) break;
            whole += r.height;
        }
        if (whole > 0.0f) {
            listH = whole;
            keyboardH = avail - listH - theme.pad;
        }
    }

    ImGui::BeginChild("results", ImVec2(inner, listH), false);
    if (!state.searchQuery.empty() && state.searchResults.empty()) {
        ImGui::PushFont(theme.large);
        ImGui::TextUnformatted(text::kSearchNoResults);
        ImGui::PopFont();
    } else {
        ImDrawList* list = ImGui::GetWindowDrawList();
        float rowTop = 0.0f;
        for (std::size_t i = 0; i < state.searchResults.size(); ++i) {
            const SearchRow& row = state.searchResults[i];
            const ResultLayout& r = rows[i];
            const float rowH = r.height;
            ImGui::PushID(static_cast<int>(row.attendee.id));
            ImGui::SetCursorPos(ImVec2(0.0f, rowTop));
            ImVec2 at = ImGui::GetCursorScreenPos();
            float textTop = r.buttonBelow ? at.y : at.y + (rowH - theme.pad - r.text.height) * 0.5f;
            drawRowText(theme, row, r.text, ImVec2(at.x, textTop), r.textW);
            if (const char* label = text::searchActionLabel(row.action)) {
                ImVec2 button = r.buttonBelow
                                    ? ImVec2(0.0f, rowTop + r.text.height + theme.pad * 0.5f)
                                    : ImVec2(inner - buttonW - scrollW - theme.pad,
                                             rowTop + (rowH - theme.pad - buttonH) * 0.5f);
                ImGui::SetCursorPos(button);
                if (bigButton(theme, label, buttonW)) ui.confirm = row;
            }
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
    if (keys && keyboard(theme, ui.searchText, inner, keyboardH)) changed = true;
    if (changed) {
        ui.confirm.reset();
        ui.core.search(ui.searchText);
    }
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
