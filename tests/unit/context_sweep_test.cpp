#include <doctest/doctest.h>

#include "core/context_sweep.h"
#include "core/solvers.h"

using namespace vramcalc;

TEST_CASE("A context sweep is ascending, log-spaced and holds the scenario's own context") {
    Scenario s;  // qwen2.5-7b-instruct, bf16, vLLM, one H100
    s.context = 5000;
    const ContextSweep sw = context_sweep(s, 20, 256, 32768);
    REQUIRE(sw.points.size() >= 20);
    CHECK(sw.points.front().context == 256);
    CHECK(sw.points.back().context == 32768);
    bool has_own = false;
    for (std::size_t i = 1; i < sw.points.size(); ++i) CHECK(sw.points[i].context > sw.points[i - 1].context);
    for (const auto& p : sw.points) has_own = has_own || p.context == 5000;
    CHECK(has_own);
}

TEST_CASE("vLLM's swept KV cache is what the requests need, not the pool it fills") {
    Scenario s;
    s.context = 8192;
    s.batch = 1;
    const ContextSweep sw = context_sweep(s, 8, 1024, 16384);
    REQUIRE(sw.budget_engine);
    // Qwen2.5-7B: 28 layers x 4 KV heads x 128 dims x 2 (K,V) x 2 B = 57344 B per token;
    // 8192 tokens x 57344 B = 469762048 B (vLLM's pool is whole blocks of whole tokens, so the
    // pool's bytes per token is exactly this).
    for (const auto& p : sw.points)
        if (p.context == 8192) CHECK(p.kv_cache_bytes == doctest::Approx(469762048.0).epsilon(0.001));
    // The stack's ceiling is what vLLM holds with its pool full: the gpu_memory_utilization 0.9 budget
    // plus what lives outside it (CUDA context, CUDA graphs), so between 0.9 and 1.0 of the GPU.
    const double mem = static_cast<double>(sw.gpu_memory_bytes);
    CHECK(static_cast<double>(sw.capacity_bytes) >= 0.9 * mem);
    CHECK(static_cast<double>(sw.capacity_bytes) <= mem);
}

TEST_CASE("The sweep's break point is the solver's largest context and the curve stops fitting past it") {
    Scenario s;
    s.model = "qwen2.5-7b-instruct";
    s.engine = "transformers";
    s.gpu = "rtx-4090";
    s.context = 4096;
    const ContextSweep sw = context_sweep(s, 24);
    REQUIRE(sw.largest_fitting_context.has_value());
    CHECK(*sw.largest_fitting_context == *largest_context(s));
    for (const auto& p : sw.points) {
        REQUIRE(p.ok);
        CHECK(p.fits == (p.context <= *sw.largest_fitting_context));
    }
    // More context never needs less memory.
    for (std::size_t i = 1; i < sw.points.size(); ++i) CHECK(sw.points[i].total_bytes >= sw.points[i - 1].total_bytes);
}

TEST_CASE("llama.cpp's per-sequence context multiplies by the parallel slots") {
    Scenario s;
    s.engine = "llamacpp";
    s.parallel = 4;
    // n_ctx = 2048 tokens per slot x 4 slots = 8192
    CHECK(with_sequence_context(s, 2048).context == 8192);
}

TEST_CASE("A scenario the estimator refuses gives an empty sweep") {
    Scenario s;
    s.model = "no-such-model";
    CHECK(context_sweep(s).points.empty());
}
