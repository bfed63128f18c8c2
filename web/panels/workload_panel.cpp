// WORKLOAD AND ENGINE: which engine's accounting to follow, the context and concurrency, and the
// engine's own knobs (the flags users pass it).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/catalog.h"
#include "core/knobs.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

bool label_row(AppState& st, const char* label, const char* tip) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    item_tooltip(tip);
    ImGui::SameLine(px(st, 124));
    return true;
}

// The engine picker: every profile the build has, in the profiles' order.
void engine_picker(AppState& st) {
    Scenario& s = st.scenario;
    const EngineProfile& current = engine_profile(s.engine);
    label_row(st, "engine", "Whose memory accounting to follow");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##engine", current.name)) {
        for (const EngineProfile* p : engine_profiles()) {
            if (ImGui::Selectable(p->name, p == &current) && p != &current) choose_engine(s, *p);
            item_tooltip(p->blurb);
        }
        ImGui::EndCombo();
    }
}

// The release whose accounting to follow: "newest (X)" or one the profile lists; a version typed
// elsewhere (a link, the JS API) shows as itself with the release it maps to.
void release_picker(AppState& st) {
    Scenario& s = st.scenario;
    const EngineProfile& p = engine_profile(s.engine);
    if (p.releases.size() < 2) return;
    const std::string newest = std::string("newest (") + newest_release(p).id + ")";
    std::string shown = s.engine_version.empty() ? newest : s.engine_version;
    if (!s.engine_version.empty() && st.resolved && st.resolved->release && shown != st.resolved->release->id)
        shown += std::string(" -> ") + st.resolved->release->id;
    label_row(st, "version", (std::string("The ") + p.name + " release whose memory accounting to follow (" + p.version_forms +
                              "); a version between two listed ones follows the older").c_str());
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##engine_version", shown.c_str())) {
        if (ImGui::Selectable(newest.c_str(), s.engine_version.empty())) s.engine_version.clear();
        item_tooltip(newest_release(p).label);
        for (auto it = p.releases.rbegin(); it != p.releases.rend(); ++it) {
            const std::string label = std::string(it->id) + (*it->date ? std::string("  (") + it->date + ")" : std::string());
            if (ImGui::Selectable(label.c_str(), s.engine_version == it->id)) s.engine_version = it->id;
            item_tooltip((std::string(it->label) + (*it->changed ? std::string("\n\nchanged: ") + it->changed : std::string()) +
                          "\n\nsource: " + it->source).c_str());
        }
        ImGui::EndCombo();
    }
}

// One engine knob, drawn from the knob table's kind and the profile's label, help and range.
void knob_row(AppState& st, const KnobUse& use, const Knob& knob) {
    Scenario& s = st.scenario;
    ImGui::PushID(use.knob);
    double value = knob.get(s);
    std::optional<double> engine_default;
    if (const EngineProfile& p = engine_profile(s.engine); p.knob_default && st.shown) engine_default = p.knob_default(use.knob, *st.shown);
    if (knob.kind == KnobKind::Flag) {
        bool on = value != 0;
        if (ImGui::Checkbox(use.label, &on)) knob.set(s, on ? 1.0 : 0.0);
        item_tooltip(use.help);
        ImGui::PopID();
        return;
    }
    label_row(st, use.label, use.help);
    if (knob.min < 0) {
        // -1 = all (llama.cpp -ngl): a checkbox, and the count when not all
        int layers = 0;
        if (st.resolved && !st.resolved->model.params_only) layers = static_cast<int>(st.resolved->model.arch.num_layers);
        bool all = value < 0;
        if (ImGui::Checkbox("all", &all)) knob.set(s, all ? -1.0 : std::max(0, layers));
        if (!all) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(px(st, 120));
            int n = static_cast<int>(value);
            if (ImGui::SliderInt("##n", &n, 0, std::max(1, layers + 1))) knob.set(s, n);
        }
    } else if (use.ui_max > use.ui_min) {
        ImGui::SetNextItemWidth(px(st, 150));
        float v = static_cast<float>(value > 0 ? value : engine_default.value_or(use.ui_min));
        if (ImGui::SliderFloat("##v", &v, static_cast<float>(use.ui_min), static_cast<float>(use.ui_max), "%.2f"))
            knob.set(s, std::round(v * 100.0f) / 100.0);
    } else {
        ImGui::SetNextItemWidth(px(st, 150));
        double v = value;
        // A calibration shows the two decimals the log printed (0.77 GiB, 398.38 MiB), not 0.8.
        const bool calibration = std::string_view(use.knob).rfind("cal_", 0) == 0;
        const char* fmt = knob.kind == KnobKind::Integer ? "%.0f" : calibration ? "%.2f" : "%.1f";
        if (ImGui::InputDouble("##v", &v, knob.kind == KnobKind::Integer ? 1.0 : 0.5, 0.0, fmt))
            knob.set(s, std::clamp(knob.kind == KnobKind::Integer ? std::round(v) : v, knob.min, knob.max));
    }
    if (value <= 0 && engine_default && knob.min >= 0) {
        ImGui::SameLine();
        dim_text("default " + format_fixed(*engine_default, *engine_default == std::floor(*engine_default) ? 0 : 2));
    }
    ImGui::PopID();
}

// A knob for other models than this one (KnobUse::applies) stays drawn while set, so it can be cleared.
bool knob_value_unset(const KnobUse& use, const Scenario& s) {
    const Knob* k = find_knob(use.knob);
    return !k || k->get(s) == 0;
}

// generate(): the prompt and the generated tokens make the context.
void prompt_and_output_rows(AppState& st) {
    Scenario& s = st.scenario;
    label_row(st, "input tokens", "Prompt length (0 = context minus output)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputScalar("##in", ImGuiDataType_S64, &s.input_tokens)) s.input_tokens = std::max<std::int64_t>(0, s.input_tokens);
    label_row(st, "output tokens", "Tokens generated (max_new_tokens)");
    ImGui::SetNextItemWidth(px(st, 150));
    if (ImGui::InputScalar("##out", ImGuiDataType_S64, &s.output_tokens)) s.output_tokens = std::max<std::int64_t>(0, s.output_tokens);
}

}  // namespace

void draw_workload_panel(AppState& st) {
    section_header("WORKLOAD AND ENGINE");
    Scenario& s = st.scenario;

    const EngineProfile& profile = engine_profile(s.engine);
    engine_picker(st);
    release_picker(st);
    if (st.result.ok && !st.result.engine_version.empty()) dim_text("accounting follows " + st.result.engine_version);
    else if (!st.result.ok && st.result.error_field == ErrorField::Engine) error_text(st, st.result.error);

    // Context: log slider and typed value (the slider spans 256 tokens to the model's max).
    std::int64_t max_ctx = 1 << 20;
    if (st.resolved && !st.resolved->model.params_only && st.resolved->model.arch.max_context > 0)
        max_ctx = std::max<std::int64_t>(st.resolved->model.arch.max_context, 1024);
    label_row(st, "context", profile.workload.context_help);
    const float avail = ImGui::GetContentRegionAvail().x;
    ImGui::SetNextItemWidth(std::max(px(st, 80), avail - px(st, 96)));
    std::int64_t lo = 256, ctx = s.context;
    const std::string ctx_label = format_tokens(ctx) + " tokens";
    if (ImGui::SliderScalar("##ctx_slider", ImGuiDataType_S64, &ctx, &lo, &max_ctx, ctx_label.c_str(),
                            ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoInput)) {
        // snap to a friendly multiple so dragged values read well (4k, 6k, 32k...)
        const std::int64_t step = ctx >= 16384 ? 1024 : ctx >= 2048 ? 256 : 64;
        s.context = std::max<std::int64_t>(step, (ctx + step / 2) / step * step);
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(st, 88));
    if (ImGui::InputScalar("##ctx", ImGuiDataType_S64, &s.context, nullptr, nullptr, nullptr, ImGuiInputTextFlags_CharsDecimal))
        s.context = std::clamp<std::int64_t>(s.context, 1, 100'000'000);
    item_tooltip("Type an exact context in tokens");

    label_row(st, "concurrency", profile.workload.concurrency_help);
    ImGui::SetNextItemWidth(px(st, 150));
    if (*profile.workload.concurrency_knob) {
        const long long n = static_cast<long long>(profile.workload.concurrency(s));
        ImGui::TextDisabled("%lld (%s, below)", n, profile.workload.concurrency_knob);
    } else {
        int batch = static_cast<int>(std::min<std::int64_t>(s.batch, 1'000'000));
        if (ImGui::InputInt("##batch", &batch)) s.batch = std::clamp(batch, 1, 1'000'000);
    }

    // MTP drafting kept from vLLM is refused by an engine without it, which lists no such knob: the way back.
    if (s.mtp_tokens > 0 && !uses_knob(profile, "mtp_tokens") && ImGui::SmallButton("turn MTP drafting off"))
        s.mtp_tokens = 0;
    if (profile.knobs.empty() && !profile.workload.prompt_and_output) return;
    ImGui::Spacing();
    if (ImGui::TreeNodeEx("engine knobs", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (profile.workload.prompt_and_output) prompt_and_output_rows(st);
        const Architecture* arch = st.resolved && !st.resolved->model.params_only ? &st.resolved->model.arch : nullptr;
        for (const KnobUse& use : profile.knobs) {
            if (use.applies && !(arch && use.applies(*arch)) && knob_value_unset(use, st.scenario)) continue;
            if (const Knob* k = find_knob(use.knob); k && std::string(use.knob) != "replicas")  // in HARDWARE AND LAYOUT
                knob_row(st, use, *k);
        }
        placement_rows(st);
        ImGui::TreePop();
    }
    if (!st.result.ok && (st.result.error_field == ErrorField::Workload || st.result.error_field == ErrorField::Knob))
        error_text(st, st.result.error);
}

}  // namespace vramcalc::web
