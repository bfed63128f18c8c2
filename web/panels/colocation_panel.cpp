// Several models on one budget (core/colocation.h): the chosen deployment plus others on the same
// GPUs, each one's reservation and share of the GPU, the total, and why they cannot all start.
#include <algorithm>
#include <cmath>

#include "core/catalog.h"
#include "core/formats.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

// `util_shown` is the share the slider shows: the deployment's own, or the one the co-location worked out
// from its engine's default for this release and GPU (vLLM 0.92 from 0.21, SGLang's rule by GPU size).
void edit_deployment(AppState& st, Scenario& d, double util_shown) {
    // A phone's column is narrower than the model combo: it takes the column, the rest flow below.
    ImGui::SetNextItemWidth(std::min(px(st, 180), ImGui::GetContentRegionAvail().x));
    const ModelInfo* m = find_model(d.model);
    if (ImGui::BeginCombo("##model", m ? m->name.c_str() : d.model.c_str(), ImGuiComboFlags_HeightLarge)) {
        std::string family;
        for (const ModelInfo& x : model_catalog()) {
            if (ImGui::Selectable(x.name.c_str(), x.id == d.model)) {
                d.model = x.id;
                if (!x.default_format.empty()) d.weights = x.default_format;
            }
        }
        ImGui::EndCombo();
    }
    flow_next(px(st, 90));
    ImGui::SetNextItemWidth(px(st, 90));
    if (ImGui::BeginCombo("##engine", engine_name(d.engine))) {
        for (const EngineProfile* p : engine_profiles())
            if (ImGui::Selectable(p->name, d.engine == p->id) && d.engine != p->id) {
                d.engine = p->id;
                d.engine_version.clear();
                const auto formats = formats_by_quality(p->id);
                if (std::find(formats.begin(), formats.end(), d.weights) == formats.end()) d.weights = formats.front();
            }
        ImGui::EndCombo();
    }
    flow_next(px(st, 100));
    ImGui::SetNextItemWidth(px(st, 100));
    const auto wf = find_weight_format(d.weights);
    if (ImGui::BeginCombo("##weights", wf ? wf->name.c_str() : d.weights.c_str())) {
        for (const auto& id : formats_by_quality(d.engine)) {
            const auto f = find_weight_format(id);
            if (ImGui::Selectable(f ? f->name.c_str() : id.c_str(), id == d.weights)) d.weights = id;
        }
        ImGui::EndCombo();
    }
    flow_next(px(st, 64) + ImGui::CalcTextSize("ctx").x + ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::SetNextItemWidth(px(st, 64));
    ImGui::InputScalar("ctx", ImGuiDataType_S64, &d.context);
    d.context = std::clamp<std::int64_t>(d.context, 1, 100'000'000);
    if (engine_profile(d.engine).reserved_fraction) {
        flow_next(px(st, 70) + ImGui::CalcTextSize("util").x + ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::SetNextItemWidth(px(st, 70));
        float util = static_cast<float>(d.gpu_mem_util > 0 ? d.gpu_mem_util : util_shown);
        if (ImGui::SliderFloat("util", &util, 0.05f, 0.99f, "%.2f")) d.gpu_mem_util = std::round(util * 100.0f) / 100.0;
        item_tooltip("--gpu-memory-utilization (vLLM) / --mem-fraction-static (SGLang): a share of the WHOLE GPU per process");
    }
}

// The deployments, one row each (the first is the main setup), with the total. Returns the index
// (into others) of a deployment whose "remove" was clicked, or -1.
int deployments_table(AppState& st, std::vector<Scenario>& others, const std::vector<Scenario>& all, const Colocation& c) {
    // A phone's column has room for three columns: the number and the remove button go into the
    // deployment's cell, so its fields get the width.
    const bool narrow = st.narrow;
    const int kDep = narrow ? 0 : 1, kRes = kDep + 1, kShare = kDep + 2;
    int remove = -1;
    if (ImGui::BeginTable("coloc", narrow ? 3 : 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerH)) {
        if (!narrow) ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, px(st, 24));
        ImGui::TableSetupColumn("deployment", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(narrow ? "per GPU" : "reserves per GPU", ImGuiTableColumnFlags_WidthFixed, px(st, narrow ? 70 : 110));
        ImGui::TableSetupColumn("share", ImGuiTableColumnFlags_WidthFixed, px(st, narrow ? 40 : 56));
        if (!narrow) ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, px(st, 60));
        ImGui::TableHeadersRow();
        for (std::size_t i = 0; i < all.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableNextRow();
            if (!narrow) {
                ImGui::TableSetColumnIndex(0);
                ImGui::Text("%zu", i + 1);
            }
            ImGui::TableSetColumnIndex(kDep);
            if (i == 0) {
                const ModelInfo* m = find_model(st.scenario.model);
                // wrapped: on a phone the column is narrow, and the inputs are above, not on the left
                ImGui::TextWrapped("%s%s, %s, %s (the main setup: edit it %s)", narrow ? "1. " : "",
                                   is_custom(st.scenario) ? ("Custom: " + st.custom.name).c_str() : (m ? m->name.c_str() : st.scenario.model.c_str()),
                                   engine_name(st.scenario.engine), st.scenario.weights.c_str(), narrow ? "above" : "on the left");
            } else {
                if (narrow) {
                    ImGui::AlignTextToFramePadding();
                    ImGui::Text("%zu.", i + 1);
                    ImGui::SameLine();
                }
            }
            const ColocatedDeployment* d = i < c.deployments.size() ? &c.deployments[i] : nullptr;
            if (i > 0) edit_deployment(st, others[i - 1], d && d->reserved_fraction > 0 ? d->reserved_fraction : 0.9);
            // one visit per cell: going back to a cell of the row starts again at its top
            if (d && !d->estimate.ok) error_text(st, d->estimate.error);
            if (i > 0 && narrow) flow_next(ImGui::CalcTextSize("remove").x + ImGui::GetStyle().FramePadding.x * 2);
            if (i > 0 && narrow && ImGui::SmallButton("remove")) remove = static_cast<int>(i) - 1;
            if (d) {
                ImGui::TableSetColumnIndex(kRes);
                ImGui::TextUnformatted(size_text(st, d->reserved_bytes).c_str());
                item_tooltip(d->how);
                ImGui::TableSetColumnIndex(kShare);
                if (c.gpu_memory_bytes > 0)
                    ImGui::Text("%s%%", format_fixed(100.0 * double(d->reserved_bytes) / double(c.gpu_memory_bytes), 0).c_str());
            }
            if (!narrow) {
                ImGui::TableSetColumnIndex(4);
                if (i > 0 && ImGui::SmallButton("remove")) remove = static_cast<int>(i) - 1;
            }
            ImGui::PopID();
        }
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(kDep);
        ImGui::TextUnformatted("total");
        ImGui::TableSetColumnIndex(kRes);
        ImGui::TextUnformatted(size_text(st, c.reserved_bytes).c_str());
        ImGui::TableSetColumnIndex(kShare);
        if (c.gpu_memory_bytes > 0) ImGui::Text("%s%%", format_fixed(100.0 * double(c.reserved_bytes) / double(c.gpu_memory_bytes), 0).c_str());
        ImGui::EndTable();
    }
    return remove;
}

}  // namespace

void draw_colocation_panel(AppState& st) {
    ColocationView& v = st.colocation;
    dim_text("Deployments that share the same GPUs (the first one's GPUs). vLLM and SGLang each reserve their fraction of the "
             "WHOLE GPU, checked against the memory free when they start: two at 0.88 cannot both start.");
    if (ImGui::Button("Add a deployment")) {
        Scenario d = st.scenario;
        d.custom_config.clear();
        d.custom_params = 0;
        if (is_custom(st.scenario) || d.model.empty()) d.model = "qwen2.5-7b-instruct";
        v.others.push_back(d);
    }
    flow_next(ImGui::CalcTextSize("Example: two vLLM at 0.88").x + ImGui::GetStyle().FramePadding.x * 2);
    if (ImGui::Button("Example: two vLLM at 0.88")) {
        Scenario d = st.scenario;
        d.custom_config.clear();
        d.custom_params = 0;
        d.engine = "vllm";
        d.engine_version.clear();
        d.gpu_mem_util = 0.88;
        if (d.weights.rfind("gguf", 0) == 0) d.weights = "bf16";
        st.scenario.engine = "vllm";
        st.scenario.engine_version.clear();
        st.scenario.gpu_mem_util = 0.88;
        if (st.scenario.weights.rfind("gguf", 0) == 0) st.scenario.weights = "bf16";
        v.others.assign(1, d);
    }

    std::vector<Scenario> all{st.scenario};
    all.insert(all.end(), v.others.begin(), v.others.end());
    std::string key;
    for (const auto& s : all) key += scenario_key(s) + "\n";
    if (key != v.key) {
        v.key = key;
        v.result = colocate(all);
    }
    const Colocation& c = v.result;
    const Palette& pal = palette(st.dark);

    if (const int remove = deployments_table(st, v.others, all, c); remove >= 0) v.others.erase(v.others.begin() + remove);

    if (!c.ok) {
        error_text(st, c.error);
    } else {
        ImGui::PushFont(large_font());
        ImGui::TextColored(c.fits ? pal.fits : pal.nofit, "%s", c.fits ? "ALL START" : "THEY DO NOT ALL FIT");
        ImGui::PopFont();
        ImGui::Text("%s reserved of %s per GPU (%s %s)", size_text(st, c.reserved_bytes).c_str(),
                    size_text(st, c.gpu_memory_bytes).c_str(), signed_size_text(st, c.headroom_bytes).c_str(),
                    c.headroom_bytes >= 0 ? "free" : "over");
        for (const auto& p : c.problems) error_text(st, p);
    }
    if (v.others.empty()) dim_text("Add a deployment to see how several models share these GPUs.");
}

}  // namespace vramcalc::web
