// The published measurements (tests/data/measurements.json) as scenarios and the estimate figure each
// truth key compares with: shared by the accuracy gates (accuracy_test.cpp) and the error bands they
// generate (error_bands_test.cpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/estimate.h"
#include "core/scenario_json.h"

namespace vramcalc::measurement_rows {

using nlohmann::json;

// The row's inputs as tests/data/README.md says the CLI is called.
inline Scenario scenario_for_row(const json& row, const json& configs, std::vector<std::string>& problems) {
    Scenario s;
    json f = json::object();
    f["engine"] = row["engine"];
    f["engine_version"] = row["engine_version"];
    f["weights"] = row["weights"];
    f["kv_dtype"] = row["kv_dtype"];
    if (row.contains("config") && row["config"].is_string() && configs.contains(row["config"].get<std::string>())) {
        json cfg = configs[row["config"].get<std::string>()];
        f["custom_config"] = cfg.dump();
    } else {
        f["model"] = row["base_model"];
    }
    for (const char* k : {"context", "batch", "tp", "pp", "gpus", "gpu_memory_gib", "input_tokens", "output_tokens"})
        if (row.contains(k) && row[k].is_number()) f[k] = row[k];
    if (row.contains("gpu_memory_utilization") && row["gpu_memory_utilization"].is_number())
        f["gpu_mem_util"] = row["gpu_memory_utilization"];
    if (!f.contains("gpu_memory_gib")) f["gpu_memory_gib"] = 79.19;  // rows that only publish weights
    // vLLM's max_num_batched_tokens as the log printed it (the offline LLM class defaults differently
    // from the API server, which the GPU-size rule models).
    if (row.contains("max_num_batched_tokens") && row["max_num_batched_tokens"].is_number())
        f["max_batched_tokens"] = row["max_num_batched_tokens"];
    if (row.contains("llamacpp") && row["llamacpp"].is_object()) {
        const json& l = row["llamacpp"];
        if (l.contains("n_ubatch")) f["ubatch"] = l["n_ubatch"];
        if (l.contains("n_batch")) f["n_batch"] = l["n_batch"];
        if (l.contains("flash_attn") && l["flash_attn"] == true) f["flash_attn"] = true;
        if (l.contains("n_gpu_layers")) f["gpu_layers"] = l["n_gpu_layers"];
        if (l.contains("n_parallel")) f["parallel"] = l["n_parallel"];
        if (l.contains("n_cpu_moe")) f["n_cpu_moe"] = l["n_cpu_moe"];
        if (l.contains("override_tensor")) f["override_tensor"] = l["override_tensor"];
        if (l.contains("tensor_split")) f["tensor_split"] = l["tensor_split"];
        if (l.contains("unsplit_mla_gguf")) f["unsplit_mla_gguf"] = l["unsplit_mla_gguf"];
    }
    if (row["engine"] == "llamacpp") {
        // The row's own flags: rows that do not say ran without -fa (b2700) and with one slot (b2700,
        // b4343: before llama-server's -np auto), which the scenario's defaults no longer are.
        const json l = row.contains("llamacpp") && row["llamacpp"].is_object() ? row["llamacpp"] : json::object();
        f["flash_attn"] = l.contains("flash_attn") && l["flash_attn"] == true;
        f["parallel"] = l.contains("n_parallel") ? l["n_parallel"] : json(1);
    }
    apply_scenario_json(f, s, problems);
    return s;
}

struct Metric {
    const char* truth_key;
    double unit;  // bytes per truth unit
    const char* label;
};

inline const Metric kMetrics[] = {
    {"weights_gib", kGiB, "weights"},
    {"kv_cache_gib", kGiB, "kv_cache"},
    {"kv_cache_tokens", 1.0, "kv_tokens"},
    {"activation_gib", kGiB, "activation"},
    {"model_buffer_mib", kMiB, "model_buffer"},
    {"kv_buffer_mib", kMiB, "kv_buffer"},
    {"compute_buffer_mib", kMiB, "compute_buffer"},
    {"cpu_model_buffer_mib", kMiB, "cpu_model_buffer"},
    {"torch_peak_gib", kGiB, "torch_peak"},
    {"device_used_gib", kGiB, "device_used"},
};

inline double estimated(const Estimate& e, const std::string& key) {
    if (key == "weights_gib") return static_cast<double>(e.per_gpu.weights.bytes);
    if (key == "kv_cache_gib") return static_cast<double>(e.per_gpu.kv_cache.bytes);
    if (key == "kv_cache_tokens") return e.kv_cache_tokens ? static_cast<double>(*e.kv_cache_tokens) : NAN;
    if (key == "activation_gib") return static_cast<double>(e.per_gpu.activation.bytes);
    if (key == "model_buffer_mib") return e.model_buffer ? static_cast<double>(e.model_buffer->bytes) : NAN;
    if (key == "kv_buffer_mib") return e.kv_buffer ? static_cast<double>(e.kv_buffer->bytes) : NAN;
    if (key == "compute_buffer_mib") return e.compute_buffer ? static_cast<double>(e.compute_buffer->bytes) : NAN;
    if (key == "cpu_model_buffer_mib")
        return static_cast<double>(e.host_model_buffer ? e.host_model_buffer->bytes : e.cpu.bytes);
    if (key == "torch_peak_gib")
        return static_cast<double>(e.total.weights.bytes + e.total.kv_cache.bytes + e.total.activation.bytes);
    if (key == "device_used_gib") return static_cast<double>(e.per_gpu.total_bytes);
    return NAN;
}

inline double percentile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = static_cast<std::size_t>(std::ceil(pos));
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace vramcalc::measurement_rows
