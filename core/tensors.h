// The weight tensors a model holds, as groups of identical matrices. One inventory serves the
// parameter count, every weight format's byte count, and the per-layer splits (PP, n_gpu_layers).
#pragma once
#include <cstdint>
#include <vector>

#include "architecture.h"

namespace vramcalc {

enum class TensorRole {
    TokenEmbedding, PositionEmbedding, LmHead, FinalNorm,
    AttnQ, AttnK, AttnV, AttnQkv, AttnO,                // AttnQkv only when fused_qkv
    MlaQA, MlaQB, MlaKvA, MlaKvB,                       // DeepSeek MLA projections (q_a, q_b, kv_a, kv_b)
    MlpGate, MlpUp, MlpDown,                            // dense MLP (and the shared expert)
    ExpertGate, ExpertUp, ExpertDown,                   // routed experts (count = num_experts)
    Router,
    Norm,                                               // per-layer norm weights (and q/k norms)
    Bias,                                               // per-layer bias vectors
    Extra,                                              // vision tower and other non-LM weights
};

struct TensorGroup {
    TensorRole role;
    std::int64_t layer = -1;   // -1 for tensors outside the decoder layers
    std::int64_t rows = 1;     // output features (1 for vectors)
    std::int64_t cols = 1;     // input features
    std::int64_t count = 1;    // identical tensors in the group (experts)
    bool shared_expert = false;
    // AttnV only: its layer's place among the layers that are not linear-attention, and their number
    // (llama-quant's i_attention_wv / n_attention_wv), numbered once by tensor_inventory; -1 = not set
    // (a hand-built group: gguf.cpp counts them itself).
    std::int64_t attention_index = -1;
    std::int64_t attention_layers = 0;

    double elements() const { return static_cast<double>(rows) * static_cast<double>(cols) * static_cast<double>(count); }
    bool is_matrix() const { return rows > 1 && cols > 1; }
};

std::vector<TensorGroup> tensor_inventory(const Architecture& arch);

// The language model's parameters: the Extra group (arch.extra_params, vision tower) is left out;
// callers add arch.extra_params where they want the whole checkpoint.
struct ParamCount {
    double total = 0.0;       // every LM weight, embeddings and lm_head included (tied counted once)
    double active = 0.0;      // per token: routed experts counted experts_per_token times
    double embedding = 0.0;   // token (+ position) embedding
    double lm_head = 0.0;     // 0 when tied
};

ParamCount count_params(const Architecture& arch);
// The same from an inventory already built (ResolvedScenario::tensors).
ParamCount count_params(const std::vector<TensorGroup>& tensors, const Architecture& arch);

}  // namespace vramcalc
