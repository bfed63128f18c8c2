// The ready command for a scenario, as its engine profile writes it: `vllm serve ...`,
// `python -m sglang.launch_server ...`, `llama-server ...`, or the transformers loading snippet.
#pragma once
#include <string>

#include "estimate.h"

namespace vramcalc {

// One line per flag, joined with " \\\n  " so it pastes into a shell as is.
std::string launch_command(const ResolvedScenario& r);
std::string launch_command(const Scenario& s);  // "" when the scenario does not resolve

}  // namespace vramcalc
