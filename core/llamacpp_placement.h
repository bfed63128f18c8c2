// Where llama.cpp puts each weight tensor: the user's tensor placement flags read into one struct.
//   -ot / --override-tensor REGEX=BUFT (comma-separated, first match wins: llama-model.cpp
//   create_tensor runs std::regex_search over the tensor name), --cpu-moe / --n-cpu-moe N (common/arg.cpp
//   push "\.ffn_(up|down|gate|gate_up)_(ch|)exps" / "blk\.%d\.ffn_(up|down|gate|gate_up)_(ch|)exps" = CPU for
//   layers 0..N-1), and --tensor-split a,b,... (the layer split points; default: each device's free memory).
#pragma once
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "scenario.h"
#include "tensors.h"

namespace vramcalc {

inline constexpr std::size_t kMaxOverrideText = 16384;  // bytes of the -ot list (the planner writes ~100 per layer)

struct BufferOverride {
    std::string pattern;
    int device = -1;  // -1 = CPU (host RAM), else the GPU's index (CUDA0 = 0)
    std::regex re;
    std::string literal;  // a substring every match contains ("blk.7.ffn_"): skips the regex for most names
};

struct TensorPlacement {
    std::vector<BufferOverride> overrides;  // user -ot, in order
    // --cpu-moe (every layer) / --n-cpu-moe N: expert tensors of layers below this stay on the CPU; the
    // patterns come after the user's -ot ones (common/arg.cpp appends them as the flags are read).
    std::int64_t cpu_moe_layers = 0;
    std::vector<double> split;              // --tensor-split weights per device; empty = by free memory
    std::string error;                      // "override_tensor: ..." when a flag cannot be read
    // The device a tensor is overridden to (first match wins); false when no pattern matches.
    bool override_for(const std::string& tensor_name, int& device) const;
};

// llama.cpp's GGUF name of a tensor group ("blk.12.ffn_up_exps.weight"); shared-expert MLPs of a MoE layer
// are *_shexp, expert biases *_exps.bias.
std::string llama_tensor_name(TensorRole role, std::int64_t layer, bool moe_layer, bool expert_bias = false);

// "blk\.7\.ffn_(up|down|gate|gate_up)_(ch|)exps" (common/arg.cpp llm_ffn_exps_block_regex).
std::string expert_layer_pattern(std::int64_t layer);

TensorPlacement read_tensor_placement(const Scenario& s, int n_devices);

// --tensor-split / override text checks for the scenario readers ("" when fine).
std::string override_text_problem(const std::string& text);
std::string tensor_split_problem(const std::string& text);

}  // namespace vramcalc
