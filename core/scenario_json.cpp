#include "scenario_json.h"

#include <cmath>
#include <optional>

namespace vramcalc {

using nlohmann::json;

json scenario_to_json(const Scenario& s) {
    json j;
    j["model"] = s.model;
    if (!s.custom_config.empty()) {
        // Keep the config as an object when it is valid JSON, so the state reads naturally.
        json cfg = json::parse(s.custom_config, nullptr, false);
        j["custom_config"] = cfg.is_discarded() ? json(s.custom_config) : cfg;
    }
    if (s.custom_params > 0) j["custom_params"] = s.custom_params;
    if (!s.custom_name.empty()) j["custom_name"] = s.custom_name;
    if (!s.custom_tensors.empty()) j["custom_tensors"] = s.custom_tensors;
    j["weights"] = s.weights;
    j["kv_dtype"] = s.kv_dtype;
    if (!s.engine_version.empty()) j["engine_version"] = s.engine_version;
    j["engine"] = engine_id(s.engine);
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
    j["gpu_mem_util"] = s.gpu_mem_util;
    j["max_batched_tokens"] = s.max_batched_tokens;
    j["cpu_offload_gib"] = s.cpu_offload_gib;
    j["gpu_layers"] = s.gpu_layers;
    j["ubatch"] = s.ubatch;
    j["n_batch"] = s.n_batch;
    j["flash_attn"] = s.flash_attn;
    j["parallel"] = s.parallel;
    j["enforce_eager"] = s.enforce_eager;
    return j;
}

namespace {

std::string shown(const json& v) {
    std::string d = v.dump();
    return d.size() > 40 ? d.substr(0, 37) + "..." : d;
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

void apply_scenario_json(const json& j, Scenario& s, std::vector<std::string>& problems) {
    if (!j.is_object()) {
        problems.push_back("scenario: expected a JSON object");
        return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        auto bad = [&](const char* what) { problems.push_back(key + ": expected " + what + ", got " + shown(v)); };
        auto str = [&](std::string& out) {
            if (v.is_string() && !v.get_ref<const std::string&>().empty()) out = v.get<std::string>();
            else bad("a non-empty string");
        };
        auto integer = [&](auto& out, std::int64_t lo, std::int64_t hi, const char* what) {
            std::int64_t x = 0;
            if (read_int(v, lo, hi, x)) out = static_cast<std::remove_reference_t<decltype(out)>>(x);
            else bad(what);
        };
        auto number = [&](double& out, double lo, double hi, const char* what) {
            double x = 0;
            if (read_double(v, lo, hi, x)) out = x;
            else bad(what);
        };
        auto boolean = [&](bool& out) {
            if (v.is_boolean()) out = v.get<bool>();
            else if (v.is_number_integer() && (v.get<int>() == 0 || v.get<int>() == 1)) out = v.get<int>() == 1;
            else if (v == "true" || v == "1") out = true;
            else if (v == "false" || v == "0") out = false;
            else bad("true or false");
        };

        if (key == "model") {
            str(s.model);
        } else if (key == "custom_config") {
            if (v.is_object()) s.custom_config = v.dump();
            else if (v.is_string()) s.custom_config = v.get<std::string>();
            else if (v.is_null()) s.custom_config.clear();
            else bad("a config.json object");
        } else if (key == "custom_params") {
            number(s.custom_params, 0.0, 1e14, "a parameter count between 0 and 1e14");
        } else if (key == "custom_name") {
            if (v.is_string()) s.custom_name = v.get<std::string>(); else bad("a string");
        } else if (key == "custom_tensors") {
            if (v.is_string()) s.custom_tensors = v.get<std::string>();
            else if (v.is_null()) s.custom_tensors.clear();
            else bad("a tensor summary string (fw1;...)");
        } else if (key == "weights") {
            str(s.weights);
        } else if (key == "kv_dtype") {
            str(s.kv_dtype);
        } else if (key == "engine_version") {
            str(s.engine_version);
        } else if (key == "engine") {
            auto e = v.is_string() ? parse_engine(v.get<std::string>()) : std::nullopt;
            if (e) s.engine = *e; else bad("one of vllm, llamacpp, transformers, sglang, simple");
        } else if (key == "gpu") {
            str(s.gpu);
        } else if (key == "gpu_memory_gib") {
            number(s.gpu_memory_gib, 0.0, 1e6, "GiB between 0 and 1e6");
        } else if (key == "gpus") {
            integer(s.gpus, 1, 65536, "a GPU count between 1 and 65536");
        } else if (key == "nodes") {
            integer(s.nodes, 1, 8192, "a node count between 1 and 8192");
        } else if (key == "tp") {
            integer(s.tp, 1, 65536, "a tensor-parallel size between 1 and 65536");
        } else if (key == "pp") {
            integer(s.pp, 1, 65536, "a pipeline-parallel size between 1 and 65536");
        } else if (key == "context") {
            integer(s.context, 1, 100'000'000, "a context length between 1 and 100M tokens");
        } else if (key == "batch") {
            integer(s.batch, 1, 1'000'000, "a batch between 1 and 1M");
        } else if (key == "input_tokens") {
            integer(s.input_tokens, 0, 100'000'000, "a token count between 0 and 100M");
        } else if (key == "output_tokens") {
            integer(s.output_tokens, 0, 100'000'000, "a token count between 0 and 100M");
        } else if (key == "gpu_mem_util") {
            number(s.gpu_mem_util, 0.0, 1.0, "a fraction between 0 and 1");
        } else if (key == "max_batched_tokens") {
            integer(s.max_batched_tokens, 0, 100'000'000, "a token count between 0 and 100M");
        } else if (key == "cpu_offload_gib") {
            number(s.cpu_offload_gib, 0.0, 1e6, "GiB between 0 and 1e6");
        } else if (key == "gpu_layers") {
            integer(s.gpu_layers, -1, 100000, "a layer count (-1 = all)");
        } else if (key == "ubatch") {
            integer(s.ubatch, 1, 1'000'000, "a micro-batch between 1 and 1M");
        } else if (key == "n_batch") {
            integer(s.n_batch, 1, 1'000'000, "a batch between 1 and 1M");
        } else if (key == "flash_attn") {
            boolean(s.flash_attn);
        } else if (key == "parallel") {
            integer(s.parallel, 1, 65536, "a sequence count between 1 and 65536");
        } else if (key == "enforce_eager") {
            boolean(s.enforce_eager);
        } else {
            problems.push_back(key + ": unknown field, ignored");
        }
    }
}

}  // namespace vramcalc
