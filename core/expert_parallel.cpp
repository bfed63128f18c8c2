#include "expert_parallel.h"

#include <algorithm>

namespace vramcalc {

ExpertLayout vllm_expert_layout(const Scenario& s, const Architecture& a, int tp, int dp) {
    ExpertLayout out;
    out.shard = plain_tp(tp);
    const bool asked = s.enable_expert_parallel || s.ep > 1;
    if (!asked) return out;
    if (!a.is_moe()) {
        out.warnings.push_back("--enable-expert-parallel: the model has no routed experts, so it changes nothing");
        return out;
    }
    // ParallelConfig: the EP group is the TP x DP ranks; vLLM takes no EP size of its own.
    const int ep = std::max(1, tp) * std::max(1, dp);
    if (s.ep > 1 && s.ep != ep) {
        out.error = "ep: vLLM's expert-parallel size is TP x DP = " + std::to_string(tp) + " x " + std::to_string(dp) + " = " +
                    std::to_string(ep) + " (--enable-expert-parallel takes no size); set --ep " + std::to_string(ep) +
                    " or change TP / replicas";
        return out;
    }
    out.shard.ep = ep;
    out.shard.moe_tp = 1;
    if (ep > a.num_experts)
        out.warnings.push_back("expert parallel " + std::to_string(ep) + " exceeds the " + std::to_string(a.num_experts) +
                               " experts: some ranks hold none");
    return out;
}

ExpertLayout sglang_expert_layout(const Scenario& s, const Architecture& a, int tp, int dp) {
    ExpertLayout out;
    out.shard = plain_tp(tp);
    if (s.enable_dp_attention) {
        if (dp <= 1) {
            out.warnings.push_back("--enable-dp-attention with --dp-size 1: attention stays over the whole TP group");
        } else if (tp % dp != 0) {
            out.error = "enable_dp_attention: --dp-size " + std::to_string(dp) + " must divide --tp-size " + std::to_string(tp) +
                        " (the attention-DP ranks split the TP group)";
            return out;
        } else {
            out.attn_dp = dp;
            out.shard.attn_tp = tp / dp;
            out.shard.replicate_embedding = true;
        }
    }
    const bool asked = s.enable_expert_parallel || s.ep > 1;
    if (!asked) return out;
    if (!a.is_moe()) {
        out.warnings.push_back("--ep-size: the model has no routed experts, so it changes nothing");
        return out;
    }
    const int ep = s.ep > 1 ? s.ep : tp;
    if (tp % ep != 0) {
        out.error = "ep: SGLang needs --ep-size " + std::to_string(ep) + " to divide --tp-size " + std::to_string(tp) +
                    " (moe_tp_size = tp_size / ep_size)";
        return out;
    }
    out.shard.ep = ep;
    out.shard.moe_tp = tp / ep;
    return out;
}

std::string expert_role(const Architecture& a, const RankShard& shard, int ep_rank) {
    if (shard.ep <= 1 || a.num_experts <= 0) return "";
    std::int64_t first = 0;
    for (int r = 0; r < ep_rank; ++r) first += local_experts(a.num_experts, shard.ep, r);
    const std::int64_t n = local_experts(a.num_experts, shard.ep, ep_rank);
    std::string t = "EP rank " + std::to_string(ep_rank) + " of " + std::to_string(shard.ep) + ": ";
    if (n <= 0) return t + "no experts";
    return t + "experts " + std::to_string(first) + "-" + std::to_string(first + n - 1);
}

std::string rank_placement(const Architecture& a, const RankShard& shard, std::int64_t first_layer, std::int64_t num_layers,
                           int ep_rank) {
    std::string t = "layers " + std::to_string(first_layer) + "-" + std::to_string(first_layer + num_layers - 1) + ": attention " +
                    (shard.attn_tp > 1 ? "over TP " + std::to_string(shard.attn_tp) : std::string("whole")) + (shard.attn_tp != shard.tp ? " (DP attention)" : "");
    const std::string dense = shard.tp > 1 ? "over TP " + std::to_string(shard.tp) : std::string("whole");
    if (!a.is_moe()) return t + ", MLP " + dense + ", the KV cache of its heads";
    const bool shared = a.num_shared_experts > 0 || a.shared_expert_intermediate_size > 0;
    t += ", router replicated" + (shared ? ", shared experts " + dense : std::string());
    if (shard.ep > 1) {
        std::string ex = expert_role(a, shard, ep_rank);
        t += ", routed " + ex.substr(ex.find(": ") + 2) + (shard.moe_tp > 1 ? " (each over " + std::to_string(shard.moe_tp) + ")" : " whole") +
             " (EP rank " + std::to_string(ep_rank) + " of " + std::to_string(shard.ep) + ")";
    } else {
        t += ", all " + std::to_string(a.num_experts) + " routed experts " + (shard.moe_tp > 1 ? "1/" + std::to_string(shard.moe_tp) + " of each" : std::string("whole"));
    }
    return t + "; the KV cache of its heads";
}

}  // namespace vramcalc
