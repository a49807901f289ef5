#pragma once
// Fonts (DejaVu from Debian's fonts-dejavu-core), colours and sizes, scaled to the window: the
// same layout from 800x480 to 4K, landscape or portrait.

#include <imgui.h>

namespace admit::kiosk::app::ui {

struct Theme {
    ImFont* body = nullptr;   // lists, status bar
    ImFont* large = nullptr;  // names, reasons, buttons
    ImFont* huge = nullptr;   // verdict headline
    float unit = 20.0f;       // body font size in pixels
    float touch = 48.0f;      // minimum height of a touch target
    float pad = 10.0f;

    static constexpr ImU32 kGreen = IM_COL32(0x0b, 0x6e, 0x2f, 0xff);
    static constexpr ImU32 kRed = IM_COL32(0xa8, 0x10, 0x1a, 0xff);
    static constexpr ImU32 kAmber = IM_COL32(0xff, 0xb3, 0x00, 0xff);
    static constexpr ImU32 kBlue = IM_COL32(0x15, 0x4a, 0x8a, 0xff);
    static constexpr ImU32 kInk = IM_COL32(0x10, 0x10, 0x10, 0xff);
    static constexpr ImU32 kPaper = IM_COL32(0xff, 0xff, 0xff, 0xff);
    static constexpr ImU32 kPanel = IM_COL32(0x1e, 0x22, 0x28, 0xff);
    static constexpr ImU32 kBar = IM_COL32(0x00, 0x00, 0x00, 0xff);
};

// Body font size for a window of this size (pixels).
float fontUnitFor(int width, int height);

// (Re)builds the fonts for `unit` and applies the style. Returns false if the font files are
// missing (the default ImGui font is used instead, scaled).
bool buildTheme(Theme& theme, float unit);

}  // namespace admit::kiosk::app::ui
