// Memory against context length for the chosen setup (core/context_sweep.h): stacked weights / KV
// cache / activations / overhead over a log-scaled context axis, the GPU's capacity line, and the
// point where the setup stops fitting, marked and labelled. Drawn with ImDrawList (no ImPlot in 1.86).
#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

double unit_bytes(const AppState& st) { return st.unit == SizeUnit::GiB ? kGiB : kGB; }

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
    const Palette& pal = palette(st.dark);

    if (sw.largest_fitting_context)
        ImGui::Text("Fits up to %s tokens per sequence at %lld concurrent", format_tokens(*sw.largest_fitting_context).c_str(),
                    static_cast<long long>(engine_profile(st.scenario.engine).workload.concurrency(st.scenario)));
    else
        ImGui::TextColored(pal.nofit, "Does not fit even at the shortest context");
    if (sw.budget_engine)
        dim_text("vLLM/SGLang reserve a fixed budget (the red line) and fill it with KV cache; the orange area is the KV cache "
                 "the requests need at each context.");

    // ---- plot area
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(px(st, 180), avail.y - px(st, 8));
    const float w = avail.x;
    ImGui::InvisibleButton("chart", ImVec2(w, h));
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float left = px(st, 64), bottom = px(st, 26), top = px(st, 10), right = px(st, 16);
    const ImVec2 p0(origin.x + left, origin.y + top);
    const ImVec2 p1(origin.x + w - right, origin.y + h - bottom);

    const double cmin = static_cast<double>(sw.points.front().context);
    const double cmax = static_cast<double>(sw.points.back().context);
    double ymax = static_cast<double>(std::max(sw.capacity_bytes, sw.gpu_memory_bytes));
    double top_total = 0;
    for (const auto& p : sw.points) top_total = std::max(top_total, static_cast<double>(p.total_bytes));
    // Past twice the capacity the curve only says "far too much": clip it there so the break point
    // stays readable.
    ymax = std::max(ymax, std::min(top_total, 2.0 * ymax)) * 1.08;
    auto X = [&](double ctx) {
        return p0.x + static_cast<float>((std::log(ctx) - std::log(cmin)) / std::max(1e-9, std::log(cmax) - std::log(cmin))) * (p1.x - p0.x);
    };
    auto Y = [&](double bytes) { return p1.y - static_cast<float>(bytes / ymax) * (p1.y - p0.y); };

    // grid and axes
    const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const double ub = unit_bytes(st);
    const double ymax_units = ymax / ub;
    double step = 1;
    for (double s : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0})
        if (ymax_units / s <= 8) { step = s; break; }
    for (double y = 0; y <= ymax_units; y += step) {
        const float yy = Y(y * ub);
        dl->AddLine(ImVec2(p0.x, yy), ImVec2(p1.x, yy), pal.grid);
        const std::string label = format_fixed(y, 0) + (st.unit == SizeUnit::GiB ? " GiB" : " GB");
        dl->AddText(ImVec2(origin.x + px(st, 4), yy - ImGui::GetTextLineHeight() * 0.5f), text_col, label.c_str());
    }
    for (double c = 256; c <= cmax * 1.0001; c *= 2) {
        if (c < cmin * 0.999) continue;
        const float xx = X(c);
        dl->AddLine(ImVec2(xx, p0.y), ImVec2(xx, p1.y), pal.grid);
        const std::string label = format_tokens(static_cast<std::int64_t>(c));
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        if (xx - tw * 0.5f > p0.x - px(st, 10)) dl->AddText(ImVec2(xx - tw * 0.5f, p1.y + px(st, 5)), text_col, label.c_str());
    }

    // stacked areas: weights, KV cache, activations, overhead (bottom to top)
    const ImU32 cols[4] = {pal.weights, pal.kv, pal.activation, pal.overhead};
    // Adjacent quads with anti-aliased fringes show hairline seams: fill the areas without them.
    const ImDrawListFlags saved_flags = dl->Flags;
    dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
    dl->PushClipRect(p0, p1, true);
    for (std::size_t i = 1; i < sw.points.size(); ++i) {
        const ContextPoint& a = sw.points[i - 1];
        const ContextPoint& b = sw.points[i];
        if (!a.ok || !b.ok) continue;
        const double va[4] = {double(a.weights_bytes), double(a.kv_cache_bytes), double(a.activation_bytes), double(a.overhead_bytes)};
        const double vb[4] = {double(b.weights_bytes), double(b.kv_cache_bytes), double(b.activation_bytes), double(b.overhead_bytes)};
        double base_a = 0, base_b = 0;
        const float xa = X(double(a.context)), xb = X(double(b.context));
        for (int k = 0; k < 4; ++k) {
            const double ta = std::min(base_a + va[k], ymax), tb = std::min(base_b + vb[k], ymax);
            const ImVec2 quad[4] = {ImVec2(xa, Y(std::min(base_a, ymax))), ImVec2(xa, Y(ta)), ImVec2(xb, Y(tb)), ImVec2(xb, Y(std::min(base_b, ymax)))};
            // a quad with vertical sides and its top above its bottom is convex
            dl->AddQuadFilled(quad[0], quad[1], quad[2], quad[3], cols[k]);
            base_a = ta;
            base_b = tb;
        }
    }

    dl->PopClipRect();
    dl->Flags = saved_flags;

    // capacity line(s)
    const float cap_y = Y(double(sw.capacity_bytes));
    dl->AddLine(ImVec2(p0.x, cap_y), ImVec2(p1.x, cap_y), pal.capacity, px(st, 2));
    const std::string cap_label = (sw.budget_engine ? "engine budget " : "GPU memory ") + size_text(st, sw.capacity_bytes);
    dl->AddText(ImVec2(p0.x + px(st, 6), cap_y - ImGui::GetTextLineHeight() - px(st, 2)), pal.capacity, cap_label.c_str());
    if (sw.budget_engine && sw.gpu_memory_bytes != sw.capacity_bytes) {
        const float gy = Y(double(sw.gpu_memory_bytes));
        dl->AddLine(ImVec2(p0.x, gy), ImVec2(p1.x, gy), text_col, px(st, 1));
        dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize("GPU memory 00.0 GiB").x, gy - ImGui::GetTextLineHeight() - px(st, 1)), text_col,
                    ("GPU memory " + size_text(st, sw.gpu_memory_bytes)).c_str());
    }

    // the scenario's own context
    const std::int64_t own = engine_profile(st.scenario.engine).workload.sequence_context(st.scenario);
    {
        const float xx = X(double(own));
        dl->AddLine(ImVec2(xx, p0.y), ImVec2(xx, p1.y), ImGui::GetColorU32(ImGuiCol_Text), px(st, 1));
        const std::string label = "you: " + format_tokens(own);
        dl->AddText(ImVec2(xx + px(st, 4), p0.y + px(st, 2)), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    }
    // where it stops fitting
    if (sw.largest_fitting_context && double(*sw.largest_fitting_context) < cmax) {
        const float xx = X(double(*sw.largest_fitting_context));
        for (float y = p0.y; y < p1.y; y += px(st, 8))
            dl->AddLine(ImVec2(xx, y), ImVec2(xx, std::min(y + px(st, 4), p1.y)), pal.capacity, px(st, 2));
        dl->AddCircleFilled(ImVec2(xx, cap_y), px(st, 5), pal.capacity);
        const std::string label = "stops fitting above " + format_tokens(*sw.largest_fitting_context);
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        const float lx = std::min(xx + px(st, 6), p1.x - tw);
        const float ly = p0.y + ImGui::GetTextLineHeightWithSpacing() * 1.3f;
        dl->AddRectFilled(ImVec2(lx - px(st, 3), ly - px(st, 2)), ImVec2(lx + tw + px(st, 3), ly + ImGui::GetTextLineHeight() + px(st, 2)),
                          ImGui::GetColorU32(ImGuiCol_ChildBg), px(st, 3));
        dl->AddText(ImVec2(lx, ly), pal.capacity, label.c_str());
    }
    dl->AddRect(p0, p1, pal.grid);

    // hover: the nearest point's figures
    if (hovered) {
        const float mx = ImGui::GetIO().MousePos.x;
        const ContextPoint* best = nullptr;
        float best_d = 1e9f;
        for (const auto& p : sw.points) {
            const float d = std::fabs(X(double(p.context)) - mx);
            if (p.ok && d < best_d) { best_d = d; best = &p; }
        }
        if (best) {
            const float xx = X(double(best->context));
            dl->AddLine(ImVec2(xx, p0.y), ImVec2(xx, p1.y), ImGui::GetColorU32(ImGuiCol_TextDisabled));
            ImGui::BeginTooltip();
            ImGui::Text("%s tokens per sequence: %s", format_tokens(best->context).c_str(), best->fits ? "fits" : "does not fit");
            ImGui::Text("weights      %s", size_text(st, best->weights_bytes).c_str());
            ImGui::Text("KV cache     %s", size_text(st, best->kv_cache_bytes).c_str());
            ImGui::Text("activations  %s", size_text(st, best->activation_bytes).c_str());
            ImGui::Text("overhead     %s", size_text(st, best->overhead_bytes).c_str());
            ImGui::Text("total        %s per GPU", size_text(st, best->total_bytes).c_str());
            ImGui::EndTooltip();
        }
    }
}

}  // namespace vramcalc::web
