// Pieces the engine profiles' launch commands share: shell quoting, the model reference, the
// continuation-line layout, and what a checkpoint format asks of an engine that reads HF repos.
#pragma once
#include <string>
#include <vector>

#include "resolved_scenario.h"

namespace vramcalc {

// One flag per line, joined with " \\\n  " so it pastes into a shell as is.
std::string joined_flags(const std::vector<std::string>& parts);
// The word as is when it is plain, else single-quoted for a POSIX shell.
std::string shell_word(const std::string& s);
// The model's HF id, or a placeholder path for a custom model.
std::string model_ref(const ResolvedScenario& r);
// "# use a AWQ int4 (g128) checkpoint of ..." when the format is a separate checkpoint, else "".
std::string checkpoint_note(const ResolvedScenario& r);
// vLLM/SGLang --quantization value; "" when the checkpoint's quantization_config says it or the
// format is the model's own dtype (FP8 of a 16-bit checkpoint is quantized online: "fp8").
std::string quantization_flag_value(const ResolvedScenario& r);

}  // namespace vramcalc
