// PRECISION: the weight format and the KV-cache format. Each entry shows its bits and, on hover, the
// format's description; formats the chosen engine cannot load are disabled with the core's reason.
#include <map>
#include <string>

#include "core/formats.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

std::string bits_label(double bits) {
    return format_fixed(bits, bits == static_cast<int>(bits) ? 0 : 2) + " bits";
}

// The core's refusal for this scenario with one field changed ("" when it loads). resolve() is
// what estimate() calls first, so the reason is word for word the one the verdict would show.
std::string refusal(const Scenario& s, const std::string& weights, const std::string& kv, const char* field) {
    Scenario t = s;
    t.weights = weights;
    t.kv_dtype = kv;
    std::string error;
    if (resolve(t, error)) {
        // Some engine/KV combinations are refused by the engine's accounting rather than resolve().
        if (std::string(field) == "kv_dtype") {
            const Estimate e = estimate(t);
            if (!e.ok && e.error.rfind("kv", 0) == 0) return e.error;
        }
        return "";
    }
    return error.rfind(field, 0) == 0 ? error : "";
}

// Reasons per format id, computed when a combo opens (not every frame).
struct Refusals {
    std::string key;
    std::map<std::string, std::string> reason;
};

template <class F>
void refresh_refusals(Refusals& r, const std::string& key, F compute) {
    if (r.key == key) return;
    r.key = key;
    r.reason.clear();
    compute(r.reason);
}

}  // namespace

void draw_precision_panel(AppState& st) {
    section_header("PRECISION");
    Scenario& s = st.scenario;
    const float label_w = px(st, 78);

    // ---- weights
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("weights");
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
    const auto wf = find_weight_format(s.weights);
    const std::string preview = wf ? wf->name + "  -  " + bits_label(wf->bits_per_weight) : s.weights;
    static Refusals weight_refusals;
    if (ImGui::BeginCombo("##weights", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        refresh_refusals(weight_refusals, st.scenario_key, [&](std::map<std::string, std::string>& out) {
            for (const WeightFormat& f : weight_formats()) out[f.id] = refusal(s, f.id, s.kv_dtype, "weights");
        });
        std::string kind;
        for (const WeightFormat& f : weight_formats()) {
            if (f.kind != kind && (f.kind == "gguf" || f.kind == "exl2" || f.kind == "exl3" || kind == "gguf")) ImGui::Separator();
            kind = f.kind;
            const std::string& why = weight_refusals.reason[f.id];
            const bool selected = f.id == s.weights;
            const int flags = why.empty() ? 0 : ImGuiSelectableFlags_Disabled;
            if (ImGui::Selectable((f.name + "##" + f.id).c_str(), selected, flags)) s.weights = f.id;
            item_tooltip(why.empty() ? f.description : "Not available: " + why);
            ImGui::SameLine(px(st, 200));
            ImGui::TextDisabled("%s", bits_label(f.bits_per_weight).c_str());
            if (selected) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
    if (wf) item_tooltip(wf->description);

    // ---- KV cache
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("KV cache");
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
    const auto kf = find_kv_format(s.kv_dtype);
    const std::string kv_preview = kf ? kf->name + "  -  " + bits_label(kf->bits_per_value) : s.kv_dtype;
    static Refusals kv_refusals;
    if (ImGui::BeginCombo("##kv", kv_preview.c_str())) {
        refresh_refusals(kv_refusals, st.scenario_key, [&](std::map<std::string, std::string>& out) {
            for (const KvFormat& f : kv_formats()) out[f.id] = refusal(s, s.weights, f.id, "kv_dtype");
        });
        for (const KvFormat& f : kv_formats()) {
            const std::string& why = kv_refusals.reason[f.id];
            const bool selected = f.id == s.kv_dtype;
            if (ImGui::Selectable((f.name + "##" + f.id).c_str(), selected, why.empty() ? 0 : ImGuiSelectableFlags_Disabled))
                s.kv_dtype = f.id;
            item_tooltip(why.empty() ? f.description : "Not available: " + why);
            ImGui::SameLine(px(st, 200));
            ImGui::TextDisabled("%s", bits_label(f.bits_per_value).c_str());
        }
        ImGui::EndCombo();
    }
    if (kf) item_tooltip(kf->description);
    if (!st.result.ok && (st.result.error.rfind("weights", 0) == 0 || st.result.error.rfind("kv", 0) == 0))
        error_text(st, st.result.error);
}

}  // namespace vramcalc::web
