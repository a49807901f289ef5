#include <algorithm>

#include "admit/kiosk/strings.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {
namespace {

struct Look {
    ImU32 background;
    ImU32 ink;
    Icon icon;
};

Look lookOf(VerdictKind kind) {
    switch (kind) {
        case VerdictKind::kAccepted:
            return {Theme::kGreen, Theme::kPaper, Icon::kCheck};
        case VerdictKind::kDenied:
        case VerdictKind::kError:
            return {Theme::kRed, Theme::kPaper, Icon::kCross};
        case VerdictKind::kAttention:
            return {Theme::kAmber, Theme::kInk, Icon::kAttention};
        case VerdictKind::kSetup:
            return {Theme::kBlue, Theme::kPaper, Icon::kCheck};
        case VerdictKind::kInfo:
            return {Theme::kBlue, Theme::kPaper, Icon::kInfo};
    }
    return {Theme::kBlue, Theme::kPaper, Icon::kInfo};
}

}  // namespace

void drawVerdictScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    if (!state.verdict) return;
    const ShownVerdict& v = *state.verdict;
    const Theme& theme = ui.theme;
    Look look = lookOf(v.kind);
    beginScreen("verdict", look.background);
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float height = ImGui::GetWindowHeight();
    float inner = width - theme.unit * 2.0f;
    float x = origin.x + theme.unit;
    ImDrawList* draw = ImGui::GetWindowDrawList();

    // Everything below the icon, so the icon can shrink to make room on small screens.
    const std::string& main = v.name;
    float textBlock =
        textHeight(theme.huge, v.headline, inner) +
        (main.empty() ? 0.0f : textHeight(theme.large, main, inner)) +
        (v.ticketType.empty() ? 0.0f : textHeight(theme.body, v.ticketType, inner)) +
        (v.reason.empty() ? 0.0f : textHeight(theme.large, v.reason, inner)) +
        (v.note.empty() ? 0.0f : textHeight(theme.large, v.note, inner) + theme.pad * 2) +
        theme.unit * 1.5f + theme.pad * 6.0f;
    bool pinButton = v.code == "switch_needs_organiser";
    if (pinButton) textBlock += theme.touch + theme.pad;
    // Portrait screens have the height for a bigger icon.
    float r = std::clamp((height - textBlock) * 0.4f, theme.unit * 1.2f,
                         std::min(width * 0.3f, height * 0.14f));
    float y = origin.y + theme.pad + std::max(0.0f, (height - textBlock - r * 2.0f) * 0.25f);
    drawIcon(draw, look.icon, ImVec2(origin.x + width * 0.5f, y + r), r, look.ink, look.background);
    y += r * 2.0f + theme.pad;
    y += centredText(theme.huge, v.headline, x, y, inner, look.ink);
    if (!main.empty()) y += centredText(theme.large, main, x, y, inner, look.ink);
    if (!v.ticketType.empty()) y += centredText(theme.body, v.ticketType, x, y, inner, look.ink);
    if (!v.reason.empty()) {
        y += theme.pad;
        y += centredText(theme.large, v.reason, x, y, inner, look.ink);
    }
    if (!v.note.empty()) {
        y += theme.pad;
        float noteH = textHeight(theme.large, v.note, inner - theme.unit * 2.0f);
        draw->AddRect(ImVec2(x, y - theme.pad * 0.5f),
                      ImVec2(x + inner, y + noteH + theme.pad * 0.5f), look.ink, theme.unit * 0.3f,
                      0, theme.unit * 0.15f);
        y += centredText(theme.large, v.note, x + theme.unit, y, inner - theme.unit * 2.0f,
                         look.ink);
        y += theme.pad;
    }
    bool handled = false;
    if (pinButton) {
        ImGui::SetCursorScreenPos(ImVec2(origin.x + width * 0.25f, y + theme.pad));
        if (bigButton(theme, text::kOrganiserButton, width * 0.5f, Theme::kInk)) {
            ui.core.askPin(Screen::kDashboard);
            handled = true;
        }
    }
    std::string footer = text::kTapToContinue;
    if (v.via == "search") footer = std::string(text::kViaSearch) + ". " + footer;
    centredText(theme.body, footer, x, origin.y + height - theme.unit * 1.5f, inner, look.ink);
    if (!handled && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
        ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
        !ImGui::IsAnyItemHovered()) {
        ui.core.dismissVerdict();
    }
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
