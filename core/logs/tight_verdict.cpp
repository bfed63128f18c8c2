#include "core/logs/tight_verdict.h"

#include <algorithm>
#include <vector>

#include "core/logs/error_bands.h"
#include "core/text.h"

namespace vramcalc {

namespace {

struct Part {
    const char* metric;
    const char* words;
    double bytes;
};

std::vector<Part> parts(const Scenario& s, const GpuLoad& g) {
    const bool buffers = s.engine == "llamacpp";
    return {{buffers ? "model_buffer" : "weights", buffers ? "model buffer" : "model weights", static_cast<double>(g.weights.bytes)},
            {buffers ? "kv_buffer" : "kv_cache", "KV cache", static_cast<double>(g.kv_cache.bytes)},
            {buffers ? "compute_buffer" : "activation", buffers ? "compute buffer" : "activation peak", static_cast<double>(g.activation.bytes)}};
}

// How much larger / smaller than our estimate the real figure may be, as fractions of it (the band's far ends).
double may_grow(const ErrorBand& b) { return 1.0 / (1.0 + std::max(b.low, -0.9)) - 1.0; }
double may_shrink(const ErrorBand& b) { return 1.0 - 1.0 / (1.0 + std::max(b.high, -0.9)); }

}  // namespace

TightVerdict tight_verdict(const Scenario& s, const Estimate& e) {
    TightVerdict t;
    if (!e.ok) return t;
    const GpuLoad& load = e.needed_per_gpu ? *e.needed_per_gpu : e.per_gpu;
    // The margin the verdict stands on: room left (for budget engines, KV cache to spare beyond the
    // request: a larger figure shrinks the fixed budget's pool by as much) or the shortfall.
    const double margin = static_cast<double>(e.headroom_bytes >= 0 ? e.headroom_bytes : -e.headroom_bytes);
    const bool fits = e.fits && e.headroom_bytes >= 0;
    const std::string kind = band_kind(s);
    double combined = 0;
    for (const Part& p : parts(s, load)) {
        if (p.bytes <= 0) continue;
        const auto band = scenario_band(s, p.metric, kind);
        if (!band) continue;
        const double room = fits ? may_grow(*band) : may_shrink(*band);
        combined += room * p.bytes;
        const double needed = margin / p.bytes;  // the change of this figure that flips the verdict
        if (room > 0 && needed <= room && (!t.tight || needed < t.percent / 100)) {
            t.tight = true;
            t.figure = p.metric;
            t.percent = 100 * needed;
            t.text = std::string(fits ? "fits, unless the " : "does not fit, unless the ") + p.words + " is more than " +
                     format_fixed(t.percent, 1) + "% " + (fits ? "larger" : "smaller") + " than estimated";
        }
    }
    // vLLM 0.21+: its own CUDA-graph estimate comes out of the pool; ours stands in for it and vLLM's
    // may be anywhere from none to twice ours (error_bands.h estimate_band), so a margin within it is tight.
    if (const double graphs = static_cast<double>(e.kv_budget_graph_estimate); graphs > 0) {
        combined += graphs;
        const double needed = margin / graphs;
        if (needed <= 1.0 && (!t.tight || needed < t.percent / 100)) {
            t.tight = true;
            t.figure = "cuda_graphs";
            t.percent = 100 * needed;
            t.text = std::string(fits ? "fits, unless" : "does not fit, unless") + " vLLM's own CUDA-graph estimate (taken from "
                     "the KV budget; ours " + format_size(e.kv_budget_graph_estimate, SizeUnit::GiB, 2) + ") is more than " +
                     format_fixed(t.percent, 1) + "% " + (fits ? "larger" : "smaller") + " than ours";
        }
    }
    if (!t.tight && combined > 0 && margin <= combined) {
        t.tight = true;
        t.text = fits ? "fits, but tightly: with every figure at the far end of its error band it would not"
                      : "does not fit, but narrowly: with every figure at the near end of its error band it would";
    }
    return t;
}

}  // namespace vramcalc
