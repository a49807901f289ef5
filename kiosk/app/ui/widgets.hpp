#pragma once
// Small drawing helpers shared by the screens: big touch buttons, centred wrapped text, icons,
// the status bar, the on-screen keyboard and the PIN pad.

#include <initializer_list>
#include <string>
#include <vector>

#include <imgui.h>

#include "admit/kiosk/kiosk_state.hpp"
#include "theme.hpp"

namespace admit::kiosk::app::ui {

enum class Icon { kCheck, kCross, kAttention, kInfo };

// A full-window, undecorated ImGui window; End() with ImGui::End().
void beginScreen(const char* id, ImU32 background);

// A button at least theme.touch high; width 0 = fit the label. The label is in the large font,
// shrunk only as far as needed to fit `width` (or to `fontSize` when given).
bool bigButton(const Theme& theme, const char* label, float width = 0.0f, ImU32 colour = 0,
               float fontSize = 0.0f);
// The label's width in the large font ("##id" suffixes excluded), and the font size bigButton
// gives it in a button `width` wide.
float labelWidth(const Theme& theme, const char* label);
float buttonFontSize(const Theme& theme, const char* label, float width);
float buttonHeight(const Theme& theme, float fontSize);

// Buttons side by side across `width`, all with one font size: equal widths when every label
// fits its share, else each as wide as its label; the font shrinks only if they cannot fit.
struct RowButton {
    const char* label;
    ImU32 colour = 0;
};
struct RowLayout {
    std::vector<float> widths;
    float fontSize = 0.0f;
    float height = 0.0f;
    bool fits = true;  // at the full large size
};
RowLayout layoutRow(const Theme& theme, std::initializer_list<RowButton> buttons, float width);
// Draws the row at the cursor; the index of the button pressed, or -1.
int buttonRow(const Theme& theme, std::initializer_list<RowButton> buttons, float width);

// Text centred horizontally in [x, x + width), wrapped at word boundaries; returns the height.
float centredText(ImFont* font, const std::string& text, float x, float y, float width,
                  ImU32 colour);
float textHeight(ImFont* font, const std::string& text, float width);

// An icon in a circle of radius r: check, cross, "!" or "i" (never colour alone).
void drawIcon(ImDrawList* draw, Icon icon, ImVec2 centre, float r, ImU32 fg, ImU32 bg);

// Event, gate, direction, online/offline with sync age, uploads pending. Returns its height.
float statusBar(const Theme& theme, const KioskState& state, std::int64_t nowMs);

// A white box showing `typed` with a cursor (or the grey placeholder), one button high; the end
// of a long text stays in view.
void textBox(const Theme& theme, const std::string& typed, const char* placeholder, float width);

// Characters typed on a physical keyboard this frame (and Backspace). True if `text` changed.
bool typePhysicalKeys(std::string& text);

// The on-screen keyboard; appends to or edits `text`. True if `text` changed. With `capitals`,
// a Shift key toggles *capitals and letters are typed in capitals while it is on.
bool keyboard(const Theme& theme, std::string& text, float width, float height,
              bool* capitals = nullptr);

// A 3x4 PIN pad; true when OK was pressed.
bool pinPad(const Theme& theme, std::string& pin, float width, float height);

}  // namespace admit::kiosk::app::ui
