// Which layers attend how: full, sliding window, linear/recurrent or no mixer at all, from
// layer_types when the config lists them, else each family's rule; the window; and the geometry
// that differs per layer (Gemma 4 global heads, Gemma 3n/4 KV sharing).
#include <algorithm>

#include "readers.h"

namespace vramcalc::config {

namespace {

LayerAttention attention_from_type(const std::string& t, bool& known) {
    known = true;
    if (t == "full_attention" || t == "attention" || t == "global" || t == "full") return LayerAttention::Full;
    if (t == "sliding_attention" || t == "local" || t == "sliding" || t == "chunked_attention") return LayerAttention::Sliding;
    if (t == "linear_attention" || t == "mamba" || t == "mamba2" || t == "linear" || t == "recurrent" || t == "conv" ||
        t == "ssm")
        return LayerAttention::Linear;
    known = false;
    return LayerAttention::Full;
}

void set_layers(Architecture& a, LayerAttention kind, auto pred) {
    for (std::int64_t i = 0; i < a.num_layers; ++i)
        if (pred(i)) a.layer_attention[static_cast<std::size_t>(i)] = kind;
}

// Nemotron-H hybrid_override_pattern: one character per block, 'M' Mamba-2, '*' attention, '-' MLP,
// 'E' MoE (configuration_nemotron_h.py layers_block_type). A block has one mixer: attention and Mamba
// blocks carry no MLP, MLP and MoE blocks no cache.
bool read_block_pattern(Reader& r, Architecture& a, const std::string& pattern) {
    if (static_cast<std::int64_t>(pattern.size()) != a.num_layers) {
        r.fail("hybrid_override_pattern has " + std::to_string(pattern.size()) + " blocks, num_hidden_layers is " +
               std::to_string(a.num_layers));
        return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto l = static_cast<std::int64_t>(i);
        switch (pattern[i]) {
            case 'M': a.layer_attention[i] = LayerAttention::Linear; a.no_ffn_layers.push_back(l); break;
            case '*': a.layer_attention[i] = LayerAttention::Full; a.no_ffn_layers.push_back(l); break;
            case '-': a.layer_attention[i] = LayerAttention::None; a.mlp_only_layers.push_back(l); break;
            case 'E': a.layer_attention[i] = LayerAttention::None; break;
            default:
                r.fail(std::string("hybrid_override_pattern has an unknown block '") + pattern[i] + "' (M, *, - or E)");
                return false;
        }
    }
    return true;
}

// The family rules when no layer_types list is given.
void family_pattern(Reader& r, Architecture& a, const std::string& mt, std::int64_t& win) {
    const bool use_sw = r.boolean({"use_sliding_window"}).value_or(true);
    auto sliding = [&](auto pred) { set_layers(a, LayerAttention::Sliding, pred); };
    if (mt == "gemma2") {
        // Gemma2Config.layer_types: "sliding_attention" if (i + 1) % 2 else "full" -> even layers local.
        if (win > 0) sliding([](std::int64_t i) { return (i + 1) % 2 != 0; });
    } else if (one_of(mt, {"gemma3_text", "cohere2", "gemma3n_text", "gemma4_text"})) {
        // Gemma3TextConfig / Cohere2Config / Gemma3nTextConfig: sliding unless (i + 1) % pattern == 0.
        const std::int64_t def = mt == "cohere2" ? 4 : mt == "gemma3n_text" ? 5 : 6;
        std::int64_t pattern = r.soft_integer({"sliding_window_pattern", "_sliding_window_pattern"}).value_or(def);
        if (mt == "gemma3_text" && win <= 0) win = 4096;
        if (pattern > 0 && win > 0) sliding([&](std::int64_t i) { return (i + 1) % pattern != 0; });
    } else if (mt == "gpt_oss") {
        if (win > 0) sliding([](std::int64_t i) { return i % 2 == 0; });
    } else if (mt == "llama4_text") {
        // Llama 4: RoPE layers use chunked local attention (attention_chunk_size); every 4th layer
        // (no_rope_layers[i] == 0) is global NoPE attention (modeling_llama4.py Llama4TextAttention).
        std::int64_t chunk = r.soft_integer({"attention_chunk_size"}).value_or(0);
        const json* nrl = r.find({"no_rope_layers"}, false);
        if (chunk > 0) {
            win = chunk;
            if (nrl && nrl->is_array() && static_cast<std::int64_t>(nrl->size()) == a.num_layers)
                sliding([&](std::int64_t i) {
                    const json& v = (*nrl)[static_cast<std::size_t>(i)];
                    return v.is_number() && v.get<double>() != 0.0;
                });
            else
                sliding([](std::int64_t i) { return (i + 1) % 4 != 0; });
        }
    } else if (one_of(mt, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen2_vl", "qwen2_5_vl"})) {
        // Qwen2Config: sliding only when use_sliding_window, for layers >= max_window_layers.
        if (use_sw && win > 0) {
            std::int64_t mwl = r.soft_integer({"max_window_layers"}).value_or(0);
            sliding([&](std::int64_t i) { return i >= mwl; });
        } else {
            win = 0;
        }
    } else if (one_of(mt, {"qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"})) {
        // Qwen3NextConfig.layer_types: linear_attention unless (i + 1) % full_attention_interval == 0.
        std::int64_t interval = r.soft_integer({"full_attention_interval"}).value_or(4);
        if (interval > 0) set_layers(a, LayerAttention::Linear, [&](std::int64_t i) { return (i + 1) % interval != 0; });
        win = 0;
    } else if (mt == "jamba") {
        std::int64_t period = std::max<std::int64_t>(1, r.soft_integer({"attn_layer_period"}).value_or(8));
        std::int64_t offset = r.soft_integer({"attn_layer_offset"}).value_or(4);
        set_layers(a, LayerAttention::Linear, [&](std::int64_t i) { return i % period != offset; });
    } else if (one_of(mt, {"mamba", "mamba2"})) {
        set_layers(a, LayerAttention::Linear, [](std::int64_t) { return true; });
    } else if (mt == "exaone4") {
        // Exaone4Config: sliding_window_pattern "LLLG" (Local/Global) repeated over the layers, or a
        // number N (every Nth layer global, as Gemma 3).
        const std::string p = r.str({"sliding_window_pattern"});
        const std::int64_t every = p.empty() ? r.soft_integer({"sliding_window_pattern"}).value_or(0) : 0;
        if (!p.empty() && win > 0)
            sliding([&](std::int64_t i) { return p[static_cast<std::size_t>(i) % p.size()] == 'L'; });
        else if (every > 0 && win > 0)
            sliding([&](std::int64_t i) { return (i + 1) % every != 0; });
        else
            win = 0;
    } else if (one_of(mt, {"llama", "gemma", "deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2", "olmo2", "granite",
                           "cohere", "smollm3", "minimax_m2", "nemotron_h", "glm_moe_dsa"})) {
        win = 0;  // these attention classes ignore a sliding_window key
    } else if (use_sw && win > 0) {
        // Mistral v0.1, Mixtral, Phi-3, Starcoder2: one window on every layer (vLLM takes
        // hf_text_config.sliding_window for the whole model when no layer_types exist).
        sliding([](std::int64_t) { return true; });
    }
}

// Gemma 4 (modeling_gemma4 / mlx-lm gemma4_text.py Attention): full-attention layers use
// global_head_dim, and with attention_k_eq_v num_global_key_value_heads K heads that double as V.
// Gemma 3n / Gemma 4 num_kv_shared_layers: the last layers read the K/V of the last earlier layer
// of their type and keep none of their own.
bool read_layer_geometry(Reader& r, Architecture& a) {
    auto ghd = r.integer({"global_head_dim"});
    auto gkv = r.integer({"num_global_key_value_heads"});
    auto shared = r.integer({"num_kv_shared_layers"});
    if (!r.ok()) return false;
    a.k_eq_v = r.boolean({"attention_k_eq_v"}).value_or(false);
    if (ghd && *ghd != a.head_dim) a.global_head_dim = *ghd;
    if (a.k_eq_v && gkv && *gkv != a.num_kv_heads) a.global_kv_heads = *gkv;
    if (shared && *shared > 0) {
        if (*shared >= a.num_layers) {
            r.fail("num_kv_shared_layers " + std::to_string(*shared) + " must be below num_hidden_layers " +
                   std::to_string(a.num_layers));
            return false;
        }
        a.kv_shared_layers = *shared;
    }
    a.double_wide_shared_mlp = a.model_type == "gemma4_text" && a.kv_shared_layers > 0 &&
                               r.boolean({"use_double_wide_mlp"}).value_or(false);
    return true;
}

}  // namespace

bool read_attention_pattern(Reader& r, Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    a.layer_attention.assign(static_cast<std::size_t>(a.num_layers), LayerAttention::Full);
    std::int64_t win = r.soft_integer({"sliding_window", "sliding_window_size", "attention_window_size"}).value_or(0);
    const json* lt = r.find({"layer_types", "layers_block_type"}, false);
    std::string block_pattern = r.str({"hybrid_override_pattern"}, false);
    if (block_pattern.empty() && mt == "nemotron_h" && lt && lt->is_array()) {
        // Newer Nemotron-H configs spell the pattern as layers_block_type words.
        for (const json& w : *lt) {
            const std::string t = w.is_string() ? w.get<std::string>() : std::string();
            block_pattern += t == "mamba" ? 'M' : t == "attention" ? '*' : t == "mlp" ? '-' : t == "moe" ? 'E' : '?';
        }
    }
    if (!block_pattern.empty()) {
        if (!read_block_pattern(r, a, block_pattern)) return false;
        win = 0;
    } else if (lt && lt->is_array() && static_cast<std::int64_t>(lt->size()) == a.num_layers) {
        bool all_known = true;
        for (std::size_t i = 0; i < lt->size(); ++i) {
            bool known = false;
            std::string t = (*lt)[i].is_string() ? lower((*lt)[i].get<std::string>()) : std::string();
            a.layer_attention[i] = attention_from_type(t, known);
            all_known = all_known && known;
        }
        if (!all_known) r.warn("layer_types has unknown entries: read as full attention");
        if (mt == "llama4_text" && win <= 0) win = r.soft_integer({"attention_chunk_size"}).value_or(0);
    } else {
        if (lt) r.warn("layer_types length differs from num_hidden_layers: ignored");
        family_pattern(r, a, mt, win);
    }
    const bool any_sliding = std::any_of(a.layer_attention.begin(), a.layer_attention.end(),
                                         [](LayerAttention x) { return x == LayerAttention::Sliding; });
    if (any_sliding) {
        if (win <= 0) {
            r.warn("sliding layers without a sliding_window size: read as full attention");
            std::replace(a.layer_attention.begin(), a.layer_attention.end(), LayerAttention::Sliding, LayerAttention::Full);
        } else if (win >= a.max_context && a.max_context > 0) {
            // A window at least as long as the context behaves as full attention.
            std::replace(a.layer_attention.begin(), a.layer_attention.end(), LayerAttention::Sliding, LayerAttention::Full);
            a.sliding_window = win;
        } else {
            a.sliding_window = win;
        }
    }
    return read_layer_geometry(r, a);
}

}  // namespace vramcalc::config
