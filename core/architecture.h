// A model's architecture as a Hugging Face config.json describes it, normalised across families.
// Plain data: parsing lives in config_parser.cpp, counting in tensors.cpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vramcalc {

enum class LayerAttention { Full, Sliding, Linear };  // Linear: recurrent / linear-attention state

enum class MlpKind { Gated, Plain };  // Gated: gate+up+down (SwiGLU/GeGLU); Plain: up+down (GELU MLP)
enum class NormKind { RmsNorm, LayerNorm };  // LayerNorm carries a bias as well as a weight

struct Architecture {
    std::string model_type;    // HF model_type of the language model ("llama", "qwen2", "deepseek_v3", ...)
    std::string architecture;  // HF architectures[0]
    std::string torch_dtype = "bfloat16";

    std::int64_t hidden_size = 0;
    std::int64_t num_layers = 0;
    std::int64_t num_heads = 0;
    std::int64_t num_kv_heads = 0;      // == num_heads for MHA, 1 for MQA
    std::int64_t head_dim = 0;          // explicit head_dim where given, else hidden/heads
    std::int64_t v_head_dim = 0;        // value head dim (differs from head_dim in MLA); 0 = head_dim
    std::int64_t intermediate_size = 0; // dense MLP width
    std::int64_t vocab_size = 0;
    std::int64_t max_context = 0;       // max_position_embeddings
    bool tied_embeddings = false;

    MlpKind mlp = MlpKind::Gated;
    NormKind norm = NormKind::RmsNorm;
    bool fused_qkv = false;          // one QKV matrix (GPT-NeoX, Phi-2, Falcon): matters for GGUF type mixes
    bool qkv_bias = false;           // Qwen2, Phi-2, GPT-NeoX...
    bool o_bias = false;
    bool mlp_bias = false;
    bool qk_norm = false;            // per-head q_norm/k_norm (Qwen3, Gemma 3, OLMo 2)
    int norms_per_layer = 2;         // Gemma 2/3 have 4 (pre/post attention, pre/post feed-forward)
    bool learned_positions = false;  // absolute position embedding table (GPT-2, StarCoder 1, OPT)

    // Mixture of experts (0 experts = dense)
    std::int64_t num_experts = 0;
    std::int64_t experts_per_token = 0;
    std::int64_t num_shared_experts = 0;             // DeepSeek n_shared_experts, Llama 4 (1)
    std::int64_t moe_intermediate_size = 0;          // per routed expert
    std::int64_t shared_expert_intermediate_size = 0;// Qwen2-MoE style single shared expert (0 = none)
    std::int64_t first_dense_layers = 0;             // DeepSeek first_k_dense_replace
    std::int64_t moe_layer_step = 1;                 // every Nth layer is MoE (Llama 4 interleave, Qwen decoder_sparse_step)
    bool expert_bias = false;                        // gpt-oss experts and router carry biases
    std::vector<std::int64_t> mlp_only_layers;       // dense layers inside the MoE range (Qwen mlp_only_layers, Jamba, Llama 4 moe_layers)

    // Multi-head latent attention (DeepSeek V2/V3, Kimi K2); kv_lora_rank > 0 means MLA
    std::int64_t q_lora_rank = 0;                    // 0 = plain q_proj
    std::int64_t kv_lora_rank = 0;
    std::int64_t qk_rope_head_dim = 0;
    std::int64_t qk_nope_head_dim = 0;

    // Attention pattern per layer (size num_layers once parsed); sliding layers see sliding_window tokens
    std::int64_t sliding_window = 0;
    std::vector<LayerAttention> layer_attention;
    // Linear-attention / recurrent layers keep a fixed state per sequence instead of a KV cache
    std::int64_t linear_state_bytes_per_layer = 0;
    // Gated DeltaNet linear attention (Qwen3-Next linear_* fields); 0 when absent
    std::int64_t linear_key_heads = 0;
    std::int64_t linear_value_heads = 0;
    std::int64_t linear_key_head_dim = 0;
    std::int64_t linear_value_head_dim = 0;
    std::int64_t linear_conv_kernel = 0;
    // Mamba-1 mixer (Jamba, Mamba) when linear layers are not Gated DeltaNet
    std::int64_t mamba_d_inner = 0;
    std::int64_t mamba_d_state = 0;
    std::int64_t mamba_dt_rank = 0;
    std::int64_t mamba_heads = 0;   // Mamba-2 mixer (Granite 4 hybrid): SSM heads; 0 = Mamba-1
    std::int64_t mamba_groups = 0;  // Mamba-2 n_groups

    // Parameters outside the language model (vision tower, projector), counted as 16-bit weights
    double extra_params = 0.0;

    bool is_moe() const { return num_experts > 0; }
    bool is_mla() const { return kv_lora_rank > 0; }
    bool is_moe_layer(std::int64_t layer) const;
    std::int64_t value_head_dim() const { return v_head_dim > 0 ? v_head_dim : head_dim; }
};

// Everything a catalog entry says about a model besides its architecture.
struct ModelInfo {
    std::string id;        // short stable id, lower case (share links carry it)
    std::string name;      // display name
    std::string hf_id;     // "Qwen/Qwen2.5-32B-Instruct"
    std::string family;    // "Qwen 2.5"
    std::string license;
    int year = 0;
    double params_published = 0.0;         // total parameters per the model card (0 = unknown)
    double active_params_published = 0.0;  // MoE active parameters per the model card (0 = unknown)
    std::string modality = "text";         // "text" or "vision"
    std::string default_format;            // checkpoint's own format id when not 16-bit ("fp8", "mxfp4"), else ""
    Architecture arch;
    bool params_only = false;              // typed-in parameter count only: weights answer, no KV
};

}  // namespace vramcalc
