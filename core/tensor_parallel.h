// Per-rank weight bytes under tensor and pipeline parallelism, as vLLM and SGLang shard a model:
// which tensors a TP rank splits, which it replicates, and which layers a PP stage holds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "architecture.h"
#include "file_weights.h"
#include "format_types.h"
#include "tensors.h"
#include "units.h"

namespace vramcalc {

// Layers [first, first + count) held by one pipeline stage, with vLLM's split
// (vllm/distributed/utils.py get_pp_indices: num_layers / pp each, the remainder added to the
// stages just before the last one, counting backwards, so the last stage, which also holds the
// lm_head, stays light).
struct PpStage {
    std::int64_t first_layer = 0;
    std::int64_t num_layers = 0;
    bool first = true;   // holds the token (and position) embedding
    bool last = true;    // holds the final norm and the lm_head
};
std::vector<PpStage> pp_stages(std::int64_t num_layers, int pp);

// Fraction of one tensor group that a TP rank holds (1 = replicated).
double tp_shard_fraction(const TensorGroup& t, const Architecture& arch, int tp);

// How one rank shards the layers when the engine splits parts differently (core/expert_parallel.h):
// dense parts over `tp`, attention over `attn_tp` (SGLang DP attention: tp / dp), routed experts as
// ep_rank's whole experts of `ep` over `moe_tp` (vLLM EP: moe_tp 1; SGLang: tp / ep).
struct RankShard {
    int tp = 1;
    int attn_tp = 1;
    int ep = 1;
    int ep_rank = 0;
    int moe_tp = 1;
    bool replicate_embedding = false;   // SGLang DP attention: VocabParallelEmbedding(enable_tp=False)
    std::int64_t expert_intermediate_align = 0;  // MXFP4 MoE: each expert's intermediate per rank rounded up to it (0 = none)
};
RankShard plain_tp(int tp);   // everything over tp, experts TP-sharded
// Routed experts rank `ep_rank` of `ep` holds: vLLM determine_expert_map (linear placement): E / ep
// each, the first E % ep ranks one more.
std::int64_t local_experts(std::int64_t num_experts, int ep, int ep_rank);
double rank_shard_fraction(const TensorGroup& t, const Architecture& arch, const RankShard& shard);

struct RankWeights {
    Bytes bytes = 0;          // the rank's share of the checkpoint tensors
    Bytes embedding_bytes = 0;// of which: token embedding and lm_head (vocabulary padded to 64)
    Bytes extra_bytes = 0;    // engine-made buffers: rotary cos/sin cache, MLA absorbed matrices
    std::string how;          // one line: "32 layers / tp 2 + embedding 128256 (padded) / 2 ..."
};

// Bytes one TP rank of each PP stage loads (one entry per stage, in order). Embedding and lm_head
// rows are the vocabulary padded to a multiple of 64 (vLLM VocabParallelEmbedding pad_vocab_size) and split over TP; attention Q/O, MLP
// and expert matrices split over TP; K/V split by KV heads, replicated when tp > kv heads
// (QKVParallelLinear); norms, routers and MLA down-projections replicated. Tied embeddings count
// once unless the first and last stages differ (then the last stage loads its own lm_head copy).
// model_dtype_bytes: 2 for 16-bit checkpoints, 4 for fp32: the engine's own buffers use it.
// `files`: the checkpoint's own tensor bytes (safetensors headers) instead of the format's rules.
// `tensors`: tensor_inventory(arch), built once per model (ResolvedScenario::tensors); one pass over
// it serves every stage.
std::vector<RankWeights> stage_weight_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch,
                                            const WeightFormat& format, int tp, const std::vector<PpStage>& stages,
                                            double model_dtype_bytes, const FileWeights* files = nullptr);
// vLLM --cpu-offload-gb on one rank of a stage (vllm/model_executor/models/utils.py maybe_offload_to_cpu,
// applied to each decoder layer by make_layers): parameters move to pinned host memory in the layers'
// order, checking the budget before each, so the last one moves whole. A fused MoE layer's w13 / w2 are
// single parameters of hundreds of MB, so the offload passes the budget by up to one of them. Fused
// parameters: q/k/v (qkv_proj), gate/up (gate_up_proj, experts' w13).
double cpu_offload_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch, const WeightFormat& format,
                         const RankShard& shard, const PpStage& stage, double budget);

// The same for a rank sharded as `shard` says (expert parallel, DP attention).
std::vector<RankWeights> stage_weight_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch,
                                            const WeightFormat& format, const RankShard& shard,
                                            const std::vector<PpStage>& stages, double model_dtype_bytes,
                                            const FileWeights* files = nullptr);

}  // namespace vramcalc
