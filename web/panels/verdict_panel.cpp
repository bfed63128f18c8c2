// The verdict users see first (FITS / DOES NOT FIT with the headroom or shortfall) and one stacked
// bar per GPU: weights / KV cache / activations / overhead / free, each segment with its "how".
#include <algorithm>
#include <cmath>
#include <string>

#include "core/catalog.h"
#include "core/formats.h"
#include "core/parallel_layout.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/copy.h"
#include "web/panels.h"
#include "web/verdict_text.h"
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


// Text wrapped at spaces only: ImGui's TextWrapped also breaks after '.', which splits "0.9%" on a phone.
void text_wrapped_at_spaces(const std::string& text) {
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    const float space = ImGui::CalcTextSize(" ").x;
    // Lines as close as TextWrapped's: no item spacing between them.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    bool first = true;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = text.find(' ', i);
        if (j == std::string::npos) j = text.size();
        const std::string word = text.substr(i, j - i);
        if (!first) {
            ImGui::SameLine(0, space);
            if (ImGui::GetCursorScreenPos().x + ImGui::CalcTextSize(word.c_str()).x > right) ImGui::NewLine();
        }
        ImGui::TextUnformatted(word.c_str());
        first = false;
        i = j + 1;
    }
    ImGui::PopStyleVar();
}

}  // namespace

// The answers a user came for, in one line: largest context and concurrency, best format, fewest GPUs.
void draw_answers_line(AppState& st) {
    const Answers& a = st.answers;
    std::string line;
    auto add = [&](const std::string& part) { line += (line.empty() ? "" : "  |  ") + part; };
    if (a.largest_context) add("largest context " + format_tokens(*a.largest_context));
    else if (a.step > 0) add("no context fits");
    if (a.largest_concurrency) add(std::to_string(*a.largest_concurrency) + " concurrent at " + format_tokens(st.scenario.context));
    if (a.best_weights) {
        const auto f = find_weight_format(*a.best_weights);
        add("best format " + (f ? f->name : *a.best_weights));
    } else if (a.step > 3) {
        add("no format fits");
    }
    if (a.fewest_gpus) add("fewest GPUs " + std::to_string(a.fewest_gpus->gpus) + (a.fewest_gpus->gpus > 1 ? " (" + layout_text(a.fewest_layout) + ")" : ""));
    if (!a.done) add("working out the limits...");
    ImGui::TextWrapped("%s", line.c_str());
}

// "To make it fit": one button per change that makes a red verdict green.
void draw_fixes(AppState& st) {
    const Answers& a = st.answers;
    if (!st.result.ok || st.result.fits) return;
    if (!a.done && a.step <= 2) {
        dim_text("Looking for changes that make it fit...");
        return;
    }
    if (a.suggestions.empty()) {
        dim_text("No single change makes it fit on this hardware: try a larger GPU or more GPUs.");
        return;
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("To make it fit:");
    for (std::size_t i = 0; i < a.suggestions.size(); ++i) {
        const std::string& label = a.suggestions[i].label;
        flow_next(ImGui::CalcTextSize(label.c_str()).x + px(st, 20));
        ImGui::PushID(static_cast<int>(i));
        const bool clicked = ImGui::Button(label.c_str());
        ImGui::PopID();
        if (clicked) {
            const Scenario next = a.suggestions[i].scenario;
            show_toast(st, "Applied: " + label);
            set_scenario(st, next);
            return;
        }
    }
}

// A link named a model the catalog does not know: say so, offer the nearest ids, answer nothing.
void draw_missing_model(AppState& st) {
    const MissingModel& m = *st.missing_model;
    ImGui::PushFont(large_font());
    ImGui::TextColored(palette(st.dark).nofit, "MODEL NOT FOUND");
    ImGui::PopFont();
    ImGui::TextWrapped("The link asks for '%s', which is not in the catalog. Nothing is estimated until you pick a model.",
                       m.asked.c_str());
    if (m.near.empty()) return;
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("did you mean");
    for (const std::string& id : m.near) {
        const ModelInfo* info = find_model(id);
        const std::string label = info ? info->name : id;
        flow_next(ImGui::CalcTextSize(label.c_str()).x + px(st, 24));
        ImGui::PushID(id.c_str());
        if (ImGui::Button(label.c_str())) st.scenario.model = id;
        ImGui::PopID();
    }
}

namespace {

// The headline and the line under it: what the request needs, and what a budget engine reserves.
void draw_headline(AppState& st, const Estimate& e, const VerdictText& v) {
    const Palette& pal = palette(st.dark);
    const bool budget_engine = e.needed_per_gpu.has_value();
    ImGui::PushFont(large_font());
    ImGui::TextColored(e.fits ? pal.fits : pal.nofit, "%s", v.headline.c_str());
    ImGui::PopFont();
    if (!st.narrow) {  // on a phone the detail goes under the headline
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeightWithSpacing() * 0.5f);
    }
    // One line a new user reads right: what the request NEEDS, then what a budget engine RESERVES.
    std::string line = (st.narrow ? "" : "  ") + hardware_line(st) + ": " + v.needs + (v.reserve.empty() ? "" : "; " + v.reserve);
    ImGui::TextWrapped("%s", line.c_str());
    item_tooltip(budget_engine
                     ? "needs: weights + the KV cache of the requested sequences + activations + overhead on the most loaded GPU. "
                       "reserve: what the engine takes at start (its memory fraction), filled with a KV pool whatever you ask for. "
                       "The chart and the fit matrix show the same \"needs\" figure."
                     : "needs: weights + KV cache + activations + overhead on the most loaded GPU, as the engine allocates them. "
                       "The chart and the fit matrix show the same figure.");
    const std::size_t first = line.find_first_not_of(' ');
    copyable(st, "verdict", v.headline + " - " + (first == std::string::npos ? line : line.substr(first)));
    if (!v.tight.empty()) {  // the room left is within a figure's error band
        ImGui::PushStyleColor(ImGuiCol_Text, pal.tight);
        ImGui::BeginGroup();  // one item, so the tooltip covers every line
        text_wrapped_at_spaces("Tight: " + v.tight);
        ImGui::EndGroup();
        ImGui::PopStyleColor();
        item_tooltip("From the error bands of the published measurements (the table's +-% column): a figure that "
                     "large would flip the verdict.");
    }
}

// A budget engine's KV pool in sequences of the requested context.
void draw_pool_line(AppState& st, const Estimate& e) {
    if (!e.needed_per_gpu || !e.kv_cache_tokens || *e.kv_cache_tokens <= 0 || !e.max_concurrency) return;
    // floored, as a whole sequence either has its blocks or waits
    const double c = *e.max_concurrency < 10 ? std::floor(*e.max_concurrency * 10) / 10 : std::floor(*e.max_concurrency);
    std::string kv = "the pool holds " + format_fixed(c, *e.max_concurrency < 10 ? 1 : 0) + " sequences of " +
                     format_tokens(st.scenario.context) + " at once";
    if (!e.fits) kv += " (you asked for " + std::to_string(st.scenario.batch) + ")";
    ImGui::PushStyleColor(ImGuiCol_Text, e.fits ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : palette(st.dark).tight);
    ImGui::TextWrapped("%s", kv.c_str());
    ImGui::PopStyleColor();
}

// Notes: the first in full, the rest behind a hover, so the answers stay above the fold.
void draw_notes(const Estimate& e) {
    if (e.warnings.empty()) return;
    std::string all;
    for (const auto& w : e.warnings) all += (all.empty() ? "" : "\n") + ("- " + w);
    dim_text("note: " + e.warnings.front() +
             (e.warnings.size() > 1 ? "  (+" + std::to_string(e.warnings.size() - 1) + " more: hover)" : ""));
    item_tooltip(all);
}

// One bar per GPU (identical GPUs beyond 8 collapse into one line), the RAM bar, the legend.
void draw_gpu_bars(AppState& st, const Estimate& e) {
    const Palette& pal = palette(st.dark);
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
        copyable(st, "GPU " + std::to_string(i), size_text(st, g.total_bytes),
                 "GPU " + std::to_string(i) + "\t" + size_text(st, g.total_bytes) + "\t" + size_text(st, capacity));
        ImGui::PopID();
    }
    if (shown < n) ImGui::TextDisabled("... and %zu more GPUs with the same layout (the breakdown lists them)", n - shown);
    if (e.cpu.bytes > 0) ram_bar(st, e, label_w, bar_w, bar_h);
    legend(st);
}

}  // namespace

void draw_verdict_panel(AppState& st) {
    if (st.missing_model) {
        draw_missing_model(st);
        return;
    }
    const Estimate& e = st.result;
    const VerdictText v = verdict_text(e, st.scenario, st.unit);
    if (!e.ok) {
        ImGui::PushFont(large_font());
        ImGui::TextColored(palette(st.dark).nofit, "%s", v.headline.c_str());
        ImGui::PopFont();
        error_text(st, e.error);
        return;
    }
    draw_headline(st, e, v);
    draw_pool_line(st, e);
    dim_text(e.engine_version);
    draw_answers_line(st);
    draw_fixes(st);
    draw_notes(e);
    draw_gpu_bars(st, e);
}

}  // namespace vramcalc::web
