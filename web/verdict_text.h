// The verdict in words, one definition for the page: what the model NEEDS on the most loaded GPU for
// the requested context x concurrency, and, for engines that reserve a budget and fill it with a KV
// pool (vLLM, SGLang), separately what the engine will RESERVE. No ImGui: doctests build it natively.
#pragma once
#include <string>

#include "core/estimate.h"
#include "core/scenario.h"
#include "core/text.h"
#include "core/units.h"

namespace vramcalc::web {

struct VerdictText {
    std::string headline;   // "FITS", "DOES NOT FIT", "CANNOT ESTIMATE"
    std::string needs;      // "needs 17.9 GiB for 1 x 8k" (+ " per GPU" on several GPUs) and the room left
    std::string reserve;    // "vLLM will reserve 72.7 GiB (KV pool for 1.0M tokens)"; "" for other engines
    // When the room left is within a figure's error band: "fits, unless the model weights are more than
    // 3.1% larger than estimated" (core/logs/tight_verdict.h); "" when the verdict is not tight.
    std::string tight;
};

// "1 x 8k": concurrent sequences x tokens per sequence, as the engine's workload map reads them.
std::string workload_text(const Scenario& s);
// The figure every "needs" on the page shows (verdict, chart, fit matrix).
Bytes needed_bytes(const Estimate& e);
VerdictText verdict_text(const Estimate& e, const Scenario& s, SizeUnit unit);
// The Breakdown's headroom (or, negative, shortfall) on the most loaded GPU; when it does not fit,
// the headline's "more than" figure is this one, so both say the same number.
std::int64_t shown_headroom(const Estimate& e);

}  // namespace vramcalc::web
