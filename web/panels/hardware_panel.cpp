// HARDWARE AND LAYOUT: a searchable GPU picker grouped by vendor and segment (or a custom memory
// size), the GPU and node counts, and tensor / pipeline parallel with the core's validity message.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

const std::vector<int>& gpus_by_group() {
    static std::vector<int> order = [] {
        const auto& gpus = gpu_catalog();
        std::vector<int> v(gpus.size());
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>(i);
        auto rank = [](const std::string& seg) {
            return seg == "datacenter" ? 0 : seg == "workstation" ? 1 : seg == "consumer" ? 2 : 3;
        };
        std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
            const Gpu& x = gpus[static_cast<std::size_t>(a)];
            const Gpu& y = gpus[static_cast<std::size_t>(b)];
            if (x.vendor != y.vendor) return x.vendor > y.vendor;  // NVIDIA first, then AMD, Intel, Apple
            if (rank(x.segment) != rank(y.segment)) return rank(x.segment) < rank(y.segment);
            return x.memory_bytes > y.memory_bytes;
        });
        return v;
    }();
    return order;
}

void draw_gpu_popup(AppState& st) {
    const auto& gpus = gpu_catalog();
    if (!ImGui::BeginPopup("gpu_picker")) return;
    static int highlight = 0;
    static bool focus = false;
    if (ImGui::IsWindowAppearing()) { focus = true; highlight = 0; }
    if (focus) { ImGui::SetKeyboardFocusHere(); focus = false; }
    ImGui::SetNextItemWidth(-1);
    const bool changed = input_text("##gpu_filter", st.gpu_filter, 0, "type to filter: 4090, H100, AMD, 48...");
    if (changed) highlight = 0;
    const bool key_nav = ImGui::IsItemActive();
    if (key_nav && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) ++highlight;
    if (key_nav && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) highlight = std::max(0, highlight - 1);
    const bool enter = (key_nav || ImGui::IsItemDeactivated()) && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter));

    std::vector<int> shown;
    for (int i : gpus_by_group()) {
        const Gpu& g = gpus[static_cast<std::size_t>(i)];
        const std::string hay = g.name + " " + g.id + " " + g.vendor + " " + g.segment + " " +
                                format_fixed(g.memory_marketed, 0) + g.memory_unit;
        if (matches_filter(hay, st.gpu_filter)) shown.push_back(i);
    }
    highlight = std::clamp(highlight, 0, std::max(0, static_cast<int>(shown.size()) - 1));
    if (enter && !shown.empty()) {
        st.scenario.gpu = gpus[static_cast<std::size_t>(shown[static_cast<std::size_t>(highlight)])].id;
        st.scenario.gpu_memory_gib = 0;
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    int groups = 0;
    std::string last_group;
    for (int i : shown) {
        const Gpu& g = gpus[static_cast<std::size_t>(i)];
        if (g.vendor + g.segment != last_group) { ++groups; last_group = g.vendor + g.segment; }
    }
    const float row_h = ImGui::GetTextLineHeightWithSpacing();
    const float list_h = std::min(px(st, 400), row_h * static_cast<float>(shown.size() + static_cast<std::size_t>(groups) + 1));
    const float list_w = std::min(px(st, 470), ImGui::GetMainViewport()->WorkSize.x - px(st, 40));
    ImGui::BeginChild("gpu_list", ImVec2(list_w, list_h), false, ImGuiWindowFlags_HorizontalScrollbar);
    if (ImGui::BeginTable("gpus", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("GPU", ImGuiTableColumnFlags_WidthFixed, px(st, 220));
        ImGui::TableSetupColumn("Marketed", ImGuiTableColumnFlags_WidthFixed, px(st, 70));
        ImGui::TableSetupColumn("Usable", ImGuiTableColumnFlags_WidthFixed, px(st, 140));
        std::string group;
        int row = 0;
        for (int idx : shown) {
            const Gpu& g = gpus[static_cast<std::size_t>(idx)];
            const std::string grp = g.vendor + " " + g.segment;
            if (grp != group) {
                group = grp;
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextDisabled("%s", grp.c_str());
            }
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::PushID(idx);
            const bool hl = row == highlight;
            if (ImGui::Selectable(("  " + g.name).c_str(), hl || (st.scenario.gpu_memory_gib <= 0 && g.id == st.scenario.gpu),
                                  ImGuiSelectableFlags_SpanAllColumns)) {
                st.scenario.gpu = g.id;
                st.scenario.gpu_memory_gib = 0;
                ImGui::CloseCurrentPopup();
            }
            if (hl && (changed || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)) ||
                       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))))
                ImGui::SetScrollHereY();
            item_tooltip(g.name + ": " + format_fixed(g.bandwidth_gbps, 0) + " GB/s, " + format_fixed(g.bf16_tflops, 0) +
                         " BF16 TFLOPS" + (g.interconnect.empty() ? "" : ", " + g.interconnect) +
                         (g.unified_memory ? "\nUnified memory: the usable figure is the share macOS lets the GPU wire." : ""));
            ImGui::PopID();
            ImGui::TableSetColumnIndex(1);
            ImGui::Text("%s %s", format_fixed(g.memory_marketed, g.memory_marketed == static_cast<int>(g.memory_marketed) ? 0 : 1).c_str(),
                        g.memory_unit.c_str());
            ImGui::TableSetColumnIndex(2);
            ImGui::TextDisabled("%s GiB %s", format_fixed(to_gib(g.memory_bytes), 1).c_str(),
                                g.vendor == "NVIDIA" ? "CUDA sees" : "usable");
            ++row;
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::EndPopup();
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

}  // namespace

void draw_hardware_panel(AppState& st) {
    section_header("HARDWARE AND LAYOUT");
    Scenario& s = st.scenario;
    const bool custom_mem = s.gpu_memory_gib > 0;
    const Gpu* g = find_gpu(s.gpu);
    std::string label = custom_mem ? "Custom: " + format_fixed(s.gpu_memory_gib, 1) + " GiB per GPU"
                        : g        ? g->name + "  -  " + gpu_memory_label(*g)
                                   : s.gpu;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
    if (ImGui::Button((label + "##gpu_button").c_str(), ImVec2(-1, 0))) {
        st.gpu_filter.clear();
        ImGui::OpenPopup("gpu_picker");
    }
    ImGui::PopStyleVar();
    ImGui::SetNextWindowPos(ImVec2(pos.x, ImGui::GetItemRectMax().y + 2), ImGuiCond_Appearing);
    draw_gpu_popup(st);

    bool use_custom = custom_mem;
    if (ImGui::Checkbox("custom memory", &use_custom)) s.gpu_memory_gib = use_custom ? (g ? to_gib(g->memory_bytes) : 24.0) : 0.0;
    item_tooltip("Memory per GPU as the runtime reports it (torch.cuda.mem_get_info total), in GiB.");
    if (use_custom) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(st, 110));
        double gib = s.gpu_memory_gib;
        if (ImGui::InputDouble("GiB per GPU", &gib, 1.0, 8.0, "%.1f")) s.gpu_memory_gib = std::clamp(gib, 0.25, 100000.0);
    }

    int_field(st, "GPUs", s.gpus, 1, 4096, "GPUs in total, all nodes");
    ImGui::SameLine(0, px(st, 14));
    int_field(st, "nodes", s.nodes, 1, 4096, "Machines the GPUs are spread over (tensor parallel stays inside a node)");
    // Engines without tensor parallel split layers over every GPU themselves (llama.cpp --split-mode
    // layer, accelerate device_map="auto"): TP and PP are settings only where the profile has them.
    const EngineProfile& profile = engine_profile(s.engine);
    const bool parallel_engine = profile.parallel.tensor_parallel || profile.parallel.pipeline_parallel;
    ImGui::BeginDisabled(!parallel_engine);
    int_field(st, "TP  ", s.tp, 1, 4096, "Tensor parallel: each layer split over this many GPUs; must divide the attention heads");
    ImGui::SameLine(0, px(st, 14));
    int_field(st, "PP   ", s.pp, 1, 4096, "Pipeline parallel: layers split into this many stages");
    ImGui::EndDisabled();

    if (s.tp * s.pp > s.gpus) dim_text("tp x pp = " + std::to_string(s.tp * s.pp) + " needs at least that many GPUs");
    const std::string& err = st.result.error;
    const bool layout_error = !st.result.ok && (err.rfind("tp", 0) == 0 || err.rfind("pp", 0) == 0 ||
                                                err.rfind("gpus", 0) == 0 || err.rfind("nodes", 0) == 0 ||
                                                err.rfind("gpu", 0) == 0);
    if (layout_error) {
        error_text(st, err);
        // One click to a valid layout: tensor-parallel sizes that divide the attention heads.
        if (err.rfind("tp:", 0) == 0) {
            const ModelInfo* m = find_model(s.model);
            const std::int64_t heads = (m && !is_custom(s)) ? m->arch.num_heads : 0;
            if (heads > 0) {
                ImGui::TextDisabled("valid:");
                for (int d = 1; d <= 16 && d <= heads; ++d) {
                    if (heads % d != 0) continue;
                    ImGui::SameLine();
                    ImGui::PushID(d);
                    if (ImGui::SmallButton(("TP " + std::to_string(d)).c_str())) {
                        s.tp = d;
                        s.gpus = std::max(s.gpus, d * s.pp);
                        if (s.gpus % (d * s.pp) != 0) s.gpus = d * s.pp;
                    }
                    ImGui::PopID();
                }
            }
        }
    } else if (st.result.ok && !parallel_engine) {
        const std::string line = s.gpus == 1 ? "layout: one GPU" :
            "layout: layers split over " + count_of(s.gpus, "GPU") + " (" + profile.parallel.split + ")";
        ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).fits);
        ImGui::TextWrapped("%s", line.c_str());
        ImGui::PopStyleColor();
    } else if (st.result.ok) {
        const int replicas = std::max(1, s.gpus / std::max(1, s.tp * s.pp));
        std::string line = "layout: TP " + std::to_string(s.tp) + " x PP " + std::to_string(s.pp);
        if (replicas > 1) line += " x " + std::to_string(replicas) + " replicas";
        line += " on " + std::to_string(s.gpus) + " GPU" + (s.gpus > 1 ? "s" : "") + (s.nodes > 1 ? ", " + std::to_string(s.nodes) + " nodes" : "");
        ImGui::PushStyleColor(ImGuiCol_Text, palette(st.dark).fits);
        ImGui::TextUnformatted(line.c_str());
        ImGui::PopStyleColor();
    }
    if (st.answers.fewest_gpus && (st.answers.fewest_gpus->gpus != s.gpus || st.answers.fewest_gpus->tp != s.tp)) {
        const Scenario& f = *st.answers.fewest_gpus;
        std::string label = "Fewest that fit: " + std::to_string(f.gpus) + (f.gpus == 1 ? " GPU" : " GPUs");
        if (parallel_engine) label += ", TP " + std::to_string(f.tp) + (f.pp > 1 ? " PP " + std::to_string(f.pp) : "");
        if (ImGui::SmallButton(label.c_str())) {
            s.gpus = f.gpus; s.tp = f.tp; s.pp = f.pp; s.nodes = f.nodes;
        }
    }
}

}  // namespace vramcalc::web
