// The verdict users see first (FITS / DOES NOT FIT with the headroom or shortfall) and one stacked
// bar per GPU: weights / KV cache / activations / overhead / free, each segment with its "how".
#include <algorithm>
#include <cmath>
#include <string>

#include "core/catalog.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

std::string hardware_line(const AppState& st) {
    const Scenario& s = st.scenario;
    std::string gpu = s.gpu_memory_gib > 0 ? format_fixed(s.gpu_memory_gib, 1) + " GiB GPU" : s.gpu;
    if (s.gpu_memory_gib <= 0)
        if (const Gpu* g = find_gpu(s.gpu)) gpu = g->name;
    return std::to_string(s.gpus) + " x " + gpu;
}

struct Segment {
    const char* name;
    Bytes bytes;
    ImU32 colour;
    const std::string* how;
};

// System RAM beside the GPU bars: what stays on the CPU (weights kept there, their KV) against the
// machine's RAM, which the user types (the page cannot read it).
void ram_bar(AppState& st, const Estimate& e, float label_w, float bar_w, float bar_h) {
    const double ram = std::max(1.0, st.ram_gib) * kGiB;
    const double used = static_cast<double>(e.cpu.bytes);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("RAM");
    item_tooltip(e.cpu.how + (e.host_model_buffer ? "\n" + e.host_model_buffer->how : std::string()));
    ImGui::SameLine(label_w);
    const bool over = used > ram;
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, over ? ImVec4(0.85f, 0.3f, 0.3f, 1) : ImVec4(0.35f, 0.7f, 0.7f, 1));
    ImGui::ProgressBar(static_cast<float>(std::min(1.0, used / ram)), ImVec2(bar_w, bar_h), "");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextUnformatted((size_text(st, e.cpu.bytes) + " /").c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 56));
    if (ImGui::InputDouble("GiB##ram", &st.ram_gib, 0, 0, "%.0f")) st.ram_gib = std::clamp(st.ram_gib, 1.0, 1e6);
    item_tooltip("Your machine's system RAM in GiB");
}

// One horizontal stacked bar of `width` for a GPU of `capacity` bytes; returns the hovered segment.
void stacked_bar(const AppState& st, const GpuLoad& load, Bytes capacity, float width, float height) {
    const Palette& pal = palette(st.dark);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("bar", ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    const float mouse_x = ImGui::GetIO().MousePos.x;
    const Bytes used = load.weights.bytes + load.kv_cache.bytes + load.activation.bytes + load.overhead.bytes;
    const Bytes scale = std::max(capacity, used);
    const std::string free_how = capacity >= used ? "left unused on this GPU" : "over capacity by " + size_text(st, used - capacity);
    const Segment segs[] = {
        {"weights", load.weights.bytes, pal.weights, &load.weights.how},
        {"KV cache", load.kv_cache.bytes, pal.kv, &load.kv_cache.how},
        {"activations", load.activation.bytes, pal.activation, &load.activation.how},
        {"overhead", load.overhead.bytes, pal.overhead, &load.overhead.how},
        {"free", capacity > used ? capacity - used : 0, pal.free, &free_how},
    };
    const float rounding = px(st, 3);
    dl->AddRectFilled(p0, ImVec2(p0.x + width, p0.y + height), pal.free, rounding);
    float x = p0.x;
    const Segment* hovered_seg = nullptr;
    for (const Segment& seg : segs) {
        if (seg.bytes == 0 || scale == 0) continue;
        const float w = width * static_cast<float>(static_cast<double>(seg.bytes) / static_cast<double>(scale));
        if (std::string(seg.name) != "free")
            dl->AddRectFilled(ImVec2(x, p0.y), ImVec2(x + w, p0.y + height), seg.colour,
                              x == p0.x ? rounding : 0.0f, x == p0.x ? ImDrawFlags_RoundCornersLeft : ImDrawFlags_None);
        if (hovered && mouse_x >= x && mouse_x < x + w) hovered_seg = &seg;
        x += w;
    }
    if (used > capacity) {
        // the part past the GPU's memory: a red edge where the memory ends
        const float cap_x = p0.x + width * static_cast<float>(static_cast<double>(capacity) / static_cast<double>(scale));
        dl->AddLine(ImVec2(cap_x, p0.y - px(st, 2)), ImVec2(cap_x, p0.y + height + px(st, 2)), pal.capacity, px(st, 2));
    }
    if (hovered_seg) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
        ImGui::Text("%s: %s", hovered_seg->name, size_text(st, hovered_seg->bytes).c_str());
        ImGui::TextDisabled("%s", exact_bytes(hovered_seg->bytes).c_str());
        if (!hovered_seg->how->empty()) ImGui::TextUnformatted(hovered_seg->how->c_str());
        if (!load.role.empty()) ImGui::TextDisabled("%s", load.role.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void legend(const AppState& st) {
    const Palette& pal = palette(st.dark);
    const std::pair<const char*, ImU32> items[] = {{"weights", pal.weights}, {"KV cache", pal.kv},
                                                   {"activations", pal.activation}, {"overhead", pal.overhead},
                                                   {"free", pal.free}};
    const float sq = ImGui::GetTextLineHeight() * 0.8f;
    for (const auto& [name, colour] : items) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + sq * 0.15f), ImVec2(p.x + sq, p.y + sq * 1.15f), colour, px(st, 2));
        ImGui::Dummy(ImVec2(sq, sq));
        ImGui::SameLine(0, px(st, 4));
        ImGui::TextUnformatted(name);
        flow_next(sq + ImGui::CalcTextSize("activations").x + px(st, 20));
    }
    ImGui::NewLine();
}

}  // namespace

void draw_verdict_panel(AppState& st) {
    const Estimate& e = st.result;
    const Palette& pal = palette(st.dark);
    ImGui::PushFont(large_font());
    if (!e.ok) {
        ImGui::TextColored(pal.nofit, "CANNOT ESTIMATE");
        ImGui::PopFont();
        error_text(st, e.error);
        return;
    }
    const bool budget_engine = e.kv_cache_tokens.has_value();
    const std::string headline = e.fits ? "FITS" : "DOES NOT FIT";
    ImGui::TextColored(e.fits ? pal.fits : pal.nofit, "%s", headline.c_str());
    ImGui::PopFont();
    if (!st.narrow) {  // on a phone the detail goes under the headline
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeightWithSpacing() * 0.5f);
    }
    std::string detail;
    if (budget_engine && e.fits) {
        detail = "  " + hardware_line(st) + "  -  " + size_text(st, e.per_gpu.total_bytes) + " of " +
                 size_text(st, e.gpu_memory_bytes) + " reserved per GPU";
    } else if (e.fits) {
        detail = "  " + hardware_line(st) + "  -  " + size_text(st, e.per_gpu.total_bytes) + " of " +
                 size_text(st, e.gpu_memory_bytes) + " per GPU, " + size_text(st, static_cast<Bytes>(e.headroom_bytes)) + " free";
    } else {
        const std::int64_t shortfall = -shown_headroom(e);
        detail = "  " + hardware_line(st) + "  -  short by " + size_text(st, static_cast<Bytes>(std::max<std::int64_t>(0, shortfall))) +
                 " per GPU";
        if (e.headroom_bytes >= 0) detail = "  " + hardware_line(st) + "  -  not enough KV cache for the requested concurrency";
    }
    if (st.narrow) detail.erase(0, detail.find_first_not_of(' '));
    ImGui::TextWrapped("%s", detail.c_str());

    if (budget_engine && *e.kv_cache_tokens <= 0) {
        error_text(st, std::string("No room left for KV cache: the weights and activations exceed ") +
                           engine_name(st.scenario.engine) + "'s budget");
    } else if (budget_engine) {
        const std::int64_t seq_ctx = st.scenario.context;
        std::string kv = "KV cache for " + format_tokens(*e.kv_cache_tokens) + " tokens";
        if (e.max_concurrency) {
            // floored, as a whole sequence either has its blocks or waits
            const double c = *e.max_concurrency < 10 ? std::floor(*e.max_concurrency * 10) / 10 : std::floor(*e.max_concurrency);
            kv += ", " + format_fixed(c, *e.max_concurrency < 10 ? 1 : 0) + " concurrent sequences at " +
                  format_tokens(seq_ctx) + " context";
        }
        if (!e.fits) kv += " (needs " + std::to_string(st.scenario.batch) + ")";
        ImGui::PushStyleColor(ImGuiCol_Text, e.fits ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : pal.tight);
        ImGui::TextWrapped("%s", kv.c_str());
        ImGui::PopStyleColor();
        item_tooltip("vLLM and SGLang reserve a fixed share of each GPU and fill whatever weights and activations "
                     "leave with KV cache blocks: the pool size is what limits context x concurrency.");
    }
    std::string answers;
    if (st.answers.largest_context) answers += "largest context " + format_tokens(*st.answers.largest_context) + " tokens";
    if (st.answers.largest_concurrency)
        answers += (answers.empty() ? "" : "  -  ") + std::to_string(*st.answers.largest_concurrency) + " concurrent at " +
                   format_tokens(st.scenario.context);
    if (st.answers.done && !st.answers.largest_context) answers += "no context fits";
    if (!st.answers.done) answers += (answers.empty() ? "" : "  -  ") + std::string("working out the limits...");
    dim_text(e.engine_version + "  |  " + answers);
    for (const auto& w : e.warnings) dim_text("note: " + w);

    // ---- one bar per GPU (identical GPUs beyond 8 collapse into one line)
    ImGui::Spacing();
    const float label_w = px(st, st.narrow ? 58 : 62);
    const float value_w = px(st, 150);
    const float bar_w = std::max(px(st, 80), ImGui::GetContentRegionAvail().x - label_w - value_w);
    const float bar_h = ImGui::GetTextLineHeight() * 1.25f;
    const std::size_t n = e.gpus.size();
    const std::size_t shown = n > 8 ? 7 : n;
    for (std::size_t i = 0; i < shown; ++i) {
        const GpuLoad& g = e.gpus[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::AlignTextToFramePadding();
        ImGui::Text("GPU %zu", i);
        item_tooltip(g.role);
        ImGui::SameLine(label_w);
        // a mixed device list: each bar against its own GPU's memory
        const Bytes capacity = st.resolved && i < st.resolved->devices.size() ? st.resolved->devices[i].memory_bytes : e.gpu_memory_bytes;
        stacked_bar(st, g, capacity, bar_w, bar_h);
        ImGui::SameLine();
        const bool over = g.total_bytes > capacity;
        ImGui::TextColored(over ? pal.nofit : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s / %s",
                           size_text(st, g.total_bytes).c_str(), size_text(st, capacity).c_str());
        ImGui::PopID();
    }
    if (shown < n) ImGui::TextDisabled("... and %zu more GPUs with the same layout (the breakdown lists them)", n - shown);
    if (e.cpu.bytes > 0) ram_bar(st, e, label_w, bar_w, bar_h);
    legend(st);
}

}  // namespace vramcalc::web
