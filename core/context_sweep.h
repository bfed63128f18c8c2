// Memory against context length for one scenario: the series the page's chart draws and the point
// where the scenario stops fitting. Every point is a full estimate() at that context, so the curve
// agrees with the breakdown at the scenario's own context by construction.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "estimate.h"
#include "scenario.h"
#include "units.h"

namespace vramcalc {

struct ContextPoint {
    std::int64_t context = 0;   // tokens per sequence
    bool ok = false;            // the estimator answered at this context
    bool fits = false;
    // Per GPU (the most loaded one). For vLLM and SGLang, which fill a fixed budget with KV cache,
    // kv_cache_bytes is what `batch` sequences of this context NEED (pool bytes x needed tokens /
    // pool tokens), not the pool: otherwise the curve would be flat at the budget.
    Bytes weights_bytes = 0;
    Bytes kv_cache_bytes = 0;
    Bytes activation_bytes = 0;
    Bytes overhead_bytes = 0;
    Bytes total_bytes = 0;
};

struct ContextSweep {
    std::vector<ContextPoint> points;     // ascending context, log-spaced
    Bytes gpu_memory_bytes = 0;           // per GPU, as the runtime reports it
    // What the stack may reach: the GPU's memory, or for vLLM/SGLang the budget they reserve
    // (gpu_memory_utilization x memory).
    Bytes capacity_bytes = 0;
    // Largest context per sequence that fits at the scenario's concurrency (solvers.h
    // largest_context); nullopt when not even the smallest context fits.
    std::optional<std::int64_t> largest_fitting_context;
    bool budget_engine = false;           // vLLM / SGLang: capacity is the engine's budget
};

// Log-spaced contexts from min_context to max_context (max_context 0: the model's max context, at
// least 4x the scenario's context), `points` of them (at least 2), plus the scenario's own context.
ContextSweep context_sweep(const Scenario& s, int points = 40, std::int64_t min_context = 256,
                           std::int64_t max_context = 0);

// The scenario with its per-sequence context set to `context` (llama.cpp: n_ctx = context x -np;
// transformers: the generated length kept, the prompt grown).
Scenario with_sequence_context(Scenario s, std::int64_t context);

}  // namespace vramcalc
