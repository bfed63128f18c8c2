#include "wasm/js_api.h"

#include <emscripten.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/engine_profile_json.h"
#include "core/bounded_json.h"
#include "core/export.h"
#include "core/scenario_json.h"
#include "core/share_link.h"
#include "web/compute.h"
#include "web/verdict_text.h"

namespace {

vramcalc::web::AppState* g_state = nullptr;
void (*g_wake)() = nullptr;
std::string g_out;  // the last string returned to JS (valid until the next call)

const char* out(const nlohmann::json& j) {
    g_out = vramcalc::dump_json(j);
    return g_out.c_str();
}

// WEB: the methods are plain JS wrappers over the exported C functions below; strings cross as
// UTF-8 in the wasm heap.
EM_JS(void, js_install_api, (), {
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    var call = function(fn, text) {
        var ptr = 0;
        if (text !== undefined) {
            var bytes = lengthBytesUTF8(text) + 1;
            ptr = Module["_vramcalc_api_alloc"](bytes);
            stringToUTF8(text, ptr, bytes);
        }
        var result = UTF8ToString(text !== undefined ? fn(ptr) : fn());
        if (ptr) Module["_vramcalc_api_free"](ptr);
        return JSON.parse(result);
    };
    api["getState"] = function() { return call(Module["_vramcalc_api_get_state"]); };
    api["setState"] = function(state) {
        var text = typeof state === "string" ? state : JSON.stringify(state === undefined ? {} : state);
        return call(Module["_vramcalc_api_set_state"], text);
    };
    api["getResult"] = function() { return call(Module["_vramcalc_api_get_result"]); };
    api["getView"] = function() { return call(Module["_vramcalc_api_get_view"]); };
    // Cheap enough to poll every frame (getView serialises every matrix cell): [computed, total].
    api["matrixProgress"] = function() { return [Module["_vramcalc_api_matrix_done"](), Module["_vramcalc_api_matrix_total"]()]; };
    // The engine profiles: ids, names, the releases each knows (what changed, the source), the
    // accepted version forms and the knobs; setState({engine, engine_version}) picks one.
    api["getEngines"] = function() { return call(Module["_vramcalc_api_get_engines"]); };
    api["shareLink"] = function() { return call(Module["_vramcalc_api_share_link"]); };
    // Exports as text (the Export menu copies or downloads the same strings); saveOffline() downloads
    // the page itself, as the "Save for offline use" button does.
    api["exportMarkdown"] = function() { return call(Module["_vramcalc_api_export"], "markdown"); };
    api["exportCsv"] = function() { return call(Module["_vramcalc_api_export"], "csv"); };
    api["exportJson"] = function() { return call(Module["_vramcalc_api_export"], "json"); };
    api["exportMatrix"] = function(format) { return call(Module["_vramcalc_api_export"], "matrix-" + (format || "markdown")); };
    api["saveOffline"] = function() { call(Module["_vramcalc_api_save_offline"]); };  // the download is the answer
    api["getMessages"] = function() { var v = call(Module["_vramcalc_api_get_view"]); return v && v["notice"] ? [v["notice"]] : []; };
    api["wake"] = function() { Module["_vramcalc_wake"](); };
    // setView({tab: "breakdown"|"matrix"|"chart"|"colocation", unit: "GiB"|"GB", theme: "dark"|"light", matrixFilter: "llama",
    //          colocate: [{model: "qwen2.5-7b-instruct", gpu_mem_util: 0.5}, ...]})
    api["setView"] = function(view) { return call(Module["_vramcalc_api_set_view"], JSON.stringify(view || {})); };
});

}  // namespace

extern "C" {

// The JS wrappers' string buffers (malloc/free are not exported to JS under every link flag).
EMSCRIPTEN_KEEPALIVE void* vramcalc_api_alloc(int bytes) { return std::malloc(static_cast<std::size_t>(bytes)); }
EMSCRIPTEN_KEEPALIVE void vramcalc_api_free(void* ptr) { std::free(ptr); }

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_get_state() {
    if (!g_state) return out(nullptr);
    return out(vramcalc::scenario_to_json(g_state->scenario));
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_set_state(const char* text) {
    if (!g_state) return out({{"ok", false}, {"problems", {"the page is not running"}}});
    nlohmann::json j = vramcalc::parse_json(text ? text : "", vramcalc::kScenarioJsonLimits).value;
    std::vector<std::string> problems;
    if (j.is_discarded() || !j.is_object()) {
        problems.push_back("setState: expected a JSON object (a scenario, as getState() returns)");
    } else {
        problems = vramcalc::web::apply_state_json(*g_state, j);
        vramcalc::web::refresh(*g_state);  // so getResult() right after sees the new scenario
    }
    if (g_wake) g_wake();
    return out({{"ok", problems.empty()}, {"problems", problems}});
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_get_engines() { return out(vramcalc::engine_profiles_json()); }

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_get_result() {
    if (!g_state) return out(nullptr);
    return out(vramcalc::web::result_json_with_answers(*g_state));
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_set_view(const char* text) {
    using vramcalc::web::Tab;
    if (!g_state) return out(nullptr);
    nlohmann::json j = vramcalc::parse_json(text ? text : "", vramcalc::kScenarioJsonLimits).value;
    std::vector<std::string> problems;
    if (!j.is_object()) j = nlohmann::json::object();
    auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
    if (std::string t = str("tab"); !t.empty()) {
        const Tab tab = t == "matrix" ? Tab::FitMatrix : t == "chart" ? Tab::Chart : t == "colocation" ? Tab::Colocation : Tab::Breakdown;
        if (t != "matrix" && t != "chart" && t != "colocation" && t != "breakdown") problems.push_back("tab: unknown '" + t + "'");
        g_state->requested_tab = tab;
        g_state->tab_request = true;
    }
    // colocate: [{...scenario fields}, ...]: the deployments beside the main one (each over a copy of it)
    if (j.contains("colocate") && j["colocate"].is_array()) {
        g_state->colocation.others.clear();
        for (const auto& d : j["colocate"]) {
            vramcalc::Scenario s = g_state->scenario;
            std::vector<std::string> p;
            if (d.is_object()) vramcalc::apply_scenario_json(d, s, p);
            for (auto& x : p) problems.push_back("colocate: " + x);
            g_state->colocation.others.push_back(s);
        }
    }
    if (j.contains("matrixFilter") && j["matrixFilter"].is_string()) g_state->matrix.filter = j["matrixFilter"].get<std::string>();
    if (std::string r = str("matrixRows"); !r.empty()) {  // "family" | "all"
        if (r != "family" && r != "all") problems.push_back("matrixRows: unknown '" + r + "'");
        g_state->matrix.rows = r == "all" ? vramcalc::web::MatrixRows::All : vramcalc::web::MatrixRows::Family;
    }
    if (std::string u = str("unit"); !u.empty()) g_state->unit = u == "GB" ? vramcalc::SizeUnit::GB : vramcalc::SizeUnit::GiB;
    if (std::string th = str("theme"); !th.empty()) g_state->dark = th != "light";
    if (g_wake) g_wake();
    return out({{"ok", problems.empty()}, {"problems", problems}});
}

// What the tabs show (for tests): the fit matrix's progress and cells, the colocation verdict.
EMSCRIPTEN_KEEPALIVE int vramcalc_api_matrix_done() { return g_state && g_state->matrix.complete ? g_state->matrix.next_cell : -1; }
EMSCRIPTEN_KEEPALIVE int vramcalc_api_matrix_total() {
    return g_state ? static_cast<int>(g_state->matrix.matrix.rows.size() * g_state->matrix.matrix.cols.size()) : 0;
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_get_view() {
    using vramcalc::web::Tab;
    if (!g_state) return out(nullptr);
    const auto& st = *g_state;
    const char* tabs[] = {"breakdown", "matrix", "chart", "colocation"};
    nlohmann::json j = {{"tab", tabs[static_cast<int>(st.tab)]}, {"unit", st.unit == vramcalc::SizeUnit::GB ? "GB" : "GiB"},
                        {"theme", st.dark ? "dark" : "light"}, {"narrow", st.narrow}, {"notice", st.notice}};
    nlohmann::json m = {{"complete", st.matrix.complete}, {"rows", st.matrix.matrix.rows}, {"cols", st.matrix.matrix.cols},
                        {"computed", st.matrix.next_cell}};
    if (st.matrix.complete) m["cells"] = vramcalc::fit_matrix_json(st.matrix.matrix);
    j["matrix"] = m;
    j["answer_step_ms"] = st.answers.step_ms;
    j["custom"] = {{"active", st.custom.active}, {"mode", st.custom.mode}, {"error", st.custom.config_error},
                   {"text_chars", st.custom.config_text.size()}};
    if (st.chart.valid) {
        j["chart"] = {{"points", st.chart.sweep.points.size()}, {"capacity_bytes", st.chart.sweep.capacity_bytes}};
        if (st.chart.sweep.largest_fitting_context) j["chart"]["largest_fitting_context"] = *st.chart.sweep.largest_fitting_context;
    }
    // The verdict's words (web/verdict_text.h): what the request needs, what the engine reserves.
    const vramcalc::web::VerdictText v = vramcalc::web::verdict_text(st.result, st.scenario, st.unit);
    j["verdict"] = {{"headline", st.missing_model ? std::string("MODEL NOT FOUND") : v.headline}, {"needs", v.needs},
                    {"reserve", v.reserve}, {"missing_model", st.missing_model ? st.missing_model->asked : std::string()}};
    j["command"] = st.command;  // the "Run it" panel's text (core/command.h launch_command)
    if (st.resolved) j["layout"] = {{"tp", st.resolved->scenario.tp}, {"pp", st.resolved->scenario.pp},
                                    {"replicas", st.resolved->scenario.replicas}};
    const auto& c = st.colocation.result;
    j["colocation"] = {{"deployments", st.colocation.others.size() + 1}, {"ok", c.ok}, {"fits", c.fits}, {"problems", c.problems},
                       {"reserved_bytes", c.reserved_bytes}};
    return out(j);
}

// "markdown" | "csv" | "json" | "matrix-markdown" | "matrix-csv" | "matrix-json" -> the export's text
// (as a JSON string; the JS wrapper parses it back). The matrix is the last one the Fit matrix tab
// computed ("" before that).
EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_export(const char* kind_text) {
    if (!g_state) return out(nullptr);
    auto& st = *g_state;
    vramcalc::web::refresh(st);
    const std::string kind = kind_text ? kind_text : "";
    const bool matrix = st.matrix.complete && !st.matrix.matrix.rows.empty();
    std::string text;
    if (kind == "markdown") text = vramcalc::result_markdown(st.scenario, st.result);
    else if (kind == "csv") text = vramcalc::result_csv(st.scenario, st.result);
    else if (kind == "json") text = vramcalc::dump_json(vramcalc::result_json(st.scenario, st.result), 2);
    else if (kind == "matrix-markdown" && matrix) text = vramcalc::fit_matrix_markdown(st.matrix.matrix);
    else if (kind == "matrix-csv" && matrix) text = vramcalc::fit_matrix_csv(st.matrix.matrix);
    else if (kind == "matrix-json" && matrix) text = vramcalc::dump_json(vramcalc::fit_matrix_json(st.matrix.matrix), 2);
    return out(text);
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_save_offline() {
    if (g_state && g_state->platform.save_page) g_state->platform.save_page();
    return out(true);
}

EMSCRIPTEN_KEEPALIVE const char* vramcalc_api_share_link() {
    if (!g_state) return out(nullptr);
    return out("#" + vramcalc::encode_share_fragment(g_state->scenario));
}

}  // extern "C"

namespace vramcalc::wasm {

void install_js_api(web::AppState* state, void (*wake)()) {
    g_state = state;
    g_wake = wake;
    js_install_api();
}

}  // namespace vramcalc::wasm
