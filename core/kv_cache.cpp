#include "kv_cache.h"
#include "checked.h"

#include <algorithm>

namespace vramcalc {

std::int64_t Architecture::layer_kv_heads(std::int64_t layer) const {
    const bool full = layer >= 0 && layer < static_cast<std::int64_t>(layer_attention.size()) &&
                      layer_attention[static_cast<std::size_t>(layer)] == LayerAttention::Full;
    return full && global_kv_heads > 0 ? global_kv_heads : num_kv_heads;
}

std::int64_t Architecture::layer_head_dim(std::int64_t layer) const {
    const bool full = layer >= 0 && layer < static_cast<std::int64_t>(layer_attention.size()) &&
                      layer_attention[static_cast<std::size_t>(layer)] == LayerAttention::Full;
    return full && global_head_dim > 0 ? global_head_dim : head_dim;
}

std::int64_t kv_heads_per_rank(const Architecture& arch, int tp) {
    // vLLM QKVParallelLinear: with tp > num_kv_heads each KV head is replicated, so a rank holds one.
    const std::int64_t t = std::max(1, tp);
    return std::max<std::int64_t>(1, arch.num_kv_heads / t);
}

double kv_bytes_per_token_layer(const Architecture& arch, std::int64_t layer, int tp, double kv_bits) {
    if (layer >= 0 && layer < static_cast<std::int64_t>(arch.layer_attention.size())) {
        const LayerAttention la = arch.layer_attention[static_cast<std::size_t>(layer)];
        if (la == LayerAttention::Linear || la == LayerAttention::None) return 0.0;
    }
    if (arch.is_kv_shared_layer(layer)) return 0.0;  // reads an earlier layer's K/V
    if (arch.is_cross_attention_layer(layer)) return 0.0;  // holds the image's tokens, not the context's
    const double bytes_per_value = kv_bits / 8.0;
    if (arch.is_mla()) {
        // vLLM MLAAttentionSpec: one latent (kv_lora_rank + qk_rope_head_dim) per token and layer,
        // replicated on every TP rank.
        return static_cast<double>(arch.kv_lora_rank + arch.qk_rope_head_dim) * bytes_per_value;
    }
    const std::int64_t heads = std::max<std::int64_t>(1, arch.layer_kv_heads(layer) / std::max(1, tp));
    const std::int64_t hd = arch.layer_head_dim(layer);
    // V head size follows K's on layers with their own geometry (Gemma 4 global layers: K doubles as V).
    const std::int64_t vhd = hd != arch.head_dim ? hd : arch.value_head_dim();
    return static_cast<double>(heads) * static_cast<double>(hd + vhd) * bytes_per_value;
}

double cross_attention_bytes_per_token_layer(const Architecture& arch, int tp, double kv_bits) {
    if (arch.cross_attention_layers.empty()) return 0.0;
    const std::int64_t heads = std::max<std::int64_t>(1, arch.num_kv_heads / std::max(1, tp));
    return static_cast<double>(heads) * static_cast<double>(arch.head_dim + arch.value_head_dim()) * kv_bits / 8.0;
}

double cross_attention_bytes_per_image(const Architecture& arch, int tp, double kv_bits) {
    return cross_attention_bytes_per_token_layer(arch, tp, kv_bits) * static_cast<double>(arch.cross_attention_layers.size()) *
           static_cast<double>(arch.cross_attention_tokens);
}

Bytes kv_bytes_per_token(const Architecture& arch, double kv_bits) {
    double total = 0.0;
    for (std::int64_t l = 0; l < arch.num_layers; ++l) total += kv_bytes_per_token_layer(arch, l, 1, kv_bits);
    return bytes_from(total);
}

double indexer_bytes_per_token_layer(const Architecture& arch, double bits_per_value) {
    // DeepSeek-V3.2-Exp inference/model.py Indexer: k_cache [max_batch, max_seq, index_head_dim] per layer.
    return arch.has_dsa_indexer() ? static_cast<double>(arch.index_head_dim) * bits_per_value / 8.0 : 0.0;
}

LinearStateValues linear_state_values(const Architecture& a) {
    LinearStateValues v;
    const double k = static_cast<double>(std::max<std::int64_t>(1, a.linear_conv_kernel) - 1);
    if (a.short_conv_kernel > 0) {
        // LFM2 short convolution (vLLM MambaStateShapeCalculator.short_conv_state_shape):
        // conv state hidden x (L_cache - 1), no recurrent state.
        v.conv = static_cast<double>(a.hidden_size) * static_cast<double>(a.short_conv_kernel - 1);
    } else if (a.linear_key_heads > 0 && a.linear_value_heads > 0) {
        // Gated DeltaNet (gated_delta_net_state_shape): conv (2 x key_dim + value_dim) x (kernel - 1);
        // recurrent num_value_heads x key_head_dim x value_head_dim.
        const double key_dim = static_cast<double>(a.linear_key_heads) * static_cast<double>(a.linear_key_head_dim);
        const double value_dim = static_cast<double>(a.linear_value_heads) * static_cast<double>(a.linear_value_head_dim);
        v.conv = (2.0 * key_dim + value_dim) * k;
        v.recurrent = static_cast<double>(a.linear_value_heads) * static_cast<double>(a.linear_key_head_dim) *
                      static_cast<double>(a.linear_value_head_dim);
    } else if (a.mamba_heads > 0) {
        // Mamba-2 (mamba2_state_shape): conv (d_inner + 2 x n_groups x d_state) x (d_conv - 1);
        // SSM n_heads x head_dim x d_state.
        const double head_dim = static_cast<double>(a.mamba_d_inner) / static_cast<double>(a.mamba_heads);
        v.conv = static_cast<double>(a.mamba_d_inner + 2 * a.mamba_groups * a.mamba_d_state) * k;
        v.recurrent = static_cast<double>(a.mamba_heads) * head_dim * static_cast<double>(a.mamba_d_state);
    } else if (a.mamba_d_inner > 0) {
        // Mamba-1 (mamba1_state_shape): conv d_inner x (d_conv - 1), SSM d_inner x d_state.
        v.conv = static_cast<double>(a.mamba_d_inner) * k;
        v.recurrent = static_cast<double>(a.mamba_d_inner) * static_cast<double>(a.mamba_d_state);
    }
    return v;
}

std::int64_t linear_state_bytes_per_layer(const Architecture& a, double conv_bytes, double recurrent_bytes) {
    const LinearStateValues v = linear_state_values(a);
    return saturating_floor_count(v.conv * conv_bytes + v.recurrent * recurrent_bytes);
}

}  // namespace vramcalc
