// Memory against context length for the chosen setup (core/context_sweep.h): stacked weights / KV
// cache / activations / overhead over a log-scaled context axis (titled as such, with units), the
// GPU's capacity line, and the point where the setup stops fitting, marked and labelled; a hover box
// that keeps clear of that point. Drawn with ImDrawList (no ImPlot in 1.86).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <imgui_internal.h>  // ImRect

#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

double unit_bytes(const AppState& st) { return st.unit == SizeUnit::GiB ? kGiB : kGB; }
const char* unit_name(const AppState& st) { return st.unit == SizeUnit::GiB ? "GiB" : "GB"; }

bool overlaps(const ImRect& a, const ImRect& b) { return a.Min.x < b.Max.x && b.Min.x < a.Max.x && a.Min.y < b.Max.y && b.Min.y < a.Max.y; }

// The plot's geometry: data -> screen (log context axis, linear memory axis) and the labels placed so
// far, so a new one can step aside instead of overlapping them.
struct Plot {
    ImDrawList* dl = nullptr;
    ImVec2 p0, p1;             // the data rectangle
    double cmin = 1, cmax = 2, ymax = 1;
    std::vector<ImRect> labels;

    float x(double ctx) const {
        const double span = std::max(1e-9, std::log(cmax) - std::log(cmin));
        return p0.x + static_cast<float>((std::log(ctx) - std::log(cmin)) / span) * (p1.x - p0.x);
    }
    float y(double bytes) const { return p1.y - static_cast<float>(bytes / ymax) * (p1.y - p0.y); }

    // Text on a small background box at `pos`, moved down a line at a time past earlier labels.
    ImRect label(ImVec2 pos, const std::string& text, ImU32 col, float pad) {
        const ImVec2 size = ImGui::CalcTextSize(text.c_str());
        pos.x = std::clamp(pos.x, p0.x + pad, std::max(p0.x + pad, p1.x - size.x - pad));
        ImRect r(ImVec2(pos.x - pad, pos.y - pad), ImVec2(pos.x + size.x + pad, pos.y + size.y + pad));
        for (int tries = 0; tries < 6; ++tries) {
            bool clash = false;
            for (const ImRect& o : labels) clash = clash || overlaps(r, o);
            if (!clash) break;
            r.Translate(ImVec2(0, size.y + 2 * pad));
        }
        dl->AddRectFilled(r.Min, r.Max, ImGui::GetColorU32(ImGuiCol_ChildBg), pad);
        dl->AddText(ImVec2(r.Min.x + pad, r.Min.y + pad), col, text.c_str());
        labels.push_back(r);
        return r;
    }
};

// Colour keys for the stacked areas and the capacity line, wrapping on a narrow screen.
void draw_legend(const AppState& st, const ContextSweep& sw) {
    const Palette& pal = palette(st.dark);
    const std::pair<const char*, ImU32> keys[] = {{"weights", pal.weights}, {"KV cache", pal.kv}, {"activations", pal.activation},
                                                  {"overhead", pal.overhead}, {sw.budget_engine ? "engine budget" : "GPU memory", pal.capacity}};
    const float box = ImGui::GetTextLineHeight() * 0.7f;
    for (std::size_t i = 0; i < std::size(keys); ++i) {
        const float w = box + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(keys[i].first).x;
        if (i > 0) flow_next(w);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float top = at.y + (ImGui::GetTextLineHeight() - box) * 0.5f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, top), ImVec2(at.x + box, top + box), keys[i].second, px(st, 2));
        ImGui::Dummy(ImVec2(box, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::TextUnformatted(keys[i].first);
    }
}

// Gridlines with their tick labels, and the two axis titles (with units; the context axis says it is
// logarithmic: each gridline doubles the context).
void draw_axes(const AppState& st, Plot& p, const ImVec2& origin, float width) {
    const Palette& pal = palette(st.dark);
    const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const float line = ImGui::GetTextLineHeight();
    const double ub = unit_bytes(st), ymax_units = p.ymax / ub;
    double step = 1;
    for (double s : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0})
        if (ymax_units / s <= 8) { step = s; break; }
    for (double v = 0; v <= ymax_units; v += step) {
        const float yy = p.y(v * ub);
        p.dl->AddLine(ImVec2(p.p0.x, yy), ImVec2(p.p1.x, yy), pal.grid);
        const std::string label = format_fixed(v, 0);
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        p.dl->AddText(ImVec2(p.p0.x - px(st, 6) - tw, yy - line * 0.5f), text_col, label.c_str());
    }
    float last_right = -1e9f;
    for (double c = 256; c <= p.cmax * 1.0001; c *= 2) {
        if (c < p.cmin * 0.999) continue;
        const float xx = p.x(c);
        p.dl->AddLine(ImVec2(xx, p.p0.y), ImVec2(xx, p.p1.y), pal.grid);
        const std::string label = format_tokens(static_cast<std::int64_t>(c));
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        const float lx = std::clamp(xx - tw * 0.5f, p.p0.x - px(st, 4), p.p1.x - tw);
        if (lx < last_right + px(st, 6)) continue;  // crowded (a phone): every other label
        p.dl->AddText(ImVec2(lx, p.p1.y + px(st, 4)), text_col, label.c_str());
        last_right = lx + tw;
    }
    const ImU32 title_col = ImGui::GetColorU32(ImGuiCol_Text);
    const std::string y_title = std::string("memory per GPU (") + unit_name(st) + ")";
    p.dl->AddText(ImVec2(origin.x, origin.y), title_col, y_title.c_str());
    const char* x_title = "context per sequence (tokens, log scale: each gridline doubles it)";
    const char* x_short = "context per sequence (tokens, log scale)";
    const char* shown = ImGui::CalcTextSize(x_title).x <= width ? x_title : x_short;
    const float tw = ImGui::CalcTextSize(shown).x;
    p.dl->AddText(ImVec2(std::max(origin.x, (p.p0.x + p.p1.x - tw) * 0.5f), p.p1.y + line + px(st, 8)), title_col, shown);
}

// Weights, KV cache, activations, overhead stacked bottom to top, clipped at the plot's top.
void draw_areas(const AppState& st, const Plot& p, const ContextSweep& sw) {
    const Palette& pal = palette(st.dark);
    const ImU32 cols[4] = {pal.weights, pal.kv, pal.activation, pal.overhead};
    // Adjacent quads with anti-aliased fringes show hairline seams: fill the areas without them.
    const ImDrawListFlags saved_flags = p.dl->Flags;
    p.dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
    p.dl->PushClipRect(p.p0, p.p1, true);
    for (std::size_t i = 1; i < sw.points.size(); ++i) {
        const ContextPoint& a = sw.points[i - 1];
        const ContextPoint& b = sw.points[i];
        if (!a.ok || !b.ok) continue;
        const double va[4] = {double(a.weights_bytes), double(a.kv_cache_bytes), double(a.activation_bytes), double(a.overhead_bytes)};
        const double vb[4] = {double(b.weights_bytes), double(b.kv_cache_bytes), double(b.activation_bytes), double(b.overhead_bytes)};
        double base_a = 0, base_b = 0;
        const float xa = p.x(double(a.context)), xb = p.x(double(b.context));
        for (int k = 0; k < 4; ++k) {
            const double ta = std::min(base_a + va[k], p.ymax), tb = std::min(base_b + vb[k], p.ymax);
            // a quad with vertical sides and its top above its bottom is convex
            p.dl->AddQuadFilled(ImVec2(xa, p.y(base_a)), ImVec2(xa, p.y(ta)), ImVec2(xb, p.y(tb)), ImVec2(xb, p.y(base_b)), cols[k]);
            base_a = ta;
            base_b = tb;
        }
    }
    p.dl->PopClipRect();
    p.dl->Flags = saved_flags;
}

// The capacity line(s), the scenario's own context and the break point. Returns the break point's
// marker and label (empty when the setup fits everywhere), which the hover box must not cover.
ImRect draw_marks(const AppState& st, Plot& p, const ContextSweep& sw) {
    const Palette& pal = palette(st.dark);
    const float pad = px(st, 3), line = ImGui::GetTextLineHeight();
    const float cap_y = p.y(double(sw.capacity_bytes));
    p.dl->AddLine(ImVec2(p.p0.x, cap_y), ImVec2(p.p1.x, cap_y), pal.capacity, px(st, 2));
    const std::int64_t own = engine_profile(st.scenario.engine).workload.sequence_context(st.scenario);
    const float own_x = p.x(double(own));
    p.dl->AddLine(ImVec2(own_x, p.p0.y), ImVec2(own_x, p.p1.y), ImGui::GetColorU32(ImGuiCol_Text), px(st, 1));
    p.label(ImVec2(own_x + px(st, 5), p.p0.y + pad), "you: " + format_tokens(own), ImGui::GetColorU32(ImGuiCol_Text), pad);

    ImRect mark(ImVec2(0, 0), ImVec2(0, 0));
    if (sw.largest_fitting_context && double(*sw.largest_fitting_context) < p.cmax) {
        const float xx = p.x(double(*sw.largest_fitting_context));
        for (float y = p.p0.y; y < p.p1.y; y += px(st, 8))
            p.dl->AddLine(ImVec2(xx, y), ImVec2(xx, std::min(y + px(st, 4), p.p1.y)), pal.capacity, px(st, 2));
        const float r = px(st, 5);
        p.dl->AddCircleFilled(ImVec2(xx, cap_y), r, pal.capacity);
        const ImRect text = p.label(ImVec2(xx + px(st, 6), p.p0.y + pad), "stops fitting above " + format_tokens(*sw.largest_fitting_context),
                                    pal.capacity, pad);
        mark = text;
        mark.Add(ImRect(ImVec2(xx - r * 2, cap_y - r * 2), ImVec2(xx + r * 2, cap_y + r * 2)));
    }
    const std::string cap_label = (sw.budget_engine ? "engine budget " : "GPU memory ") + size_text(st, sw.capacity_bytes);
    p.label(ImVec2(p.p0.x + px(st, 6), cap_y - line - 2 * pad - px(st, 2)), cap_label, pal.capacity, pad);
    if (sw.budget_engine && sw.gpu_memory_bytes != sw.capacity_bytes) {
        const float gy = p.y(double(sw.gpu_memory_bytes));
        const ImU32 col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        p.dl->AddLine(ImVec2(p.p0.x, gy), ImVec2(p.p1.x, gy), col, px(st, 1));
        const std::string text = "GPU memory " + size_text(st, sw.gpu_memory_bytes);
        p.label(ImVec2(p.p1.x - ImGui::CalcTextSize(text.c_str()).x, gy - line - 2 * pad - px(st, 1)), text, col, pad);
    }
    return mark;
}

// The hover box: the figures of the point nearest the mouse, in monospace so they line up, placed
// beside the hover line on the side away from the break point, never over it.
void draw_hover(const AppState& st, const Plot& p, const ContextSweep& sw, const ImRect& avoid) {
    const float mx = ImGui::GetIO().MousePos.x;
    const ContextPoint* best = nullptr;
    float best_d = 1e9f;
    for (const auto& pt : sw.points) {
        const float d = std::fabs(p.x(double(pt.context)) - mx);
        if (pt.ok && d < best_d) { best_d = d; best = &pt; }
    }
    if (!best) return;
    const float xx = p.x(double(best->context));
    p.dl->AddLine(ImVec2(xx, p.p0.y), ImVec2(xx, p.p1.y), ImGui::GetColorU32(ImGuiCol_TextDisabled));
    const std::string lines[] = {format_tokens(best->context) + " tokens per sequence: " + (best->fits ? "fits" : "does not fit"),
                                 "weights      " + size_text(st, best->weights_bytes),
                                 "KV cache     " + size_text(st, best->kv_cache_bytes),
                                 "activations  " + size_text(st, best->activation_bytes),
                                 "overhead     " + size_text(st, best->overhead_bytes),
                                 "total        " + size_text(st, best->total_bytes) + " per GPU"};
    ImGui::PushFont(mono_font());
    ImVec2 size(0, 0);
    for (const auto& l : lines) size.x = std::max(size.x, ImGui::CalcTextSize(l.c_str()).x);
    size.y = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(std::size(lines));
    ImGui::PopFont();
    size = ImVec2(size.x + ImGui::GetStyle().WindowPadding.x * 2, size.y + ImGui::GetStyle().WindowPadding.y * 2);
    const float gap = px(st, 12);
    const ImVec2 right(xx + gap, p.p1.y - size.y - gap), left(xx - gap - size.x, p.p1.y - size.y - gap);
    const bool break_to_right = avoid.GetWidth() > 0 && avoid.GetCenter().x > xx;
    ImVec2 pos = break_to_right ? left : right;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    if (pos.x < 0 || pos.x + size.x > display.x) pos = break_to_right ? right : left;  // no room on the preferred side
    if (overlaps(ImRect(pos, ImVec2(pos.x + size.x, pos.y + size.y)), avoid)) pos.y = std::max(0.0f, avoid.Min.y - size.y - gap);
    ImGui::SetNextWindowPos(pos);
    ImGui::BeginTooltip();
    ImGui::PushFont(mono_font());
    for (const auto& l : lines) ImGui::TextUnformatted(l.c_str());
    ImGui::PopFont();
    ImGui::EndTooltip();
}

}  // namespace

void draw_chart_panel(AppState& st) {
    ChartView& v = st.chart;
    if (v.key != st.scenario_key) {
        v.key = st.scenario_key;
        v.sweep = context_sweep(st.scenario, 32);
        v.valid = !v.sweep.points.empty();
    }
    if (!v.valid) {
        error_text(st, st.result.ok ? "No curve for this scenario." : st.result.error);
        return;
    }
    const ContextSweep& sw = v.sweep;
    if (sw.largest_fitting_context)
        ImGui::Text("Fits up to %s tokens per sequence at %lld concurrent", format_tokens(*sw.largest_fitting_context).c_str(),
                    static_cast<long long>(engine_profile(st.scenario.engine).workload.concurrency(st.scenario)));
    else
        ImGui::TextColored(palette(st.dark).nofit, "Does not fit even at the shortest context");
    if (sw.budget_engine)
        dim_text("vLLM/SGLang reserve a fixed budget (the red line) and fill it with KV cache; the orange area is the KV cache "
                 "the requests need at each context.");
    draw_legend(st, sw);

    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(px(st, 220), avail.y - px(st, 8));
    const float w = avail.x;
    ImGui::InvisibleButton("chart", ImVec2(w, h));
    const bool hovered = ImGui::IsItemHovered();

    Plot p;
    p.dl = ImGui::GetWindowDrawList();
    p.cmin = static_cast<double>(sw.points.front().context);
    p.cmax = static_cast<double>(sw.points.back().context);
    double top_total = 0;
    for (const auto& pt : sw.points) top_total = std::max(top_total, static_cast<double>(pt.total_bytes));
    const double cap = static_cast<double>(std::max(sw.capacity_bytes, sw.gpu_memory_bytes));
    // Past twice the capacity the curve only says "far too much": clip it there so the break point
    // stays readable.
    p.ymax = std::max(cap, std::min(top_total, 2.0 * cap)) * 1.08;
    const float line = ImGui::GetTextLineHeight();
    const float tick_w = ImGui::CalcTextSize(format_fixed(p.ymax / unit_bytes(st), 0).c_str()).x;
    p.p0 = ImVec2(origin.x + tick_w + px(st, 12), origin.y + line + px(st, 8));
    p.p1 = ImVec2(origin.x + w - px(st, 12), origin.y + h - 2 * line - px(st, 14));

    draw_axes(st, p, origin, w);
    draw_areas(st, p, sw);
    const ImRect avoid = draw_marks(st, p, sw);
    p.dl->AddRect(p.p0, p.p1, palette(st.dark).grid);
    if (hovered) draw_hover(st, p, sw, avoid);
}

}  // namespace vramcalc::web
