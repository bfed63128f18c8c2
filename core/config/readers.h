// The section readers of parse_hf_config (core/config_parser.cpp), one per part of a config.json.
// Each fills its part of ModelInfo/Architecture and returns false with r.error set when a field is
// wrong; warnings name every default it assumed. Called in the order declared here.
#pragma once
#include <string>

#include "reader.h"

namespace vramcalc::config {

// Fields every reader may consult, settled by the first readers.
struct Family {
    std::string model_type;   // of the language model (text_config's when nested)
    bool falcon = false;
    bool qwen1 = false;
    bool chatglm = false;
    bool deepseek = false;    // deepseek_v2/v3/v32, kimi_k2, glm_moe_dsa: DeepSeek layer rules
};

Family read_family(Reader& r, Architecture& a, const std::string& model_type);

// hidden, layers, heads, vocab, KV heads, head_dim, MLP width, dtype (read_core.cpp)
bool read_core_sizes(Reader& r, Architecture& a, const Family& f);
// MLP kind, norm kind, fused QKV, biases, q/k norms, norms per layer, tied embeddings (read_core.cpp)
bool read_family_flags(Reader& r, Architecture& a, const Family& f);
// Multi-head latent attention and the DeepSeek sparse-attention indexer (read_mla.cpp)
bool read_mla(Reader& r, Architecture& a, const Family& f);
// Experts, shared experts and which layers are MoE (read_moe.cpp)
bool read_moe(Reader& r, Architecture& a, const Family& f);
// Which layers are full, sliding, linear or mixer-less; window sizes; Gemma 4 global heads,
// KV sharing (read_attention.cpp)
bool read_attention_pattern(Reader& r, Architecture& a, const Family& f);
// Linear-attention / Mamba / short-convolution state per layer (read_hybrid.cpp)
bool read_recurrent_state(Reader& r, Architecture& a, const Family& f);
// Per-layer embeddings, AltUp, LAuReL, multi-token prediction (read_extras.cpp)
bool read_extras(Reader& r, Architecture& a, const Family& f);
// max_position_embeddings and rope_scaling / rope_parameters (read_rope.cpp)
bool read_context(Reader& r, Architecture& a, const Family& f);
// vision_config / audio_config towers and projectors (read_vision.cpp)
bool read_towers(Reader& r, ModelInfo& m);
// Architectures whose cache this build cannot size: the reason, or "" (read_hybrid.cpp)
std::string unmodelled_cache_reason(const Reader& r, const Architecture& a, const Family& f);
// quantization_config -> a weight format id of core/data/formats.json (read_quant.cpp)
std::string format_from_quantization(const json& q, std::vector<std::string>& warnings);

}  // namespace vramcalc::config
