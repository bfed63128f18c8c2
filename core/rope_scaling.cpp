#include "rope_scaling.h"

#include <cmath>
#include <cstdio>

namespace vramcalc {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// How to switch the card's scaling on, per engine.
std::string yarn_flags(const RopeScaling& rs) {
    const std::string type = rs.type.empty() ? "yarn" : rs.type;
    const std::string orig = std::to_string(rs.original_max_context);
    return "vLLM: --hf-overrides '{\"rope_scaling\": {\"rope_type\": \"" + type + "\", \"factor\": " + num(rs.factor) +
           ", \"original_max_position_embeddings\": " + orig + "}}'; llama.cpp: --rope-scaling " + type +
           " --rope-scale " + num(rs.factor) + " --yarn-orig-ctx " + orig;
}

}  // namespace

std::string context_warning(const Architecture& a, std::int64_t context) {
    const RopeScaling& rs = a.rope_scaling;
    const bool card_scaling = !rs.in_config && rs.factor > 1.0 && rs.original_max_context > 0;
    if (card_scaling && context > a.max_context) {
        const double reach = std::floor(static_cast<double>(rs.original_max_context) * rs.factor);
        if (static_cast<double>(context) <= reach)
            return "context " + std::to_string(context) + " is beyond the model's native " + std::to_string(a.max_context) +
                   " tokens: it needs RoPE scaling (" + (rs.type.empty() ? std::string("yarn") : rs.type) + ", factor " +
                   num(rs.factor) + ", as the model card says), which the engines do not switch on by themselves. " +
                   yarn_flags(rs);
        return "context " + std::to_string(context) + " exceeds even the scaled window of " + num(reach) +
               " tokens (native " + std::to_string(a.max_context) + " x " + num(rs.factor) + ")";
    }
    if (a.max_context > 0 && context > a.max_context)
        return "context " + std::to_string(context) + " exceeds the model's trained maximum of " +
               std::to_string(a.max_context) + " tokens (vLLM refuses it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1)";
    return {};
}

}  // namespace vramcalc
