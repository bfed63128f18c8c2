// For the browser tests: text that ImGui draws cut by its clip rectangle (a label wider than its
// cell, button or window). CMakeLists.txt adds one line to ImFont::RenderText, through which every
// string passes, calling GImFontRenderTextHook; this file sets the hook while a test asks and keeps
// each cut string it sees. The tests read them as JSON:
//   Module.ccall('vramcalc_text_check', null, ['number'], [1])      start recording (clears)
//   JSON.parse(Module.ccall('vramcalc_clipped_texts', 'string'))    [{text, x, width, clip_left, clip_right}]
// It also finds where a string is drawn, so a test can click a button or a box by its words:
//   Module.ccall('vramcalc_find_text', null, ['string'], ['Calibrate'])   record strings starting with it
//   JSON.parse(Module.ccall('vramcalc_found_texts', 'string'))         [{text, x, y, w, h}] (device px, visible part)
#include <emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern void (*GImFontRenderTextHook)(const ImFont*, float, ImVec2, const ImVec4&, const char*, const char*, float);

namespace {

struct Cut {
    std::string text;
    float x, width, clip_left, clip_right;
};
std::vector<Cut> g_cuts;
std::set<std::string> g_seen;
std::string g_json;
bool g_check = false;
std::string g_find;
struct Found {
    std::string text;
    float x, y, w, h;
};
std::vector<Found> g_found;

// A clip rectangle that is the edge of a horizontally scrolled view (a wide table on a phone): text
// running past it is scrolled, not cut.
bool scrolled_edge(const ImVec4& clip) {
    const ImGuiWindow* w = ImGui::GetCurrentContext()->CurrentWindow;
    for (; w; w = w->ParentWindow) {
        if (w->ScrollMax.x <= 0.0f) continue;
        if (std::fabs(clip.z - w->InnerClipRect.Max.x) < 1.0f || std::fabs(clip.x - w->InnerClipRect.Min.x) < 1.0f) return true;
    }
    return false;
}

void find(const char* begin, const char* end, ImVec2 pos, ImVec2 extent, const ImVec4& clip) {
    const std::size_t n = static_cast<std::size_t>(end - begin);
    if (n < g_find.size() || g_find.compare(0, g_find.size(), begin, g_find.size()) != 0) return;
    const float x0 = std::max(pos.x, clip.x), y0 = std::max(pos.y, clip.y);
    const float x1 = std::min(pos.x + extent.x, clip.z), y1 = std::min(pos.y + extent.y, clip.w);
    if (x1 <= x0 || y1 <= y0) return;
    if (g_found.size() >= 500) g_found.erase(g_found.begin(), g_found.begin() + 250);  // the newest frames count
    g_found.push_back({std::string(begin, std::min<std::size_t>(n, 200)), x0, y0, x1 - x0, y1 - y0});
}

void on_text(const ImFont* font, float size, ImVec2 pos, const ImVec4& clip, const char* begin, const char* end, float wrap) {
    if (begin == end) return;
    const ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, wrap, begin, end);
    if (!g_find.empty()) find(begin, end, pos, extent, clip);
    if (!g_check) return;
    const bool visible = pos.y < clip.w && pos.y + extent.y > clip.y && pos.x < clip.z && pos.x + extent.x > clip.x;
    const bool cut = pos.x + extent.x > clip.z + 1.0f || pos.x < clip.x - 1.0f;
    if (!visible || !cut || scrolled_edge(clip)) return;
    std::string text(begin, end);
    if (!g_seen.insert(text).second) return;
    g_cuts.push_back({text, pos.x, extent.x, clip.x, clip.z});
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void vramcalc_text_check(int on) {
    g_cuts.clear();
    g_seen.clear();
    g_check = on != 0;
    GImFontRenderTextHook = g_check || !g_find.empty() ? on_text : nullptr;
}

// Records where strings starting with `text` are drawn from now on ("" stops).
EMSCRIPTEN_KEEPALIVE void vramcalc_find_text(const char* text) {
    g_find = text ? text : "";
    g_found.clear();
    GImFontRenderTextHook = g_check || !g_find.empty() ? on_text : nullptr;
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_found_texts() {
    nlohmann::json j = nlohmann::json::array();
    for (const Found& f : g_found) j.push_back({{"text", f.text}, {"x", f.x}, {"y", f.y}, {"w", f.w}, {"h", f.h}});
    g_json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return g_json.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_clipped_texts() {
    nlohmann::json j = nlohmann::json::array();
    for (const Cut& c : g_cuts)
        j.push_back({{"text", c.text}, {"x", c.x}, {"width", c.width}, {"clip_left", c.clip_left}, {"clip_right", c.clip_right}});
    g_json = j.dump();
    return g_json.c_str();
}

}  // extern "C"
