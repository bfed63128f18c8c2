// One function per engine, each mirroring that engine's own memory accounting (see each file's
// header for the engine version and source it follows). Inputs are already validated.
#pragma once
#include "../estimate.h"

namespace vramcalc {

Estimate estimate_vllm(const ResolvedScenario& r);
Estimate estimate_sglang(const ResolvedScenario& r);
Estimate estimate_llamacpp(const ResolvedScenario& r);
Estimate estimate_transformers(const ResolvedScenario& r);
Estimate estimate_simple(const ResolvedScenario& r);

}  // namespace vramcalc
