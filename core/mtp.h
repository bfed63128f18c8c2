// Multi-token-prediction speculative decoding (Scenario::mtp_tokens): whether a model and an engine
// can run it. What the draft costs is each engine's own accounting (core/engines/vllm.cpp, sglang.cpp).
#pragma once
#include <string>

#include "architecture.h"
#include "engine_profile.h"

namespace vramcalc {

// "" when the scenario asks no MTP drafting or the engine runs it for this model; otherwise the
// refusal, starting "mtp_tokens: " (the knob's field on the page).
std::string mtp_refusal(const Architecture& a, const EngineProfile& p, int mtp_tokens);

}  // namespace vramcalc
