// The --fit planner's context search when -c is unset (common/fit.cpp common_params_fit_impl step 2,
// ggml-org/llama.cpp 08033df and newer): start at the training context, and when that does not fit,
// interpolate linearly between --fit-ctx (4096) and it, rounded down to 256.
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "core/llamacpp_fit.h"

using namespace vramcalc;

namespace {

Scenario qwen3_30b(const std::string& weights) {
    Scenario s;
    s.model = "qwen3-30b-a3b";
    s.engine = "llamacpp";
    s.weights = weights;
    s.kv_dtype = "fp16";
    s.gpu = "rtx-4090";
    s.context = 8192;
    return s;
}

}  // namespace

TEST_CASE("interpolate_context: the linear step of fit.cpp, by hand") {
    constexpr std::int64_t MiB = 1 << 20;
    // 4096 + (40960 - 4096) x (22000 - 20000) / (23456 - 20000) = 4096 + 36864 x 2000 / 3456 = 4096 + 21333
    // = 25429 -> rounded down to 256: 99 x 256 = 25344
    CHECK(interpolate_context(4096, 40960, 20000 * MiB, 23456 * MiB, 22000 * MiB) == 25344);
    // the target below the use at the minimum context: the minimum (fit.cpp keeps n_ctx_min_total)
    CHECK(interpolate_context(4096, 40960, 20000 * MiB, 23456 * MiB, 19000 * MiB) == 4096);
    // a target above the use at the maximum never passes the maximum
    CHECK(interpolate_context(4096, 40960, 20000 * MiB, 23456 * MiB, 30000 * MiB) == 40960);
    // 10M tokens x TB-sized uses: (10,000,000 - 4096) x 5e11 passes 2^63 in int64, not here
    const std::int64_t n = interpolate_context(4096, 10'000'000, 1'000'000'000'000, 2'000'000'000'000, 1'500'000'000'000);
    // 4096 + 9,995,904 / 2 = 5,002,048 -> 5,002,048 - 5,002,048 % 256 (= 64) = 5,001,984
    CHECK(n == 5'001'984);
}

TEST_CASE("fit with -c unset: Qwen3-30B-A3B F16 on an RTX 4090 drops to --fit-ctx 4096, as the README's -c 4096") {
    // tools/fit-params/README.md (b6895): the training context 40960 projects 61807 MiB on 24077 MiB free;
    // even at 4096 the model is far over, so the context stays at the minimum and layers move next.
    FitOptions fo;
    fo.context_auto = true;
    // run under the README's build: since b11232 the search starts at 40960 x 4 slots (PR #28849)
    Scenario s = qwen3_30b("gguf-f16");
    s.engine_version = "b6895";
    const FitPlan plan = plan_llamacpp_fit(s, fo);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.scenario.context == 4096);
    bool logged = false;
    for (const std::string& l : plan.log) logged |= l == "context size reduced from 40960 to 4096";
    CHECK(logged);
    CHECK(plan.scenario.override_tensor.find("blk\\.47\\.") != std::string::npos);
}

TEST_CASE("fit with -c unset on one GPU: the interpolated context, and its KV slope by hand") {
    Scenario s = qwen3_30b("gguf-q4_k_m");
    s.gpu_memory_gib = 21.0;  // a GPU where Q4_K_M fits at 4096 tokens but not at 40960
    FitOptions fo;
    fo.context_auto = true;
    const FitPlan plan = plan_llamacpp_fit(s, fo);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    // The ends the planner measures: model + KV + compute at 4096 and 40960 cells.
    auto used = [&](std::int64_t ctx) {
        Scenario t = s;
        t.context = ctx;
        const Estimate e = estimate(t);
        REQUIRE(e.ok);
        return std::pair<std::int64_t, Estimate>{static_cast<std::int64_t>(e.per_gpu.total_bytes - e.per_gpu.overhead.bytes), e};
    };
    const auto lo = used(4096), hi = used(40960);
    // KV per cell: 48 layers x 4 KV heads x 128 x 2 (K, V) x 2 B (f16) = 98,304 B; 36,864 more cells.
    CHECK(static_cast<double>(hi.second.per_gpu.kv_cache.bytes - lo.second.per_gpu.kv_cache.bytes) == 36864.0 * 98304.0);
    const std::int64_t target = static_cast<std::int64_t>(21.0 * kGiB) - static_cast<std::int64_t>(hi.second.per_gpu.overhead.bytes) -
                                (std::int64_t{1024} << 20);
    REQUIRE(target > lo.first);
    REQUIRE(target < hi.first);
    CHECK(plan.scenario.context == interpolate_context(4096, 40960, lo.first, hi.first, target));
    CHECK(plan.scenario.context % 256 == 0);
    CHECK(plan.scenario.gpu_layers < 0);  // one device: the context alone made it fit, -ngl untouched
    CHECK(plan.fits);
}
