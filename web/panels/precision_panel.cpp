// PRECISION: the weight format (a grouped type-ahead picker) and the KV-cache format. Each entry shows
// its bits and, on hover, the format's description; formats the chosen engine cannot load are
// disabled with the core's reason.
#include <algorithm>
#include <map>
#include <string>

#include "core/formats.h"
#include "core/search.h"
#include "core/text.h"
#include "web/panels.h"
#include "web/picker.h"
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
            if (!e.ok && e.error_field == ErrorField::KvCache) return e.error;
        }
        return "";
    }
    return error_field_of(error) == error_field_of(std::string(field) + ":") ? error : "";
}

template <class F>
void refresh_refusals(Refusals& r, const std::string& key, F compute) {
    if (r.key == key) return;
    r.key = key;
    r.reason.clear();
    compute(r.reason);
}

// The weights picker's groups, in the order people think of formats.
const char* const kGroups[] = {"Float", "Integer", "GPTQ / AWQ", "GGUF (llama.cpp)", "EXL2 / EXL3 (ExLlama)", "FP8 / FP4", "bitsandbytes"};

int group_of(const WeightFormat& f) {
    if (f.kind == "float") return 0;
    if (f.kind == "int") return 1;
    if (f.kind == "gptq" || f.kind == "awq") return 2;
    if (f.kind == "gguf") return 3;
    if (f.kind == "exl2" || f.kind == "exl3") return 4;
    if (f.kind == "fp8" || f.kind == "mxfp4" || f.kind == "nvfp4") return 5;
    return 6;  // bnb and anything new
}

// Catalog indexes in group order (stable: the catalog's order within a group).
std::vector<std::size_t> weight_order() {
    const auto& formats = weight_formats();
    std::vector<std::size_t> v(formats.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
    std::stable_sort(v.begin(), v.end(), [&](std::size_t a, std::size_t b) { return group_of(formats[a]) < group_of(formats[b]); });
    return v;
}

void draw_weights_picker(AppState& st, Refusals& refusals, const std::string& label) {
    Scenario& s = st.scenario;
    const auto& formats = weight_formats();
    const std::vector<std::size_t> order = weight_order();
    PickerSpec spec{"weights_picker", label, "type to filter: awq, q4_k_m, gguf, fp8, 4 bit...", {{"Format", 210}, {"Bits", 80}}, 320, 440};
    const PickerResult r = picker(st, st.weights_picker, spec, [&] {
        refresh_refusals(refusals, st.scenario_key, [&](std::map<std::string, std::string>& out) {
            for (const WeightFormat& f : formats) out[f.id] = refusal(s, f.id, s.kv_dtype, "weights");
        });
        std::vector<PickerRow> rows;
        for (std::size_t i : order) {
            const WeightFormat& f = formats[i];
            PickerRow row;
            row.group = kGroups[group_of(f)];
            row.cells = {f.name, bits_label(f.bits_per_weight)};
            const std::string& why = refusals.reason[f.id];
            row.disabled = !why.empty();
            row.tooltip = why.empty() ? f.description : "Not available: " + why;
            row.search = weight_format_search_text(f);
            row.current = f.id == s.weights;
            rows.push_back(std::move(row));
        }
        return rows;
    }, [&](const PickerResult& res) {
        if (res.matches == 0) ImGui::TextDisabled("No format matches \"%s\".", st.weights_picker.filter.c_str());
    });
    if (r.picked >= 0) s.weights = formats[order[static_cast<std::size_t>(r.picked)]].id;
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
    const auto wf = find_weight_format(s.weights);
    const std::string preview = wf ? wf->name + "  -  " + bits_label(wf->bits_per_weight) : s.weights;
    draw_weights_picker(st, st.weight_refusals, preview);
    if (wf) item_tooltip(wf->description);

    // ---- KV cache
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("KV cache");
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
    const auto kf = find_kv_format(s.kv_dtype);
    const std::string kv_preview = kf ? kf->name + "  -  " + bits_label(kf->bits_per_value) : s.kv_dtype;
    Refusals& kv_refusals = st.kv_refusals;
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
    if (!st.result.ok && (st.result.error_field == ErrorField::Weights || st.result.error_field == ErrorField::KvCache))
        error_text(st, st.result.error);
}

}  // namespace vramcalc::web
