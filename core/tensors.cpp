// The weight tensors of a decoder-only model, from the shapes the HF modeling_<family>.py files
// create (and that vLLM's model files load). One group per distinct tensor per layer: a whole
// catalog sweep stays in the thousands of groups.
#include "tensors.h"
#include "checked.h"

#include <algorithm>

namespace vramcalc {

bool Architecture::is_moe_layer(std::int64_t layer) const {
    if (!is_moe() || layer < 0 || layer >= num_layers) return false;
    // DeepSeek first_k_dense_replace: the first layers keep a dense MLP.
    if (layer < first_dense_layers) return false;
    // Qwen2-MoE mlp_only_layers (and the dense layers of Jamba / Llama 4 moe_layers, folded in by the parser).
    if (std::find(mlp_only_layers.begin(), mlp_only_layers.end(), layer) != mlp_only_layers.end()) return false;
    // Qwen2MoeDecoderLayer / Llama4 interleave: MoE when (layer + 1) % step == 0.
    std::int64_t step = moe_layer_step > 0 ? moe_layer_step : 1;
    return (layer + 1) % step == 0;
}

bool Architecture::has_ffn(std::int64_t layer) const {
    // Nemotron-H attention ('*') and Mamba ('M') blocks have no MLP of their own.
    return std::find(no_ffn_layers.begin(), no_ffn_layers.end(), layer) == no_ffn_layers.end();
}

namespace {

struct Builder {
    std::vector<TensorGroup> groups;
    void add(TensorRole role, std::int64_t layer, std::int64_t rows, std::int64_t cols, std::int64_t count = 1,
             bool shared = false) {
        if (rows <= 0 || cols <= 0 || count <= 0) return;
        groups.push_back(TensorGroup{role, layer, rows, cols, count, shared});
    }
    void vec(TensorRole role, std::int64_t layer, std::int64_t n, std::int64_t count = 1) { add(role, layer, 1, n, count); }
};

bool type_is(const Architecture& a, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (a.model_type == n) return true;
    return false;
}

void add_indexer(Builder& b, const Architecture& a, std::int64_t l);

void add_attention(Builder& b, const Architecture& a, std::int64_t l) {
    const std::int64_t H = a.hidden_size;
    if (a.is_mla()) {
        // DeepseekV2Attention / DeepseekV3Attention (modeling_deepseek_v3.py): low-rank q and kv.
        const std::int64_t qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
        const std::int64_t vhd = a.value_head_dim();
        if (a.q_lora_rank > 0) {
            b.add(TensorRole::MlaQA, l, a.q_lora_rank, H);
            b.vec(TensorRole::Norm, l, a.q_lora_rank);  // q_a_layernorm
            b.add(TensorRole::MlaQB, l, a.num_heads * qk, a.q_lora_rank);
        } else {
            b.add(TensorRole::AttnQ, l, a.num_heads * qk, H);
        }
        b.add(TensorRole::MlaKvA, l, a.kv_lora_rank + a.qk_rope_head_dim, H);  // kv_a_proj_with_mqa
        b.vec(TensorRole::Norm, l, a.kv_lora_rank);                            // kv_a_layernorm
        b.add(TensorRole::MlaKvB, l, a.num_heads * (a.qk_nope_head_dim + vhd), a.kv_lora_rank);
        b.add(TensorRole::AttnO, l, H, a.num_heads * vhd);
        if (a.has_dsa_indexer()) add_indexer(b, a, l);
        return;
    }
    const std::int64_t hd = a.layer_head_dim(l);
    const std::int64_t kv_heads = a.layer_kv_heads(l);
    const std::int64_t vhd = hd != a.head_dim ? hd : a.value_head_dim();
    const bool full = static_cast<std::size_t>(l) < a.layer_attention.size() &&
                      a.layer_attention[static_cast<std::size_t>(l)] == LayerAttention::Full;
    // Qwen3-Next / Qwen3.5 gated attention: q_proj also produces the output gate (2 x heads x head_dim).
    const std::int64_t q_rows = a.num_heads * hd * (a.attn_output_gate ? 2 : 1);
    // Gemma 4 (mlx-lm gemma4_text.py Attention): KV-shared layers have no k/v projections, and full
    // layers with attention_k_eq_v no v_proj. Gemma 3n keeps k/v weights on shared layers.
    const bool kv_weights = !(a.model_type == "gemma4_text" && a.is_kv_shared_layer(l));
    const std::int64_t k_rows = kv_weights ? kv_heads * hd : 0;
    const std::int64_t v_rows = kv_weights && !(a.k_eq_v && full) ? kv_heads * vhd : 0;
    if (a.fused_qkv) {
        b.add(TensorRole::AttnQkv, l, q_rows + k_rows + v_rows, H);
    } else {
        b.add(TensorRole::AttnQ, l, q_rows, H);
        b.add(TensorRole::AttnK, l, k_rows, H);
        b.add(TensorRole::AttnV, l, v_rows, H);
    }
    b.add(TensorRole::AttnO, l, H, a.num_heads * vhd);
    if (a.qkv_bias) b.vec(TensorRole::Bias, l, q_rows + k_rows + v_rows);
    if (a.o_bias) b.vec(TensorRole::Bias, l, H);
    if (a.qk_norm) {
        if (type_is(a, {"olmo2", "olmo3", "olmoe", "minimax_m2"}))
            b.vec(TensorRole::Norm, l, a.num_heads * hd + kv_heads * hd);  // q_norm/k_norm over all heads
        else
            b.vec(TensorRole::Norm, l, hd, kv_weights ? 2 : 1);  // per-head q_norm, k_norm (Qwen3, Gemma 3)
    }
    if (a.model_type == "gpt_oss") b.vec(TensorRole::Bias, l, a.num_heads);  // attention sinks, one per head
}

// DeepSeek-V3.2 Indexer (deepseek-ai/DeepSeek-V3.2-Exp inference/model.py): wq_b from the q latent,
// wk, k_norm (LayerNorm: weight + bias), weights_proj (one weight per index head).
void add_indexer(Builder& b, const Architecture& a, std::int64_t l) {
    const std::int64_t q_in = a.q_lora_rank > 0 ? a.q_lora_rank : a.hidden_size;
    b.add(TensorRole::AttnQ, l, a.index_heads * a.index_head_dim, q_in);
    b.add(TensorRole::AttnK, l, a.index_head_dim, a.hidden_size);
    b.vec(TensorRole::Norm, l, a.index_head_dim, 2);
    b.add(TensorRole::Router, l, a.index_heads, a.hidden_size);
}

void add_linear_mixer(Builder& b, const Architecture& a, std::int64_t l) {
    const std::int64_t H = a.hidden_size;
    if (a.short_conv_kernel > 0) {
        // Lfm2ShortConv: in_proj (B, C, x gates: 3 x hidden), depthwise conv1d over L_cache, out_proj.
        b.add(TensorRole::AttnQkv, l, 3 * H, H);
        b.vec(TensorRole::Norm, l, H * a.short_conv_kernel);
        b.add(TensorRole::AttnO, l, H, H);
        return;
    }
    if (a.linear_key_heads > 0 && a.linear_value_heads > 0) {
        // Qwen3NextGatedDeltaNet: in_proj_qkvz, in_proj_ba, conv1d, dt_bias, A_log, norm, out_proj.
        const std::int64_t kd = a.linear_key_heads * a.linear_key_head_dim;
        const std::int64_t vd = a.linear_value_heads * a.linear_value_head_dim;
        b.add(TensorRole::AttnQkv, l, 2 * kd + 2 * vd, H);
        b.add(TensorRole::AttnQkv, l, 2 * a.linear_value_heads, H);
        b.vec(TensorRole::Norm, l, (2 * kd + vd) * std::max<std::int64_t>(1, a.linear_conv_kernel));
        b.vec(TensorRole::Bias, l, 2 * a.linear_value_heads);
        b.vec(TensorRole::Norm, l, a.linear_value_head_dim);
        b.add(TensorRole::AttnO, l, H, vd);
        return;
    }
    if (a.mamba_heads > 0) {
        // Mamba-2 mixer (GraniteMoeHybridMambaLayer / vLLM MambaMixer2): in_proj, conv1d (+bias),
        // dt_bias, A_log, D, gated norm, out_proj.
        const std::int64_t di = a.mamba_d_inner;
        const std::int64_t conv_dim = di + 2 * a.mamba_groups * a.mamba_d_state;
        b.add(TensorRole::AttnQkv, l, 2 * di + 2 * a.mamba_groups * a.mamba_d_state + a.mamba_heads, H);
        b.vec(TensorRole::Norm, l, conv_dim * std::max<std::int64_t>(1, a.linear_conv_kernel));
        b.vec(TensorRole::Bias, l, conv_dim + 3 * a.mamba_heads);
        b.vec(TensorRole::Norm, l, di);
        b.add(TensorRole::AttnO, l, H, di);
        return;
    }
    // Mamba-1 mixer (MambaMixer / JambaMambaMixer): in_proj, conv1d (+bias), x_proj, dt_proj (+bias),
    // A_log, D, out_proj; Jamba adds dt/B/C layernorms.
    const std::int64_t di = a.mamba_d_inner > 0 ? a.mamba_d_inner : 2 * H;
    const std::int64_t ds = a.mamba_d_state > 0 ? a.mamba_d_state : 16;
    const std::int64_t dr = a.mamba_dt_rank > 0 ? a.mamba_dt_rank : (H + 15) / 16;
    const std::int64_t k = a.linear_conv_kernel > 0 ? a.linear_conv_kernel : 4;
    b.add(TensorRole::AttnQkv, l, 2 * di, H);
    b.vec(TensorRole::Norm, l, di * k);
    b.vec(TensorRole::Bias, l, di);
    b.add(TensorRole::AttnQ, l, dr + 2 * ds, di);
    b.add(TensorRole::AttnK, l, di, dr);
    b.vec(TensorRole::Bias, l, di);
    b.vec(TensorRole::Norm, l, di * ds + di);  // A_log and D
    b.add(TensorRole::AttnO, l, H, di);
    if (a.model_type == "jamba") b.vec(TensorRole::Norm, l, dr + 2 * ds);
}

void add_mlp(Builder& b, const Architecture& a, std::int64_t l, std::int64_t width, bool shared) {
    const std::int64_t H = a.hidden_size;
    if (width <= 0) return;
    if (a.mlp == MlpKind::Gated) b.add(TensorRole::MlpGate, l, width, H, 1, shared);
    b.add(TensorRole::MlpUp, l, width, H, 1, shared);
    b.add(TensorRole::MlpDown, l, H, width, 1, shared);
    if (a.mlp_bias && !shared) b.vec(TensorRole::Bias, l, (a.mlp == MlpKind::Gated ? 2 : 1) * width + H);
}

void add_moe(Builder& b, const Architecture& a, std::int64_t l) {
    const std::int64_t H = a.hidden_size;
    const std::int64_t E = a.num_experts;
    const std::int64_t I = a.moe_intermediate_size;
    b.add(TensorRole::Router, l, E, H);
    // gpt-oss router bias; DeepSeek-V3 / GLM-4.5 noaux_tc e_score_correction_bias
    if (a.expert_bias || type_is(a, {"deepseek_v3", "kimi_k2", "glm4_moe", "glm4v_moe_text", "dots1"})) b.vec(TensorRole::Bias, l, E);
    if (a.mlp == MlpKind::Gated) b.add(TensorRole::ExpertGate, l, I, H, E);  // Nemotron-H relu2 experts: up + down only
    b.add(TensorRole::ExpertUp, l, I, H, E);
    b.add(TensorRole::ExpertDown, l, H, I, E);
    if (a.expert_bias) b.add(TensorRole::Bias, l, 1, 2 * I + H, E);  // GptOssExperts gate_up_proj_bias, down_proj_bias
    // DeepSeek shared experts: one MLP n_shared x moe_intermediate_size wide (DeepseekV3MoE.shared_experts).
    if (a.num_shared_experts > 0) add_mlp(b, a, l, a.num_shared_experts * I, true);
    // Qwen2-MoE: one shared expert shared_expert_intermediate_size wide plus a 1 x hidden sigmoid gate.
    if (a.shared_expert_intermediate_size > 0) {
        add_mlp(b, a, l, a.shared_expert_intermediate_size, true);
        if (type_is(a, {"qwen2_moe", "qwen3_next", "qwen3_5_moe_text"})) b.add(TensorRole::Router, l, 1, H, 1, true);
    }
    if (a.dense_mlp_beside_moe) {
        // Gemma 4 26B-A4B decoder layer: the dense MLP runs beside the experts; the router has a
        // scale (hidden) and per_expert_scale (experts); three more norms around the expert branch.
        add_mlp(b, a, l, a.intermediate_size, false);
        b.vec(TensorRole::Norm, l, H, 4);
        b.vec(TensorRole::Norm, l, E);
    }
}

// Dense MLP width of one layer: Gemma 3n lists one per layer; Gemma 4 use_double_wide_mlp doubles
// it on the KV-shared layers (mlx-lm gemma4_text.py MLP).
std::int64_t layer_mlp_width(const Architecture& a, std::int64_t l) {
    if (static_cast<std::size_t>(l) < a.layer_intermediate_sizes.size()) return a.layer_intermediate_sizes[static_cast<std::size_t>(l)];
    return a.intermediate_size * (a.double_wide_shared_mlp && a.is_kv_shared_layer(l) ? 2 : 1);
}

// Per-layer embeddings (Gemma3nTextModel / Gemma4TextModel): a second token embedding of
// num_layers x hidden_size_per_layer_input per token, its projection from the hidden state, and a norm.
void add_per_layer_inputs(Builder& b, const Architecture& a) {
    const std::int64_t width = a.num_layers * a.per_layer_input_size;
    b.add(TensorRole::TokenEmbedding, -1, a.per_layer_vocab_size, width);
    b.add(TensorRole::MlpUp, -1, width, a.hidden_size);
    b.vec(TensorRole::Norm, -1, a.per_layer_input_size);
}

// Gemma 3n (mlx-lm gemma3n.py Gemma3nAltUp, Gemma3nLaurelBlock): AltUp correct_output_scale,
// correction_coefs (n x n), prediction_coefs (n^2 x n), modality_router (n x hidden), router_norm;
// LAuReL linear_left (rank x hidden), linear_right (hidden x rank), post_laurel_norm.
void add_altup_laurel(Builder& b, const Architecture& a, std::int64_t l) {
    const std::int64_t H = a.hidden_size, n = a.altup_inputs;
    if (n > 0) {
        b.vec(TensorRole::Norm, l, H, 2);
        b.add(TensorRole::Router, l, n, n);
        b.add(TensorRole::Router, l, n * n, n);
        b.add(TensorRole::Router, l, n, H);
    }
    if (a.laurel_rank > 0) {
        b.add(TensorRole::MlpGate, l, a.laurel_rank, H);
        b.add(TensorRole::MlpDown, l, H, a.laurel_rank);
        b.vec(TensorRole::Norm, l, H);
    }
}

}  // namespace

namespace {

// Numbers the attn_v groups once (TensorGroup::attention_index): gguf.cpp's type mix needs each one's
// place, and counting the layers per tensor there was quadratic in the layer count (issue 12).
void number_attention_layers(std::vector<TensorGroup>& groups, const Architecture& a) {
    std::vector<std::int64_t> before(static_cast<std::size_t>(a.num_layers) + 1, 0);
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const auto i = static_cast<std::size_t>(l);
        const bool linear = i < a.layer_attention.size() && a.layer_attention[i] == LayerAttention::Linear;
        before[i + 1] = before[i] + (linear ? 0 : 1);
    }
    for (TensorGroup& g : groups)
        if (g.role == TensorRole::AttnV && g.layer >= 0 && g.layer < a.num_layers) {
            g.attention_index = before[static_cast<std::size_t>(g.layer)];
            g.attention_layers = before.back();
        }
}

}  // namespace

std::vector<TensorGroup> tensor_inventory(const Architecture& a) {
    Builder b;
    if (a.hidden_size <= 0 || a.num_layers <= 0) return b.groups;
    b.groups.reserve(static_cast<std::size_t>(a.num_layers) * 14 + 8);
    const std::int64_t H = a.hidden_size;
    const std::int64_t norm_vectors = a.norm == NormKind::LayerNorm ? 2 : 1;  // LayerNorm: weight + bias
    const bool mamba_only = type_is(a, {"mamba", "mamba2"});

    b.add(TensorRole::TokenEmbedding, -1, a.vocab_size, H);
    if (a.learned_positions) b.add(TensorRole::PositionEmbedding, -1, a.max_context, H);

    if (a.has_per_layer_embeddings()) add_per_layer_inputs(b, a);
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const auto idx = static_cast<std::size_t>(l);
        const LayerAttention la = idx < a.layer_attention.size() ? a.layer_attention[idx] : LayerAttention::Full;
        b.vec(TensorRole::Norm, l, H, (mamba_only ? 1 : a.norms_per_layer) * norm_vectors);
        if (la == LayerAttention::Linear)
            add_linear_mixer(b, a, l);
        else if (la != LayerAttention::None)
            add_attention(b, a, l);
        if (a.parallel_ssm) add_linear_mixer(b, a, l);  // Falcon-H1: Mamba-2 beside the attention
        if (a.has_per_layer_embeddings()) {
            // per_layer_input_gate, per_layer_projection, post_per_layer_input_norm
            b.add(TensorRole::MlpGate, l, a.per_layer_input_size, H);
            b.add(TensorRole::MlpDown, l, H, a.per_layer_input_size);
            b.vec(TensorRole::Norm, l, H);
        }
        if (a.altup_inputs > 0 || a.laurel_rank > 0) add_altup_laurel(b, a, l);
        if (mamba_only || !a.has_ffn(l)) continue;  // a Mamba block has no MLP
        if (a.is_moe_layer(l))
            add_moe(b, a, l);
        else
            add_mlp(b, a, l, layer_mlp_width(a, l), false);
    }

    b.vec(TensorRole::FinalNorm, -1, H, norm_vectors);
    // Gemma 3n altup_projections and altup_unembed_projections: altup_num_inputs - 1 of hidden x hidden each.
    if (a.altup_inputs > 1) b.add(TensorRole::MlpUp, -1, H, H, 2 * (a.altup_inputs - 1));
    if (!a.tied_embeddings) b.add(TensorRole::LmHead, -1, a.vocab_size, H);
    if (type_is(a, {"phi", "gptj"})) b.vec(TensorRole::Bias, -1, a.vocab_size);  // lm_head bias
    if (a.extra_params > 0.0) {
        // Vision tower and projector: one vector-shaped group (kept 16-bit by every format).
        b.vec(TensorRole::Extra, -1, saturating_round(a.extra_params));
    }
    number_attention_layers(b.groups, a);
    return b.groups;
}

ParamCount count_params(const Architecture& a) { return count_params(tensor_inventory(a), a); }

ParamCount count_params(const std::vector<TensorGroup>& tensors, const Architecture& a) {
    ParamCount pc;
    const double routed_share = a.is_moe() && a.num_experts > 0
                                    ? static_cast<double>(a.experts_per_token) / static_cast<double>(a.num_experts)
                                    : 1.0;
    for (const TensorGroup& g : tensors) {
        // The language model only: callers add arch.extra_params (vision tower) themselves, while
        // byte counts (formats.cpp) walk the whole inventory, Extra group included.
        if (g.role == TensorRole::Extra) continue;
        const double n = g.elements();
        pc.total += n;
        const bool routed = g.role == TensorRole::ExpertGate || g.role == TensorRole::ExpertUp ||
                            g.role == TensorRole::ExpertDown ||
                            (g.role == TensorRole::Bias && a.is_moe() && g.count == a.num_experts && g.count > 1);
        pc.active += routed ? n * routed_share : n;
        if (g.role == TensorRole::TokenEmbedding || g.role == TensorRole::PositionEmbedding) pc.embedding += n;
        if (g.role == TensorRole::LmHead) pc.lm_head += n;
    }
    return pc;
}

}  // namespace vramcalc
