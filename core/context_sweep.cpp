#include "context_sweep.h"

#include <algorithm>
#include <cmath>

#include "solvers.h"

namespace vramcalc {

Scenario with_sequence_context(Scenario s, std::int64_t context) {
    return engine_profile(s.engine).workload.with_sequence_context(s, std::max<std::int64_t>(1, context));
}

namespace {

std::int64_t sequence_context(const Scenario& s) { return engine_profile(s.engine).workload.sequence_context(s); }

// `model`: base's model resolved once for every point (a 10,000-layer config is parsed once, not 33 times).
ContextPoint point_at(const ResolvedModel& model, const Scenario& base, std::int64_t context, bool budget_engine, Bytes* capacity) {
    ContextPoint p;
    p.context = context;
    const Scenario s = with_sequence_context(base, context);
    std::string error;
    const auto r = resolve_with_model(model, s, error);
    if (!r) return p;
    const Estimate e = estimate(*r);
    if (!e.ok) return p;
    p.ok = true;
    p.fits = e.fits;
    p.weights_bytes = e.per_gpu.weights.bytes;
    p.activation_bytes = e.per_gpu.activation.bytes;
    p.overhead_bytes = e.per_gpu.overhead.bytes;
    p.kv_cache_bytes = e.per_gpu.kv_cache.bytes;
    if (budget_engine && e.needed_per_gpu) {
        // vLLM/SGLang hand every free byte of their budget to the KV pool; the curve is what the
        // requests NEED (Estimate::needed_per_gpu, the verdict's "needs" figure), not the pool.
        p.kv_cache_bytes = e.needed_per_gpu->kv_cache.bytes;
        if (capacity && *capacity == 0) *capacity = e.per_gpu.total_bytes;
    }
    p.total_bytes = p.weights_bytes + p.kv_cache_bytes + p.activation_bytes + p.overhead_bytes;
    return p;
}

}  // namespace

ContextSweep context_sweep(const Scenario& s, int points, std::int64_t min_context, std::int64_t max_context) {
    ContextSweep out;
    std::string error;
    const auto model = resolve_model(s, error);
    const auto resolved = model ? resolve_with_model(*model, s, error) : std::nullopt;
    if (!resolved) return out;
    const Estimate here = estimate(*resolved);
    if (!here.ok) return out;
    out.gpu_memory_bytes = here.gpu_memory_bytes;
    out.budget_engine = engine_profile(s.engine).reserved_fraction != nullptr && here.kv_cache_tokens.has_value();
    const std::int64_t own = std::max<std::int64_t>(1, sequence_context(s));

    if (max_context <= 0) {
        const std::int64_t model_max = model->model.params_only ? 0 : model->model.arch.max_context;
        max_context = std::max<std::int64_t>({model_max, own * 4, 4096});
    }
    min_context = std::clamp<std::int64_t>(min_context, 1, std::max<std::int64_t>(1, max_context / 2));
    min_context = std::min(min_context, own);
    max_context = std::max(max_context, own);
    points = std::max(points, 2);

    std::vector<std::int64_t> contexts;
    const double lo = std::log(static_cast<double>(min_context));
    const double hi = std::log(static_cast<double>(max_context));
    for (int i = 0; i < points; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        contexts.push_back(static_cast<std::int64_t>(std::llround(std::exp(lo + (hi - lo) * t))));
    }
    contexts.push_back(own);
    std::sort(contexts.begin(), contexts.end());
    contexts.erase(std::unique(contexts.begin(), contexts.end()), contexts.end());

    Bytes capacity = 0;
    for (std::int64_t c : contexts) out.points.push_back(point_at(*model, s, c, out.budget_engine, &capacity));
    out.capacity_bytes = capacity > 0 ? capacity : out.gpu_memory_bytes;
    out.largest_fitting_context = largest_context(s);
    return out;
}

}  // namespace vramcalc
