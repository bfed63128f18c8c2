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

void edit_deployment(AppState& st, Scenario& d) {
    ImGui::SetNextItemWidth(px(st, 180));
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
    ImGui::SameLine();
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
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 100));
    const auto wf = find_weight_format(d.weights);
    if (ImGui::BeginCombo("##weights", wf ? wf->name.c_str() : d.weights.c_str())) {
        for (const auto& id : formats_by_quality(d.engine)) {
            const auto f = find_weight_format(id);
            if (ImGui::Selectable(f ? f->name.c_str() : id.c_str(), id == d.weights)) d.weights = id;
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 64));
    ImGui::InputScalar("ctx", ImGuiDataType_S64, &d.context);
    d.context = std::clamp<std::int64_t>(d.context, 1, 100'000'000);
    if (engine_profile(d.engine).reserved_fraction) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(px(st, 70));
        float util = static_cast<float>(d.gpu_mem_util > 0 ? d.gpu_mem_util : 0.9);
        if (ImGui::SliderFloat("util", &util, 0.05f, 0.99f, "%.2f")) d.gpu_mem_util = std::round(util * 100.0f) / 100.0;
        item_tooltip("--gpu-memory-utilization (vLLM) / --mem-fraction-static (SGLang): a share of the WHOLE GPU per process");
    }
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

    if (ImGui::BeginTable("coloc", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, px(st, 24));
        ImGui::TableSetupColumn("deployment", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("reserves per GPU", ImGuiTableColumnFlags_WidthFixed, px(st, 110));
        ImGui::TableSetupColumn("share", ImGuiTableColumnFlags_WidthFixed, px(st, 56));
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, px(st, 60));
        ImGui::TableHeadersRow();
        int remove = -1;
        for (std::size_t i = 0; i < all.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::Text("%zu", i + 1);
            ImGui::TableSetColumnIndex(1);
            if (i == 0) {
                const ModelInfo* m = find_model(st.scenario.model);
                ImGui::Text("%s, %s, %s (the main setup: edit it on the left)",
                            is_custom(st.scenario) ? ("Custom: " + st.custom.name).c_str() : (m ? m->name.c_str() : st.scenario.model.c_str()),
                            engine_name(st.scenario.engine), st.scenario.weights.c_str());
            } else {
                edit_deployment(st, v.others[i - 1]);
            }
            if (i < c.deployments.size()) {
                const ColocatedDeployment& d = c.deployments[i];
                ImGui::TableSetColumnIndex(2);
                ImGui::TextUnformatted(size_text(st, d.reserved_bytes).c_str());
                item_tooltip(d.how);
                ImGui::TableSetColumnIndex(3);
                if (c.gpu_memory_bytes > 0)
                    ImGui::Text("%s%%", format_fixed(100.0 * double(d.reserved_bytes) / double(c.gpu_memory_bytes), 0).c_str());
                if (!d.estimate.ok) {
                    ImGui::TableSetColumnIndex(1);
                    error_text(st, d.estimate.error);
                }
            }
            ImGui::TableSetColumnIndex(4);
            if (i > 0 && ImGui::SmallButton("remove")) remove = static_cast<int>(i) - 1;
            ImGui::PopID();
        }
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted("total");
        ImGui::TableSetColumnIndex(2);
        ImGui::TextUnformatted(size_text(st, c.reserved_bytes).c_str());
        ImGui::TableSetColumnIndex(3);
        if (c.gpu_memory_bytes > 0) ImGui::Text("%s%%", format_fixed(100.0 * double(c.reserved_bytes) / double(c.gpu_memory_bytes), 0).c_str());
        ImGui::EndTable();
        if (remove >= 0) v.others.erase(v.others.begin() + remove);
    }

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
