#include "web/fonts.h"

#include <cmath>

namespace vramcalc::web {

namespace {

enum FontSlot { kUi = 0, kLarge = 1, kMono = 2 };

// ImGui's default ranges (Basic Latin + Latin-1) plus the marks the subset keeps.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2019, 0x201D, 0x2022, 0x2022, 0x2026, 0x2026,
                               0x2190, 0x2193, 0x2212, 0x2212, 0x2248, 0x2248, 0x2264, 0x2265, 0};
// The large font draws only the title and the verdict's capitals ("FITS", "MODEL NOT FOUND"): Basic
// Latin. Its glyphs are the biggest, so this halves the atlas work the first frame waits for.
const ImWchar kHeadlineRanges[] = {0x0020, 0x007E, 0};

void add(ImFontAtlas& atlas, EmbeddedFont font, float pixels, const ImWchar* ranges) {
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;  // static data: the atlas must not free it
    // Rasterised at device pixels already, and each glyph lands on a whole pixel: no oversampling
    // (it would triple the atlas the first frame waits for, for sub-pixel positions we do not use).
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    config.SizePixels = pixels;
    atlas.AddFontFromMemoryTTF(font.data, font.size, pixels, &config, ranges);
}

ImFont* slot(FontSlot s) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    return atlas->Fonts.Size > s ? atlas->Fonts[s] : ImGui::GetFont();
}

}  // namespace

void load_fonts(ImFontAtlas& atlas, float dpr) {
    atlas.Clear();
    // Whole device pixels: fractional sizes blur the baseline.
    add(atlas, embedded_ui_font(), std::round(kUiFontCss * dpr), kTextRanges);
    add(atlas, embedded_ui_font(), std::round(kLargeFontCss * dpr), kHeadlineRanges);
    add(atlas, embedded_mono_font(), std::round(kMonoFontCss * dpr), kTextRanges);
}

ImFont* large_font() { return slot(kLarge); }
ImFont* mono_font() { return slot(kMono); }

}  // namespace vramcalc::web
