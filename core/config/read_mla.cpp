// Multi-head latent attention (DeepSeek V2/V3, Kimi K2, GLM-5) and DeepSeek sparse attention's
// lightning indexer (DeepSeek-V3.2, GLM-5 glm_moe_dsa: index_n_heads / index_head_dim / index_topk).
#include "readers.h"

namespace vramcalc::config {

bool read_mla(Reader& r, Architecture& a, const Family&) {
    const auto kv_lora = r.integer({"kv_lora_rank"});
    if (!r.ok()) return false;
    if (!kv_lora || *kv_lora <= 0) return true;
    auto q_lora = r.integer({"q_lora_rank"});
    auto rope = r.integer({"qk_rope_head_dim"});
    auto nope = r.integer({"qk_nope_head_dim"});
    auto vhd = r.integer({"v_head_dim"});
    if (!r.ok()) return false;
    if (!rope || !nope) {
        r.fail(std::string(!rope ? "qk_rope_head_dim" : "qk_nope_head_dim") + " missing (kv_lora_rank is set: MLA)");
        return false;
    }
    a.kv_lora_rank = *kv_lora;
    a.q_lora_rank = q_lora.value_or(0) > 0 ? *q_lora : 0;
    a.qk_rope_head_dim = *rope;
    a.qk_nope_head_dim = *nope;
    a.head_dim = *rope + *nope;
    a.v_head_dim = vhd.value_or(*nope);
    // MLA: every query head has its own K/V after the up-projection; the cache holds the latent.
    a.num_kv_heads = a.num_heads;

    // DeepSeek-V3.2 Indexer (inference/model.py in deepseek-ai/DeepSeek-V3.2-Exp): wq_b from the q
    // latent, wk and a LayerNorm k_norm, weights_proj; it caches one index_head_dim key per token and layer.
    auto idx_heads = r.integer({"index_n_heads"});
    auto idx_dim = r.integer({"index_head_dim"});
    auto idx_topk = r.integer({"index_topk"});
    if (!r.ok()) return false;
    if (idx_heads && idx_dim && *idx_heads > 0 && *idx_dim > 0) {
        a.index_heads = *idx_heads;
        a.index_head_dim = *idx_dim;
        a.index_topk = idx_topk.value_or(0);
    }
    return true;
}

}  // namespace vramcalc::config
