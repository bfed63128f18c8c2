#include "kv_cache.h"

#include <algorithm>

namespace vramcalc {

std::int64_t kv_heads_per_rank(const Architecture& arch, int tp) {
    // vLLM QKVParallelLinear: with tp > num_kv_heads each KV head is replicated, so a rank holds one.
    const std::int64_t t = std::max(1, tp);
    return std::max<std::int64_t>(1, arch.num_kv_heads / t);
}

double kv_bytes_per_token_layer(const Architecture& arch, std::int64_t layer, int tp, double kv_bits) {
    if (layer >= 0 && layer < static_cast<std::int64_t>(arch.layer_attention.size()) &&
        arch.layer_attention[static_cast<std::size_t>(layer)] == LayerAttention::Linear)
        return 0.0;
    const double bytes_per_value = kv_bits / 8.0;
    if (arch.is_mla()) {
        // vLLM MLAAttentionSpec: one latent (kv_lora_rank + qk_rope_head_dim) per token and layer,
        // replicated on every TP rank.
        return static_cast<double>(arch.kv_lora_rank + arch.qk_rope_head_dim) * bytes_per_value;
    }
    const double width = static_cast<double>(kv_heads_per_rank(arch, tp)) *
                         static_cast<double>(arch.head_dim + arch.value_head_dim());
    return width * bytes_per_value;
}

Bytes kv_bytes_per_token(const Architecture& arch, double kv_bits) {
    double total = 0.0;
    for (std::int64_t l = 0; l < arch.num_layers; ++l) total += kv_bytes_per_token_layer(arch, l, 1, kv_bits);
    return bytes_from(total);
}

}  // namespace vramcalc
