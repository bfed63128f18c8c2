// MODEL: a searchable catalog picker grouped by family, and the custom model (a pasted or dropped
// config.json, typed numbers, or a parameter count only).
#include <algorithm>
#include <vector>

#include "core/catalog.h"
#include "core/solvers.h"
#include "core/config_parser.h"
#include "core/search.h"
#include "core/text.h"
#include "web/compute.h"
#include "web/panels.h"
#include "web/panels/model_files_panel.h"
#include "web/picker.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

std::string summary_line(const ModelInfo& m, double params) {
    std::string out = format_params(params > 0 ? params : m.params_published) + " params";
    if (m.active_params_published > 0 && m.arch.is_moe()) out += " (" + format_params(m.active_params_published) + " active)";
    out += "  |  " + architecture_label(m);
    if (m.arch.max_context > 0) out += "  |  " + format_tokens(m.arch.max_context) + " context";
    if (!m.license.empty()) out += "  |  " + m.license;
    return out;
}

void start_custom(AppState& st) {
    st.custom.active = true;
    if (const ModelInfo* m = find_model(st.scenario.model)) custom_form_from_model(st, *m);
    st.custom.mode = 1;
    st.scenario.custom_config = config_from_form(st.custom);
    st.scenario.custom_tensors.clear();
    st.scenario.custom_params = 0;
    st.scenario.custom_name = st.custom.name;
    st.custom.config_text = st.scenario.custom_config;
    st.custom.config_error.clear();
}

void choose_model(AppState& st, const ModelInfo& m) {
    end_missing_model(st);  // a link's unknown model: any pick answers again, the one shown too
    st.scenario.model = m.id;
    st.scenario.custom_config.clear();
    st.scenario.custom_tensors.clear();
    st.scenario.custom_params = 0;
    st.scenario.custom_name.clear();
    st.custom.active = false;
    // A checkpoint that ships quantized (FP8, MXFP4) is usually run in its own format.
    // The checkpoint's own format (FP8, MXFP4) where the engine loads it.
    if (!m.default_format.empty() && nearest_loadable_format(st.scenario.engine, m.default_format) == m.default_format)
        st.scenario.weights = m.default_format;
}

// The picker's rows: "Custom model..." first, then the catalog by family.
std::vector<PickerRow> model_rows(const AppState& st) {
    const auto& models = model_catalog();
    std::vector<PickerRow> rows;
    PickerRow custom;
    custom.cells = {"Custom model...", "", "config.json, model files, Hugging Face, or numbers"};
    custom.search.name = "Custom model";
    custom.search.primary = {"custom model", "config.json paste typed numbers parameters files hugging face"};
    custom.current = st.custom.active;
    rows.push_back(custom);
    for (int idx : models_by_family()) {
        const ModelInfo& m = models[static_cast<std::size_t>(idx)];
        PickerRow r;
        r.group = m.family;
        r.cells = {m.name, format_params(m.params_published), architecture_label(m),
                   m.arch.max_context > 0 ? format_tokens(m.arch.max_context) : "-", m.license};
        r.tooltip = m.hf_id + (m.year ? "  (" + std::to_string(m.year) + ")" : "");
        r.search = model_search_text(m);
        r.current = !st.custom.active && m.id == st.scenario.model;
        rows.push_back(std::move(r));
    }
    return rows;
}

void draw_picker(AppState& st, const std::string& label) {
    PickerSpec spec{"model_picker", label, "type to filter: name, family, Hugging Face id, MoE...",
                    {{"Model", 270}, {"Params", 70}, {"Architecture", 150}, {"Context", 55}, {"Licence", 130}}, 750, 420};
    const PickerResult r = picker(st, st.model_picker, spec, [&] { return model_rows(st); }, [&](const PickerResult& res) {
        if (res.matches == 0)
            ImGui::TextDisabled("No model matches \"%s\". Choose \"Custom model\" to paste its config.json.", st.model_picker.filter.c_str());
        // A repo id the catalog does not know: offer the Hub (Enter or a click fetches; nothing before).
        if (draw_hub_offer(st, st.model_picker.filter, res.matches == 0 && res.enter_on_no_match)) ImGui::CloseCurrentPopup();
    });
    if (r.picked == 0) start_custom(st);
    else if (r.picked > 0) choose_model(st, model_catalog()[static_cast<std::size_t>(models_by_family()[static_cast<std::size_t>(r.picked - 1)])]);
}

void apply_config_text(AppState& st) {
    const ParsedConfig parsed = parse_hf_config(st.custom.config_text);
    if (parsed.ok) {
        if (st.scenario.custom_config != st.custom.config_text) st.scenario.custom_tensors.clear();  // another model
        st.scenario.custom_config = st.custom.config_text;
        st.scenario.custom_params = 0;
        st.scenario.custom_name = st.custom.name;
        st.custom.config_error.clear();
        st.custom.config_warnings = parsed.warnings;
    } else {
        // Keep the text the user typed and the last model that parsed; say what is wrong.
        st.custom.config_error = parsed.error;
    }
}

void draw_custom(AppState& st) {
    CustomModelForm& f = st.custom;
    ImGui::PushID("custom");
    ImGui::SetNextItemWidth(px(st, 160));
    if (input_text("name", f.name)) st.scenario.custom_name = f.name;
    ImGui::SameLine();
    if (ImGui::SmallButton("Back to the catalog")) {
        f.active = false;
        st.scenario.custom_config.clear();
        st.scenario.custom_tensors.clear();
        st.scenario.custom_params = 0;
        st.scenario.custom_name.clear();
    }
    int mode = f.mode;
    ImGui::RadioButton("config.json", &mode, 0);
    ImGui::SameLine();
    ImGui::RadioButton("numbers", &mode, 1);
    ImGui::SameLine();
    ImGui::RadioButton("parameters only", &mode, 2);
    if (mode != f.mode) {
        f.mode = mode;
        st.scenario.custom_tensors.clear();  // typed numbers or a count: no longer the files' weights
        if (mode == 1) { st.scenario.custom_config = config_from_form(f); st.scenario.custom_params = 0; f.config_text = st.scenario.custom_config; }
        if (mode == 2) { st.scenario.custom_config.clear(); st.scenario.custom_params = f.params_billion * 1e9; }
        if (mode == 0 && st.scenario.custom_config.empty()) { f.config_text = config_from_form(f); apply_config_text(st); }
    }
    if (f.mode == 0) {
        if (input_text_multiline("##config", f.config_text, ImVec2(-1, px(st, 150)), ImGuiInputTextFlags_AllowTabInput))
            apply_config_text(st);
        dim_text("Paste a Hugging Face config.json here (Ctrl+V), or drop the file anywhere on the page.");
    } else if (f.mode == 1) {
        bool changed = false;
        const float w = px(st, 110);
        auto field = [&](const char* label, int& v, const char* tip) {
            ImGui::SetNextItemWidth(w);
            if (ImGui::InputInt(label, &v, 0, 0)) { changed = true; v = std::max(v, 1); }
            item_tooltip(tip);
        };
        field("hidden", f.hidden, "hidden_size");
        ImGui::SameLine();
        field("layers", f.layers, "num_hidden_layers");
        field("heads", f.heads, "num_attention_heads");
        ImGui::SameLine();
        field("KV heads", f.kv_heads, "num_key_value_heads (= heads for MHA, 1 for MQA)");
        field("intermed.", f.intermediate, "intermediate_size (gated MLP width)");
        ImGui::SameLine();
        field("vocab", f.vocab, "vocab_size");
        field("max ctx", f.max_context, "max_position_embeddings");
        if (changed) {
            f.config_text = config_from_form(f);
            apply_config_text(st);
        }
    } else {
        ImGui::SetNextItemWidth(px(st, 140));
        if (ImGui::InputDouble("billion parameters", &f.params_billion, 0.5, 5.0, "%.2f")) {
            f.params_billion = std::clamp(f.params_billion, 0.001, 100000.0);
            st.scenario.custom_params = f.params_billion * 1e9;
            st.scenario.custom_config.clear();
        }
        dim_text("With a parameter count only, the answer is the weights alone (no KV cache or activations).");
    }
    if (!f.config_error.empty() && f.mode != 2) error_text(st, "config.json not applied: " + f.config_error);
    for (const auto& w : f.config_warnings)
        if (f.mode == 0 && f.config_error.empty()) dim_text("note: " + w);
    ImGui::PopID();
}

}  // namespace

void draw_model_panel(AppState& st) {
    section_header("MODEL");
    if (is_custom(st.scenario)) st.custom.active = true;
    const ModelInfo* current = st.custom.active ? nullptr : find_model(st.scenario.model);
    std::string label = st.custom.active ? "Custom: " + st.custom.name
                        : current         ? current->name
                                          : st.scenario.model + " (not in the catalog)";
    draw_picker(st, label);
    item_tooltip("Choose a model: type to filter, arrows and Enter to pick");

    if (current) {
        dim_text(summary_line(*current, st.result.ok ? st.result.params : 0));
        ImGui::TextDisabled("%s", current->hf_id.c_str());
    } else if (st.custom.active) {
        if (st.resolved && !st.resolved->model.params_only)
            dim_text(summary_line(st.resolved->model, st.result.params));
        draw_custom(st);
    }
    // Files and the Hub belong to custom models: shown with the custom form, or while files are read.
    if (st.custom.active || !st.model_files.reads.empty() || st.model_files.hub) draw_model_files_panel(st);
}

}  // namespace vramcalc::web
