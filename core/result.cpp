#include "result.h"

#include <algorithm>
#include <utility>
#include <initializer_list>

#include "checked.h"
#include "knobs.h"

namespace vramcalc {

ErrorField error_field_of(std::string_view m) {
    if (m.empty()) return ErrorField::None;
    const std::string_view field = m.substr(0, m.find(':'));
    const auto is = [&](std::initializer_list<std::string_view> names) {
        for (std::string_view n : names)
            if (field == n) return true;
        return false;
    };
    if (is({"model", "config.json", "custom_params", "custom_tensors", "custom_config"})) return ErrorField::Model;
    if (is({"weights"})) return ErrorField::Weights;
    if (is({"kv_dtype"})) return ErrorField::KvCache;
    if (is({"engine", "engine_version"})) return ErrorField::Engine;
    if (is({"gpu", "gpu_memory_gib"})) return ErrorField::Gpu;
    if (is({"gpus", "nodes", "tp", "pp", "tp/pp", "replicas"})) return ErrorField::Layout;
    if (is({"context", "batch", "context x batch", "input_tokens", "output_tokens"})) return ErrorField::Workload;
    if (find_knob(field)) return ErrorField::Knob;
    return ErrorField::Other;
}

void add_load_bytes(GpuLoad& total, const std::vector<GpuLoad>& loads) {
    for (const GpuLoad& g : loads) {
        total.weights.bytes = saturating_add(total.weights.bytes, g.weights.bytes);
        total.kv_cache.bytes = saturating_add(total.kv_cache.bytes, g.kv_cache.bytes);
        total.activation.bytes = saturating_add(total.activation.bytes, g.activation.bytes);
        total.overhead.bytes = saturating_add(total.overhead.bytes, g.overhead.bytes);
        total.total_bytes = saturating_add(total.total_bytes, g.total_bytes);
    }
}

void set_device_loads(Estimate& e, std::vector<GpuLoad> loads, Bytes gpu_memory, bool placed) {
    e.gpus = std::move(loads);
    if (e.gpus.empty()) e.gpus.emplace_back();
    std::size_t worst = 0;
    std::int64_t headroom = 0;
    bool any = false;
    for (std::size_t d = 0; d < e.gpus.size(); ++d) {
        const GpuLoad& g = e.gpus[d];
        if (g.total_bytes > e.gpus[worst].total_bytes) worst = d;
        if (g.total_bytes == 0) continue;
        const std::int64_t free = signed_difference(gpu_memory, g.total_bytes);
        headroom = any ? std::min(headroom, free) : free;
        any = true;
    }
    e.per_gpu = e.gpus[worst];
    e.total = GpuLoad{};
    add_load_bytes(e.total, e.gpus);
    e.total.role = std::to_string(e.gpus.size()) + " GPUs";
    e.headroom_bytes = headroom;
    e.fits = placed && headroom >= 0;
}

}  // namespace vramcalc
