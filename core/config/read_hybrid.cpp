// The fixed per-sequence state of linear-attention, Mamba and short-convolution layers: which mixer
// the config describes and its sizes. The state sizes themselves are computed in core/kv_cache.cpp
// (linear_state_values); here only the shapes are read.
#include <algorithm>

#include "../kv_cache.h"
#include "readers.h"

namespace vramcalc::config {

namespace {

// Gated DeltaNet (Qwen3-Next, Qwen3.5, Qwen3.6): linear_* fields.
bool read_gated_deltanet(Reader& r, Architecture& a) {
    auto kh = r.integer({"linear_num_key_heads"});
    auto vh = r.integer({"linear_num_value_heads"});
    auto kd = r.integer({"linear_key_head_dim"});
    auto vd = r.integer({"linear_value_head_dim"});
    auto conv = r.integer({"linear_conv_kernel_dim"});
    if (!r.ok() || !(kh && vh && kd && vd)) return false;
    a.linear_key_heads = *kh;
    a.linear_value_heads = *vh;
    a.linear_key_head_dim = *kd;
    a.linear_value_head_dim = *vd;
    a.linear_conv_kernel = conv.value_or(4);
    return true;
}

// Mamba-2 mixer (GraniteMoeHybrid mamba_*, Nemotron-H mamba_num_heads / ssm_state_size / n_groups,
// Falcon-H1 mamba_d_ssm): d_inner = heads x head_dim, else mamba_d_ssm, else expand x hidden.
bool read_mamba2(Reader& r, Architecture& a) {
    auto heads = r.integer({"mamba_n_heads", "mamba_num_heads"});
    if (!r.ok() || !heads) return false;
    auto head_dim = r.integer({"mamba_d_head", "mamba_head_dim"});
    auto d_ssm = r.integer({"mamba_d_ssm"});
    auto expand = r.integer({"mamba_expand", "expand"});
    auto d_state = r.integer({"mamba_d_state", "ssm_state_size"});
    auto groups = r.integer({"mamba_n_groups", "n_groups"});
    auto conv = r.integer({"mamba_d_conv", "conv_kernel", "linear_conv_kernel_dim"});
    if (!r.ok()) return false;
    a.mamba_heads = *heads;
    a.mamba_d_inner = head_dim ? *head_dim * *heads : d_ssm ? *d_ssm : expand.value_or(2) * a.hidden_size;
    if (!check_range(r, "mamba_d_inner", a.mamba_d_inner)) return false;
    if (a.mamba_d_inner % a.mamba_heads != 0) {
        r.fail("Mamba-2 inner width " + std::to_string(a.mamba_d_inner) + " is not a multiple of mamba_n_heads " +
               std::to_string(a.mamba_heads));
        return false;
    }
    a.mamba_d_state = d_state.value_or(128);
    a.mamba_groups = groups.value_or(1);
    a.linear_conv_kernel = conv.value_or(4);
    return true;
}

// Mamba-1 mixer (Jamba, Mamba): d_inner = expand x hidden, d_state 16 by default.
void read_mamba1(Reader& r, Architecture& a, const std::string& mt) {
    const std::int64_t expand = r.soft_integer({"mamba_expand", "expand"}).value_or(2);
    a.mamba_d_state = r.soft_integer({"mamba_d_state", "state_size", "d_state"}).value_or(16);
    std::int64_t d_inner = r.soft_integer({"mamba_intermediate_size", "intermediate_size"}, false).value_or(0);
    if (mt != "mamba" || d_inner <= 0) d_inner = expand * a.hidden_size;
    a.mamba_d_inner = d_inner;
    a.linear_conv_kernel = r.soft_integer({"linear_conv_kernel_dim", "mamba_d_conv", "conv_kernel", "d_conv"}).value_or(4);
    a.mamba_dt_rank = r.soft_integer({"mamba_dt_rank", "time_step_rank"}).value_or((a.hidden_size + 15) / 16);
    if (!one_of(mt, {"jamba", "mamba"}))
        r.warn("linear-attention state estimated as Mamba-1 (d_state " + std::to_string(a.mamba_d_state) + ")");
}

}  // namespace

bool read_recurrent_state(Reader& r, Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    if (mt == "falcon_h1") {
        // FalconH1DecoderLayer: attention and a Mamba-2 mixer in parallel in every layer (both caches).
        a.parallel_ssm = true;
    }
    const bool any_linear = a.parallel_ssm || std::any_of(a.layer_attention.begin(), a.layer_attention.end(),
                                                          [](LayerAttention x) { return x == LayerAttention::Linear; });
    if (!any_linear) return true;
    a.ssm_state_dtype = lower(r.str({"mamba_ssm_dtype", "mamba_ssm_cache_dtype"}));
    if (mt == "lfm2") {
        // Lfm2ShortConv: in_proj (3 x hidden), a depthwise conv over conv_L_cache inputs, out_proj.
        auto l_cache = r.integer({"conv_L_cache"});
        if (!r.ok()) return false;
        a.short_conv_kernel = l_cache.value_or(3);
    } else if (!read_gated_deltanet(r, a)) {
        if (!r.ok()) return false;
        if (!read_mamba2(r, a)) {
            if (!r.ok()) return false;
            read_mamba1(r, a, mt);
        }
    }
    // vLLM mamba cache dtype "auto" = the model dtype (vllm/model_executor/layers/mamba/mamba_utils.py
    // MambaStateDtypeCalculator); the engines read this figure.
    const double bytes_per_value = a.torch_dtype == "float32" ? 4.0 : 2.0;
    a.linear_state_bytes_per_layer = linear_state_bytes_per_layer(a, bytes_per_value, bytes_per_value);
    return r.ok();
}

std::string unmodelled_cache_reason(const Reader& r, const Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    if (mt == "deepseek_v4")
        return "DeepSeek V4 compressed sparse attention (compress_ratios, hc_mult hyper-connections, o_lora_rank) is not "
               "modelled: its cache per token and its weights differ from DeepSeek V3 MLA";
    if (mt == "kimi_linear" || r.find({"linear_attn_config"}))
        return "Kimi Delta Attention layers (linear_attn_config: kda_layers, short convolutions) are not modelled: their "
               "per-sequence state and the MLA layers between them need their own accounting";
    if (mt == "minimax_m3" || r.find({"sparse_attention_config"}))
        return "block-sparse attention with an index cache (sparse_attention_config) is not modelled";
    if (mt == "mimo_v2_flash")
        return "MiMo-V2 hybrid layers (hybrid_layer_pattern, separate swa_num_key_value_heads / swa_head_dim and "
               "attention sinks) are not modelled";
    if (const json* latent = r.find({"moe_latent_size"}); latent && latent->is_number() && latent->get<double>() > 0)
        return "latent MoE (moe_latent_size: experts work in a projected latent width) is not modelled";
    if ((mt == "mllama" || r.find({"cross_attention_layers"})) && (a.cross_attention_layers.empty() || a.cross_attention_tokens <= 0))
        return "cross-attention layers (cross_attention_layers) keep the image tokens' K/V per sequence, and this config does not say "
               "how many within range (vision_config max_num_tiles, image_size, patch_size: at most 10^9 tokens) or which layers";
    if (mt == "gemma3n_text" && a.altup_inputs == 0)
        return "Gemma 3n config without altup_num_inputs";
    return {};
}

}  // namespace vramcalc::config
