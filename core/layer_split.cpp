#include "layer_split.h"

namespace vramcalc {

LayerSplit split_in_order(const std::vector<SplitModule>& modules, const std::vector<double>& capacity) {
    LayerSplit out;
    out.devices.resize(capacity.empty() ? 1 : capacity.size());
    std::size_t d = 0;
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const double need = modules[i].weight_bytes + modules[i].cache_bytes;
        // Out of memory here: the loader unloads the module and tries the next device.
        while (d + 1 < out.devices.size() && !capacity.empty() &&
               out.devices[d].weight_bytes + out.devices[d].cache_bytes + need > capacity[d])
            ++d;
        DeviceShare& dev = out.devices[d];
        if (!capacity.empty() && dev.weight_bytes + dev.cache_bytes + need > capacity[d]) out.fits = false;
        if (dev.first < 0) dev.first = static_cast<std::int64_t>(i);
        dev.count += 1;
        dev.weight_bytes += modules[i].weight_bytes;
        dev.cache_bytes += modules[i].cache_bytes;
    }
    return out;
}

}  // namespace vramcalc

namespace vramcalc {

ModelModules modules_in_load_order(const Architecture& a, const std::vector<TensorGroup>& tensors, const WeightFormat& w,
                                   const std::vector<double>& cache_bytes_per_layer, double head_bits_if_tied) {
    ModelModules m;
    const std::size_t n = static_cast<std::size_t>(a.num_layers > 0 ? a.num_layers : 0);
    m.modules.resize(n + 1);
    for (std::size_t l = 0; l < n && l < cache_bytes_per_layer.size(); ++l) m.modules[l].cache_bytes = cache_bytes_per_layer[l];
    bool has_head = false;
    for (const TensorGroup& g : tensors) {
        const double bytes = static_cast<double>(tensor_bytes(w, g, a));
        if (g.role == TensorRole::TokenEmbedding || g.role == TensorRole::PositionEmbedding) m.embedding_bytes += bytes;
        else if (g.role == TensorRole::Extra) m.extra_bytes += bytes;
        else if (g.layer >= 0 && static_cast<std::size_t>(g.layer) < n) m.modules[static_cast<std::size_t>(g.layer)].weight_bytes += bytes;
        else m.modules[n].weight_bytes += bytes;
        has_head = has_head || g.role == TensorRole::LmHead;
    }
    if (!has_head && head_bits_if_tied > 0)
        m.modules[n].weight_bytes += static_cast<double>(a.vocab_size) * static_cast<double>(a.hidden_size) * head_bits_if_tied / 8.0;
    return m;
}

}  // namespace vramcalc
