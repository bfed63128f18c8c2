// KV-cache bytes per token, per layer type, as the engines store it; and the fixed per-sequence
// state of linear-attention / Mamba / short-convolution layers. Engine-independent sizes: what one
// token (or one sequence) needs, before any engine's paging, padding or pooling.
#pragma once
#include <cstdint>

#include "architecture.h"
#include "units.h"

namespace vramcalc {

// Bytes per token of one layer's cache on one rank. Full/sliding attention: kv_heads_per_rank x
// (K head dim + V head dim) x bytes, with the layer's own heads and head size (Gemma 4 full layers);
// MLA: (kv_lora_rank + qk_rope_head_dim) x bytes, not split by TP (every rank holds the latent).
// 0 for linear layers (their state is per sequence), mixer-less blocks and KV-shared layers.
double kv_bytes_per_token_layer(const Architecture& arch, std::int64_t layer, int tp, double kv_bits);

// Cross-attention layers (mllama): one layer's K/V bytes per vision token on one rank, and all of them
// for one image's cross_attention_tokens. kv_bytes_per_token_layer is 0 on these layers (no context).
double cross_attention_bytes_per_token_layer(const Architecture& arch, int tp, double kv_bits);
double cross_attention_bytes_per_image(const Architecture& arch, int tp, double kv_bits);

// Heads of K/V one TP rank holds: max(1, kv_heads / tp) (vLLM replicates when tp > kv_heads).
std::int64_t kv_heads_per_rank(const Architecture& arch, int tp);

// Whole model, unsharded, every layer as if full attention (the "per token" figure users know).
Bytes kv_bytes_per_token(const Architecture& arch, double kv_bits);

// DeepSeek sparse attention: the lightning indexer's key per token and layer (index_head_dim values),
// kept beside the MLA latent on every layer. 0 when the model has no indexer.
double indexer_bytes_per_token_layer(const Architecture& arch, double bits_per_value);

// Values of one linear layer's per-sequence state, unsharded:
// conv: the last kernel-1 inputs of the causal convolution; recurrent: the SSM / delta-rule state.
struct LinearStateValues {
    double conv = 0.0;
    double recurrent = 0.0;
};
LinearStateValues linear_state_values(const Architecture& arch);

// Bytes of that state with the conv part and the recurrent part at the given widths (the engines
// keep the SSM state in float32 when the config's mamba_ssm_dtype says so).
std::int64_t linear_state_bytes_per_layer(const Architecture& arch, double conv_bytes, double recurrent_bytes);

}  // namespace vramcalc
