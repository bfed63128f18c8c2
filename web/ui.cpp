#include "web/ui.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"

namespace vramcalc::web {

const Palette& palette(bool dark) {
    // Same hues in both themes; the light theme darkens text colours so they keep their contrast.
    static const Palette kDark{
        IM_COL32(86, 140, 230, 255),  IM_COL32(236, 160, 60, 255), IM_COL32(170, 110, 220, 255),
        IM_COL32(140, 146, 156, 255), IM_COL32(60, 66, 74, 255),   IM_COL32(90, 170, 170, 255),
        ImVec4(0.33f, 0.82f, 0.45f, 1), ImVec4(0.96f, 0.72f, 0.25f, 1), ImVec4(0.98f, 0.40f, 0.38f, 1),
        ImVec4(0.62f, 0.65f, 0.70f, 1), ImVec4(0.45f, 0.65f, 1.0f, 1),
        IM_COL32(255, 255, 255, 28), IM_COL32(250, 90, 80, 255), IM_COL32(230, 232, 236, 255)};
    static const Palette kLight{
        IM_COL32(58, 112, 210, 255),  IM_COL32(226, 140, 30, 255), IM_COL32(150, 90, 200, 255),
        IM_COL32(130, 136, 146, 255), IM_COL32(222, 226, 232, 255), IM_COL32(60, 150, 150, 255),
        ImVec4(0.10f, 0.55f, 0.22f, 1), ImVec4(0.72f, 0.48f, 0.02f, 1), ImVec4(0.80f, 0.16f, 0.14f, 1),
        ImVec4(0.38f, 0.40f, 0.45f, 1), ImVec4(0.16f, 0.38f, 0.80f, 1),
        IM_COL32(0, 0, 0, 30), IM_COL32(210, 40, 30, 255), IM_COL32(30, 32, 36, 255)};
    return dark ? kDark : kLight;
}

void build_style(ImGuiStyle& style, bool dark, float scale) {
    style = ImGuiStyle();
    if (dark) ImGui::StyleColorsDark(&style); else ImGui::StyleColorsLight(&style);
    style.WindowPadding = ImVec2(12, 10);
    style.FramePadding = ImVec2(7, 4);
    style.ItemSpacing = ImVec2(8, 6);
    style.ItemInnerSpacing = ImVec2(6, 4);
    style.CellPadding = ImVec2(6, 3);
    style.ScrollbarSize = 12;
    style.FrameRounding = 4;
    style.PopupRounding = 4;
    style.GrabRounding = 4;
    style.ChildRounding = 6;
    style.TabRounding = 4;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    // Every frame (checkbox, input, combo) is outlined so an unticked checkbox stands out from its
    // panel by at least 3:1 (WCAG 2.1 non-text contrast). Light: black at 45% over white is grey 140,
    // relative luminance 0.262 against 1.0, (1.0 + 0.05) / (0.262 + 0.05) = 3.4. Dark: white at 35%
    // over the panel's grey 28 is grey 107, (0.147 + 0.05) / (0.0116 + 0.05) = 3.2.
    style.FrameBorderSize = 1;
    ImVec4* c = style.Colors;
    if (dark) {
        c[ImGuiCol_WindowBg] = ImVec4(0.08f, 0.09f, 0.10f, 1);
        c[ImGuiCol_ChildBg] = ImVec4(0.11f, 0.12f, 0.14f, 1);
        c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.13f, 0.15f, 0.98f);
        c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.35f);
        c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.22f, 1);
        c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.25f, 0.30f, 1);
        c[ImGuiCol_FrameBgActive] = ImVec4(0.26f, 0.30f, 0.36f, 1);
        c[ImGuiCol_Header] = ImVec4(0.24f, 0.38f, 0.62f, 0.55f);
        c[ImGuiCol_TableHeaderBg] = ImVec4(0.15f, 0.17f, 0.20f, 1);
        c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.93f, 1);
        c[ImGuiCol_TextDisabled] = ImVec4(0.55f, 0.58f, 0.63f, 1);
    } else {
        c[ImGuiCol_WindowBg] = ImVec4(0.96f, 0.965f, 0.97f, 1);
        c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
        c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 0.99f);
        c[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.45f);
        c[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.93f, 0.95f, 1);
        c[ImGuiCol_FrameBgHovered] = ImVec4(0.86f, 0.89f, 0.94f, 1);
        c[ImGuiCol_TableHeaderBg] = ImVec4(0.90f, 0.91f, 0.93f, 1);
        c[ImGuiCol_Text] = ImVec4(0.10f, 0.11f, 0.13f, 1);
        c[ImGuiCol_TextDisabled] = ImVec4(0.42f, 0.44f, 0.48f, 1);
    }
    style.ScaleAllSizes(scale);
}

std::string size_text(const AppState& st, Bytes b) { return format_size(b, st.unit); }
std::string signed_size_text(const AppState& st, std::int64_t b) { return format_signed_size(b, st.unit); }

std::string exact_bytes(Bytes b) {
    std::string digits = std::to_string(b);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out + " bytes";
}

namespace {

// Tooltip text wraps at 36 em, or the width of the item's panel when that is narrower (at least 16 em),
// so a tooltip in the inputs column does not spread over the verdict beside it.
float tooltip_wrap_width() {
    const float em = ImGui::GetFontSize();
    const float panel = ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x * 2;
    return std::max(16.0f * em, std::min(36.0f * em, panel));
}

// Places the next tooltip beside the last item, never over it: below it, or above it when there is
// no room below, its left edge at the item's, kept inside the item's panel and the screen.
void place_beside_item(const std::string& text) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 text_size = ImGui::CalcTextSize(text.c_str(), nullptr, false, tooltip_wrap_width());
    const ImVec2 size(text_size.x + style.WindowPadding.x * 2, text_size.y + style.WindowPadding.y * 2);
    const ImVec2 item_min = ImGui::GetItemRectMin(), item_max = ImGui::GetItemRectMax();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float gap = style.ItemSpacing.y;
    const float right = std::min(display.x, std::max(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(), item_min.x + size.x));
    const float x = std::max(0.0f, std::min(item_min.x, right - size.x));
    const float y = item_max.y + gap + size.y <= display.y ? item_max.y + gap : std::max(0.0f, item_min.y - gap - size.y);
    ImGui::SetNextWindowPos(ImVec2(x, y));
}

}  // namespace

void section_header(const char* title) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(title);
    ImGui::PopStyleColor();
    ImGui::Separator();
}

std::string fit_text(const std::string& text, float width) {
    std::string line = text.substr(0, text.find('\n'));
    if (line.size() == text.size() && ImGui::CalcTextSize(line.c_str()).x <= width) return line;
    const float dots = ImGui::CalcTextSize("...").x;
    // Whole characters while the prefix and "..." fit (byte-wise is fine: the page's text is ASCII).
    std::size_t lo = 0, hi = line.size();  // the longest prefix that fits: binary search
    while (lo < hi) {
        const std::size_t mid = (lo + hi + 1) / 2;
        if (ImGui::CalcTextSize(line.c_str(), line.c_str() + mid).x + dots <= width) lo = mid;
        else hi = mid - 1;
    }
    return line.substr(0, lo) + "...";
}

void item_tooltip(const std::string& text) {
    if (text.empty() || !ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
    place_beside_item(text);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(tooltip_wrap_width());
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void help_marker(const std::string& text) {
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    item_tooltip(text);
}

void error_text(const AppState& st, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).nofit);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void dim_text(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

std::string architecture_label(const ModelInfo& m) {
    if (m.params_only) return "parameters only";
    const Architecture& a = m.arch;
    std::string out;
    if (a.is_mla()) out = "MLA " + std::to_string(a.num_heads);
    else if (a.num_kv_heads == a.num_heads) out = "MHA " + std::to_string(a.num_heads);
    else if (a.num_kv_heads == 1) out = "MQA " + std::to_string(a.num_heads) + "/1";
    else out = "GQA " + std::to_string(a.num_heads) + "/" + std::to_string(a.num_kv_heads);
    if (a.is_moe()) out += ", MoE " + std::to_string(a.num_experts) + "x" + std::to_string(a.experts_per_token);
    bool sliding = false, linear = false;
    for (LayerAttention la : a.layer_attention) {
        sliding = sliding || la == LayerAttention::Sliding;
        linear = linear || la == LayerAttention::Linear;
    }
    if (linear) out += ", hybrid";
    else if (sliding) out += ", SWA";
    return out;
}

std::string gpu_memory_label(const Gpu& g) {
    std::string marketed = format_fixed(g.memory_marketed, g.memory_marketed == std::floor(g.memory_marketed) ? 0 : 1);
    return marketed + " " + g.memory_unit + " (" + format_fixed(to_gib(g.memory_bytes), 1) + " GiB usable)";
}

}  // namespace vramcalc::web

namespace vramcalc::web {

namespace {
int resize_callback(ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* s = static_cast<std::string*>(data->UserData);
        s->resize(static_cast<std::size_t>(data->BufTextLen));
        data->Buf = s->data();
    }
    return 0;
}
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool input_text(const char* label, std::string& text, ImGuiInputTextFlags flags, const char* hint) {
    flags |= ImGuiInputTextFlags_CallbackResize;
    if (hint) return ImGui::InputTextWithHint(label, hint, text.data(), text.capacity() + 1, flags, resize_callback, &text);
    return ImGui::InputText(label, text.data(), text.capacity() + 1, flags, resize_callback, &text);
}

bool input_text_multiline(const char* label, std::string& text, const ImVec2& size, ImGuiInputTextFlags flags) {
    flags |= ImGuiInputTextFlags_CallbackResize;
    return ImGui::InputTextMultiline(label, text.data(), text.capacity() + 1, size, flags, resize_callback, &text);
}

void flow_next(float width) {
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + width > ImGui::GetContentRegionMax().x) ImGui::NewLine();
}

bool matches_filter(const std::string& haystack, const std::string& filter) {
    std::string h;
    for (char c : haystack) h += lower(c);
    std::size_t i = 0;
    while (i < filter.size()) {
        while (i < filter.size() && filter[i] == ' ') ++i;
        std::size_t j = i;
        std::string word;
        while (j < filter.size() && filter[j] != ' ') word += lower(filter[j++]);
        if (!word.empty() && h.find(word) == std::string::npos) return false;
        i = j;
    }
    return true;
}

}  // namespace vramcalc::web
