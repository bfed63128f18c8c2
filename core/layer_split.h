// Sequential layer split: modules are placed on the first device in order until the next one does
// not fit, then on the next device, as ExLlama's autosplit loaders do (exllamav2/model.py
// load_autosplit_gen, exllamav3/model/model_ls.py _load_autosplit: load a module, forward a dummy
// state, on out-of-memory move to the next GPU). Plain numbers, no engine knowledge.
#pragma once
#include <cstdint>
#include <vector>

#include "architecture.h"
#include "format_types.h"
#include "tensors.h"

namespace vramcalc {

struct SplitModule {
    double weight_bytes = 0;   // the module's tensors on the GPU
    double cache_bytes = 0;    // the cache it allocates on the same device (its layer's K/V)
};

struct DeviceShare {
    double weight_bytes = 0;
    double cache_bytes = 0;
    std::int64_t first = -1, count = 0;  // modules [first, first + count) on this device
};

struct LayerSplit {
    std::vector<DeviceShare> devices;  // one per device, in order
    bool fits = true;                  // every module found room (else the rest are on the last device)
};

// capacity[d]: bytes the loader may fill on device d with modules (its memory minus what it holds
// anyway); a device gets at least one module before the loader moves on only when it fits.
LayerSplit split_in_order(const std::vector<SplitModule>& modules, const std::vector<double>& capacity);

}  // namespace vramcalc

// ---- the modules of a model in load order ------------------------------------------------------------
namespace vramcalc {

struct ModelModules {
    std::vector<SplitModule> modules;  // one per decoder layer (its cache included), then the head
    double embedding_bytes = 0;        // token (and position) embedding, kept apart (CPU-resident loaders)
    double extra_bytes = 0;            // vision tower and other non-LM weights (left out)
};

// Decoder layer l gets its tensors and cache_bytes_per_layer[l]; the last module holds the final norm
// and lm_head (an lm_head of `head_bits_if_tied` bits is added for tied embeddings when the loader
// keeps the embedding off the GPU: 16 = a half-precision copy).
// `tensors` is tensor_inventory(a), built once per model (ResolvedScenario::tensors).
ModelModules modules_in_load_order(const Architecture& a, const std::vector<TensorGroup>& tensors, const WeightFormat& w,
                                   const std::vector<double>& cache_bytes_per_layer, double head_bits_if_tied);

}  // namespace vramcalc
