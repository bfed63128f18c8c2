#include "result.h"

#include <algorithm>
#include <utility>

namespace vramcalc {

void add_load_bytes(GpuLoad& total, const std::vector<GpuLoad>& loads) {
    for (const GpuLoad& g : loads) {
        total.weights.bytes += g.weights.bytes;
        total.kv_cache.bytes += g.kv_cache.bytes;
        total.activation.bytes += g.activation.bytes;
        total.overhead.bytes += g.overhead.bytes;
        total.total_bytes += g.total_bytes;
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
        const std::int64_t free = static_cast<std::int64_t>(gpu_memory) - static_cast<std::int64_t>(g.total_bytes);
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
