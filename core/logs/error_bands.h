// How far off our figures have been: per engine and figure, the spread of the relative error
// (estimate - measured) / measured over the published measurements (tests/data/measurements.json)
// that the estimator reproduces in tests/validation/accuracy_test.cpp. The table is generated from
// those residuals (error_band_table.cpp, written by tests/validation/error_bands_test.cpp; docs/logs.md),
// never typed by hand.
#pragma once
#include <optional>
#include <string>

#include "core/architecture.h"
#include "core/result.h"
#include "core/scenario.h"
#include "core/units.h"

namespace vramcalc {

struct ErrorBand {
    std::string engine;   // engine profile id
    std::string metric;   // weights, kv_cache, kv_tokens, activation, model_buffer, kv_buffer, compute_buffer, ...
    int rows = 0;         // measurements behind it
    double low = 0;       // 10th percentile of the signed relative error
    double high = 0;      // 90th percentile
    // The rows behind it: "" = every scored row of the engine; "dense", "moe", "hybrid" (SSM / linear
    // attention layers), "vision" (a vision tower), "partial_offload" (llama.cpp -ngl below the layer
    // count, --n-cpu-moe, -ot); "calibrated" = the calibration's own figure (calibrated_band).
    std::string kind;
    std::string asked_kind;  // the kind asked for, when it had fewer than kMinKindRows rows and this engine-wide band stands in
    int kind_rows = 0;       // that kind's rows then
    std::string note;        // how a calibrated band was sized
    std::string widened;     // what estimate_band added to the measured band, and why ("" = nothing)
};

inline constexpr int kMinKindRows = 3;

// One row of the generated table (error_band_table.cpp): engine, figure, rows, 10th/90th percentile, kind.
struct ErrorBandRow {
    const char* engine;
    const char* metric;
    int rows;
    double low, high;
    const char* kind;
};  // a kind's own band needs this many rows; fewer: the engine-wide band

std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric);

// The kind of model a band is drawn from, in this order: "hybrid" (any linear-attention / SSM layer),
// "vision" (vision modality or a vision tower), "moe", else "dense".
std::string model_kind(const ModelInfo& m);
// Part of the model kept in CPU memory (llama.cpp -ngl below the layer count, --n-cpu-moe, -ot).
bool partial_offload(const Scenario& s, const ModelInfo& m);
// The band key of a scenario: "partial_offload" when it offloads partially, else model_kind; "" when the
// scenario does not resolve.
std::string band_kind(const Scenario& s);

// The band of a kind: its own with >= kMinKindRows rows, else the engine-wide band with asked_kind and
// kind_rows saying so; nothing when the engine has no band for the figure.
std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric, const std::string& kind);

// A figure a calibration knob replaced (cal_activation_gib: vLLM's activation; cal_compute_mib:
// llama.cpp's compute buffer) is the log's own number: its error is the print precision, half a unit of
// the last printed digit (vLLM prints GiB with 2 decimals: +-0.005 GiB; llama.cpp MiB with 2 decimals:
// +-0.005 MiB), relative to the calibrated value. Nothing when no knob replaced `metric`.
std::optional<ErrorBand> calibrated_band(const Scenario& s, const std::string& metric);

// What a scenario's figure shows: calibrated_band, else error_band(engine, metric, band_kind(s)).
std::optional<ErrorBand> scenario_band(const Scenario& s, const std::string& metric, const std::string& kind);

// scenario_band, widened by what the estimate's release takes from the figure that no published
// measurement checks. vLLM 0.21+ takes its own CUDA-graph estimate out of the KV budget
// (Estimate::kv_budget_graph_estimate); ours stands in, and vLLM's is allowed anywhere from none to
// twice ours, so the pool (kv_cache, kv_tokens) may be that much larger or smaller.
std::optional<ErrorBand> estimate_band(const Scenario& s, const Estimate& e, const std::string& metric, const std::string& kind);

// "dense models, 20 rows" / "all 33 rows (2 MoE rows: too few for their own)" / the calibration's note.
std::string band_label(const ErrorBand& band);

// What the engine will likely print, given our estimate and the band: estimate / (1 + high) ..
// estimate / (1 + low) (an estimate that ran 5% high means the real figure is 5% lower).
struct BandRange {
    double low = 0, high = 0;
};
BandRange measured_range(double estimate, const ErrorBand& band);

// "+3.1% / -1.2%": how much larger / smaller the real figure may be than the estimate.
std::string band_text(const ErrorBand& band);

}  // namespace vramcalc
