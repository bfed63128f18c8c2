#include "web/compute.h"

#include <chrono>

#include "core/bounded_json.h"
#include "core/catalog.h"
#include "core/command.h"
#include "core/config_parser.h"
#include "core/estimate_json.h"
#include "core/formats.h"
#include "core/logs/reconcile_json.h"
#include "core/scenario_json.h"
#include "core/solvers.h"
#include "web/log_paste.h"

namespace vramcalc::web {

std::string scenario_key(const Scenario& s) {
    return dump_json(scenario_to_json(s));
}

const std::string& current_scenario_key(AppState& st) {
    if (!st.key_of_scenario_built || !(st.key_of_scenario == st.scenario)) {
        st.key_of_scenario = st.scenario;
        st.key_of_scenario_text = scenario_key(st.scenario);
        st.key_of_scenario_built = true;
    }
    return st.key_of_scenario_text;
}

namespace {

// One solver per step, cheapest and most wanted first (each is tens of estimates).
bool answer_step(AppState& st) {
    Answers& a = st.answers;
    const Scenario& s = st.scenario;
    if (!st.result.ok) { a.done = true; return false; }
    switch (a.step++) {
        case 0: a.largest_context = largest_context(s); break;
        case 1: a.largest_concurrency = largest_concurrency(s); break;
        case 2: if (!st.result.fits) a.suggestions = suggestions(s); break;
        case 3: a.best_weights = best_fitting_format(s); break;
        case 4:
            a.fewest_gpus = fewest_gpus(s);
            if (a.fewest_gpus) a.fewest_layout = layout_of(*a.fewest_gpus);
            break;
        default: a.done = true; return false;
    }
    return true;
}

}  // namespace

Estimate missing_model_estimate(const MissingModel& m) {
    Estimate e;
    e.error = "model: the link names '" + m.asked + "', which is not in the catalog";
    if (!m.near.empty()) {
        e.error += " (did you mean ";
        for (std::size_t i = 0; i < m.near.size(); ++i) e.error += (i ? ", " : "") + m.near[i];
        e.error += "?)";
    }
    e.error_field = ErrorField::Model;
    return e;
}

void open_link(AppState& st, const Scenario& s, const std::string& missing_model, const std::vector<std::string>& near) {
    set_scenario(st, s);
    st.from_link = true;
    st.missing_model.reset();
    if (!missing_model.empty()) st.missing_model = MissingModel{missing_model, near, s.model};
    st.scenario_key.clear();  // recompute even when the link's scenario equals the one shown
}

void end_missing_model(AppState& st) {
    if (!st.missing_model) return;
    st.missing_model.reset();
    st.scenario_key.clear();  // answer again even when the model picked is the one shown meanwhile
}

void refresh(AppState& st) {
    if (const std::string& key = current_scenario_key(st); key != st.scenario_key) {
        st.scenario_key = key;
        if (st.missing_model && (st.scenario.model != st.missing_model->shown_instead || is_custom(st.scenario)))
            st.missing_model.reset();  // the user picked a model
        std::string error;
        st.shown = resolve(st.scenario, error);  // once: estimate(Scenario) is resolve + estimate
        st.result = st.missing_model ? missing_model_estimate(*st.missing_model) : estimate_resolved(st.shown, error);
        st.resolved = st.missing_model ? std::nullopt : st.shown;
        st.bands = st.resolved && st.result.ok ? figure_bands(*st.resolved, st.result) : FigureBands{};
        st.command = st.resolved ? launch_command(*st.resolved) : std::string();
        st.answers = Answers{};
        ++st.revision;
        if (st.from_link) st.link_revision = st.revision;
        st.from_link = false;
        st.want_frames = true;
        return;  // the answers start next frame, so this frame shows the new verdict at once
    }
    if (!st.answers.done) {
        const auto start = std::chrono::steady_clock::now();
        if (answer_step(st))
            st.answers.step_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        st.want_frames = true;
    }
}

void choose_engine(Scenario& s, const EngineProfile& engine) {
    s.engine = engine.id;
    s.engine_version.clear();  // a release belongs to its engine: start at the newest
    // Keep the precision close when the new engine cannot load the current format.
    s.weights = nearest_loadable_format(engine.id, s.weights);
    if (!engine.parallel.tensor_parallel && !engine.parallel.pipeline_parallel) s.tp = s.pp = 0;
}

void finish_answers(AppState& st) {
    refresh(st);
    while (!st.answers.done) answer_step(st);
}

void set_scenario(AppState& st, const Scenario& s) {
    st.scenario = s;
    st.custom.active = is_custom(s);
    if (is_custom(s)) {
        if (!s.custom_config.empty()) {
            st.custom.mode = 0;
            st.custom.config_text = s.custom_config;
            st.custom.config_error.clear();
        } else {
            st.custom.mode = 2;
            st.custom.params_billion = s.custom_params / 1e9;
        }
        if (!s.custom_name.empty()) st.custom.name = s.custom_name;
    }
}

std::vector<std::string> apply_state_json(AppState& st, const nlohmann::json& j) {
    std::vector<std::string> problems;
    Scenario s = st.scenario;
    const Scenario original = s;
    // Naming a catalog model (and no custom one) leaves the custom model: otherwise the custom config
    // would silently keep overriding the model the caller asked for.
    // Naming a model also ends a link's "model not found" state, even when it names the model shown
    // in its place (the scenario key would not change, so the key is reset to answer again).
    if (j.is_object() && j.contains("model")) end_missing_model(st);
    if (j.is_object() && j.contains("model") && !j.contains("custom_config") && !j.contains("custom_params")) {
        s.custom_config.clear();
        s.custom_tensors.clear();
        s.custom_params = 0;
        s.custom_name.clear();
    }
    const Scenario before = s;
    apply_scenario_json(j, s, problems);
    // Ids the catalogs do not know are refused like any other bad value (the field keeps its value),
    // so a typo in an embedder's call does not replace a working answer with an error.
    auto near = [](const std::vector<std::string>& ids) {
        std::string out;
        for (const auto& id : ids) out += (out.empty() ? " (did you mean " : ", ") + id;
        return out.empty() ? out : out + "?)";
    };
    if (s.model != before.model && !find_model(s.model)) {
        problems.push_back("model: unknown model '" + s.model + "'" + near(nearest_model_ids(s.model)) + ", ignored");
        s.model = before.model;
        s.custom_config = original.custom_config;  // a refused model leaves a custom model in place
        s.custom_params = original.custom_params;
        s.custom_name = original.custom_name;
    }
    if (s.gpu != before.gpu && !find_gpu(s.gpu)) {
        problems.push_back("gpu: unknown GPU '" + s.gpu + "'" + near(nearest_gpu_ids(s.gpu)) + ", ignored");
        s.gpu = before.gpu;
    }
    if (s.weights != before.weights && !find_weight_format(s.weights)) {
        problems.push_back("weights: unknown format '" + s.weights + "', ignored");
        s.weights = before.weights;
    }
    if (s.kv_dtype != before.kv_dtype && !find_kv_format(s.kv_dtype)) {
        problems.push_back("kv_dtype: unknown KV-cache format '" + s.kv_dtype + "', ignored");
        s.kv_dtype = before.kv_dtype;
    }
    set_scenario(st, s);
    return problems;
}

nlohmann::json result_json_with_answers(AppState& st) {
    finish_answers(st);
    nlohmann::json j = estimate_to_json(st.result, true);
    j["ok"] = st.result.ok;  // as setState's "ok": whether this is an answer or an error
    if (!st.result.ok) return j;
    j["error_bands"] = error_bands_json(st.scenario, st.result);  // as the CLI's estimate --json
    const Answers& a = st.answers;
    nlohmann::json ans = nlohmann::json::object();
    if (a.largest_context) ans["largest_context"] = *a.largest_context;
    if (a.largest_concurrency) ans["largest_concurrency"] = *a.largest_concurrency;
    if (a.best_weights) ans["best_weights"] = *a.best_weights;
    if (a.fewest_gpus) ans["fewest_gpus"] = {{"gpus", a.fewest_gpus->gpus}, {"tp", a.fewest_layout.tp}, {"pp", a.fewest_layout.pp}};
    ans["suggestions"] = nlohmann::json::array();
    for (const auto& sug : a.suggestions) ans["suggestions"].push_back({{"label", sug.label}});
    j["answers"] = ans;
    return j;
}

void show_toast(AppState& st, const std::string& text) {
    st.toast = text;
    st.toast_until = st.now + 2.5;
    st.want_frames = true;
}

void load_text_file(AppState& st, const std::string& name, const std::string& contents) {
    st.dropped_file = name;
    // An engine's log goes to the "Your log" tab (its text kept there, whatever it holds).
    if (is_log_file(name, contents)) {
        set_log_text(st, contents, name);
        st.requested_tab = Tab::Log;
        st.tab_request = true;
        return;
    }
    nlohmann::json j = parse_json(contents, kScenarioJsonLimits).value;
    if (j.is_object() && !j.contains("hidden_size") && !j.contains("text_config") &&
        (j.contains("model") || j.contains("gpu") || j.contains("weights") || j.contains("engine"))) {
        std::vector<std::string> problems = apply_state_json(st, j);
        st.notice = name + ": scenario loaded" + (problems.empty() ? "" : "; ignored: " + problems.front() +
                    (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : ""));
        st.notice_until = 0.0;
        return;
    }
    // Anything else is taken as a config.json: the parser says what is wrong with it.
    st.custom.active = true;
    st.custom.mode = 0;
    st.custom.config_text = contents;
    const ParsedConfig parsed = parse_hf_config(contents);
    if (parsed.ok) {
        st.scenario.custom_config = contents;
        st.scenario.custom_tensors.clear();  // a config alone: weights by the format's rules
        st.scenario.custom_params = 0;
        std::string base = name;
        if (base.size() > 5 && base.substr(base.size() - 5) == ".json") base.resize(base.size() - 5);
        st.scenario.custom_name = base == "config" ? (parsed.model.arch.model_type + "-custom") : base;
        st.custom.name = st.scenario.custom_name;
        st.custom.config_error.clear();
        st.custom.config_warnings = parsed.warnings;
        show_toast(st, "Loaded " + name + " as a custom model");
    } else {
        st.custom.config_error = parsed.error;
    }
}

void custom_form_from_model(AppState& st, const ModelInfo& m) {
    CustomModelForm& f = st.custom;
    const Architecture& a = m.arch;
    if (a.hidden_size > 0) {
        f.hidden = static_cast<int>(a.hidden_size);
        f.layers = static_cast<int>(a.num_layers);
        f.heads = static_cast<int>(a.num_heads);
        f.kv_heads = static_cast<int>(a.num_kv_heads);
        f.intermediate = static_cast<int>(a.intermediate_size > 0 ? a.intermediate_size : a.hidden_size * 4);
        f.vocab = static_cast<int>(a.vocab_size);
        if (a.max_context > 0) f.max_context = static_cast<int>(std::min<std::int64_t>(a.max_context, 1 << 30));
    }
    if (m.params_published > 0) f.params_billion = m.params_published / 1e9;
}

std::string config_from_form(const CustomModelForm& f) {
    // A Llama-style decoder: the smallest config.json parse_hf_config reads fully.
    nlohmann::json j = {
        {"architectures", {"LlamaForCausalLM"}}, {"model_type", "llama"}, {"torch_dtype", "bfloat16"},
        {"hidden_size", f.hidden}, {"num_hidden_layers", f.layers}, {"num_attention_heads", f.heads},
        {"num_key_value_heads", f.kv_heads}, {"intermediate_size", f.intermediate}, {"vocab_size", f.vocab},
        {"max_position_embeddings", f.max_context}, {"tie_word_embeddings", false}};
    return dump_json(j, 2);
}

}  // namespace vramcalc::web
