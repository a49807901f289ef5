#include <algorithm>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {

void drawSetupScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("setup", Theme::kPanel);
    float barH = statusBar(theme, state, ui.nowMs);
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();
    float inner = width - theme.pad * 2.0f;
    float x = origin.x + theme.pad;

    float y = origin.y + barH + theme.pad;
    y += centredText(theme.large, text::kSetupTitle, x, y, inner, Theme::kPaper);
    y += centredText(theme.large, text::kSetupInstruction, x, y, inner, Theme::kAmber);
    y += centredText(theme.body, text::kSetupHint, x, y, inner, IM_COL32(0xd0, 0xd0, 0xd0, 0xff));

    // What it is doing, at the bottom.
    std::string doing = state.setupStatus;
    if (state.source.status == scan::SourceStatus::Connecting) doing = text::kStartingCamera;
    float statusH = textHeight(theme.large, doing, inner);
    float statusY = origin.y + height - statusH - theme.pad;
    previewOrMessage(ui, ImVec2(x, y + theme.pad), ImVec2(x + inner, statusY - theme.pad));
    centredText(theme.large, doing, x, statusY, inner, Theme::kPaper);
    ImGui::End();
}

void drawFailedScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("failed", Theme::kRed);
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float inner = width - theme.unit * 2.0f;
    float x = origin.x + theme.unit;
    float r = theme.unit * 2.5f;
    float y = origin.y + theme.unit;
    drawIcon(ImGui::GetWindowDrawList(), Icon::kCross, ImVec2(origin.x + width * 0.5f, y + r), r,
             Theme::kPaper, Theme::kRed);
    y += r * 2.0f + theme.pad;
    y += centredText(theme.huge, text::kFailedTitle, x, y, inner, Theme::kPaper);
    y += centredText(theme.large, state.failure, x, y + theme.pad, inner, Theme::kPaper);
    centredText(theme.body, text::kFailedHint, x, y + theme.unit * 2.0f, inner, Theme::kPaper);
    ImGui::End();
}

void drawDamagedScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("damaged", Theme::kPanel);
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();
    float inner = width - theme.unit * 2.0f;
    float x = origin.x + theme.unit;
    float r = theme.unit * 1.6f;
    float y = origin.y + theme.unit;
    drawIcon(ImGui::GetWindowDrawList(), Icon::kAttention, ImVec2(origin.x + width * 0.5f, y + r),
             r, Theme::kInk, Theme::kAmber);
    y += r * 2.0f + theme.pad;
    const bool olderFormat = state.damage && state.damage->olderFormat;
    y += centredText(theme.large, olderFormat ? text::kOlderFormatTitle : text::kDamagedTitle, x, y,
                     inner, Theme::kAmber);
    y += theme.pad;
    y += centredText(theme.body, text::damagedExplanation(), x, y, inner, Theme::kPaper);
    y += theme.pad;
    std::string detail = state.damage ? state.damage->message : std::string();
    y += centredText(theme.body, detail, x, y, inner, IM_COL32(0xb0, 0xb0, 0xb0, 0xff));
    if (state.damage && !state.damage->problem.empty()) {
        y += theme.pad;
        centredText(theme.body, state.damage->problem, x, y, inner, Theme::kAmber);
    }
    // The action at the bottom, where a thumb finds it.
    float buttonH = buttonHeight(theme, theme.large->FontSize);
    float bottom = origin.y + height - theme.unit - buttonH;
    if (state.damage && state.damage->moving) {
        centredText(theme.large, text::kResyncing, x, bottom, inner, Theme::kPaper);
    } else {
        float buttonW = std::min(inner, labelWidth(theme, text::kResyncButton) + theme.unit * 4.0f);
        ImGui::SetCursorScreenPos(ImVec2(origin.x + (width - buttonW) * 0.5f, bottom));
        if (bigButton(theme, text::kResyncButton, buttonW, Theme::kBlue)) {
            ui.core.resyncDamagedReplica();
        }
    }
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
