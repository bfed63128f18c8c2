#include "result.h"

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

}  // namespace vramcalc
