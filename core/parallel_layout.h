// How the GPUs of a scenario serve the model: tensor parallel x pipeline parallel x replicas.
// "GPUs = 8" means eight GPUs serving ONE model, as every calculator and engine user reads it: the
// layout is pooled unless the user asks for replicas (data parallel) or sets TP/PP themselves.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "engine_profile.h"
#include "scenario.h"

namespace vramcalc {

struct ParallelLayout {
    int tp = 1;
    int pp = 1;
    int replicas = 1;   // data-parallel copies (vLLM --data-parallel-size, SGLang --dp-size)
    int idle = 0;       // GPUs the layout leaves unused (explicit tp x pp x replicas below the count)
    bool dp_attention = false;  // SGLang --enable-dp-attention: the replicas split the TP group's attention
};
// GPUs the layout runs on: tp x pp x replicas, or tp x pp when the replicas are attention-DP ranks.
std::int64_t layout_gpus(const ParallelLayout& l);

// All `gpus` serve one copy of the model: TP is the largest divisor of the GPUs in one node that
// divides the attention heads (vLLM ModelConfig.verify_with_parallel_config and SGLang both refuse
// num_attention_heads % tp != 0; tensor parallel stays inside a node's NVLink), PP takes the rest.
// `heads` 0 = unknown (any TP is allowed).
ParallelLayout pooled_layout(int gpus, int nodes, std::int64_t heads, bool heads_divide_tp);

// The layout a scenario asks for. Scenario::tp / pp 0 = auto: the GPUs of one replica pooled as
// above; a TP or PP the user set is kept and the other fills the replica's GPUs. Engines without
// tensor/pipeline parallel get 1 x 1 (they split layers their own way). nullopt + `error` naming the
// field ("tp: ...", "replicas: ...") when the numbers cannot be laid out.
std::optional<ParallelLayout> scenario_layout(const Scenario& s, std::int64_t heads, const ParallelRules& rules,
                                              std::string& error);

// "TP 8", "TP 4 x PP 2", "TP 2 x 4 replicas": the layout as the page and suggestions name it.
std::string layout_text(const ParallelLayout& l);

}  // namespace vramcalc
