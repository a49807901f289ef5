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
    float buttonsTop = origin.y + height - theme.touch - theme.pad * 1.5f;
    previewOrMessage(ui, ImVec2(origin.x + theme.pad, y + theme.pad * 0.5f),
                     ImVec2(origin.x + width - theme.pad, buttonsTop - theme.pad));

    ImGui::SetCursorScreenPos(ImVec2(origin.x + theme.pad, buttonsTop));
    float w = (width - theme.pad * 4.0f) / 3.0f;
    if (bigButton(theme, text::kSearchButton, w)) ui.core.openScreen(Screen::kSearch);
    ImGui::SameLine();
    if (bigButton(theme, text::kOrganiserButton, w)) ui.core.askPin(Screen::kDashboard);
    ImGui::SameLine();
    if (bigButton(theme, text::kSettingsButton, w)) ui.core.askPin(Screen::kSettings);
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
