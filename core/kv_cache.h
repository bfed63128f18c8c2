// KV-cache bytes per token, per layer type, as the engines store it.
#pragma once
#include <cstdint>

#include "architecture.h"
#include "units.h"

namespace vramcalc {

// Bytes per token of one layer's cache on one rank. Full/sliding attention: kv_heads_per_rank x
// (K head dim + V head dim) x bytes; MLA: (kv_lora_rank + qk_rope_head_dim) x bytes, not split by
// TP (every rank holds the latent). Linear layers: 0 (their state is per sequence).
double kv_bytes_per_token_layer(const Architecture& arch, std::int64_t layer, int tp, double kv_bits);

// Heads of K/V one TP rank holds: max(1, kv_heads / tp) (vLLM replicates when tp > kv_heads).
std::int64_t kv_heads_per_rank(const Architecture& arch, int tp);

// Whole model, unsharded, every layer as if full attention (the "per token" figure users know).
Bytes kv_bytes_per_token(const Architecture& arch, double kv_bits);

}  // namespace vramcalc
