#include "cache_support.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace vramcalc {

namespace {

bool has_mixerless_block(const Architecture& a) {
    return std::any_of(a.layer_attention.begin(), a.layer_attention.end(), [](LayerAttention x) { return x == LayerAttention::None; });
}

// Cache layouts an engine must model explicitly (EngineProfile::cache_features names those it does),
// each with what the refusal says when it does not.
struct CacheFeature {
    const char* id;
    bool (*present)(const Architecture&);
    std::string (*what)(const Architecture&);
};

const CacheFeature kFeatures[] = {
    {"kv_sharing", [](const Architecture& a) { return a.kv_shared_layers > 0; },
     [](const Architecture& a) { return "KV sharing across layers (num_kv_shared_layers " + std::to_string(a.kv_shared_layers) + ")"; }},
    {"layer_kv_geometry", [](const Architecture& a) { return a.global_head_dim > 0 || a.global_kv_heads > 0; },
     [](const Architecture&) {
         return std::string("full-attention layers with their own head size or KV heads (global_head_dim / num_global_key_value_heads)");
     }},
    {"dsa_indexer", [](const Architecture& a) { return a.has_dsa_indexer(); },
     [](const Architecture& a) {
         return "the sparse-attention indexer's key cache (index_head_dim " + std::to_string(a.index_head_dim) + " per token and layer)";
     }},
    {"parallel_ssm", [](const Architecture& a) { return a.parallel_ssm; },
     [](const Architecture&) { return std::string("parallel attention + Mamba-2 layers (a KV cache and an SSM state in every layer)"); }},
    {"short_conv", [](const Architecture& a) { return a.short_conv_kernel > 0; },
     [](const Architecture&) { return std::string("short-convolution layers (conv_L_cache state per sequence)"); }},
    {"cross_attention", [](const Architecture& a) { return !a.cross_attention_layers.empty(); },
     [](const Architecture& a) {
         return "cross-attention layers that cache the vision encoder's tokens (" + std::to_string(a.cross_attention_layers.size()) +
                " cross_attention_layers, " + std::to_string(a.cross_attention_tokens) + " tokens per image)";
     }},
    {"mixerless_blocks", has_mixerless_block,
     [](const Architecture&) { return std::string("blocks without attention or Mamba (hybrid_override_pattern '-'/'E' blocks)"); }},
};

bool engine_models(const EngineProfile& engine, std::string_view id) {
    return std::any_of(engine.cache_features.begin(), engine.cache_features.end(), [&](const char* f) { return id == f; });
}

}  // namespace

std::string unsupported_cache_reason(const Architecture& a, const EngineProfile& engine, const EngineRelease* release) {
    if (!a.unmodelled_cache.empty())
        return a.unmodelled_cache + "; no estimate is given rather than one computed as if it were a plain transformer";
    if (!engine.counts_kv_cache) return {};  // weights only: the tensor inventory covers these layouts
    if (release && engine.release_refusal)
        if (std::string why = engine.release_refusal(a, *release); !why.empty()) return why;
    for (const CacheFeature& f : kFeatures)
        if (f.present(a) && !engine_models(engine, f.id))
            return std::string(engine.name) + "'s accounting does not model " + f.what(a) +
                   " yet; choose --engine simple for the weights-only rule of thumb";
    return {};
}

std::string engines_answering(const Architecture& a, const EngineProfile& except) {
    thread_local bool listing = false;  // a profile's refusal asks this list; the profiles it asks must not
    if (listing) return {};
    listing = true;
    std::vector<std::string> names;
    for (const EngineProfile* p : engine_profiles())
        if (p != &except && p->counts_kv_cache && unsupported_cache_reason(a, *p, &newest_release(*p)).empty())
            names.push_back(p->name);
    listing = false;
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return text;
}

std::string refusal_with_alternatives(std::string why, const Architecture& a, const EngineProfile& except) {
    const std::string others = engines_answering(a, except);
    return others.empty() ? why : why + "; " + others + (others.find(" or ") == std::string::npos ? " answers it" : " answer it");
}

}  // namespace vramcalc
