// The rule of thumb users already know: VRAM = parameters x bytes per weight x 1.2 (a 20% margin
// for "everything else"). It is shown beside every engine's answer so users can see how far the
// folk formula is from the engine's own accounting: it ignores context length, batch, the KV cache,
// the engine and which tensors a quantized format keeps in 16 bits.
#include <algorithm>
#include <cstdio>
#include <string>

#include "checked.h"
#include "rule_of_thumb.h"
#include "tensors.h"

namespace vramcalc {

namespace {

std::string fmt(double x, const char* spec) {
    char buf[64];
    std::snprintf(buf, sizeof buf, spec, x);
    return buf;
}

}  // namespace

Estimate rule_of_thumb_estimate(const ResolvedScenario& r) {
    Estimate e;
    e.ok = true;

    const double params = r.model.params_only ? r.model.params_published
                                              : (r.tensors ? count_params(*r.tensors, r.model.arch) : count_params(r.model.arch)).total +
                                                    r.model.arch.extra_params;
    // Nominal bytes per weight of the format, as the folk formula takes it (4 bits -> 0.5 B), with
    // no 16-bit embeddings or scales: that is exactly what the rule gets wrong.
    const double bytes_per_weight = r.weights.bits_per_weight / 8.0;
    const double weights = params * bytes_per_weight;
    const double margin = weights * 0.2;
    const std::string params_text = fmt(params / 1e9, "%.2fB") + " params";

    const int gpus = std::max(1, r.scenario.gpus);
    const double per_gpu_weights = weights / gpus;
    const double per_gpu_margin = margin / gpus;

    e.rule_of_thumb = {bytes_from(weights + margin),
                       params_text + " x " + fmt(bytes_per_weight, "%.3g") + " B x 1.2 (20% margin)"};

    e.total.weights = {bytes_from(weights), params_text + " x " + fmt(bytes_per_weight, "%.3g") + " B per weight"};
    e.total.overhead = {bytes_from(margin), "20% of the weights (the rule's margin for KV cache, activations, context)"};
    e.total.total_bytes = saturating_add(e.total.weights.bytes, e.total.overhead.bytes);
    e.total.role = "all GPUs";

    GpuLoad g;
    g.weights = {bytes_from(per_gpu_weights), e.total.weights.how + (gpus > 1 ? ", split evenly over " + std::to_string(gpus) + " GPUs" : "")};
    g.overhead = {bytes_from(per_gpu_margin), "20% of this GPU's weights"};
    g.total_bytes = saturating_add(g.weights.bytes, g.overhead.bytes);
    g.role = gpus > 1 ? "an even 1/" + std::to_string(gpus) + " share" : "the whole model";
    e.per_gpu = g;
    e.gpus.assign(static_cast<std::size_t>(gpus), g);

    e.startup_peak = {g.total_bytes, "the rule has no separate start-up peak"};
    e.fits = g.total_bytes <= r.gpu.memory_bytes;
    e.headroom_bytes = signed_difference(r.gpu.memory_bytes, g.total_bytes);
    e.warnings.push_back("rule of thumb: ignores context length, batch, KV cache and the engine; see an engine's answer");
    return e;
}

}  // namespace vramcalc
