// Expert parallelism and data-parallel attention on the serving engines: how each rank shards a MoE
// model when vLLM runs --enable-expert-parallel or SGLang --ep-size / --enable-dp-attention. The
// engines' own rules, read from their source:
//   vLLM (vllm/model_executor/layers/fused_moe/config.py FusedMoEParallelConfig.make, layer.py
//   determine_expert_map; vllm-project/vllm 00c1c6a2 and mainline 2025-26): with
//   enable_expert_parallel the MoE layers use EP = TP x DP ranks and moe tp 1, so each rank holds
//   E / EP whole experts (the first E % EP ranks one more; c439a139 gave the remainder to the last
//   rank); attention, dense MLP, shared experts and the vocabulary stay split over TP, and every DP
//   rank keeps its own copy of them and its own KV cache.
//   SGLang (python/sglang/srt/distributed/parallel_state.py initialize_model_parallel and
//   layers/dp_attention.py compute_dp_attention_world_info, sgl-project/sglang 2aa2e2d0): the world
//   is TP x PP; moe_tp = tp / ep_size, experts E / ep_size per rank; with --enable-dp-attention the
//   --dp-size ranks split the TP group's attention: attn_tp = tp / dp, the token embedding is
//   replicated (VocabParallelEmbedding(enable_tp=not is_dp_attention_enabled())), the lm_head and
//   dense MLP stay over tp, and each attention-DP rank holds its own requests' KV cache.
#pragma once
#include <string>
#include <vector>

#include "architecture.h"
#include "scenario.h"
#include "tensor_parallel.h"

namespace vramcalc {

struct ExpertLayout {
    RankShard shard;                    // rank 0's: with E % EP != 0 the most loaded
    int attn_dp = 1;                    // SGLang DP attention: attention-DP ranks inside the TP group
    std::string error;                  // "ep: ..." when the engine refuses the layout
    std::vector<std::string> warnings;  // a flag that changes nothing here
};

// tp and dp are the resolved --tensor-parallel-size and --data-parallel-size.
ExpertLayout vllm_expert_layout(const Scenario& s, const Architecture& a, int tp, int dp);
ExpertLayout sglang_expert_layout(const Scenario& s, const Architecture& a, int tp, int dp);

// "EP rank 1 of 4: experts 32-63" for a GPU's role line ("" without EP).
std::string expert_role(const Architecture& a, const RankShard& shard, int ep_rank);
// One rank's tensors for the page's placement list: "layers 0-47: attention over TP 2, MLP over TP 2,
// experts 0-31 whole (EP rank 0 of 4)".
std::string rank_placement(const Architecture& a, const RankShard& shard, std::int64_t first_layer, std::int64_t num_layers,
                           int ep_rank);

}  // namespace vramcalc
