// The rule of thumb users already know: VRAM = parameters x bytes per weight x 1.2. Every estimate
// shows it beside the engine's answer (Estimate::rule_of_thumb), and the "simple" engine profile
// (core/engines/simple.cpp) answers with it alone.
#pragma once
#include "resolved_scenario.h"
#include "result.h"

namespace vramcalc {

Estimate rule_of_thumb_estimate(const ResolvedScenario& r);

}  // namespace vramcalc
