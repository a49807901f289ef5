#pragma once
// Small drawing helpers shared by the screens: big touch buttons, centred wrapped text, icons,
// the status bar, the on-screen keyboard and the PIN pad.

#include <string>

#include <imgui.h>

#include "admit/kiosk/kiosk_state.hpp"
#include "theme.hpp"

namespace admit::kiosk::app::ui {

enum class Icon { kCheck, kCross, kAttention, kInfo };

// A full-window, undecorated ImGui window; End() with ImGui::End().
void beginScreen(const char* id, ImU32 background);

// A button at least theme.touch high; width 0 = fit the label.
bool bigButton(const Theme& theme, const char* label, float width = 0.0f, ImU32 colour = 0);

// Text centred horizontally in [x, x + width), wrapped at word boundaries; returns the height.
float centredText(ImFont* font, const std::string& text, float x, float y, float width,
                  ImU32 colour);
float textHeight(ImFont* font, const std::string& text, float width);

// An icon in a circle of radius r: check, cross, "!" or "i" (never colour alone).
void drawIcon(ImDrawList* draw, Icon icon, ImVec2 centre, float r, ImU32 fg, ImU32 bg);

// Event, gate, direction, online/offline with sync age, uploads pending. Returns its height.
float statusBar(const Theme& theme, const KioskState& state, std::int64_t nowMs);

// The on-screen keyboard; appends to or edits `text`. True if `text` changed.
bool keyboard(const Theme& theme, std::string& text, float width, float height);

// A 3x4 PIN pad; true when OK was pressed.
bool pinPad(const Theme& theme, std::string& pin, float width, float height);

}  // namespace admit::kiosk::app::ui
