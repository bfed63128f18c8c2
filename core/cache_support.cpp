#include "cache_support.h"

#include <algorithm>

namespace vramcalc {

namespace {

// Cache features the engines' accounting (core/engines/*.cpp) does not model yet; each needs the
// engine's own rule (vLLM KV-cache specs, llama.cpp per-layer widths, SGLang pools) in a follow-up.
std::string unmodelled_feature(const Architecture& a) {
    if (a.kv_shared_layers > 0)
        return "KV sharing across layers (num_kv_shared_layers " + std::to_string(a.kv_shared_layers) + ")";
    if (a.global_head_dim > 0 || a.global_kv_heads > 0)
        return "full-attention layers with their own head size or KV heads (global_head_dim / num_global_key_value_heads)";
    if (a.has_dsa_indexer())
        return "the sparse-attention indexer's key cache (index_head_dim " + std::to_string(a.index_head_dim) + " per token and layer)";
    if (a.parallel_ssm) return "parallel attention + Mamba-2 layers (a KV cache and an SSM state in every layer)";
    if (a.short_conv_kernel > 0) return "short-convolution layers (conv_L_cache state per sequence)";
    if (std::any_of(a.layer_attention.begin(), a.layer_attention.end(), [](LayerAttention x) { return x == LayerAttention::None; }))
        return "blocks without attention or Mamba (hybrid_override_pattern '-'/'E' blocks)";
    return {};
}

}  // namespace

std::string unsupported_cache_reason(const Architecture& a, const EngineProfile& engine) {
    if (!a.unmodelled_cache.empty())
        return a.unmodelled_cache + "; no estimate is given rather than one computed as if it were a plain transformer";
    if (!engine.counts_kv_cache) return {};  // weights only: the tensor inventory covers these layouts
    const std::string feature = unmodelled_feature(a);
    if (feature.empty()) return {};
    return std::string(engine.name) + "'s accounting does not model " + feature +
           " yet; choose --engine simple for the weights-only rule of thumb";
}

}  // namespace vramcalc
