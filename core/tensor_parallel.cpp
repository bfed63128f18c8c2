#include "tensor_parallel.h"

#include <algorithm>
#include <cstdio>
#include "text.h"

namespace vramcalc {

std::vector<PpStage> pp_stages(std::int64_t num_layers, int pp) {
    const int n = std::max(1, pp);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(n), num_layers / n);
    // vllm/distributed/utils.py get_pp_indices: `for i in range(2, remaining_layers + 2):
    // partitions[-i] += 1` (the last stage keeps the floor because it also holds the lm_head).
    const std::int64_t remaining = num_layers % n;
    for (std::int64_t i = 2; i < remaining + 2; ++i) {
        const std::int64_t idx = n - i;
        if (idx >= 0) counts[static_cast<std::size_t>(idx)] += 1;
        else counts[0] += 1;  // only when pp == 1, where remaining is 0 anyway
    }
    std::vector<PpStage> stages;
    std::int64_t start = 0;
    for (int r = 0; r < n; ++r) {
        PpStage s;
        s.first_layer = start;
        s.num_layers = counts[static_cast<std::size_t>(r)];
        s.first = r == 0;
        s.last = r == n - 1;
        start += s.num_layers;
        stages.push_back(s);
    }
    return stages;
}

double tp_shard_fraction(const TensorGroup& t, const Architecture& arch, int tp_in) {
    const double tp = static_cast<double>(std::max(1, tp_in));
    const double kv_heads = static_cast<double>(std::max<std::int64_t>(1, arch.num_kv_heads));
    const double kv_per_rank = static_cast<double>(std::max<std::int64_t>(1, arch.num_kv_heads / std::max(1, tp_in)));
    switch (t.role) {
        case TensorRole::TokenEmbedding:
        case TensorRole::LmHead: {
            // VocabParallelEmbedding / ParallelLMHead: vocabulary padded to a multiple of 64
            // (DEFAULT_VOCAB_PADDING_SIZE), then num_embeddings_padded / tp rows per rank.
            const std::int64_t vocab = arch.vocab_size > 0 ? arch.vocab_size : std::max(t.rows, t.cols);
            const double padded = static_cast<double>(round_up(static_cast<std::uint64_t>(vocab), 64));
            return padded / static_cast<double>(vocab) / tp;
        }
        case TensorRole::PositionEmbedding:
        case TensorRole::FinalNorm:
        case TensorRole::Norm:
        case TensorRole::Router:          // ReplicatedLinear gate
        case TensorRole::MlaQA:           // q_a_proj: ReplicatedLinear
        case TensorRole::MlaKvA:          // kv_a_proj_with_mqa: ReplicatedLinear
            return 1.0;
        case TensorRole::AttnK:
        case TensorRole::AttnV:
            // QKVParallelLinear: kv heads split over TP, each replicated when tp > kv heads.
            return kv_per_rank / kv_heads;
        case TensorRole::AttnQkv: {
            const double heads = static_cast<double>(std::max<std::int64_t>(1, arch.num_heads));
            const double total = heads + 2.0 * kv_heads;
            return (heads / tp + 2.0 * kv_per_rank) / total;
        }
        case TensorRole::AttnQ:
        case TensorRole::AttnO:
        case TensorRole::MlaQB:
        case TensorRole::MlaKvB:
        case TensorRole::MlpGate:
        case TensorRole::MlpUp:
        case TensorRole::MlpDown:
        case TensorRole::ExpertGate:      // FusedMoE without expert parallel: each expert's
        case TensorRole::ExpertUp:        // intermediate dimension split over TP
        case TensorRole::ExpertDown:
        case TensorRole::Bias:            // mostly q/k/v biases, split with their matrices
        case TensorRole::Extra:           // vision towers use the same parallel linears
            return 1.0 / tp;
    }
    return 1.0 / tp;
}

RankShard plain_tp(int tp) {
    RankShard s;
    s.tp = s.attn_tp = s.moe_tp = std::max(1, tp);
    return s;
}

std::int64_t local_experts(std::int64_t num_experts, int ep_in, int ep_rank) {
    const std::int64_t ep = std::max(1, ep_in);
    const std::int64_t base = num_experts / ep, rem = num_experts % ep;
    return base + (ep_rank < rem ? 1 : 0);
}

double rank_shard_fraction(const TensorGroup& t, const Architecture& arch, const RankShard& shard) {
    switch (t.role) {
        case TensorRole::ExpertGate:
        case TensorRole::ExpertUp:
        case TensorRole::ExpertDown: {
            // FusedMoE create_weights: local_num_experts x (intermediate / moe_tp) x hidden.
            const double moe_tp = static_cast<double>(std::max(1, shard.moe_tp));
            if (shard.ep <= 1 || arch.num_experts <= 0) return 1.0 / moe_tp;
            return static_cast<double>(local_experts(arch.num_experts, shard.ep, shard.ep_rank)) /
                   static_cast<double>(arch.num_experts) / moe_tp;
        }
        case TensorRole::AttnQ:
        case TensorRole::AttnK:
        case TensorRole::AttnV:
        case TensorRole::AttnQkv:
        case TensorRole::AttnO:
        case TensorRole::MlaQB:
        case TensorRole::MlaKvB:
            return tp_shard_fraction(t, arch, shard.attn_tp);
        case TensorRole::TokenEmbedding:
            return tp_shard_fraction(t, arch, shard.replicate_embedding ? 1 : shard.tp);
        default:
            return tp_shard_fraction(t, arch, shard.tp);
    }
}

double cpu_offload_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch, const WeightFormat& format,
                         const RankShard& shard, const PpStage& stage, double budget) {
    double off = 0.0, param = 0.0;
    const TensorGroup* prev = nullptr;
    auto commit = [&] {
        if (param > 0.0 && off < budget) off += param;  // `if _CPU_OFFLOAD_BYTES >= MAX: break`, then the whole parameter
        param = 0.0;
    };
    for (const TensorGroup& t : tensors) {
        if (t.layer < stage.first_layer || t.layer >= stage.first_layer + stage.num_layers) continue;
        const bool fused = prev && prev->layer == t.layer && prev->shared_expert == t.shared_expert &&
                           (((t.role == TensorRole::AttnK || t.role == TensorRole::AttnV) &&
                             (prev->role == TensorRole::AttnQ || prev->role == TensorRole::AttnK)) ||
                            (t.role == TensorRole::MlpUp && prev->role == TensorRole::MlpGate) ||
                            (t.role == TensorRole::ExpertUp && prev->role == TensorRole::ExpertGate));
        if (!fused) commit();
        param += static_cast<double>(tensor_bytes(format, t, arch)) * rank_shard_fraction(t, arch, shard);
        prev = &t;
    }
    commit();
    return off;
}

namespace {

// Which stage holds a tensor outside the decoder layers.
bool on_first_stage(TensorRole role) {
    switch (role) {
        case TensorRole::LmHead:
        case TensorRole::FinalNorm:
        case TensorRole::Bias:  // lm_head bias (Phi-2)
            return false;
        default:  // token and position embeddings, the vision tower (Extra), anything else
            return true;
    }
}

// The stage holding each layer (stages are consecutive runs of layers, in order); -1 for none.
std::vector<int> stage_of_layers(const std::vector<PpStage>& stages) {
    std::int64_t layers = 0;
    for (const PpStage& st : stages) layers = std::max(layers, st.first_layer + st.num_layers);
    std::vector<int> out(static_cast<std::size_t>(std::max<std::int64_t>(0, layers)), -1);
    for (std::size_t i = 0; i < stages.size(); ++i)
        for (std::int64_t l = stages[i].first_layer; l < stages[i].first_layer + stages[i].num_layers; ++l)
            if (l >= 0) out[static_cast<std::size_t>(l)] = static_cast<int>(i);
    return out;
}

// The engine-made buffers of one stage, and its bytes and one-line account.
RankWeights finish_stage(const Architecture& arch, const WeightFormat& format, const RankShard& shard, const PpStage& stage,
                         double model_dtype_bytes, const FileWeights* files, double total, double embed) {
    RankWeights out;
    // Engine-made buffers that "Model loading took" counts as well.
    double extra = 0.0;
    // Rotary cos/sin cache: [max_position, rotary_dim] in the model dtype, one instance shared by
    // every layer (vllm/model_executor/layers/rotary_embedding get_rope caches by key). Granite 4.0-H
    // ("nope") builds none: GraniteMoeHybridAttention sets rotary_emb = None unless
    // position_embedding_type == "rope" (vllm-project/vllm granitemoehybrid.py at 0195c9ec).
    if (!arch.learned_positions && !arch.no_rope && arch.max_context > 0) {
        const double rot = static_cast<double>(arch.is_mla() && arch.qk_rope_head_dim > 0 ? arch.qk_rope_head_dim : arch.head_dim);
        extra += static_cast<double>(arch.max_context) * rot * model_dtype_bytes;
    }
    // MLA: process_weights_after_loading builds W_UK_T / W_UV from kv_b_proj in the model dtype,
    // a second copy of kv_b_proj per layer (vllm/v1/attention/backends/mla/common.py).
    if (arch.is_mla()) {
        const double heads_rank = static_cast<double>(arch.num_heads) / std::max(1, shard.attn_tp);
        const double kv_b = static_cast<double>(arch.kv_lora_rank) * heads_rank *
                            static_cast<double>(arch.qk_nope_head_dim + arch.value_head_dim());
        extra += kv_b * model_dtype_bytes * static_cast<double>(stage.num_layers);
    }
    out.bytes = bytes_from(total + extra);
    out.embedding_bytes = bytes_from(embed);
    out.extra_bytes = bytes_from(extra);
    std::string how = std::to_string(stage.num_layers) + " layers";
    if (stage.num_layers != arch.num_layers)
        how += " (" + std::to_string(stage.first_layer) + "-" + std::to_string(stage.first_layer + stage.num_layers - 1) + ")";
    how += files ? " as read from the " + files->source + " headers" : " in " + format.id;
    if (shard.tp > 1) how += ", split over tp " + std::to_string(shard.tp);
    if (shard.attn_tp != shard.tp) how += " (attention over " + std::to_string(shard.attn_tp) + ", DP attention)";
    if (shard.ep > 1 && arch.num_experts > 0)
        how += "; experts: " + std::to_string(local_experts(arch.num_experts, shard.ep, shard.ep_rank)) + " of " +
               std::to_string(arch.num_experts) + " per rank (EP " + std::to_string(shard.ep) +
               (shard.moe_tp > 1 ? ", each over moe_tp " + std::to_string(shard.moe_tp) : "") + ")";
    if (embed > 0) how += "; embedding/lm_head " + gib_text(embed) + " (vocab padded to 64)";
    if (extra > 0) how += "; rotary cache" + std::string(arch.is_mla() ? " + MLA W_UK/W_UV" : "") + " " + gib_text(extra);
    how += " = " + gib_text(total + extra);
    out.how = how;
    return out;
}

}  // namespace

std::vector<RankWeights> stage_weight_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch,
                                            const WeightFormat& format, int tp, const std::vector<PpStage>& stages,
                                            double model_dtype_bytes, const FileWeights* files) {
    return stage_weight_bytes(tensors, arch, format, plain_tp(tp), stages, model_dtype_bytes, files);
}

std::vector<RankWeights> stage_weight_bytes(const std::vector<TensorGroup>& tensors, const Architecture& arch,
                                            const WeightFormat& format, const RankShard& shard,
                                            const std::vector<PpStage>& stages, double model_dtype_bytes,
                                            const FileWeights* files) {
    if (stages.empty()) return {};
    // One pass over the tensors, each added to the stage that holds it (in the tensors' order, so a
    // stage's sum is the same whichever other stages there are).
    std::vector<double> total(stages.size(), 0.0), embed(stages.size(), 0.0);
    const std::vector<int> stage_of = stage_of_layers(stages);
    double tied_embedding_bytes = 0.0;
    bool has_lm_head = false;
    // MXFP4 MoE kernels pad each expert's intermediate per rank (vLLM: expert_intermediate_align).
    double expert_pad = 1.0;
    if (shard.expert_intermediate_align > 0 && format.kind == "mxfp4" && arch.moe_intermediate_size > 0) {
        const auto per_rank = static_cast<std::uint64_t>(std::max<std::int64_t>(1, arch.moe_intermediate_size / std::max(1, shard.moe_tp)));
        expert_pad = static_cast<double>(round_up(per_rank, static_cast<std::uint64_t>(shard.expert_intermediate_align))) /
                     static_cast<double>(per_rank);
    }
    auto add = [&](const TensorGroup& t, double stored_bytes) {
        const bool expert = t.role == TensorRole::ExpertGate || t.role == TensorRole::ExpertUp || t.role == TensorRole::ExpertDown;
        const double b = stored_bytes * rank_shard_fraction(t, arch, shard) * (expert ? expert_pad : 1.0);
        if (t.role == TensorRole::LmHead) has_lm_head = true;
        if (t.role == TensorRole::TokenEmbedding) tied_embedding_bytes = b;
        auto put = [&](std::size_t i) {
            total[i] += b;
            if (t.role == TensorRole::TokenEmbedding || t.role == TensorRole::LmHead) embed[i] += b;
        };
        if (t.layer >= 0) {
            if (t.layer < static_cast<std::int64_t>(stage_of.size()) && stage_of[static_cast<std::size_t>(t.layer)] >= 0)
                put(static_cast<std::size_t>(stage_of[static_cast<std::size_t>(t.layer)]));
            return;
        }
        for (std::size_t i = 0; i < stages.size(); ++i)
            if (on_first_stage(t.role) ? stages[i].first : stages[i].last) put(i);
    };
    // The tensors with their bytes: the checkpoint's own (files) or the format's rules per group.
    if (files) {
        for (const FileWeightGroup& g : files->groups) add(TensorGroup{g.role, g.layer, 1, 1, 1, false}, static_cast<double>(g.bytes));
    } else {
        for (const TensorGroup& t : tensors) add(t, static_cast<double>(tensor_bytes(format, t, arch)));
    }
    // Tied embeddings on a last stage that is not also the first: the lm_head is its own
    // ParallelLMHead there, loaded from the embedding weights (vLLM llama.py LlamaForCausalLM).
    for (std::size_t i = 0; i < stages.size(); ++i)
        if (arch.tied_embeddings && !has_lm_head && stages[i].last && !stages[i].first) {
            total[i] += tied_embedding_bytes;
            embed[i] += tied_embedding_bytes;
        }
    std::vector<RankWeights> out;
    out.reserve(stages.size());
    for (std::size_t i = 0; i < stages.size(); ++i)
        out.push_back(finish_stage(arch, format, shard, stages[i], model_dtype_bytes, files, total[i], embed[i]));
    return out;
}

}  // namespace vramcalc
