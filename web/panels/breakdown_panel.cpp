// Breakdown: every figure of the estimate (per GPU and in total) with its "how" on hover, the
// largest context and concurrency that fit, and what to change to make it fit (buttons).
#include <optional>
#include <string>

#include "core/formats.h"
#include "core/text.h"
#include "core/export.h"
#include "web/compute.h"
#include "web/copy.h"
#include "web/panels.h"
#include "web/ui.h"
#include "web/verdict_text.h"

namespace vramcalc::web {

namespace {

// A row's cells joined by tabs (pastes into a spreadsheet as one row).
std::string row_text(const char* name, const std::string& a, const std::string& b, const std::string& how) {
    return std::string(name) + "\t" + a + "\t" + b + "\t" + how;
}

// `band`: the figure's error band, shown before its "how" and in the per-GPU tooltip.
void figure_row(AppState& st, const char* name, const Figure& per_gpu, const Figure* total,
                const std::optional<FigureBand>& band = std::nullopt) {
    const std::string per = size_text(st, per_gpu.bytes);
    const std::string all = total ? size_text(st, total->bytes) : "";
    const std::string how = band ? band->text + " | " + per_gpu.how : per_gpu.how;
    const std::string row = row_text(name, per, all, how);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(name);
    copyable(st, name, per, row);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(per.c_str());
    item_tooltip(exact_bytes(per_gpu.bytes) + (per_gpu.how.empty() ? "" : "\n" + per_gpu.how) + (band ? "\n" + band->tooltip : ""));
    copyable(st, std::string(name) + " per GPU", per, row);
    ImGui::TableSetColumnIndex(2);
    if (total) {
        ImGui::TextUnformatted(all.c_str());
        item_tooltip(exact_bytes(total->bytes) + (total->how.empty() ? "" : "\n" + total->how));
        copyable(st, std::string(name) + " on all GPUs", all, row);
    }
    ImGui::TableSetColumnIndex(3);
    ImGui::TextDisabled("%s", fit_text(how, ImGui::GetContentRegionAvail().x).c_str());
    item_tooltip(band ? per_gpu.how + "\n" + band->tooltip : how);
    copyable(st, name, per, row);
}

void text_row(AppState& st, const char* name, const std::string& value, const std::string& how) {
    const std::string row = row_text(name, value, "", how);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(name);
    copyable(st, name, value, row);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(value.c_str());
    copyable(st, name, value, row);
    ImGui::TableSetColumnIndex(3);
    ImGui::TextDisabled("%s", fit_text(how, ImGui::GetContentRegionAvail().x).c_str());
    item_tooltip(how);
    copyable(st, name, value, row);
}

// Which layers and tensor classes each device holds (GpuLoad::placement, set by the engine) and what
// stays in host RAM; identical ranks beyond 8 are summed up in one line.
void draw_placement(AppState& st, const Estimate& e) {
    bool any = e.cpu.bytes > 0;
    for (const GpuLoad& g : e.gpus) any |= !g.placement.empty();
    if (!any) return;
    ImGui::Spacing();
    ImGui::TextUnformatted("Placement per device");
    ImGui::Separator();
    const std::size_t shown = e.gpus.size() > 8 ? 7 : e.gpus.size();
    const float col = px(st, st.narrow ? 70 : 90);
    auto row = [&](const std::string& label, const std::string& text) {
        ImGui::TextDisabled("%s", label.c_str());
        ImGui::SameLine(col);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        copyable(st, label, text, label + "\t" + text);
    };
    for (std::size_t i = 0; i < shown; ++i) {
        const GpuLoad& g = e.gpus[i];
        row("GPU " + std::to_string(i), g.placement.empty() ? g.role : g.placement);
    }
    if (shown < e.gpus.size())
        dim_text("... and " + std::to_string(e.gpus.size() - shown) + " more GPUs laid out the same way");
    if (e.cpu.bytes > 0) row("CPU (RAM)", size_text(st, e.cpu.bytes) + ": " + e.cpu.how);
}

}  // namespace

void draw_breakdown_panel(AppState& st) {
    const Estimate& e = st.result;
    if (!e.ok) {
        dim_text("The breakdown appears once the input named above is fixed.");
        return;
    }

    // (what to change to make it fit is in the verdict, above the fold)
    const Answers& a = st.answers;

    if (ImGui::SmallButton("Copy as Markdown")) copy_text(st, result_markdown(st.scenario, e), "Breakdown copied as Markdown");
    item_tooltip("The whole breakdown as a Markdown table, with the scenario and its link.\n"
                 "Right-click (or long-press) any figure to copy just that value or its row.");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_ScrollX;
    if (ImGui::BeginTable("figures", 4, flags)) {
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, px(st, 176));
        ImGui::TableSetupColumn("per GPU", ImGuiTableColumnFlags_WidthFixed, px(st, 82));
        ImGui::TableSetupColumn("all GPUs", ImGuiTableColumnFlags_WidthFixed, px(st, 82));
        ImGui::TableSetupColumn("how (hover for the whole line)", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        figure_row(st, "weights", e.per_gpu.weights, &e.total.weights, st.bands.weights);
        figure_row(st, "KV cache", e.per_gpu.kv_cache, &e.total.kv_cache, st.bands.kv_cache);
        figure_row(st, "activations", e.per_gpu.activation, &e.total.activation, st.bands.activation);
        figure_row(st, "overhead", e.per_gpu.overhead, &e.total.overhead);
        const Figure per_total{e.per_gpu.total_bytes, "weights + KV cache + activations + overhead"};
        const Figure all_total{e.total.total_bytes, "summed over " + count_of(static_cast<std::int64_t>(e.gpus.size()), "GPU")};
        figure_row(st, "total", per_total, &all_total);
        figure_row(st, "GPU memory", Figure{e.gpu_memory_bytes, "what the runtime reports per GPU"}, nullptr);
        const std::int64_t headroom = shown_headroom(e);
        figure_row(st, headroom >= 0 ? "headroom" : "shortfall",
                   Figure{static_cast<Bytes>(headroom >= 0 ? headroom : -headroom),
                          headroom < 0             ? "what the most loaded GPU lacks"
                          : e.kv_cache_tokens.has_value() ? "KV cache beyond what the requests need (the engine fills its budget)"
                                                          : "GPU memory minus the most loaded GPU's total"}, nullptr);
        figure_row(st, "start-up peak", e.startup_peak, nullptr);
        if (e.model_buffer) figure_row(st, "llama.cpp model buffer", *e.model_buffer, nullptr, st.bands.weights);
        if (e.kv_buffer) figure_row(st, "llama.cpp KV buffer", *e.kv_buffer, nullptr, st.bands.kv_cache);
        if (e.compute_buffer) figure_row(st, "llama.cpp compute buffer", *e.compute_buffer, nullptr, st.bands.activation);
        if (e.cpu.bytes > 0) figure_row(st, "CPU RAM (offloaded)", e.cpu, nullptr);
        figure_row(st, "rule of thumb", e.rule_of_thumb, nullptr);
        // The active count goes with the explanation: "15.7 B (2.4 B active)" is wider than the figure column.
        text_row(st, "parameters", format_params(e.params),
                 (e.active_params > 0 && e.active_params < e.params ? format_params(e.active_params) + " active per token; " : std::string()) +
                     "counted from the architecture's tensors");
        if (e.kv_bytes_per_token > 0)
            text_row(st, "KV per token", format_fixed(static_cast<double>(e.kv_bytes_per_token) / 1024.0, 1) + " KiB",
                     "all layers, unsharded, at the chosen KV dtype");
        if (e.kv_cache_tokens) text_row(st, "KV cache tokens", format_tokens(*e.kv_cache_tokens), "the pool's size in tokens (block-rounded)");
        if (e.max_concurrency)
            text_row(st, "max concurrency", format_fixed(*e.max_concurrency, 2) + "x", "KV cache tokens / context, as the engine logs it");
        ImGui::EndTable();
    }

    draw_placement(st, e);

    // ---- the answers
    ImGui::Spacing();
    ImGui::TextUnformatted("Limits on this hardware");
    ImGui::Separator();
    auto answer = [&](const char* label, const std::string& value) {
        ImGui::TextDisabled("%s", label);
        copyable(st, label, value, std::string(label) + "\t" + value);
        ImGui::SameLine(px(st, 210));
        ImGui::TextUnformatted(value.c_str());
        copyable(st, label, value, std::string(label) + "\t" + value);
    };
    const char* pending = a.done ? "none fits" : "...";
    answer("largest context that fits", a.largest_context ? format_tokens(*a.largest_context) + " tokens (" +
                                                                std::to_string(*a.largest_context) + ")" : pending);
    answer("largest concurrency that fits", a.largest_concurrency ? std::to_string(*a.largest_concurrency) + " at " +
                                                                        format_tokens(st.scenario.context) : pending);
    std::string best = pending;
    if (a.best_weights) {
        const auto f = find_weight_format(*a.best_weights);
        best = f ? f->name : *a.best_weights;
    }
    answer("best weight format that fits", best);
    if (a.best_weights && *a.best_weights != st.scenario.weights) {
        ImGui::SameLine();
        if (ImGui::SmallButton("use it")) st.scenario.weights = *a.best_weights;
    }
    answer("fewest GPUs that fit", a.fewest_gpus ? std::to_string(a.fewest_gpus->gpus) + " (" + layout_text(a.fewest_layout) + ")"
                                                 : (a.done ? std::string("more than 64") : std::string("...")));
}

}  // namespace vramcalc::web
