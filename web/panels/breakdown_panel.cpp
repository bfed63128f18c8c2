// Breakdown: every figure of the estimate (per GPU and in total) with its "how" on hover, the
// largest context and concurrency that fit, and what to change to make it fit (buttons).
#include <string>

#include "core/formats.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

void figure_row(const AppState& st, const char* name, const Figure& per_gpu, const Figure* total) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(name);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(size_text(st, per_gpu.bytes).c_str());
    item_tooltip(exact_bytes(per_gpu.bytes) + (per_gpu.how.empty() ? "" : "\n" + per_gpu.how));
    ImGui::TableSetColumnIndex(2);
    if (total) {
        ImGui::TextUnformatted(size_text(st, total->bytes).c_str());
        item_tooltip(exact_bytes(total->bytes) + (total->how.empty() ? "" : "\n" + total->how));
    }
    ImGui::TableSetColumnIndex(3);
    const std::string& how = per_gpu.how;
    ImGui::TextDisabled("%s", fit_text(how, ImGui::GetContentRegionAvail().x).c_str());
    item_tooltip(how);
}

void text_row(const char* name, const std::string& value, const std::string& how) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(name);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(value.c_str());
    ImGui::TableSetColumnIndex(3);
    ImGui::TextDisabled("%s", fit_text(how, ImGui::GetContentRegionAvail().x).c_str());
    item_tooltip(how);
}

}  // namespace

void draw_breakdown_panel(AppState& st) {
    const Estimate& e = st.result;
    if (!e.ok) {
        dim_text("The breakdown appears once the input named above is fixed.");
        return;
    }

    // ---- what to change (first: it is what a user with a red verdict wants)
    const Answers& a = st.answers;
    if (!e.fits) {
        if (!a.done && a.step <= 2) {
            dim_text("Looking for changes that make it fit...");
        } else if (a.suggestions.empty()) {
            dim_text("No single change makes it fit on this hardware: try a larger GPU or more GPUs.");
        } else {
            ImGui::TextUnformatted("To make it fit:");
            for (std::size_t i = 0; i < a.suggestions.size(); ++i) {
                ImGui::PushID(static_cast<int>(i));
                ImGui::SameLine();
                if (ImGui::GetCursorPosX() + ImGui::CalcTextSize(a.suggestions[i].label.c_str()).x + px(st, 20) >
                    ImGui::GetContentRegionMax().x)
                    ImGui::NewLine();
                if (ImGui::Button(a.suggestions[i].label.c_str())) {
                    const Scenario next = a.suggestions[i].scenario;
                    set_scenario(st, next);
                    show_toast(st, "Applied: " + a.suggestions[i].label);
                    ImGui::PopID();
                    return;
                }
                ImGui::PopID();
            }
        }
        ImGui::Spacing();
    }

    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_ScrollX;
    if (ImGui::BeginTable("figures", 4, flags)) {
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, px(st, 176));
        ImGui::TableSetupColumn("per GPU", ImGuiTableColumnFlags_WidthFixed, px(st, 82));
        ImGui::TableSetupColumn("all GPUs", ImGuiTableColumnFlags_WidthFixed, px(st, 82));
        ImGui::TableSetupColumn("how (hover for the whole line)", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        figure_row(st, "weights", e.per_gpu.weights, &e.total.weights);
        figure_row(st, "KV cache", e.per_gpu.kv_cache, &e.total.kv_cache);
        figure_row(st, "activations", e.per_gpu.activation, &e.total.activation);
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
        if (e.model_buffer) figure_row(st, "llama.cpp model buffer", *e.model_buffer, nullptr);
        if (e.kv_buffer) figure_row(st, "llama.cpp KV buffer", *e.kv_buffer, nullptr);
        if (e.compute_buffer) figure_row(st, "llama.cpp compute buffer", *e.compute_buffer, nullptr);
        if (e.cpu.bytes > 0) figure_row(st, "CPU RAM (offloaded)", e.cpu, nullptr);
        figure_row(st, "rule of thumb", e.rule_of_thumb, nullptr);
        text_row("parameters", format_params(e.params) + (e.active_params > 0 && e.active_params < e.params
                                                              ? " (" + format_params(e.active_params) + " active)" : ""),
                 "counted from the architecture's tensors");
        if (e.kv_bytes_per_token > 0)
            text_row("KV per token", format_fixed(static_cast<double>(e.kv_bytes_per_token) / 1024.0, 1) + " KiB",
                     "all layers, unsharded, at the chosen KV dtype");
        if (e.kv_cache_tokens) text_row("KV cache tokens", format_tokens(*e.kv_cache_tokens), "the pool's size in tokens (block-rounded)");
        if (e.max_concurrency)
            text_row("max concurrency", format_fixed(*e.max_concurrency, 2) + "x", "KV cache tokens / context, as the engine logs it");
        ImGui::EndTable();
    }

    // ---- the answers
    ImGui::Spacing();
    ImGui::TextUnformatted("Limits on this hardware");
    ImGui::Separator();
    auto answer = [&](const char* label, const std::string& value) {
        ImGui::TextDisabled("%s", label);
        ImGui::SameLine(px(st, 210));
        ImGui::TextUnformatted(value.c_str());
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
    answer("fewest GPUs that fit", a.fewest_gpus ? std::to_string(a.fewest_gpus->gpus) + " (TP " + std::to_string(a.fewest_gpus->tp) +
                                                       ", PP " + std::to_string(a.fewest_gpus->pp) + ")"
                                                 : (a.done ? std::string("more than 64") : std::string("...")));
}

}  // namespace vramcalc::web
