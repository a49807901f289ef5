#include "theme.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

namespace admit::kiosk::app::ui {

float fontUnitFor(int width, int height) {
    float w = static_cast<float>(width);
    float h = static_cast<float>(height);
    // Landscape is limited by the height; portrait by the width, where w/24 keeps the body text
    // at 20 px on a 480-pixel-wide screen (w/30 gave 16 px: too small from a metre away).
    return std::clamp(std::min(h / 22.0f, w / 24.0f), 16.0f, 96.0f);
}

bool buildTheme(Theme& theme, float unit) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    theme.unit = unit;
    theme.touch = std::max(48.0f, unit * 2.4f);
    theme.pad = unit * 0.5f;
    const std::string dir = ADMIT_FONT_DIR;
    const std::string regular = dir + "/DejaVuSans.ttf";
    const std::string bold = dir + "/DejaVuSans-Bold.ttf";
    bool found = std::filesystem::exists(regular) && std::filesystem::exists(bold);
    if (found) {
        theme.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), unit);
        theme.large = io.Fonts->AddFontFromFileTTF(bold.c_str(), unit * 1.5f);
        theme.huge = io.Fonts->AddFontFromFileTTF(bold.c_str(), unit * 2.6f);
    }
    if (!theme.body || !theme.large || !theme.huge) {
        ImFontConfig config;
        config.SizePixels = unit;
        theme.body = theme.large = theme.huge = io.Fonts->AddFontDefault(&config);
        found = false;
    }
    io.Fonts->Build();

    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.WindowPadding = ImVec2(theme.pad, theme.pad);
    style.FramePadding = ImVec2(theme.pad, theme.pad * 0.6f);
    style.ItemSpacing = ImVec2(theme.pad, theme.pad);
    style.ItemInnerSpacing = ImVec2(theme.pad * 0.5f, theme.pad * 0.5f);
    style.ScrollbarSize = unit * 1.2f;
    style.FrameRounding = unit * 0.3f;
    style.GrabMinSize = unit;
    style.WindowRounding = 0.0f;
    style.WindowBorderSize = 0.0f;
    style.Colors[ImGuiCol_WindowBg] = ImColor(Theme::kPanel);
    style.Colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_Button] = ImColor(Theme::kBlue);
    style.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.15f, 0.38f, 0.68f, 1.0f);
    style.Colors[ImGuiCol_ButtonActive] = ImVec4(0.05f, 0.2f, 0.45f, 1.0f);
    ImGui::GetStyle() = style;
    return found;
}

}  // namespace admit::kiosk::app::ui
