// What a requested context means for RoPE: within the trained window, within a window the config
// already stretches (the engine applies rope_scaling by itself), within a window the model card
// promises only with YaRN switched on (and the engine flags that do it), or beyond every limit.
#pragma once
#include <cstdint>
#include <string>

#include "architecture.h"

namespace vramcalc {

// One warning for the context, or "" when the context needs nothing. Flags: vLLM --hf-overrides
// (engine args: hf_overrides replaces config fields) and llama.cpp --rope-scaling yarn --rope-scale
// --yarn-orig-ctx (common/arg.cpp).
std::string context_warning(const Architecture& arch, std::int64_t context_tokens);

}  // namespace vramcalc
