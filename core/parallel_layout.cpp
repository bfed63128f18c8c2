#include "parallel_layout.h"

#include <algorithm>

namespace vramcalc {

ParallelLayout pooled_layout(int gpus, int nodes, std::int64_t heads, bool heads_divide_tp) {
    ParallelLayout l;
    const int n = std::max(1, gpus);
    const int per_node = std::max(1, n / std::max(1, std::min(nodes, n)));
    for (int tp = per_node; tp >= 1; --tp)
        if (n % tp == 0 && per_node % tp == 0 && (heads <= 0 || !heads_divide_tp || heads % tp == 0)) {
            l.tp = tp;
            break;
        }
    l.pp = n / l.tp;
    return l;
}

std::optional<ParallelLayout> scenario_layout(const Scenario& s, std::int64_t heads, const ParallelRules& rules,
                                              std::string& error) {
    ParallelLayout l;
    if (s.replicas < 1 || s.replicas > s.gpus) {
        error = "replicas: between 1 and the GPU count (" + std::to_string(s.gpus) + ")";
        return std::nullopt;
    }
    if (!rules.tensor_parallel && !rules.pipeline_parallel) return l;  // the engine splits layers itself
    // SGLang DP attention: the --dp-size ranks are inside one TP group, so the GPUs hold one copy.
    const bool dp_attn = rules.dp_attention && s.enable_dp_attention && s.replicas > 1;
    const int copies = dp_attn ? 1 : s.replicas;
    if (s.gpus % copies != 0) {
        error = "replicas: " + std::to_string(s.replicas) + " replicas do not divide the " + std::to_string(s.gpus) + " GPUs";
        return std::nullopt;
    }
    l.replicas = s.replicas;
    l.dp_attention = dp_attn;
    const int per_replica = s.gpus / copies;
    const int nodes_per_replica = std::max(1, s.nodes / copies);
    if (s.tp == 0 && s.pp == 0) {
        const ParallelLayout p = pooled_layout(per_replica, nodes_per_replica, heads, rules.heads_divide_tp && rules.tensor_parallel);
        l.tp = rules.tensor_parallel ? p.tp : 1;
        l.pp = rules.tensor_parallel ? p.pp : per_replica;
        if (!rules.pipeline_parallel && l.pp > 1) { l.idle = (l.pp - 1) * l.tp * copies; l.pp = 1; }
        return l;
    }
    l.tp = s.tp;
    l.pp = s.pp;
    // One of the two set: the other fills the replica's GPUs.
    if (s.pp == 0) {
        if (per_replica % s.tp != 0) {
            error = "tp: tensor parallel " + std::to_string(s.tp) + " does not divide the " + std::to_string(per_replica) +
                    " GPUs of a replica (set PP too, or choose a TP that divides them)";
            return std::nullopt;
        }
        l.pp = rules.pipeline_parallel ? per_replica / s.tp : 1;
    } else if (s.tp == 0) {
        if (per_replica % s.pp != 0) {
            error = "pp: pipeline parallel " + std::to_string(s.pp) + " does not divide the " + std::to_string(per_replica) +
                    " GPUs of a replica";
            return std::nullopt;
        }
        l.tp = rules.tensor_parallel ? per_replica / s.pp : 1;
    }
    const std::int64_t used = layout_gpus(l);
    if (used > s.gpus) {
        error = "tp: " + layout_text(l) + " needs " + std::to_string(used) + " GPUs, more than the " +
                std::to_string(s.gpus) + " given (--gpus)";
        return std::nullopt;
    }
    l.idle = static_cast<int>(s.gpus - used);
    return l;
}

std::int64_t layout_gpus(const ParallelLayout& l) {
    return static_cast<std::int64_t>(l.tp) * l.pp * (l.dp_attention ? 1 : l.replicas);
}

std::string layout_text(const ParallelLayout& l) {
    std::string t = "TP " + std::to_string(l.tp);
    if (l.pp > 1) t += " x PP " + std::to_string(l.pp);
    if (l.dp_attention) t += " (DP attention " + std::to_string(l.replicas) + ")";
    else if (l.replicas > 1) t += " x " + std::to_string(l.replicas) + " replicas";
    return t;
}

}  // namespace vramcalc
