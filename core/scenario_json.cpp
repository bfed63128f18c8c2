#include "scenario_json.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine_profile.h"
#include "knobs.h"
#include "llamacpp_placement.h"
#include "bounded_json.h"

namespace vramcalc {

using nlohmann::json;

json scenario_to_json(const Scenario& s) {
    json j;
    j["model"] = s.model;
    if (!s.custom_config.empty()) {
        // Keep the config as an object when it is valid JSON, so the state reads naturally.
        // A config too large or too deep for the parser stays text, so nothing recurses into it.
        JsonParse cfg = parse_json(s.custom_config, kConfigJsonLimits);
        // Only an object is written as JSON: text that parses as a number or string must stay text, as it
        // was given, or reading the scenario back would refuse it.
        j["custom_config"] = cfg.ok() && cfg.value.is_object() ? std::move(cfg.value) : json(s.custom_config);
    }
    if (s.custom_params > 0) j["custom_params"] = s.custom_params;
    if (!s.custom_name.empty()) j["custom_name"] = s.custom_name;
    if (!s.custom_tensors.empty()) j["custom_tensors"] = s.custom_tensors;
    j["weights"] = s.weights;
    j["kv_dtype"] = s.kv_dtype;
    if (!s.engine_version.empty()) j["engine_version"] = s.engine_version;
    j["engine"] = s.engine;
    j["gpu"] = s.gpu;
    if (s.gpu_memory_gib > 0) j["gpu_memory_gib"] = s.gpu_memory_gib;
    j["gpus"] = s.gpus;
    j["nodes"] = s.nodes;
    j["tp"] = s.tp;
    j["pp"] = s.pp;
    j["context"] = s.context;
    j["batch"] = s.batch;
    j["input_tokens"] = s.input_tokens;
    j["output_tokens"] = s.output_tokens;
    if (!s.gpu_list.empty()) j["gpu_list"] = s.gpu_list;
    if (!s.override_tensor.empty()) j["override_tensor"] = s.override_tensor;
    if (!s.tensor_split.empty()) j["tensor_split"] = s.tensor_split;
    if (!s.split_mode.empty()) j["split_mode"] = s.split_mode;
    for (const Knob& k : engine_knobs()) {
        const double v = k.get(s);
        if (k.kind == KnobKind::Flag) j[k.id] = v != 0;
        else if (k.kind == KnobKind::Integer) j[k.id] = static_cast<std::int64_t>(v);
        else j[k.id] = v;
    }
    return j;
}

namespace {

// Ids (catalog ids, Hugging Face ids "org/name", format ids, engine releases) are short, printable
// UTF-8: messages quote them, and the "did you mean" search over the catalog stays cheap.
bool is_id(const std::string& s) {
    constexpr std::size_t kMaxIdBytes = 256;
    if (s.empty() || s.size() > kMaxIdBytes) return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
    return is_valid_utf8(s);
}

std::string shown(const json& v) { return clean_utf8(dump_json(v), 40); }

// A key as a message shows it: a printable one as it is, anything else JSON-quoted (control characters
// escaped, so a problem stays one line) and cut to 40 bytes.
std::string shown_key(const std::string& key) {
    const bool plain = key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    return plain ? key : shown(json(key));
}

// Numbers may arrive as JSON numbers or as numeric strings (share links, hand-written files).
std::optional<double> read_number(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (!v.is_string()) return std::nullopt;
    const std::string& t = v.get_ref<const std::string&>();
    char* end = nullptr;
    const double x = std::strtod(t.c_str(), &end);
    if (t.empty() || end == nullptr || *end != '\0') return std::nullopt;
    return x;
}

bool read_double(const json& v, double lo, double hi, double& out) {
    const auto x = read_number(v);
    if (!x || !std::isfinite(*x) || *x < lo || *x > hi) return false;
    out = *x;
    return true;
}

bool read_int(const json& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    double x = 0;
    if (!read_double(v, static_cast<double>(lo), static_cast<double>(hi), x) || x != std::floor(x)) return false;
    out = static_cast<std::int64_t>(x);
    return true;
}

}  // namespace

std::string custom_name_problem(std::string_view name) {
    if (name.size() > kMaxCustomNameBytes) return "longer than " + std::to_string(kMaxCustomNameBytes) + " bytes";
    if (!is_valid_utf8(name)) return "not valid UTF-8";
    return "";
}

namespace {

// One field of a scenario object being read, and where its problems go.
struct FieldInput {
    const std::string& key;
    const json& v;
    std::vector<std::string>& problems;

    void bad(const char* what) const { problems.push_back(shown_key(key) + ": expected " + what + ", got " + shown(v)); }
    void problem(const std::string& why) const { problems.push_back(shown_key(key) + ": " + why); }
};

// The readers below leave `out` as it was when the value is bad, and say why.
void read_id(const FieldInput& f, std::string& out) {
    if (f.v.is_string() && is_id(f.v.get_ref<const std::string&>())) out = f.v.get<std::string>();
    else f.bad("a non-empty id of at most 256 bytes of UTF-8 without control characters");
}

template <class T>
void read_integer(const FieldInput& f, T& out, std::int64_t lo, std::int64_t hi, const char* what) {
    std::int64_t x = 0;
    if (read_int(f.v, lo, hi, x)) out = static_cast<T>(x);
    else f.bad(what);
}

void read_real(const FieldInput& f, double& out, double lo, double hi, const char* what) {
    double x = 0;
    if (read_double(f.v, lo, hi, x)) out = x;
    else f.bad(what);
}

void read_flag(const FieldInput& f, bool& out) {
    const json& v = f.v;
    if (v.is_boolean()) out = v.get<bool>();
    else if (v.is_number_integer() && (v.get<int>() == 0 || v.get<int>() == 1)) out = v.get<int>() == 1;
    else if (v == "true" || v == "1") out = true;
    else if (v == "false" || v == "0") out = false;
    else f.bad("true or false");
}

// ---- fields with rules of their own ------------------------------------------------------------------

void read_custom_config(const FieldInput& f, Scenario& s) {
    if (f.v.is_object()) s.custom_config = dump_json(f.v);
    else if (f.v.is_string()) s.custom_config = f.v.get<std::string>();
    else if (f.v.is_null()) s.custom_config.clear();
    else f.bad("a config.json object");
}

void read_custom_name(const FieldInput& f, Scenario& s) {
    if (!f.v.is_string()) f.bad("a string");
    else if (std::string why = custom_name_problem(f.v.get_ref<const std::string&>()); !why.empty()) f.problem(why);
    else s.custom_name = f.v.get<std::string>();
}

void read_custom_tensors(const FieldInput& f, Scenario& s) {
    if (f.v.is_string()) s.custom_tensors = f.v.get<std::string>();
    else if (f.v.is_null()) s.custom_tensors.clear();
    else f.bad("a tensor summary string (fw1;...)");
}

void read_engine_version(const FieldInput& f, Scenario& s) {
    // "" (or null) is the newest release the profile knows; resolve() checks the text.
    if (f.v.is_string()) s.engine_version = f.v.get<std::string>();
    else if (f.v.is_null()) s.engine_version.clear();
    else f.bad("a version string such as \"0.10.1\" or \"b4343\" (empty = the newest)");
}

void read_engine(const FieldInput& f, Scenario& s) {
    const EngineProfile* e = f.v.is_string() ? find_engine(f.v.get<std::string>()) : nullptr;
    if (e) s.engine = e->id;
    else f.bad(("one of " + engine_ids_text()).c_str());
}

void read_gpu_list(const FieldInput& f, Scenario& s) {
    const json& v = f.v;
    // catalog ids, comma-separated; resolve() looks each up
    if (v.is_string() && v.get_ref<const std::string&>().size() <= 4096 &&
        (v.get_ref<const std::string&>().empty() || is_id(v.get<std::string>())))
        s.gpu_list = v.get<std::string>();
    else f.bad("GPU catalog ids separated by commas, in device order");
}

void read_split_mode(const FieldInput& f, Scenario& s) {
    const json& v = f.v;
    // llama.cpp --split-mode: layer (default), row, none
    if (v.is_string() && (v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>() == "layer" ||
                          v.get_ref<const std::string&>() == "row" || v.get_ref<const std::string&>() == "none"))
        s.split_mode = v.get<std::string>();
    else f.bad("layer, row or none (llama.cpp --split-mode)");
}

void read_override_tensor(const FieldInput& f, Scenario& s) {
    if (!f.v.is_string()) f.bad("REGEX=BUFFER entries, comma-separated (llama.cpp -ot)");
    else if (std::string why = override_text_problem(f.v.get<std::string>()); !why.empty()) f.problem(why);
    else s.override_tensor = f.v.get<std::string>();
}

void read_tensor_split(const FieldInput& f, Scenario& s) {
    if (!f.v.is_string()) f.bad("proportions such as \"3,1\"");
    else if (std::string why = tensor_split_problem(f.v.get<std::string>()); !why.empty()) f.problem(why);
    else s.tensor_split = f.v.get<std::string>();
}

// ---- the field table ---------------------------------------------------------------------------------
constexpr std::int64_t kMaxTokens = 100'000'000;

// Every scenario field but the engine knobs (core/knobs.cpp reads those from its own table).
struct FieldRule {
    const char* key;
    void (*read)(const FieldInput&, Scenario&);
};

// F and S only keep the rows below on one line each.
using F = const FieldInput&;
using S = Scenario&;
static_assert(kMaxGpus == 4096, "the GPU, node, TP and PP messages below spell the limit");

const FieldRule kFieldRules[] = {
    {"model", [](F f, S s) { read_id(f, s.model); }},
    {"custom_config", read_custom_config},
    {"custom_params", [](F f, S s) { read_real(f, s.custom_params, 0.0, 1e14, "a parameter count between 0 and 1e14"); }},
    {"custom_name", read_custom_name},
    {"custom_tensors", read_custom_tensors},
    {"weights", [](F f, S s) { read_id(f, s.weights); }},
    {"kv_dtype", [](F f, S s) { read_id(f, s.kv_dtype); }},
    {"engine_version", read_engine_version},
    {"engine", read_engine},
    {"gpu", [](F f, S s) { read_id(f, s.gpu); }},
    {"gpu_memory_gib", [](F f, S s) { read_real(f, s.gpu_memory_gib, 0.0, 1e6, "GiB between 0 and 1e6"); }},
    {"gpus", [](F f, S s) { read_integer(f, s.gpus, 1, kMaxGpus, "a GPU count between 1 and 4096"); }},
    {"nodes", [](F f, S s) { read_integer(f, s.nodes, 1, kMaxGpus, "a node count between 1 and 4096"); }},
    {"tp", [](F f, S s) { read_integer(f, s.tp, 0, kMaxGpus, "a tensor-parallel size between 1 and 4096 (0 = auto)"); }},
    {"pp", [](F f, S s) { read_integer(f, s.pp, 0, kMaxGpus, "a pipeline-parallel size between 1 and 4096 (0 = auto)"); }},
    {"context", [](F f, S s) { read_integer(f, s.context, 1, kMaxTokens, "a context length between 1 and 100M tokens"); }},
    {"batch", [](F f, S s) { read_integer(f, s.batch, 1, 1'000'000, "a batch between 1 and 1M"); }},
    {"input_tokens", [](F f, S s) { read_integer(f, s.input_tokens, 0, kMaxTokens, "a token count between 0 and 100M"); }},
    {"output_tokens", [](F f, S s) { read_integer(f, s.output_tokens, 0, kMaxTokens, "a token count between 0 and 100M"); }},
    {"gpu_list", read_gpu_list},
    {"split_mode", read_split_mode},
    {"override_tensor", read_override_tensor},
    {"tensor_split", read_tensor_split},
};

const FieldRule* find_field_rule(const std::string& key) {
    for (const FieldRule& r : kFieldRules)
        if (key == r.key) return &r;
    return nullptr;
}

// An engine knob, within the range its table row gives.
void read_knob(const Knob& k, const FieldInput& f, Scenario& s) {
    if (k.kind == KnobKind::Flag) {
        bool b = k.get(s) != 0;
        read_flag(f, b);
        k.set(s, b ? 1.0 : 0.0);
    } else if (k.kind == KnobKind::Integer) {
        std::int64_t x = 0;
        if (read_int(f.v, static_cast<std::int64_t>(k.min), static_cast<std::int64_t>(k.max), x)) k.set(s, static_cast<double>(x));
        else f.bad(k.expected);
    } else {
        double x = 0;
        if (read_double(f.v, k.min, k.max, x)) k.set(s, x);
        else f.bad(k.expected);
    }
}

void apply_field(const FieldInput& f, Scenario& s) {
    if (const FieldRule* r = find_field_rule(f.key)) r->read(f, s);
    else if (const Knob* k = find_knob(f.key)) read_knob(*k, f, s);
    else f.problems.push_back(shown_key(f.key) + ": unknown field, ignored");
}

}  // namespace

void apply_scenario_json(const json& j, Scenario& s, std::vector<std::string>& problems) {
    if (!j.is_object()) {
        problems.push_back("scenario: expected a JSON object");
        return;
    }
    const std::string engine_before = s.engine;
    for (auto it = j.begin(); it != j.end(); ++it) apply_field(FieldInput{it.key(), it.value(), problems}, s);
    // A release belongs to its engine: a new engine without a version of its own starts at its newest.
    if (s.engine != engine_before && !j.contains("engine_version")) s.engine_version.clear();
}

}  // namespace vramcalc
