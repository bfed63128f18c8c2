// How far off our figures have been: per engine and figure, the spread of the relative error
// (estimate - measured) / measured over the published measurements (tests/data/measurements.json)
// that the estimator reproduces in tests/validation/accuracy_test.cpp. The table is generated from
// those residuals (error_band_table.cpp, written by tests/validation/error_bands_test.cpp; docs/logs.md),
// never typed by hand.
#pragma once
#include <optional>
#include <string>

#include "core/units.h"

namespace vramcalc {

struct ErrorBand {
    std::string engine;   // engine profile id
    std::string metric;   // weights, kv_cache, kv_tokens, activation, model_buffer, kv_buffer, compute_buffer, ...
    int rows = 0;         // measurements behind it
    double low = 0;       // 10th percentile of the signed relative error
    double high = 0;      // 90th percentile
};

std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric);

// What the engine will likely print, given our estimate and the band: estimate / (1 + high) ..
// estimate / (1 + low) (an estimate that ran 5% high means the real figure is 5% lower).
struct BandRange {
    double low = 0, high = 0;
};
BandRange measured_range(double estimate, const ErrorBand& band);

// "+3.1% / -1.2%": how much larger / smaller the real figure may be than the estimate.
std::string band_text(const ErrorBand& band);

}  // namespace vramcalc
