// HARDWARE AND LAYOUT: a searchable GPU picker grouped by vendor and segment (or a custom memory
// size), the GPU and node counts, and tensor / pipeline parallel with the core's validity message.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/parallel_layout.h"
#include "core/scenario.h"
#include "core/search.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/picker.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

std::vector<PickerRow> gpu_rows(const AppState& st) {
    const auto& gpus = gpu_catalog();
    std::vector<PickerRow> rows;
    for (int idx : gpus_by_group()) {
        const Gpu& g = gpus[static_cast<std::size_t>(idx)];
        PickerRow r;
        r.group = g.vendor + " " + g.segment;
        r.cells = {g.name, format_fixed(g.memory_marketed, g.memory_marketed == static_cast<int>(g.memory_marketed) ? 0 : 1) + " " + g.memory_unit,
                   format_fixed(to_gib(g.memory_bytes), 1) + " GiB " + (g.vendor == "NVIDIA" ? "CUDA sees" : "usable")};
        r.tooltip = g.name + ": " + format_fixed(g.bandwidth_gbps, 0) + " GB/s, " + format_fixed(g.bf16_tflops, 0) + " BF16 TFLOPS" +
                    (g.interconnect.empty() ? "" : ", " + g.interconnect) +
                    (g.unified_memory ? "\nUnified memory: the usable figure is the share macOS lets the GPU wire." : "");
        r.search = gpu_search_text(g);
        r.current = st.scenario.gpu_memory_gib <= 0 && g.id == st.scenario.gpu;
        rows.push_back(std::move(r));
    }
    return rows;
}

void draw_gpu_picker(AppState& st, const std::string& label) {
    PickerSpec spec{"gpu_picker", label, "type to filter: 4090, H100, AMD, 48...", {{"GPU", 220}, {"Marketed", 70}, {"Usable", 140}}, 470, 400};
    const PickerResult r = picker(st, st.gpu_picker, spec, [&] { return gpu_rows(st); }, [&](const PickerResult& res) {
        if (res.matches == 0) ImGui::TextDisabled("No GPU matches \"%s\". Tick \"custom memory\" to type a size.", st.gpu_picker.filter.c_str());
    });
    if (r.picked >= 0) {
        st.scenario.gpu = gpu_catalog()[static_cast<std::size_t>(gpus_by_group()[static_cast<std::size_t>(r.picked)])].id;
        st.scenario.gpu_memory_gib = 0;
    }
}

bool int_field(AppState& st, const char* label, int& v, int lo, int hi, const char* tip) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 92));
    bool changed = ImGui::InputInt((std::string("##") + label).c_str(), &v, 1, 1);
    if (changed) v = std::clamp(v, lo, hi);
    item_tooltip(tip);
    return changed;
}


// TP / PP: "auto" pools the GPUs of a replica with the engine's rule (core/parallel_layout.h);
// unticked, the two numbers are the user's. Replicas (data parallel) only when the user asks.
void layout_fields(AppState& st) {
    Scenario& s = st.scenario;
    const bool have = st.resolved.has_value();
    const int tp_now = have ? st.resolved->scenario.tp : std::max(1, s.tp);
    const int pp_now = have ? st.resolved->scenario.pp : std::max(1, s.pp);
    bool autolay = s.tp == 0 && s.pp == 0;
    if (ImGui::Checkbox("auto TP/PP", &autolay)) {
        s.tp = autolay ? 0 : tp_now;
        s.pp = autolay ? 0 : pp_now;
    }
    item_tooltip("Auto: all GPUs of a replica serve one copy of the model: the largest tensor parallel that "
                 "divides the attention heads and fits in a node, pipeline parallel for the rest.");
    ImGui::SameLine(0, px(st, 14));
    int_field(st, "replicas", s.replicas, 1, kMaxGpus, "Data parallel: separate copies of the model, each on GPUs / replicas GPUs "
                                                    "(vLLM --data-parallel-size, SGLang --dp-size). 1 = every GPU serves one copy.");
    ImGui::BeginDisabled(autolay);
    // 0 = derived (auto, or PP = the replica's GPUs / TP): show the value the core resolved.
    int tp = (autolay || s.tp == 0) ? tp_now : s.tp;
    int pp = (autolay || s.pp == 0) ? pp_now : s.pp;
    if (int_field(st, "TP  ", tp, 1, kMaxGpus, "Tensor parallel: each layer split over this many GPUs; must divide the attention heads"))
        s.tp = tp;
    ImGui::SameLine(0, px(st, 14));
    if (int_field(st, "PP   ", pp, 1, kMaxGpus, "Pipeline parallel: layers split into this many stages")) s.pp = pp;
    ImGui::EndDisabled();
}

// The layout in words, or what is wrong with it (with one-click TP sizes the heads allow).
void layout_line(AppState& st, const EngineProfile& profile, bool parallel_engine) {
    Scenario& s = st.scenario;
    const std::string& err = st.result.error;
    const bool layout_error = !st.result.ok && (st.result.error_field == ErrorField::Layout || st.result.error_field == ErrorField::Gpu);
    if (layout_error) {
        error_text(st, err);
        const ModelInfo* m = find_model(s.model);
        const std::int64_t heads = (m && !is_custom(s)) ? m->arch.num_heads : 0;
        if (err.rfind("tp:", 0) == 0 && heads > 0) {  // which layout field: the message's own name
            ImGui::TextDisabled("valid:");
            for (int d = 1; d <= 16 && d <= heads; ++d) {
                if (heads % d != 0) continue;
                ImGui::SameLine();
                ImGui::PushID(d);
                if (ImGui::SmallButton(("TP " + std::to_string(d)).c_str())) {
                    s.tp = d;
                    s.pp = 0;
                    if (s.gpus % d != 0) s.gpus = d;
                }
                ImGui::PopID();
            }
        }
        return;
    }
    if (!st.result.ok || !st.resolved) return;
    std::string line;
    if (!parallel_engine) {
        line = s.gpus == 1 ? "layout: one GPU" : "layout: layers split over " + std::to_string(s.gpus) + " GPUs (" + profile.parallel.split + ")";
    } else {
        const Scenario& r = st.resolved->scenario;
        line = "layout: " + layout_text({r.tp, r.pp, r.replicas, 0, profile.parallel.dp_attention && r.enable_dp_attention && r.replicas > 1}) + " on " + std::to_string(s.gpus) + " GPU" +
               (s.gpus > 1 ? "s" : "") + (s.nodes > 1 ? ", " + std::to_string(s.nodes) + " nodes" : "");
        if (s.tp == 0 && s.pp == 0 && s.gpus > 1) line += " (auto)";
    }
    ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).fits);
    ImGui::TextWrapped("%s", line.c_str());
    ImGui::PopStyleColor();
}

}  // namespace

void draw_hardware_panel(AppState& st) {
    section_header("HARDWARE AND LAYOUT");
    Scenario& s = st.scenario;
    const bool custom_mem = s.gpu_memory_gib > 0;
    const Gpu* g = find_gpu(s.gpu);
    std::string label = custom_mem ? "Custom: " + format_fixed(s.gpu_memory_gib, 1) + " GiB per GPU"
                        : g        ? g->name + "  -  " + gpu_memory_label(*g)
                                   : s.gpu;
    draw_gpu_picker(st, label);

    bool use_custom = custom_mem;
    if (ImGui::Checkbox("custom memory", &use_custom)) s.gpu_memory_gib = use_custom ? (g ? to_gib(g->memory_bytes) : 24.0) : 0.0;
    item_tooltip("Memory per GPU as the runtime reports it (torch.cuda.mem_get_info total), in GiB.");
    if (use_custom) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(st, 110));
        double gib = s.gpu_memory_gib;
        if (ImGui::InputDouble("GiB per GPU", &gib, 1.0, 8.0, "%.1f")) s.gpu_memory_gib = std::clamp(gib, 0.25, 100000.0);
    }

    int_field(st, "GPUs", s.gpus, 1, kMaxGpus, "GPUs in total, all nodes. Together they serve one copy of the model unless you ask for replicas.");
    ImGui::SameLine(0, px(st, 14));
    int_field(st, "nodes", s.nodes, 1, kMaxGpus, "Machines the GPUs are spread over (tensor parallel stays inside a node)");
    // Engines without tensor parallel split layers over every GPU themselves (llama.cpp --split-mode
    // layer, accelerate device_map="auto"): TP and PP are settings only where the profile has them.
    const EngineProfile& profile = engine_profile(s.engine);
    const bool parallel_engine = profile.parallel.tensor_parallel || profile.parallel.pipeline_parallel;
    if (parallel_engine) layout_fields(st);
    layout_line(st, profile, parallel_engine);
    if (st.answers.fewest_gpus && st.answers.fewest_gpus->gpus != s.gpus) {
        const Scenario& f = *st.answers.fewest_gpus;
        std::string label = "Fewest that fit: " + std::to_string(f.gpus) + (f.gpus == 1 ? " GPU" : " GPUs");
        if (parallel_engine && f.gpus > 1) label += ", " + layout_text(st.answers.fewest_layout);
        if (ImGui::SmallButton(label.c_str())) {
            s.gpus = f.gpus; s.tp = 0; s.pp = 0; s.replicas = 1; s.nodes = f.nodes;
        }
    }
}

}  // namespace vramcalc::web
