// Small drawing helpers shared by the panels: sizes in the chosen unit, tooltips, section headers,
// the colours of the memory categories, and the light/dark style.
#pragma once
#include <cstdint>
#include <string>

#include <imgui.h>

#include "core/architecture.h"
#include "core/estimate.h"
#include "core/gpu.h"
#include "core/units.h"
#include "web/app_state.h"
#include "web/fonts.h"

namespace vramcalc::web {

struct Palette {
    ImU32 weights, kv, activation, overhead, free, cpu;
    ImVec4 fits, tight, nofit, dim, accent;
    ImU32 grid, capacity, text;
};
const Palette& palette(bool dark);

// Builds the whole ImGui style: colours for the theme, sizes scaled to device pixels.
void build_style(ImGuiStyle& style, bool dark, float scale);

std::string size_text(const AppState& st, Bytes b);                  // "20.3 GiB" / "21.8 GB"
std::string signed_size_text(const AppState& st, std::int64_t b);
std::string exact_bytes(Bytes b);                                     // "21,843,921,408 bytes"

// CSS pixels -> device pixels.
inline float px(const AppState& st, float css) { return css * st.ui_scale; }

void section_header(const char* title);
// `text` cut to its first line and to `width` pixels, ending in "..." when shortened (the whole text
// goes in a tooltip): a table cell that shows the start of a long line instead of cutting it.
std::string fit_text(const std::string& text, float width);
// A tooltip for the last item (shown on hover, also when the item is disabled), wrapped.
void item_tooltip(const std::string& text);
// A "(?)" marker with a tooltip.
void help_marker(const std::string& text);
// Text in the theme's colour for errors / dim notes.
void error_text(const AppState& st, const std::string& text);
void dim_text(const std::string& text);

// "GQA 40/8", "MHA 32", "MQA 71/1", "MoE 128x8", "MLA", joined with ", ".
std::string architecture_label(const ModelInfo& m);
// "80 GB (79.1 GiB seen by CUDA)"
std::string gpu_memory_label(const Gpu& g);

// Headroom per GPU as the page shows it: the estimate's, or the most loaded GPU's total past its
// memory when that is the larger shortfall. WORKAROUND: the vLLM estimate's headroom_bytes
// understates the shortfall when the weights alone overflow the budget (core/engines/vllm.cpp;
// reported): 70B bf16 on 2 x RTX 4090 says -1.2 GiB while 68.6 GiB sit on a 23.6 GiB GPU.

}  // namespace vramcalc::web

namespace vramcalc::web {
// InputText over a std::string (grows the string as the user types).
bool input_text(const char* label, std::string& text, ImGuiInputTextFlags flags = 0, const char* hint = nullptr);
bool input_text_multiline(const char* label, std::string& text, const ImVec2& size, ImGuiInputTextFlags flags = 0);
// Before an item of `width`: SameLine when it still fits on this line, else a new line (wrapping
// rows of buttons on a phone).
void flow_next(float width);
// Case-insensitive: every space-separated word of `filter` occurs in `haystack`.
bool matches_filter(const std::string& haystack, const std::string& filter);
}  // namespace vramcalc::web
