// The error band beside each figure of the Breakdown (issue 16 point 4): how far off the published
// measurements have found this engine's figure, for this kind of model (core/logs/error_bands.h), or
// the calibration's own precision once a log's figure replaced ours. Built once per scenario change.
#pragma once
#include <optional>
#include <string>

#include "core/resolved_scenario.h"
#include "core/result.h"

namespace vramcalc::web {

struct FigureBand {
    std::string text;     // "+0.2% / -0.3%": how much larger / smaller the real figure may be
    std::string tooltip;  // that, and the rows it comes from
};

// Bands of the Breakdown's estimated figures (llama.cpp's are its model, KV and compute buffers).
struct FigureBands {
    std::optional<FigureBand> weights, kv_cache, activation;
};

FigureBands figure_bands(const ResolvedScenario& r, const Estimate& e);

}  // namespace vramcalc::web
