#include "widgets.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk::app::ui {
namespace {

std::vector<std::string> wrapLines(ImFont* font, const std::string& text, float width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = text.find(' ', i);
        if (end == std::string::npos) end = text.size();
        std::string word = text.substr(i, end - i);
        std::string candidate = line.empty() ? word : line + " " + word;
        float w = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, candidate.c_str()).x;
        if (w > width && !line.empty()) {
            lines.push_back(line);
            line = word;
        } else {
            line = candidate;
        }
        i = end + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

}  // namespace

void beginScreen(const char* id, ImU32 background) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, background);
    ImGui::Begin(id, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleColor();
}

bool bigButton(const Theme& theme, const char* label, float width, ImU32 colour) {
    // The large font if the label fits, else the body font: never a cut-off label.
    ImFont* font = theme.large;
    float largeW = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, label).x;
    if (width > 0.0f && largeW > width - theme.unit) font = theme.body;
    ImGui::PushFont(font);
    if (colour != 0) ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImVec2 text = ImGui::CalcTextSize(label, nullptr, true);
    float w = width > 0.0f ? width : text.x + theme.unit * 2.0f;
    bool pressed = ImGui::Button(label, ImVec2(w, std::max(theme.touch, text.y * 1.6f)));
    if (colour != 0) ImGui::PopStyleColor();
    ImGui::PopFont();
    return pressed;
}

float textHeight(ImFont* font, const std::string& text, float width) {
    return static_cast<float>(wrapLines(font, text, width).size()) * font->FontSize * 1.15f;
}

float centredText(ImFont* font, const std::string& text, float x, float y, float width,
                  ImU32 colour) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float lineHeight = font->FontSize * 1.15f;
    float top = y;
    for (const auto& line : wrapLines(font, text, width)) {
        float w = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, line.c_str()).x;
        draw->AddText(font, font->FontSize, ImVec2(x + std::max(0.0f, (width - w) * 0.5f), y),
                      colour, line.c_str());
        y += lineHeight;
    }
    return y - top;
}

void drawIcon(ImDrawList* draw, Icon icon, ImVec2 c, float r, ImU32 fg, ImU32 bg) {
    draw->AddCircleFilled(c, r, bg, 48);
    draw->AddCircle(c, r, fg, 48, r * 0.08f);
    float t = r * 0.16f;
    switch (icon) {
        case Icon::kCheck:
            draw->AddLine(ImVec2(c.x - r * 0.45f, c.y + r * 0.02f),
                          ImVec2(c.x - r * 0.12f, c.y + r * 0.38f), fg, t);
            draw->AddLine(ImVec2(c.x - r * 0.12f, c.y + r * 0.38f),
                          ImVec2(c.x + r * 0.5f, c.y - r * 0.35f), fg, t);
            break;
        case Icon::kCross:
            draw->AddLine(ImVec2(c.x - r * 0.4f, c.y - r * 0.4f),
                          ImVec2(c.x + r * 0.4f, c.y + r * 0.4f), fg, t);
            draw->AddLine(ImVec2(c.x + r * 0.4f, c.y - r * 0.4f),
                          ImVec2(c.x - r * 0.4f, c.y + r * 0.4f), fg, t);
            break;
        case Icon::kAttention:
            draw->AddLine(ImVec2(c.x, c.y - r * 0.55f), ImVec2(c.x, c.y + r * 0.15f), fg, t);
            draw->AddCircleFilled(ImVec2(c.x, c.y + r * 0.45f), t * 0.7f, fg);
            break;
        case Icon::kInfo:
            draw->AddCircleFilled(ImVec2(c.x, c.y - r * 0.45f), t * 0.7f, fg);
            draw->AddLine(ImVec2(c.x, c.y - r * 0.15f), ImVec2(c.x, c.y + r * 0.55f), fg, t);
            break;
    }
}

float statusBar(const Theme& theme, const KioskState& state, std::int64_t nowMs) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetWindowPos();
    float width = ImGui::GetWindowWidth();
    float height = theme.unit * 2.0f;
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), Theme::kBar);
    float y = origin.y + (height - theme.unit) * 0.5f;
    std::string left = state.event ? state.event->name : text::kNoEvent;
    left += "   " + std::string(text::kGate) + " " + state.gate + "   " +
            (state.direction == store::Direction::kEntry ? text::kEntry : text::kExit);
    std::string sync = state.lastSyncMs ? text::lastSyncAge(nowMs - *state.lastSyncMs)
                                        : std::string(text::kNeverSynced);
    std::string right = std::string(state.online ? text::kOnline : text::kOffline) + " (" + sync +
                        ")   " + std::to_string(state.pendingUploads) + " " + text::kToUpload;
    ImFont* font = theme.body;
    float rightW = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, right.c_str()).x;
    float leftMax = width - rightW - theme.unit * 2.0f;
    // Clip the event name rather than overlap the right-hand side.
    draw->PushClipRect(origin, ImVec2(origin.x + std::max(0.0f, leftMax), origin.y + height), true);
    draw->AddText(font, font->FontSize, ImVec2(origin.x + theme.pad, y), Theme::kPaper,
                  left.c_str());
    draw->PopClipRect();
    ImU32 syncColour =
        state.online ? IM_COL32(0x7c, 0xe0, 0x8a, 0xff) : IM_COL32(0xff, 0xc8, 0x57, 0xff);
    draw->AddText(font, font->FontSize, ImVec2(origin.x + width - rightW - theme.pad, y),
                  syncColour, right.c_str());
    ImGui::SetCursorPosY(height + theme.pad);
    return height;
}

bool keyboard(const Theme& theme, std::string& text, float width, float height) {
    static constexpr std::array<const char*, 4> kRows = {"1234567890", "qwertyuiop", "asdfghjkl@",
                                                         "zxcvbnm.-'"};
    bool changed = false;
    float gap = theme.pad * 0.5f;
    float keyW = (width - gap * 9.0f) / 10.0f;
    float keyH = std::max(theme.unit * 1.4f, (height - gap * 4.0f) / 5.0f);
    ImGui::PushFont(theme.large->FontSize < keyH * 0.75f ? theme.large : theme.body);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0.0f, 0.0f));
    for (const char* row : kRows) {
        for (int i = 0; row[i] != '\0'; ++i) {
            if (i > 0) ImGui::SameLine();
            std::string label = std::string(1, row[i]) + "##key" + row[i];
            if (ImGui::Button(label.c_str(), ImVec2(keyW, keyH))) {
                text.push_back(row[i]);
                changed = true;
            }
        }
    }
    ImGui::PopFont();
    ImGui::PushFont(theme.body);
    if (ImGui::Button(text::kSpace, ImVec2(keyW * 5.0f + gap * 4.0f, keyH))) {
        text.push_back(' ');
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button(text::kDelete, ImVec2(keyW * 3.0f + gap * 2.0f, keyH)) && !text.empty()) {
        text.pop_back();
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button(text::kClear, ImVec2(keyW * 2.0f + gap, keyH)) && !text.empty()) {
        text.clear();
        changed = true;
    }
    ImGui::PopFont();
    ImGui::PopStyleVar(2);
    return changed;
}

bool pinPad(const Theme& theme, std::string& pin, float width, float height) {
    static constexpr std::array<const char*, 12> kKeys = {"1", "2", "3", "4", "5", "6",
                                                          "7", "8", "9", "<", "0", "OK"};
    float gap = theme.pad * 0.5f;
    float keyW = (width - gap * 2.0f) / 3.0f;
    float keyH = std::max(theme.touch * 0.8f, (height - gap * 3.0f) / 4.0f);
    bool ok = false;
    ImGui::PushFont(theme.large);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
        if (i % 3 != 0) ImGui::SameLine();
        std::string key = kKeys[i];
        std::string label = (key == "<"    ? std::string(text::kDelete)
                             : key == "OK" ? text::kPinOk
                                           : key);
        if (ImGui::Button(label.c_str(), ImVec2(keyW, keyH))) {
            if (key == "<") {
                if (!pin.empty()) pin.pop_back();
            } else if (key == "OK") {
                ok = true;
            } else if (pin.size() < 12) {
                pin += key;
            }
        }
    }
    ImGui::PopStyleVar();
    ImGui::PopFont();
    return ok;
}

}  // namespace admit::kiosk::app::ui
