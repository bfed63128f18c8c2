// SGLang accounting: hand calculations from server_args.py and model_runner.py, and figures SGLang
// printed (validation rows sglang-*).
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "core/formats.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

using fixtures::qwen3_14b;

ResolvedScenario resolved(const Architecture& a, double gpu_gib, int tp, double fraction, const std::string& version = "") {
    ResolvedScenario r = fixtures::resolved(a, "sglang", "bf16", fixtures::custom_gpu(gpu_gib), tp, 1, 8192, fraction, version);
    r.scenario.gpus = tp;
    return r;
}

}  // namespace

TEST_CASE("SGLang sizes its pool as free memory x mem_fraction_static minus the weights") {
    Estimate e = estimate(resolved(qwen3_14b(), 79.19, 1, 0.88));
    REQUIRE(e.ok);
    // cell = 8 KV heads x 128 x 2 (K,V) x 2 B x 40 layers = 163,840 B per token
    // rest = (79.19 - 0.6 context) x 0.88 - weights (27.52 + 0.08) = 41.56 GiB -> ~272,000 tokens
    const double cell = 163840.0;
    const double kv = static_cast<double>(e.per_gpu.kv_cache.bytes);
    CHECK(kv / static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(cell));
    CHECK(to_gib(e.per_gpu.kv_cache.bytes) == doctest::Approx((79.19 - 0.6) * 0.88 - to_gib(e.per_gpu.weights.bytes)).epsilon(1e-4));
    // Xinference log (47.24 GiB free at start, 0.88): "mem usage=27.57 GB"
    CHECK(to_gib(e.per_gpu.weights.bytes) == doctest::Approx(27.57).epsilon(0.003));
}

TEST_CASE("SGLang's default mem_fraction_static on an 80 GB GPU") {
    Estimate e = estimate(resolved(qwen3_14b(), 79.19, 1, 0.0, "0.5.4"));
    REQUIRE(e.ok);
    // gpu_mem = 79.19 x 1024 = 81,091 MiB >= 60 GiB: chunked_prefill 8192, cuda_graph_max_bs 256;
    // reserved = 512 + 8192 x 1.5 + 256 x 2 + 1 x 1 / 8 x 1024 = 13,440 MiB (above the 10 GiB floor)
    // -> round((81,091 - 13,440) / 81,091, 3) = 0.834
    CHECK(e.per_gpu.kv_cache.how.find("mem_fraction_static 0.834") != std::string::npos);
    CHECK(to_gib(e.per_gpu.kv_cache.bytes) == doctest::Approx((79.19 - 0.6) * 0.834 - to_gib(e.per_gpu.weights.bytes)).epsilon(1e-3));
}

TEST_CASE("SGLang 0.5.10+: piecewise CUDA graphs add 8 MiB per prefill capture size to the reserve") {
    // server_args.py _handle_gpu_memory_settings (PR #16331, default on from v0.5.10): reserved_mem +=
    // len(piecewise_cuda_graph_tokens) x 8, the sizes running to chunked_prefill_size 8192 (PR #15700):
    // 4-32 by 4 (8) + 48-256 by 16 (14) + 288-512 by 32 (8) + 576-1024 by 64 (8) + 1280-4096 by 256 (12)
    // + 4608-8192 by 512 (8) = 58 sizes = 464 MiB. reserved = 13,440 + 464 = 13,904 MiB;
    // round((81,090.56 - 13,904) / 81,090.56, 3) = round(0.82854, 3) = 0.829
    for (const char* version : {"0.5.10", "0.5.20", ""}) {
        INFO(version);
        Estimate e = estimate(resolved(qwen3_14b(), 79.19, 1, 0.0, version));
        REQUIRE(e.ok);
        CHECK(e.per_gpu.kv_cache.how.find("mem_fraction_static 0.829") != std::string::npos);
        CHECK(e.per_gpu.kv_cache.how.find("piecewise CUDA graphs 464 MiB") != std::string::npos);
        CHECK(to_gib(e.per_gpu.kv_cache.bytes) == doctest::Approx((79.19 - 0.6) * 0.829 - to_gib(e.per_gpu.weights.bytes)).epsilon(1e-3));
        // overhead: 512 MiB metadata + 256 x 2 MiB decode graphs + 464 MiB prefill graphs + 0.6 GiB context
        CHECK(to_gib(e.per_gpu.overhead.bytes) == doctest::Approx((512.0 + 512.0 + 464.0) / 1024.0 + 0.6).epsilon(1e-6));
    }
}

TEST_CASE("SGLang on an MLA model: the prefill graphs' reserve by release") {
    const Architecture a = fixtures::deepseek_v2_lite_attention();
    // 0.5.10: an MLA backend caps the piecewise sizes at 2048: 8 + 14 + 8 + 8 + 4 (1280-2048) = 42 x 8 = 336 MiB;
    // 13,440 + 336 = 13,776 -> round((81,090.56 - 13,776) / 81,090.56, 3) = round(0.83012, 3) = 0.830
    CHECK(estimate(resolved(a, 79.19, 1, 0.0, "0.5.10")).per_gpu.kv_cache.how.find("mem_fraction_static 0.830") != std::string::npos);
    // 0.5.20 reserve_for_graph_mb: 1.5 GiB for an MLA backend's prefill graphs: 13,440 + 1,536 = 14,976
    // -> round((81,090.56 - 14,976) / 81,090.56, 3) = round(0.81532, 3) = 0.815
    CHECK(estimate(resolved(a, 79.19, 1, 0.0, "0.5.20")).per_gpu.kv_cache.how.find("mem_fraction_static 0.815") != std::string::npos);
}

TEST_CASE("SGLang 0.5.20 on a 32 GB GPU: chunked prefill 4096 and 48 CUDA-graph rows (PR #37898)") {
    // 32 GiB = 32,768 MiB, in the 20-35 GiB bucket, below 60 GiB (no 10 GiB floor); tp 1.
    const Architecture a = fixtures::llama31_8b();
    // 0.5.20: 512 + 4,096 x 1.5 + 48 x 2 + 1 / 8 x 1,024 + piecewise sizes to 4096 (8+14+8+8+12 = 50) x 8
    //   = 512 + 6,144 + 96 + 128 + 400 = 7,280 MiB -> round(25,488 / 32,768, 3) = round(0.77783, 3) = 0.778
    Estimate e = estimate(resolved(a, 32.0, 1, 0.0, "0.5.20"));
    REQUIRE(e.ok);
    CHECK(e.per_gpu.kv_cache.how.find("mem_fraction_static 0.778") != std::string::npos);
    CHECK(e.per_gpu.kv_cache.how.find("chunked_prefill_size 4096, cuda_graph_max_bs 48") != std::string::npos);
    // 0.5.10: 2048 / 24: 512 + 3,072 + 48 + 128 + 42 x 8 (336) = 4,096 MiB -> 28,672 / 32,768 = 0.875
    CHECK(estimate(resolved(a, 32.0, 1, 0.0, "0.5.10")).per_gpu.kv_cache.how.find("mem_fraction_static 0.875") != std::string::npos);
    // 0.5.4: 512 + 3,072 + 48 + 128 = 3,760 MiB -> round(29,008 / 32,768, 3) = round(0.88525, 3) = 0.885
    CHECK(estimate(resolved(a, 32.0, 1, 0.0, "0.5.4")).per_gpu.kv_cache.how.find("mem_fraction_static 0.885") != std::string::npos);
}

TEST_CASE("SGLang MLA cell is the latent times the layers, unsplit by TP") {
    const Architecture a = fixtures::deepseek_v2_lite_attention();
    for (int tp : {1, 4}) {
        Estimate e = estimate(resolved(a, 79.19, tp, 0.85));
        REQUIRE(e.ok);
        // (512 + 64) x 27 layers x 2 B = 31,104 B per token
        CHECK(static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens) ==
              doctest::Approx(31104.0));
    }
}

TEST_CASE("Qwen3-235B FP8 at tp 4 and mem_fraction 0.93 matches SGLang's pool") {
    Scenario s;
    s.engine = "sglang";
    s.model = "qwen3-235b-a22b";
    s.weights = "fp8";
    s.tp = 4;
    s.gpus = 4;
    s.gpu_memory_gib = 79.19;
    s.gpu_mem_util = 0.93;
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // "KV Cache is allocated. #tokens: 367404, K size: 8.23 GB, V size: 8.23 GB"; cell = 1 KV head per
    // rank (4 / 4) x 128 x 2 x 94 layers x 2 B = 48,128 B
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(367404.0).epsilon(0.02));
}

TEST_CASE("SGLang reports no pool when the weights exceed the static fraction") {
    Estimate e = estimate(resolved(qwen3_14b(), 23.64, 1, 0.0));
    REQUIRE(e.ok);
    // 27.6 GiB of weights on a 23.64 GiB GPU
    CHECK_FALSE(e.fits);
    CHECK(*e.kv_cache_tokens == 0);
}
