#include "widgets.hpp"

#include <algorithm>
#include <array>
#include <cstring>
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

float labelWidth(const Theme& theme, const char* label) {
    const char* end = std::strstr(label, "##");
    ImFont* font = theme.large;
    return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, label, end).x;
}

float buttonFontSize(const Theme& theme, const char* label, float width) {
    float full = labelWidth(theme, label);
    float room = width - theme.unit;
    if (width <= 0.0f || full <= room || full <= 0.0f) return theme.large->FontSize;
    return std::max(theme.body->FontSize * 0.8f, theme.large->FontSize * room / full);
}

float buttonHeight(const Theme& theme, float fontSize) {
    return std::max(theme.touch, fontSize * 1.6f);
}

bool bigButton(const Theme& theme, const char* label, float width, ImU32 colour, float fontSize) {
    // The large font, shrunk just enough when the label would not fit: never a cut-off label,
    // and never a jump down to the body font. Rows pass one size for all their buttons.
    if (fontSize <= 0.0f) fontSize = buttonFontSize(theme, label, width);
    ImGui::PushFont(theme.large);
    ImGui::SetWindowFontScale(fontSize / theme.large->FontSize);
    if (colour != 0) {
        // Hovered and pressed shades of the button's own colour: a touch screen leaves the
        // "mouse" over the last button touched, which must still show as selected (green).
        ImVec4 base = ImGui::ColorConvertU32ToFloat4(colour);
        auto shade = [&base](float f) {
            return ImVec4(std::min(1.0f, base.x * f), std::min(1.0f, base.y * f),
                          std::min(1.0f, base.z * f), base.w);
        };
        ImGui::PushStyleColor(ImGuiCol_Button, colour);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, shade(1.15f));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, shade(0.8f));
    }
    float w = width > 0.0f ? width : labelWidth(theme, label) + theme.unit * 2.0f;
    bool pressed = ImGui::Button(label, ImVec2(w, buttonHeight(theme, fontSize)));
    if (colour != 0) ImGui::PopStyleColor(3);
    ImGui::SetWindowFontScale(1.0f);
    ImGui::PopFont();
    return pressed;
}

RowLayout layoutRow(const Theme& theme, std::initializer_list<RowButton> buttons, float width) {
    RowLayout row;
    float gap = ImGui::GetStyle().ItemSpacing.x;
    auto n = static_cast<float>(buttons.size());
    float labels = 0.0f;
    float widest = 0.0f;
    for (const auto& b : buttons) {
        float w = labelWidth(theme, b.label);
        labels += w;
        widest = std::max(widest, w);
        row.widths.push_back(w);
    }
    float room = width - gap * (n - 1.0f);
    float padding = theme.unit * n;
    if ((widest + theme.unit) * n <= room) {
        // Equal widths when every label fits its share.
        for (auto& w : row.widths) w = room / n;
        row.fontSize = theme.large->FontSize;
    } else if (labels + padding <= room) {
        // Each as wide as its label, the spare width shared out.
        float spare = (room - labels - padding) / n;
        for (auto& w : row.widths) w += theme.unit + spare;
        row.fontSize = theme.large->FontSize;
    } else {
        float scale = std::max(0.0f, room - padding) / labels;
        for (auto& w : row.widths) w = w * scale + theme.unit;
        row.fontSize = theme.large->FontSize * scale;
    }
    row.fits = row.fontSize >= theme.large->FontSize;
    row.fontSize = std::max(row.fontSize, theme.body->FontSize * 0.8f);
    row.height = buttonHeight(theme, row.fontSize);
    return row;
}

int buttonRow(const Theme& theme, std::initializer_list<RowButton> buttons, float width) {
    RowLayout row = layoutRow(theme, buttons, width);
    int pressed = -1;
    int i = 0;
    for (const auto& b : buttons) {
        if (i > 0) ImGui::SameLine();
        if (bigButton(theme, b.label, row.widths[static_cast<std::size_t>(i)], b.colour,
                      row.fontSize)) {
            pressed = i;
        }
        ++i;
    }
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
    std::string eventName = state.event ? state.event->name : text::kNoEvent;
    // A wall screen (read-only dashboard) has no gate, direction or check-ins of its own.
    std::string gate;
    if (!state.dashboardOnly) {
        gate = "   " + std::string(text::kGate) + " " + state.gate + "   " +
               (state.direction == store::Direction::kEntry ? text::kEntry : text::kExit);
    }
    SyncLine sync = describeSync(state.sync, nowMs);
    std::string right = sync.text;
    if (!state.dashboardOnly) {
        right += "   " + std::to_string(state.pendingUploads) + " " + text::kToUpload;
    }
    ImFont* font = theme.body;
    auto widthOf = [font](const std::string& s) {
        return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, s.c_str()).x;
    };
    float gateW = widthOf(gate);
    float rightW = widthOf(right);
    // Gate and direction are never cut. One line when the event name keeps at least a few
    // letters (shortened with "..." if need be); else (portrait) the sync state goes on a
    // second line.
    float eventRoom = width - theme.pad * 2.0f - theme.unit * 2.0f - rightW - gateW;
    bool twoLines = eventRoom < std::min(widthOf(eventName), theme.unit * 6.0f);
    if (twoLines) eventRoom = width - theme.pad * 2.0f - gateW;
    if (widthOf(eventName) > eventRoom) {
        while (!eventName.empty() && widthOf(eventName + "...") > eventRoom) eventName.pop_back();
        eventName += "...";
    }
    std::string left = eventName + gate;
    float line = theme.unit * 1.25f;
    float height = twoLines ? theme.unit * 0.75f + line * 2.0f : theme.unit * 2.0f;
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), Theme::kBar);
    float y = twoLines ? origin.y + theme.unit * 0.375f : origin.y + (height - theme.unit) * 0.5f;
    draw->PushClipRect(origin, ImVec2(origin.x + width - theme.pad, origin.y + height), true);
    draw->AddText(font, font->FontSize, ImVec2(origin.x + theme.pad, y), Theme::kPaper,
                  left.c_str());
    draw->PopClipRect();
    ImU32 syncColour =
        sync.online ? IM_COL32(0x7c, 0xe0, 0x8a, 0xff) : IM_COL32(0xff, 0xc8, 0x57, 0xff);
    float rightX = twoLines ? origin.x + theme.pad : origin.x + width - rightW - theme.pad;
    draw->AddText(font, font->FontSize, ImVec2(rightX, twoLines ? y + line : y), syncColour,
                  right.c_str());
    ImGui::SetCursorPosY(height + theme.pad);
    return height;
}

void textBox(const Theme& theme, const std::string& typed, const char* placeholder, float width) {
    ImVec2 box = ImGui::GetCursorScreenPos();
    float height = buttonHeight(theme, theme.large->FontSize);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(box, ImVec2(box.x + width, box.y + height), Theme::kPaper,
                        theme.unit * 0.3f);
    std::string shown = typed.empty() ? std::string(placeholder) : typed + "_";
    ImFont* font = theme.large;
    float textW = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, shown.c_str()).x;
    // The end of a long text stays visible: it is where the typing happens.
    float x = box.x + theme.pad - std::max(0.0f, textW - (width - theme.pad * 2.0f));
    draw->PushClipRect(box, ImVec2(box.x + width, box.y + height), true);
    draw->AddText(font, font->FontSize, ImVec2(x, box.y + (height - font->FontSize) * 0.5f),
                  typed.empty() ? IM_COL32(0x70, 0x70, 0x70, 0xff) : Theme::kInk, shown.c_str());
    draw->PopClipRect();
    ImGui::Dummy(ImVec2(width, height));
}

bool typePhysicalKeys(std::string& text) {
    bool changed = false;
    for (ImWchar c : ImGui::GetIO().InputQueueCharacters) {
        if (c >= 32 && c < 127) {
            text.push_back(static_cast<char>(c));
            changed = true;
        }
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)) && !text.empty()) {
        text.pop_back();
        changed = true;
    }
    return changed;
}

bool keyboard(const Theme& theme, std::string& text, float width, float height, bool* capitals) {
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
            char key = row[i];
            if (capitals && *capitals && key >= 'a' && key <= 'z') {
                key = static_cast<char>(key - 'a' + 'A');
            }
            std::string label = std::string(1, key) + "##key" + row[i];
            if (ImGui::Button(label.c_str(), ImVec2(keyW, keyH))) {
                text.push_back(key);
                changed = true;
            }
        }
    }
    ImGui::PopFont();
    // Space, Delete and Clear: one font size, the letters' if the words fit.
    float keySize = (theme.large->FontSize < keyH * 0.75f ? theme.large : theme.body)->FontSize;
    // With capitals: Shift (2 keys), Space (3), Delete (3), Clear (2); else Space (5), Delete (3).
    float shiftKeys = capitals ? 2.0f : 0.0f;
    float deleteKeys = 3.0f;
    float wordSize =
        std::min({keySize, buttonFontSize(theme, text::kDelete, keyW * deleteKeys),
                  buttonFontSize(theme, text::kClear, keyW * 2.0f),
                  capitals ? buttonFontSize(theme, text::kShift, keyW * 2.0f) : keySize});
    ImGui::PushFont(theme.large);
    ImGui::SetWindowFontScale(wordSize / theme.large->FontSize);
    if (capitals) {
        if (*capitals) ImGui::PushStyleColor(ImGuiCol_Button, Theme::kGreen);
        bool on = *capitals;
        if (ImGui::Button(text::kShift, ImVec2(keyW * 2.0f + gap, keyH))) *capitals = !*capitals;
        if (on) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    float spaceKeys = 10.0f - shiftKeys - deleteKeys - 2.0f;
    if (ImGui::Button(text::kSpace, ImVec2(keyW * spaceKeys + gap * (spaceKeys - 1.0f), keyH))) {
        text.push_back(' ');
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button(text::kDelete, ImVec2(keyW * deleteKeys + gap * (deleteKeys - 1.0f), keyH)) &&
        !text.empty()) {
        text.pop_back();
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button(text::kClear, ImVec2(keyW * 2.0f + gap, keyH)) && !text.empty()) {
        text.clear();
        changed = true;
    }
    ImGui::SetWindowFontScale(1.0f);
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
