// Whether a verdict is tight: the room left (or the shortfall) is within the error band of a figure, so
// "fits" holds only if our estimate of that figure is not too low ("fits, unless the model weights are
// more than 3.1% larger than estimated"). Bands are the scenario's (error_bands.h scenario_band: its
// kind of model, or a calibration's own).
#pragma once
#include <string>

#include "core/result.h"
#include "core/scenario.h"

namespace vramcalc {

struct TightVerdict {
    bool tight = false;
    std::string figure;     // the band metric that can flip the verdict ("weights", "kv_cache", "compute_buffer", ...,
                            // "cuda_graphs": vLLM 0.21+'s own estimate taken from the KV budget);
                            // "" with tight = true: no one figure, but all of them at their bands' far ends
    double percent = 0;     // how much larger (fits) / smaller (does not fit) it must be to flip the verdict
    std::string text;       // "" when not tight
};

TightVerdict tight_verdict(const Scenario& s, const Estimate& e);

}  // namespace vramcalc
