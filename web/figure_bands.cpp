#include "web/figure_bands.h"

#include "core/logs/error_bands.h"

namespace vramcalc::web {

namespace {

std::optional<FigureBand> band_of(const Scenario& s, const Estimate& e, const char* metric, const std::string& kind) {
    const auto b = estimate_band(s, e, metric, kind);
    if (!b) return std::nullopt;
    const std::string text = band_text(*b);
    return FigureBand{text, "Error band " + text + ": how much larger / smaller the real figure has been than our estimate (10th-90th "
                            "percentile; " + band_label(*b) + ")"};
}

}  // namespace

FigureBands figure_bands(const ResolvedScenario& r, const Estimate& e) {
    const Scenario& s = r.scenario;
    const std::string kind = partial_offload(s, r.model) ? "partial_offload" : model_kind(r.model);
    const bool buffers = s.engine == "llamacpp";  // llama.cpp's figures are its buffers
    FigureBands out;
    out.weights = band_of(s, e, buffers ? "model_buffer" : "weights", kind);
    out.kv_cache = band_of(s, e, buffers ? "kv_buffer" : "kv_cache", kind);
    out.activation = band_of(s, e, buffers ? "compute_buffer" : "activation", kind);
    return out;
}

}  // namespace vramcalc::web
