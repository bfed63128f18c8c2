// A model's architecture as a Hugging Face config.json describes it, normalised across families.
// Plain data: parsing lives in config_parser.cpp, counting in tensors.cpp.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace vramcalc {

// Linear: recurrent / linear-attention / short-convolution state per sequence.
// None: a block with no sequence mixer (Nemotron-H '-' MLP and 'E' MoE blocks): no cache at all.
enum class LayerAttention { Full, Sliding, Linear, None };

enum class MlpKind { Gated, Plain };  // Gated: gate+up+down (SwiGLU/GeGLU); Plain: up+down (GELU MLP)
enum class NormKind { RmsNorm, LayerNorm };  // LayerNorm carries a bias as well as a weight

// rope_scaling / rope_parameters of the config: how the trained context was stretched.
struct RopeScaling {
    std::string type;                       // "yarn", "linear", "dynamic", "llama3", "longrope", ... ("" = none)
    double factor = 0.0;                    // 0 = none
    std::int64_t original_max_context = 0;  // original_max_position_embeddings (0 = not given)
    bool in_config = false;                 // false: the model card recommends it, the config does not apply it
    bool operator==(const RopeScaling&) const = default;
};

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
    bool no_rope = false;            // position_embedding_type "nope" (Granite 4.0-H): no rotary cos/sin cache

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
    std::vector<std::int64_t> no_ffn_layers;         // layers with no MLP at all (Nemotron-H 'M' and '*' blocks)

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

    std::int64_t short_conv_kernel = 0;  // LFM2 conv_L_cache: short-convolution layers keep kernel-1 inputs
    bool parallel_ssm = false;           // Falcon-H1: every layer runs attention and a Mamba-2 mixer side by side
    std::string ssm_state_dtype;         // mamba_ssm_dtype / mamba_ssm_cache_dtype when the config names one ("float32")

    // Attention geometry of the full-attention layers when it differs from the sliding ones (Gemma 4)
    std::int64_t global_head_dim = 0;    // 0 = head_dim
    std::int64_t global_kv_heads = 0;    // 0 = num_kv_heads
    bool k_eq_v = false;                 // Gemma 4 attention_k_eq_v: full layers have k_proj and no v_proj
    bool attn_output_gate = false;       // Qwen3-Next / Qwen3.5: q_proj also produces the output gate
    std::int64_t kv_shared_layers = 0;   // the last N layers reuse earlier layers' K/V (Gemma 3n / Gemma 4)

    // DeepSeek sparse attention (V3.2, GLM-5): the lightning indexer keeps one key per token and layer
    std::int64_t index_heads = 0;
    std::int64_t index_head_dim = 0;
    std::int64_t index_topk = 0;

    // Per-layer embeddings (Gemma 3n / Gemma 4 E-models), AltUp and LAuReL (Gemma 3n)
    std::int64_t per_layer_input_size = 0;   // hidden_size_per_layer_input
    std::int64_t per_layer_vocab_size = 0;   // vocab_size_per_layer_input
    std::int64_t altup_inputs = 0;           // altup_num_inputs
    std::int64_t laurel_rank = 0;
    std::vector<std::int64_t> layer_intermediate_sizes;  // per-layer MLP width when the config lists one per layer
    bool double_wide_shared_mlp = false;     // Gemma 4 use_double_wide_mlp: KV-shared layers have a 2x MLP
    bool dense_mlp_beside_moe = false;       // Gemma 4 enable_moe_block: a dense MLP and the experts in every layer

    // Multi-token-prediction layers (num_nextn_predict_layers, mtp_num_hidden_layers): not in the counts,
    // engines load them only for speculative decoding.
    std::int64_t mtp_layers = 0;

    // Cross-attention layers (Llama 3.2 Vision, mllama): these layers attend to the vision encoder's
    // tokens instead of the text; their K/V hold cross_attention_tokens per image, not the context.
    std::vector<std::int64_t> cross_attention_layers;
    std::int64_t cross_attention_tokens = 0;  // per image: max_num_tiles x ((image_size / patch_size)^2 + 1)

    RopeScaling rope_scaling;

    // Vision encoder geometry from vision_config, for engines that run the encoder on a dummy image
    // while profiling (vLLM profile_run). family "" = a tower whose shape no engine models.
    struct VisionEncoder {
        std::string family;               // "qwen_vl" (Qwen2.5-VL ViT), "qwen3_vl" (Qwen3-VL / Qwen3.5 ViT), "gemma3_siglip"
        std::int64_t hidden = 0;          // hidden_size
        std::int64_t layers = 0;          // depth / num_hidden_layers
        std::int64_t intermediate = 0;    // MLP width
        std::int64_t patch_size = 0;
        std::int64_t spatial_merge = 1;   // Qwen patch merger: merge x merge patches -> one token
        std::int64_t temporal_patch = 1;  // Qwen: frames per patch (an image is repeated)
        std::int64_t channels = 3;
        std::int64_t image_size = 0;      // SigLIP: the square input side
        std::int64_t out_hidden = 0;      // width of one output token (the language model's hidden)
        std::int64_t deepstack = 0;       // Qwen3-VL deepstack_visual_indexes: extra output features
        std::int64_t tokens_per_image = 0;// Gemma 3 mm_tokens_per_image
        bool gated_mlp = false;           // Qwen2.5-VL gate_up + down; the others fc1 + fc2
        bool operator==(const VisionEncoder&) const = default;
    };
    VisionEncoder vision;

    // Parameters outside the language model (vision tower, audio tower, projector), counted as 16-bit weights
    double extra_params = 0.0;
    double vision_params = 0.0;  // the part of extra_params estimated from vision_config
    double audio_params = 0.0;   // the part of extra_params estimated from audio_config

    // Set when the config describes a cache this build cannot size (names what is missing); the
    // estimate refuses instead of answering as if the model were a plain transformer.
    std::string unmodelled_cache;

    bool is_moe() const { return num_experts > 0; }
    bool is_mla() const { return kv_lora_rank > 0; }
    bool is_moe_layer(std::int64_t layer) const;
    bool has_ffn(std::int64_t layer) const;
    std::int64_t value_head_dim() const { return v_head_dim > 0 ? v_head_dim : head_dim; }
    bool has_dsa_indexer() const { return index_heads > 0 && index_head_dim > 0; }
    bool has_per_layer_embeddings() const { return per_layer_input_size > 0; }
    bool is_cross_attention_layer(std::int64_t layer) const {
        return std::find(cross_attention_layers.begin(), cross_attention_layers.end(), layer) != cross_attention_layers.end();
    }
    // The layer keeps no K/V of its own: it reads an earlier layer's (Gemma 3n/4 KV sharing).
    bool is_kv_shared_layer(std::int64_t layer) const {
        return kv_shared_layers > 0 && layer >= num_layers - kv_shared_layers && layer < num_layers;
    }
    // K/V head count and head size of one layer (Gemma 4 full layers differ from sliding ones).
    std::int64_t layer_kv_heads(std::int64_t layer) const;
    std::int64_t layer_head_dim(std::int64_t layer) const;
    bool operator==(const Architecture&) const = default;
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
    std::vector<std::string> aliases;      // other names people search by ("qwen3.5 27b", "Qwen3.5-27B-Instruct")
    Architecture arch;
    bool params_only = false;              // typed-in parameter count only: weights answer, no KV
    bool operator==(const ModelInfo&) const = default;
};

}  // namespace vramcalc
