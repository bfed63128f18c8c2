#include "tabby_autosplit.h"

#include <algorithm>

#include "kv_cache.h"
#include "units.h"

namespace vramcalc {

std::vector<double> tabby_cache_per_layer(const Architecture& a, double k_bits, double v_bits, std::int64_t tokens,
                                          std::int64_t state_slots) {
    std::vector<double> per_layer;
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const auto i = static_cast<std::size_t>(l);
        const bool linear = i < a.layer_attention.size() && a.layer_attention[i] == LayerAttention::Linear;
        per_layer.push_back(linear ? static_cast<double>(a.linear_state_bytes_per_layer) * static_cast<double>(state_slots)
                                   : kv_bytes_per_token_layer(a, l, 1, 16.0) * (k_bits + v_bits) / 32.0 * static_cast<double>(tokens));
    }
    return per_layer;
}

Estimate tabby_placement(const ResolvedScenario& r, const TabbySplit& split, const TabbyDeviceLoad& load,
                         const std::string& cpu_how, const std::string& out_of_gpus) {
    Estimate e;
    const std::size_t n = split.reserve.size();
    std::vector<double> capacity;
    for (std::size_t d = 0; d < n; ++d)
        capacity.push_back(static_cast<double>(r.gpu.memory_bytes) - kTabbyTorchContextGiB * kGiB - split.reserve[d] -
                           split.beside_layers - (d + 1 == n ? split.beside_last : 0.0));
    const LayerSplit placed = split_in_order(split.modules.modules, capacity);
    std::size_t last_used = 0;
    for (std::size_t d = 0; d < placed.devices.size(); ++d)
        if (placed.devices[d].count > 0) last_used = d;
    std::vector<GpuLoad> loads;
    for (std::size_t d = 0; d < placed.devices.size(); ++d) {
        if (placed.devices[d].count > 0) {
            loads.push_back(load(placed.devices[d], split.reserve[d], d == last_used, static_cast<std::int64_t>(d)));
        } else {
            GpuLoad unused;
            unused.role = "GPU " + std::to_string(d) + ", unused";
            loads.push_back(unused);
        }
    }
    set_device_loads(e, std::move(loads), r.gpu.memory_bytes, placed.fits);
    e.cpu = {bytes_from(split.modules.embedding_bytes), cpu_how};
    if (!placed.fits) e.warnings.push_back(out_of_gpus);
    if (split.modules.extra_bytes > 0) e.warnings.push_back("the vision tower is not counted (TabbyAPI loads it only with vision: true)");
    return e;
}

}  // namespace vramcalc
