// Mixture of experts: expert counts and widths, shared experts, and which layers carry experts
// (DeepSeek first_k_dense_replace / moe_layer_freq, Qwen decoder_sparse_step / mlp_only_layers,
// Llama 4 interleave / moe_layers, Jamba expert_layer_period, MiMo/MiniMax per-layer lists).
#include <algorithm>

#include "readers.h"

namespace vramcalc::config {

namespace {

// A 0/1 list, one entry per layer (MiMo-V2 / MiniMax-M3 moe_layer_freq): the zero layers are dense.
bool read_layer_list(Reader& r, Architecture& a, const json& list) {
    if (static_cast<std::int64_t>(list.size()) != a.num_layers) {
        r.fail("moe_layer_freq lists " + std::to_string(list.size()) + " layers, the config has " + std::to_string(a.num_layers));
        return false;
    }
    for (std::size_t i = 0; i < list.size(); ++i)
        if (!list[i].is_number() || list[i].get<double>() == 0.0) a.mlp_only_layers.push_back(static_cast<std::int64_t>(i));
    return true;
}

void read_layer_rules(Reader& r, Architecture& a, const Family& f, std::optional<std::int64_t> step) {
    const std::string& mt = f.model_type;
    a.moe_layer_step = std::max<std::int64_t>(1, step.value_or(1));
    if (const json* mlo = r.find({"mlp_only_layers"}); mlo && mlo->is_array())
        for (const auto& v : *mlo)
            if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < a.num_layers)
                a.mlp_only_layers.push_back(v.get<std::int64_t>());
    if (const json* ml = r.find({"moe_layers"}); ml && ml->is_array() && mt == "llama4_text") {
        // Llama4TextConfig.moe_layers given explicitly: turn the complement into dense layers.
        std::vector<bool> is_moe(static_cast<std::size_t>(a.num_layers), false);
        for (const auto& v : *ml)
            if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < a.num_layers)
                is_moe[static_cast<std::size_t>(v.get<std::int64_t>())] = true;
        a.moe_layer_step = 1;
        for (std::int64_t i = 0; i < a.num_layers; ++i)
            if (!is_moe[static_cast<std::size_t>(i)]) a.mlp_only_layers.push_back(i);
    }
    if (mt == "jamba") {
        // JambaConfig: layer i has experts when i % expert_layer_period == expert_layer_offset.
        a.first_dense_layers = 0;
        std::int64_t period = std::max<std::int64_t>(1, r.soft_integer({"expert_layer_period"}).value_or(2));
        std::int64_t offset = r.soft_integer({"expert_layer_offset"}).value_or(1);
        a.moe_layer_step = 1;
        for (std::int64_t i = 0; i < a.num_layers; ++i)
            if (i % period != offset) a.mlp_only_layers.push_back(i);
    }
    if (f.deepseek && a.moe_layer_step > 1) {
        // DeepSeek: MoE when layer >= first_k_dense_replace and layer % moe_layer_freq == 0.
        std::int64_t freq = a.moe_layer_step;
        a.moe_layer_step = 1;
        for (std::int64_t i = 0; i < a.num_layers; ++i)
            if (i % freq != 0) a.mlp_only_layers.push_back(i);
    }
}

}  // namespace

bool read_moe(Reader& r, Architecture& a, const Family& f) {
    const std::string& mt = f.model_type;
    auto experts = r.integer({"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_experts_total"});
    auto topk = r.integer({"num_experts_per_tok", "experts_per_token", "moe_top_k", "num_experts_per_token", "top_k",
                           "top_k_experts"});
    auto moe_inter = r.integer({"moe_intermediate_size", "expert_intermediate_size"});
    auto n_shared = r.integer({"n_shared_experts", "num_shared_experts"});
    auto shared_inter = r.integer({"shared_expert_intermediate_size", "shared_intermediate_size",
                                   "moe_shared_expert_intermediate_size", "share_expert_dim"});
    auto first_dense = r.integer({"first_k_dense_replace", "first_dense_layers"});
    const json* freq_list = r.find({"moe_layer_freq"});
    std::optional<std::int64_t> step;
    if (!freq_list || !freq_list->is_array())
        step = r.integer({"interleave_moe_layer_step", "decoder_sparse_step", "moe_layer_freq", "expert_layer_period"});
    if (!r.ok()) return false;
    // Gemma 4 keeps num_experts at the class default when enable_moe_block is false.
    if (mt == "gemma4_text" && !r.boolean({"enable_moe_block"}).value_or(false)) return true;
    if (!experts || *experts <= 1) return true;
    if (!topk) {
        r.fail("num_experts_per_tok missing (the config has " + std::to_string(*experts) + " experts)");
        return false;
    }
    if (*topk < 1 || *topk > *experts) {
        r.fail("num_experts_per_tok " + std::to_string(*topk) + " must be between 1 and the number of experts " +
               std::to_string(*experts));
        return false;
    }
    a.num_experts = *experts;
    a.experts_per_token = *topk;
    if (mt != "llama4_text") a.moe_intermediate_size = moe_inter.value_or(a.intermediate_size);
    if (mt == "llama4_text") {
        a.num_shared_experts = 1;  // Llama4TextMoe.shared_expert, intermediate_size wide
    } else if (n_shared && *n_shared > 0) {
        a.num_shared_experts = *n_shared;
    }
    if (shared_inter && *shared_inter > 0) {
        // Qwen2-MoE style: one shared expert this wide. Nemotron-H / Granite 4 / Step name the width of
        // their (single) shared expert the same way.
        a.shared_expert_intermediate_size = *shared_inter;
        if (a.num_shared_experts == 1) a.num_shared_experts = 0;
    }
    a.first_dense_layers = std::max<std::int64_t>(0, first_dense.value_or(0));
    a.expert_bias = mt == "gpt_oss";
    a.dense_mlp_beside_moe = mt == "gemma4_text";
    if (freq_list && freq_list->is_array()) {
        if (!read_layer_list(r, a, *freq_list)) return false;
        a.first_dense_layers = 0;
    }
    read_layer_rules(r, a, f, step);
    return r.ok();
}

}  // namespace vramcalc::config
