#include "estimate_json.h"

#include <cmath>

namespace vramcalc {

using nlohmann::json;

namespace {

void put(json& j, const char* key, const Figure& f, bool explain) {
    j[key] = f.bytes;
    if (explain && !f.how.empty()) j[std::string(key) + "_how"] = f.how;
}

json load_to_json(const GpuLoad& g, bool explain) {
    json j;
    put(j, "weights_bytes", g.weights, explain);
    put(j, "kv_cache_bytes", g.kv_cache, explain);
    put(j, "activation_bytes", g.activation, explain);
    put(j, "overhead_bytes", g.overhead, explain);
    j["total_bytes"] = g.total_bytes;
    if (!g.role.empty()) j["role"] = g.role;
    if (!g.placement.empty()) j["placement"] = g.placement;
    return j;
}

// JSON has no NaN or infinity: a non-finite value is written as null, never as a bogus number.
json finite(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

}  // namespace

json estimate_to_json(const Estimate& e, bool explain) {
    if (!e.ok) return json{{"error", e.error}};
    json j;
    j["engine_version"] = e.engine_version;
    j["params"] = finite(e.params);
    j["active_params"] = finite(e.active_params);
    j["kv_bytes_per_token"] = e.kv_bytes_per_token;
    j["gpu_memory_bytes"] = e.gpu_memory_bytes;
    j["fits"] = e.fits;
    j["headroom_bytes"] = e.headroom_bytes;
    put(j, "startup_peak_bytes", e.startup_peak, explain);
    j["per_gpu"] = load_to_json(e.per_gpu, explain);
    j["total"] = load_to_json(e.total, explain);
    j["gpus"] = json::array();
    for (const auto& g : e.gpus) j["gpus"].push_back(load_to_json(g, false));
    if (e.kv_cache_tokens) j["kv_cache_tokens"] = *e.kv_cache_tokens;
    if (e.max_concurrency) j["max_concurrency"] = finite(*e.max_concurrency);
    // Needs vs reserves (result.h): what the requested context x concurrency needs on the most loaded
    // GPU, beside per_gpu (what the engine reserves there).
    if (e.needed_per_gpu) {
        j["needed_bytes"] = e.needed_per_gpu->total_bytes;
        j["needed_per_gpu"] = load_to_json(*e.needed_per_gpu, explain);
    }
    if (e.engine_max_context) j["engine_max_context"] = *e.engine_max_context;
    if (e.model_buffer) put(j, "model_buffer_bytes", *e.model_buffer, explain);
    if (e.kv_buffer) put(j, "kv_buffer_bytes", *e.kv_buffer, explain);
    if (e.compute_buffer) put(j, "compute_buffer_bytes", *e.compute_buffer, explain);
    put(j, "cpu_bytes", e.cpu, explain);
    if (e.host_model_buffer) put(j, "host_model_buffer_bytes", *e.host_model_buffer, explain);
    put(j, "rule_of_thumb_bytes", e.rule_of_thumb, explain);
    j["warnings"] = e.warnings;
    return j;
}

}  // namespace vramcalc
