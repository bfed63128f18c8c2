// What the two ExLlama engines share once each has sized its own modules, cache and buffers: the
// layers placed over the GPUs as TabbyAPI's autosplit loads them (core/layer_split.h), one load per
// GPU, and the embedding in CPU memory. What each library allocates stays in its engine file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "layer_split.h"
#include "resolved_scenario.h"
#include "result.h"

namespace vramcalc {

// PyTorch's CUDA context on every GPU the loader touches (as transformers.cpp).
inline constexpr double kTabbyTorchContextGiB = 0.45;

// Bytes of each decoder layer's cache: `k_bits` + `v_bits` per K/V value pair over `tokens`, or, on a
// linear-attention layer, its recurrent state times `state_slots` (0 for a library without them).
std::vector<double> tabby_cache_per_layer(const Architecture& a, double k_bits, double v_bits, std::int64_t tokens,
                                          std::int64_t state_slots);

struct TabbySplit {
    ModelModules modules;           // layers with their cache, then the head (modules_in_load_order)
    std::vector<double> reserve;    // bytes kept free on each GPU while loading (one per GPU)
    double beside_layers = 0;       // bytes every GPU holds besides its modules (scratch, a forward)
    double beside_last = 0;         // more on the last GPU of the list (logits)
};

// One used GPU's load: its share of the modules, its reserve, whether it is the last used one.
using TabbyDeviceLoad = std::function<GpuLoad(const DeviceShare&, double reserve, bool last, std::int64_t index)>;

// Places the modules GPU by GPU and sets the estimate's loads, fit and headroom (set_device_loads) and
// the CPU-resident embedding (`cpu_how` says why); warns with `out_of_gpus` when the GPUs run out and
// when a vision tower is left out. The caller adds its own figures and warnings after.
Estimate tabby_placement(const ResolvedScenario& r, const TabbySplit& split, const TabbyDeviceLoad& load,
                         const std::string& cpu_how, const std::string& out_of_gpus);

}  // namespace vramcalc
