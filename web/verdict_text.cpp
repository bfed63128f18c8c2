#include "web/verdict_text.h"

#include <algorithm>

#include "core/engine_profile.h"
#include "core/logs/tight_verdict.h"
#include "core/text.h"

namespace vramcalc::web {

std::string workload_text(const Scenario& s) {
    const WorkloadMap& w = engine_profile(s.engine).workload;
    const std::int64_t n = w.concurrency ? w.concurrency(s) : s.batch;
    const std::int64_t ctx = w.sequence_context ? w.sequence_context(s) : s.context;
    return std::to_string(n) + " x " + format_tokens(ctx);
}

Bytes needed_bytes(const Estimate& e) { return e.needed_per_gpu ? e.needed_per_gpu->total_bytes : e.per_gpu.total_bytes; }

VerdictText verdict_text(const Estimate& e, const Scenario& s, SizeUnit unit) {
    VerdictText v;
    if (!e.ok) {
        v.headline = "CANNOT ESTIMATE";
        return v;
    }
    v.headline = e.fits ? "FITS" : "DOES NOT FIT";
    v.tight = tight_verdict(s, e).text;
    const Bytes need = needed_bytes(e);
    const Bytes mem = e.gpu_memory_bytes;
    const std::string per = e.gpus.size() > 1 ? " per GPU" : "";
    v.needs = "needs " + format_size(need, unit) + per + " for " + workload_text(s);
    if (!e.needed_per_gpu) {
        if (need <= mem) v.needs += ", " + format_size(mem - need, unit) + " of " + format_size(mem, unit) + " free";
        else v.needs += ", " + format_size(need - mem, unit) + " more than the " + format_size(mem, unit) + " of the GPU";
        return v;
    }
    // A budget engine: it takes its whole share whatever the request needs.
    v.reserve = std::string(engine_name(s.engine)) + " will reserve " + format_size(e.per_gpu.total_bytes, unit) + per;
    if (e.kv_cache_tokens && *e.kv_cache_tokens > 0) v.reserve += " (KV pool for " + format_tokens(*e.kv_cache_tokens) + " tokens)";
    else v.reserve += " (no room left for a KV pool)";
    // Not fitting, the figure is what the engine's budget lacks for the request (the Breakdown's
    // shortfall): the budget is a share of the GPU (gpu_memory_utilization, mem_fraction_static), so
    // "more than the whole GPU" would be a smaller number than the one the table shows.
    if (!e.fits) {
        const std::int64_t shortfall = -shown_headroom(e);
        if (shortfall > 0)
            v.needs += "; " + std::string(engine_name(s.engine)) + "'s budget on the " + format_size(mem, unit) + " GPU falls " +
                       format_size(static_cast<Bytes>(shortfall), unit) + " short";
    }
    return v;
}

std::int64_t shown_headroom(const Estimate& e) {
    if (e.fits) return e.headroom_bytes;
    const std::int64_t left = static_cast<std::int64_t>(e.gpu_memory_bytes) - static_cast<std::int64_t>(e.per_gpu.total_bytes);
    return std::min(e.headroom_bytes, left);
}

}  // namespace vramcalc::web
