// GGUF metadata -> config.json (see gguf_config.h). Key names: llama.cpp src/llama-arch.cpp
// LLM_KV_NAMES; the hparams they fill: src/llama-model.cpp load_hparams.
#include "gguf_config.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace vramcalc {

namespace {

using nlohmann::json;

struct ArchName {
    const char* gguf;
    const char* model_type;
    const char* hf_class;
};
// llama.cpp LLM_ARCH_NAMES -> transformers model_type (the family rules of config_parser.cpp).
constexpr ArchName kArchs[] = {
    {"llama", "llama", "LlamaForCausalLM"}, {"mistral3", "mistral", "MistralForCausalLM"},
    {"qwen2", "qwen2", "Qwen2ForCausalLM"}, {"qwen2moe", "qwen2_moe", "Qwen2MoeForCausalLM"},
    {"qwen3", "qwen3", "Qwen3ForCausalLM"}, {"qwen3moe", "qwen3_moe", "Qwen3MoeForCausalLM"},
    {"qwen3next", "qwen3_next", "Qwen3NextForCausalLM"}, {"gemma", "gemma", "GemmaForCausalLM"},
    {"gemma2", "gemma2", "Gemma2ForCausalLM"}, {"gemma3", "gemma3_text", "Gemma3ForCausalLM"},
    {"phi2", "phi", "PhiForCausalLM"}, {"phi3", "phi3", "Phi3ForCausalLM"}, {"phimoe", "phimoe", "PhiMoEForCausalLM"},
    {"gptneox", "gpt_neox", "GPTNeoXForCausalLM"}, {"falcon", "falcon", "FalconForCausalLM"},
    {"starcoder2", "starcoder2", "Starcoder2ForCausalLM"}, {"starcoder", "gpt_bigcode", "GPTBigCodeForCausalLM"},
    {"gpt2", "gpt2", "GPT2LMHeadModel"}, {"deepseek2", "deepseek_v3", "DeepseekV3ForCausalLM"},
    {"gpt-oss", "gpt_oss", "GptOssForCausalLM"}, {"command-r", "cohere", "CohereForCausalLM"},
    {"cohere2", "cohere2", "Cohere2ForCausalLM"}, {"olmo2", "olmo2", "Olmo2ForCausalLM"}, {"olmoe", "olmoe", "OlmoeForCausalLM"},
    {"granite", "granite", "GraniteForCausalLM"}, {"granitemoe", "granitemoe", "GraniteMoeForCausalLM"},
    {"granitehybrid", "granitemoehybrid", "GraniteMoeHybridForCausalLM"}, {"mamba", "mamba", "MambaForCausalLM"},
    {"mamba2", "mamba2", "Mamba2ForCausalLM"}, {"jamba", "jamba", "JambaForCausalLM"}, {"glm4", "glm4", "Glm4ForCausalLM"},
    {"glm4moe", "glm4_moe", "Glm4MoeForCausalLM"}, {"chatglm", "chatglm", "ChatGLMModel"},
    {"internlm2", "internlm2", "InternLM2ForCausalLM"}, {"exaone", "exaone", "ExaoneForCausalLM"},
    {"minicpm", "minicpm", "MiniCPMForCausalLM"}, {"stablelm", "stablelm", "StableLmForCausalLM"},
    {"smollm3", "smollm3", "SmolLM3ForCausalLM"}, {"llama4", "llama4_text", "Llama4ForCausalLM"},
    {"dots1", "dots1", "Dots1ForCausalLM"}, {"ernie4_5", "ernie4_5", "Ernie4_5ForCausalLM"},
    {"ernie4_5-moe", "ernie4_5_moe", "Ernie4_5_MoeForCausalLM"}, {"hunyuan-dense", "hunyuan_v1_dense", "HunYuanDenseV1ForCausalLM"},
    {"seed_oss", "seed_oss", "SeedOssForCausalLM"}, {"bloom", "bloom", "BloomForCausalLM"}, {"nemotron", "nemotron", "NemotronForCausalLM"},
    {"baichuan", "baichuan", "BaichuanForCausalLM"}, {"mpt", "mpt", "MptForCausalLM"},
};

// A scalar, or the largest entry of a per-layer array (llama.cpp accepts both for head counts and
// feed-forward lengths: get_key_or_arr).
std::optional<std::int64_t> key_or_max(const GgufHeader& h, const std::string& key) {
    const GgufValue* v = h.find(key);
    if (!v || !v->is_numeric()) return std::nullopt;
    if (!v->is_array) return h.integer(key);
    double m = 0;
    for (double x : v->numbers) m = std::max(m, x);
    if (v->numbers.empty() || m <= 0 || m > 1e9) return std::nullopt;
    return static_cast<std::int64_t>(m);
}

const GgufTensorInfo* find_tensor(const std::vector<GgufHeader>& parts, const std::string& name) {
    for (const GgufHeader& h : parts)
        for (const GgufTensorInfo& t : h.tensors)
            if (t.name == name) return &t;
    return nullptr;
}

// The type most 2-D weight bytes are stored in: the format when general.file_type is missing.
std::string dominant_format(const std::vector<GgufHeader>& parts) {
    std::map<int, double> bytes;
    for (const GgufHeader& h : parts)
        for (const GgufTensorInfo& t : h.tensors)
            if (t.n_dims >= 2) bytes[static_cast<int>(t.type)] += static_cast<double>(t.bytes);
    int best = -1;
    double most = -1;
    for (const auto& [type, b] : bytes)
        if (b > most) most = b, best = type;
    switch (static_cast<GgmlType>(best < 0 ? 1 : best)) {
        case GgmlType::F32: return "fp32";
        case GgmlType::BF16: return "gguf-bf16";
        case GgmlType::Q8_0: return "gguf-q8_0";
        case GgmlType::Q6_K: return "gguf-q6_k";
        case GgmlType::Q5_K: return "gguf-q5_k_m";
        case GgmlType::Q5_0: return "gguf-q5_0";
        case GgmlType::Q5_1: return "gguf-q5_1";
        case GgmlType::Q4_K: return "gguf-q4_k_m";
        case GgmlType::Q4_0: return "gguf-q4_0";
        case GgmlType::Q4_1: return "gguf-q4_1";
        case GgmlType::Q3_K: return "gguf-q3_k_m";
        case GgmlType::Q2_K: return "gguf-q2_k";
        case GgmlType::IQ4_XS: return "gguf-iq4_xs";
        case GgmlType::IQ4_NL: return "gguf-iq4_nl";
        case GgmlType::IQ3_S: return "gguf-iq3_s";
        case GgmlType::IQ3_XXS: return "gguf-iq3_xxs";
        case GgmlType::IQ2_S: return "gguf-iq2_s";
        case GgmlType::IQ2_XS: return "gguf-iq2_xs";
        case GgmlType::IQ2_XXS: return "gguf-iq2_xxs";
        case GgmlType::IQ1_S: return "gguf-iq1_s";
        case GgmlType::IQ1_M: return "gguf-iq1_m";
        case GgmlType::TQ1_0: return "gguf-tq1_0";
        case GgmlType::TQ2_0: return "gguf-tq2_0";
        case GgmlType::MXFP4: return "gguf-mxfp4";
        default: return "gguf-f16";
    }
}

void add_ssm(const GgufHeader& h, const std::string& A, const std::string& model_type, json& c) {
    const auto conv = h.integer(A + ".ssm.conv_kernel");
    const auto inner = h.integer(A + ".ssm.inner_size");
    const auto state = h.integer(A + ".ssm.state_size");
    const auto rank = h.integer(A + ".ssm.time_step_rank");
    const auto groups = h.integer(A + ".ssm.group_count");
    if (!conv && !inner && !state) return;
    if (conv) c["conv_kernel"] = *conv;
    if (model_type == "qwen3_next") {
        // llama-model.cpp LLM_ARCH_QWEN3NEXT: state_size = head_k_dim, group_count = num_k_heads,
        // time_step_rank = num_v_heads, inner_size = num_v_heads x head_v_dim.
        if (groups) c["linear_num_key_heads"] = *groups;
        if (rank) c["linear_num_value_heads"] = *rank;
        if (state) c["linear_key_head_dim"] = *state;
        if (inner && rank && *rank > 0) c["linear_value_head_dim"] = *inner / *rank;
        if (conv) c["linear_conv_kernel_dim"] = *conv;
        return;
    }
    if (state) c["mamba_d_state"] = *state;
    if (inner) c["mamba_intermediate_size"] = *inner;
    if (model_type == "mamba2" || model_type == "granitemoehybrid") {
        // Mamba-2: time_step_rank holds the number of SSM heads.
        if (rank && *rank > 0) {
            c["mamba_n_heads"] = *rank;
            if (inner) c["mamba_d_head"] = *inner / *rank;
        }
        if (groups) c["mamba_n_groups"] = *groups;
    } else if (rank) {
        c["time_step_rank"] = *rank;
    }
}

// Per-layer attention kinds the metadata spells out: a zero KV-head count marks a recurrent layer
// (llama.cpp hparams.recurrent_layer_arr), a sliding_window_pattern bool array the sliding layers.
void add_layer_types(const GgufHeader& h, const std::string& A, std::int64_t n_layer, json& c) {
    const GgufValue* kv = h.find(A + ".attention.head_count_kv");
    const GgufValue* swa = h.find(A + ".attention.sliding_window_pattern");
    const bool kv_arr = kv && kv->is_array && static_cast<std::int64_t>(kv->numbers.size()) == n_layer;
    const bool swa_arr = swa && swa->is_array && static_cast<std::int64_t>(swa->numbers.size()) == n_layer;
    if (!kv_arr && !swa_arr) return;
    json types = json::array();
    bool any = false;
    for (std::int64_t i = 0; i < n_layer; ++i) {
        const auto idx = static_cast<std::size_t>(i);
        std::string t = "full_attention";
        if (kv_arr && kv->numbers[idx] == 0) t = "mamba";
        else if (swa_arr && swa->numbers[idx] != 0) t = "sliding_attention";
        any = any || t != "full_attention";
        types.push_back(t);
    }
    if (any) c["layer_types"] = types;
}

}  // namespace

std::string gguf_format_from_file_type(std::int64_t ft) {
    // llama.h enum llama_ftype (LLAMA_FTYPE_GUESSED = 1024 flags a guessed type)
    switch (ft & ~std::int64_t{1024}) {
        case 0: return "fp32";
        case 1: return "gguf-f16";
        case 2: return "gguf-q4_0";
        case 3: return "gguf-q4_1";
        case 7: return "gguf-q8_0";
        case 8: return "gguf-q5_0";
        case 9: return "gguf-q5_1";
        case 10: return "gguf-q2_k";
        case 11: return "gguf-q3_k_s";
        case 12: return "gguf-q3_k_m";
        case 13: return "gguf-q3_k_l";
        case 14: return "gguf-q4_k_s";
        case 15: return "gguf-q4_k_m";
        case 16: return "gguf-q5_k_s";
        case 17: return "gguf-q5_k_m";
        case 18: return "gguf-q6_k";
        case 19: return "gguf-iq2_xxs";
        case 20: return "gguf-iq2_xs";
        case 21: return "gguf-q2_k_s";
        case 22: return "gguf-iq3_xs";
        case 23: return "gguf-iq3_xxs";
        case 24: return "gguf-iq1_s";
        case 25: return "gguf-iq4_nl";
        case 26: return "gguf-iq3_s";
        case 27: return "gguf-iq3_m";
        case 28: return "gguf-iq2_s";
        case 29: return "gguf-iq2_m";
        case 30: return "gguf-iq4_xs";
        case 31: return "gguf-iq1_m";
        case 32: return "gguf-bf16";
        case 36: return "gguf-tq1_0";
        case 37: return "gguf-tq2_0";
        case 38: return "gguf-mxfp4";
        default: return "";
    }
}

GgufModelInfo gguf_model_info(const std::vector<GgufHeader>& parts) {
    GgufModelInfo info;
    if (parts.empty()) return info.error = "no GGUF file", info;
    const GgufHeader& h = parts.front();
    const std::string A = h.text("general.architecture");
    info.architecture = A;
    info.name = h.text("general.name");
    info.split_count = static_cast<int>(std::clamp<std::int64_t>(h.integer("split.count").value_or(1), 1, 100000));
    info.split_no = static_cast<int>(std::clamp<std::int64_t>(h.integer("split.no").value_or(0), 0, 100000));
    if (A.empty()) return info.error = "general.architecture is missing: not a llama.cpp model file", info;
    if (A == "clip") return info.error = "this is a vision projector (mmproj) file: give it beside the model's GGUF (--mmproj)", info;
    if (auto ft = h.integer("general.file_type")) info.format = gguf_format_from_file_type(*ft);
    if (info.format.empty()) {
        info.format = dominant_format(parts);
        info.notes.push_back("general.file_type unknown: labelled " + info.format + " after its most common tensor type");
    }

    const auto block_count = h.integer(A + ".block_count");
    const auto hidden = h.integer(A + ".embedding_length");
    const auto heads = key_or_max(h, A + ".attention.head_count");
    if (!block_count || !hidden || !heads)
        return info.error = "the metadata lacks " + A + (!block_count ? ".block_count" : !hidden ? ".embedding_length" : ".attention.head_count"), info;
    // The same range a config.json's num_hidden_layers is held to (docs/config-fields.md).
    if (*block_count < 1 || *block_count > 10000)
        return info.error = A + ".block_count is " + std::to_string(*block_count) + ": a model has 1 to 10000 layers", info;
    const std::int64_t nextn = std::clamp<std::int64_t>(h.integer(A + ".nextn_predict_layers").value_or(0), 0, *block_count);
    info.num_layers = std::max<std::int64_t>(1, *block_count - nextn);
    if (nextn > 0) info.notes.push_back(std::to_string(nextn) + " multi-token-prediction layer(s) not loaded by llama.cpp: left out");

    std::string model_type = A, hf_class;
    for (const ArchName& a : kArchs)
        if (A == a.gguf) model_type = a.model_type, hf_class = a.hf_class;

    json c = json::object();
    c["model_type"] = model_type;
    if (!hf_class.empty()) c["architectures"] = json::array({hf_class});
    c["_name_or_path"] = info.name.empty() ? A : info.name;
    c["torch_dtype"] = "bfloat16";
    c["num_hidden_layers"] = info.num_layers;
    c["hidden_size"] = *hidden;
    c["num_attention_heads"] = *heads;
    if (auto kv = key_or_max(h, A + ".attention.head_count_kv")) c["num_key_value_heads"] = *kv;
    if (auto ff = key_or_max(h, A + ".feed_forward_length")) c["intermediate_size"] = *ff;
    if (auto ctx = h.integer(A + ".context_length")) c["max_position_embeddings"] = *ctx;
    if (auto kl = h.integer(A + ".attention.key_length")) c["head_dim"] = *kl;
    if (auto sw = h.integer(A + ".attention.sliding_window"); sw && *sw > 0) c["sliding_window"] = *sw;
    if (auto pat = h.integer(A + ".attention.sliding_window_pattern"); pat && *pat > 0) c["sliding_window_pattern"] = *pat;

    // Vocabulary: <arch>.vocab_size, else the tokenizer's token list, else token_embd's rows.
    std::optional<std::int64_t> vocab = h.integer(A + ".vocab_size");
    if (const GgufValue* toks = h.find("tokenizer.ggml.tokens"); !vocab && toks && toks->is_array) vocab = static_cast<std::int64_t>(toks->count);
    const GgufTensorInfo* embd = find_tensor(parts, "token_embd.weight");
    if (!vocab && embd) vocab = embd->ne[1];
    if (vocab) c["vocab_size"] = *vocab;
    c["tie_word_embeddings"] = find_tensor(parts, "output.weight") == nullptr;
    if (find_tensor(parts, "blk.0.attn_q.bias") || find_tensor(parts, "blk.0.attn_qkv.bias")) c["attention_bias"] = true;

    // Mixture of experts
    if (auto e = h.integer(A + ".expert_count"); e && *e > 1) {
        c["num_experts"] = *e;
        c["num_experts_per_tok"] = h.integer(A + ".expert_used_count").value_or(1);
        std::optional<std::int64_t> eff = h.integer(A + ".expert_feed_forward_length");
        for (std::int64_t l = 0; !eff && l < info.num_layers; ++l)
            if (const GgufTensorInfo* t = find_tensor(parts, "blk." + std::to_string(l) + ".ffn_gate_exps.weight")) eff = t->ne[1];
        if (eff) c["moe_intermediate_size"] = *eff;
        if (auto sh = h.integer(A + ".expert_shared_count"); sh && *sh > 0) c["n_shared_experts"] = *sh;
        if (auto shf = h.integer(A + ".expert_shared_feed_forward_length"); shf && *shf > 0) c["shared_expert_intermediate_size"] = *shf;
        if (auto lead = h.integer(A + ".leading_dense_block_count"); lead && *lead > 0) c["first_k_dense_replace"] = *lead;
        if (auto step = h.integer(A + ".interleave_moe_layer_step"); step && *step > 1) c["interleave_moe_layer_step"] = *step;
    }
    // Multi-head latent attention (deepseek2): the cache holds kv_lora_rank + rope dims.
    if (auto kvr = h.integer(A + ".attention.kv_lora_rank"); kvr && *kvr > 0) {
        const std::int64_t rope = h.integer(A + ".rope.dimension_count").value_or(64);
        const auto kl = h.integer(A + ".attention.key_length_mla") ? h.integer(A + ".attention.key_length_mla") : h.integer(A + ".attention.key_length");
        const auto vl = h.integer(A + ".attention.value_length_mla") ? h.integer(A + ".attention.value_length_mla") : h.integer(A + ".attention.value_length");
        c["kv_lora_rank"] = *kvr;
        // Files converted before llama.cpp's MLA split keep attn_kv_b whole and lack key_length_mla;
        // deepseek2 then leaves is_mla() false (src/llama-hparams.cpp) and caches full per-head K and V.
        info.unsplit_mla = !h.integer(A + ".attention.key_length_mla") || !h.integer(A + ".attention.value_length_mla");
        if (info.unsplit_mla)
            info.notes.push_back("converted before llama.cpp's MLA split (no attention.key_length_mla): llama.cpp caches "
                                 "full per-head K and V, not the MLA latent; re-converting the model shrinks its KV cache");
        c["q_lora_rank"] = h.integer(A + ".attention.q_lora_rank").value_or(0);
        c["qk_rope_head_dim"] = rope;
        c["qk_nope_head_dim"] = std::max<std::int64_t>(1, kl.value_or(rope + 128) - rope);
        if (vl) c["v_head_dim"] = *vl;
        c.erase("head_dim");
    }
    if (auto interval = h.integer(A + ".full_attention_interval"); interval && *interval > 0) c["full_attention_interval"] = *interval;
    add_ssm(h, A, model_type, c);
    add_layer_types(h, A, info.num_layers, c);

    info.config_json = c.dump(2);
    info.ok = true;
    return info;
}

}  // namespace vramcalc
