#include <algorithm>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {

void previewOrMessage(UiContext& ui, ImVec2 min, ImVec2 max) {
    const auto& state = ui.core.state();
    if (!ui.preview.empty()) {
        auto guide = ui.core.guideRect(ui.preview.size());
        drawPreview(ui.preview, guide ? *guide : cv::Rect(), min, max, ui.theme.unit * 0.25f);
    } else {
        ImGui::GetWindowDrawList()->AddRectFilled(min, max, IM_COL32(0x30, 0x30, 0x30, 0xff));
    }
    std::string message;
    if (state.source.status == scan::SourceStatus::Finished) {
        message = text::kCameraFinished;
    } else if (ui.preview.empty() || state.source.status == scan::SourceStatus::Disconnected) {
        message = std::string(text::kNoCamera) +
                  (state.source.detail.empty() ? "" : ": " + state.source.detail);
    }
    if (!message.empty()) {
        float width = max.x - min.x - ui.theme.unit * 2.0f;
        float h = textHeight(ui.theme.body, message, width);
        float y = max.y - h - ui.theme.pad * 2.0f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(min.x, y - ui.theme.pad),
                                                  ImVec2(max.x, max.y), IM_COL32(0, 0, 0, 200));
        centredText(ui.theme.body, message, min.x + ui.theme.unit, y, width, Theme::kPaper);
    }
}

void drawScanningScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("scanning", Theme::kPanel);
    float barH = statusBar(theme, state, ui.nowMs);
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();

    float y = origin.y + barH + theme.pad;
    y += centredText(theme.large, text::kScanInstruction, origin.x + theme.pad, y,
                     width - theme.pad * 2.0f, Theme::kPaper);
    if (!state.notice.empty()) {
        y += centredText(theme.body, state.notice, origin.x + theme.pad, y,
                         width - theme.pad * 2.0f, Theme::kAmber);
    }
    // A serial scanner (--scanner): whether it can be used. Amber while it is unplugged; the
    // kiosk opens it again by itself once it is back.
    if (state.scanner) {
        bool connected = state.scanner->connected;
        y += centredText(theme.body,
                         connected ? text::kScannerConnected : text::kScannerDisconnected,
                         origin.x + theme.pad, y, width - theme.pad * 2.0f,
                         connected ? IM_COL32(0x7c, 0xe0, 0x8a, 0xff) : Theme::kAmber);
    }
    // Search, Organiser, Settings: one row in the large font; when that does not fit (portrait),
    // Search gets a row of its own above the other two.
    float rowW = width - theme.pad * 2.0f;
    RowLayout one = layoutRow(
        theme, {{text::kSearchButton}, {text::kOrganiserButton}, {text::kSettingsButton}}, rowW);
    bool twoRows = !one.fits;
    float buttonsH =
        twoRows ? buttonHeight(theme, theme.large->FontSize) * 2.0f + theme.pad : one.height;
    float buttonsTop = origin.y + height - buttonsH - theme.pad * 1.5f;
    previewOrMessage(ui, ImVec2(origin.x + theme.pad, y + theme.pad * 0.5f),
                     ImVec2(origin.x + width - theme.pad, buttonsTop - theme.pad));

    ImGui::SetCursorScreenPos(ImVec2(origin.x + theme.pad, buttonsTop));
    int pressed = -1;
    if (twoRows) {
        RowLayout two = layoutRow(theme, {{text::kOrganiserButton}, {text::kSettingsButton}}, rowW);
        float size = std::min(two.fontSize, buttonFontSize(theme, text::kSearchButton, rowW));
        if (bigButton(theme, text::kSearchButton, rowW, 0, size)) pressed = 0;
        if (bigButton(theme, text::kOrganiserButton, two.widths[0], 0, size)) pressed = 1;
        ImGui::SameLine();
        if (bigButton(theme, text::kSettingsButton, two.widths[1], 0, size)) pressed = 2;
    } else {
        pressed = buttonRow(
            theme, {{text::kSearchButton}, {text::kOrganiserButton}, {text::kSettingsButton}},
            rowW);
    }
    if (pressed == 0) ui.core.openScreen(Screen::kSearch);
    if (pressed == 1) ui.core.askPin(Screen::kDashboard);
    if (pressed == 2) ui.core.askPin(Screen::kSettings);
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
