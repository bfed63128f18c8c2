// vLLM releases whose memory accounting differs (core/engines/vllm.cpp, .releases and release_rules):
// which release a typed version follows, and each rule against a hand calculation of vLLM's own
// arithmetic for that release.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/logs/error_bands.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

std::string release_of(std::string_view text) {
    const ReleaseChoice c = choose_release(engine_profile("vllm"), text);
    return c.release ? c.release->id : "error: " + c.error;
}

// One H100 as the validation rows give it (79.19 GiB, a custom GPU of >= 70 GiB: V1's defaults are
// max_num_batched_tokens 8192 and max_num_seqs 1024).
Estimate run(const Architecture& a, std::int64_t context, const std::string& version, double util = 0.9,
             double gib = 79.19) {
    const ResolvedScenario r = fixtures::resolved(a, "vllm", "bf16", fixtures::custom_gpu(gib), 1, 1, context, util, version);
    return estimate(r);
}

double activation(const Estimate& e) { return static_cast<double>(e.per_gpu.activation.bytes); }

}  // namespace

TEST_CASE("a vLLM version follows the newest release at or before it that changed the accounting") {
    CHECK(release_of("0.4.1") == "0.4");
    CHECK(release_of("0.5.4") == "0.4");
    CHECK(release_of("0.6.3") == "0.6");     // V0, chunked prefill above 32K, old profiler
    CHECK(release_of("0.6.5") == "0.6.5");   // PR #10511 memory_profiling
    CHECK(release_of("0.7.3") == "0.6.5");   // V0 still the default engine
    CHECK(release_of("0.8.0") == "0.8");     // V1 by default
    CHECK(release_of("0.9.2") == "0.8");
    CHECK(release_of("v0.16.0") == "0.8");   // sorting sampler until PR #33538
    CHECK(release_of("0.17.1") == "0.17");
    CHECK(release_of("0.19.0") == "0.19");
    CHECK(release_of("0.20.2") == "0.19");  // graphs still outside the budget
    CHECK(release_of("0.21.0") == "0.21");  // PR #38284: graphs in the budget, utilization 0.92
    CHECK(release_of("0.24.0") == "0.21");
    CHECK(release_of("0.25.1") == "0.25");  // Model Runner V2 for dense models
    CHECK(release_of("0.28.0") == "0.25");
    CHECK(release_of("0.29.0") == "0.29");  // Model Runner V2 for every model
    CHECK(release_of("0.31.0") == "0.29");
    CHECK(release_of("") == "0.29");
    const ReleaseChoice old = choose_release(engine_profile("vllm"), "0.3.3");
    REQUIRE(old.release != nullptr);
    CHECK(std::string(old.release->id) == "0.4");
    CHECK(old.older_than_known);
    // Every release that changed something says what and where it comes from.
    for (const EngineRelease& rel : engine_profile("vllm").releases) {
        CHECK_MESSAGE(std::string(rel.source).size() > 20, rel.id);
        if (std::string(rel.id) != "0.19") CHECK_MESSAGE(std::string(rel.changed).size() > 20, rel.id);
    }
}

TEST_CASE("before 0.17 the dummy sampler sorts its logits: 6 more fp32 copies of [rows, vocab]") {
    // Qwen3-14B, one H100, max_model_len 8192: 1024 dummy requests (max_num_seqs; min with 8192
    // tokens), vocabulary 151,936. The sampler is the peak on both releases:
    //   0.17: hidden 8192 x 5120 x 2 B + logits 1024 x 151936 x 2 B + 3.25 x 1024 x 151936 x 4 B
    //   0.16: the same + 6 x 1024 x 151936 x 4 B (sorted values 1, int64 indices 2, the sort's
    //         second buffer of both 3) = 3,733,979,136 B more.
    const Architecture a = fixtures::qwen3_14b();
    const Estimate new_sampler = run(a, 8192, "0.17", 0.95);
    const Estimate sorting = run(a, 8192, "0.16.0", 0.95);
    REQUIRE(new_sampler.ok);
    REQUIRE(sorting.ok);
    const double rows_vocab_fp32 = 1024.0 * 151936.0 * 4.0;  // 622,329,856 B
    const double hidden = 8192.0 * 5120.0 * 2.0;             // 83,886,080 B
    const double logits = 1024.0 * 151936.0 * 2.0;           // 311,164,928 B
    CHECK(activation(new_sampler) == doctest::Approx(hidden + logits + 3.25 * rows_vocab_fp32).epsilon(1e-9));
    CHECK(activation(sorting) == doctest::Approx(hidden + logits + 9.25 * rows_vocab_fp32).epsilon(1e-9));
    CHECK(activation(sorting) - activation(new_sampler) == doctest::Approx(3'733'979'136.0).epsilon(1e-9));
    // 6,151,602,176 B = 5.73 GiB; the llm-d version sweep's 0.15.0 / 0.16.0 logs print 5.64 GiB.
    CHECK(activation(sorting) / kGiB == doctest::Approx(5.729).epsilon(1e-3));
    // The budget loses the same bytes: fewer KV blocks on 0.16.
    CHECK(sorting.per_gpu.kv_cache.bytes < new_sampler.per_gpu.kv_cache.bytes);
}

TEST_CASE("V0 (0.6.5): 256 dummy sequences over max(max_model_len, 2048) tokens, KV = total x util - peak") {
    // meta-llama/Meta-Llama-3-8B on one H100 (79.22 GiB), max_model_len 8192, utilization 0.9: V0's
    // profile_run splits max_num_batched_tokens = max(8192, 2048) = 8192 over max_num_seqs = 256
    // sequences and samples one row each with top_k = vocab - 1 (a sort):
    //   sampler = 8192 x 4096 x 2 + 256 x 128256 x 2 + 9.25 x 256 x 128256 x 4
    //           = 67,108,864 + 65,667,072 + 1,214,840,832 = 1,347,616,768 B (1.255 GiB)
    //   forward = 8192 x 3 x 14336 x 2 + 4.25 x 8192 x 4096 x 2 = 989,855,744 B, below it.
    // PR #10511's log of this run: "PyTorch activation peak memory 1.26GiB".
    Architecture a = fixtures::llama31_8b();
    a.max_context = 8192;
    const Estimate e = run(a, 8192, "0.6.5", 0.9, 79.22);
    REQUIRE(e.ok);
    CHECK(activation(e) == doctest::Approx(1'347'616'768.0).epsilon(1e-9));
    // num_gpu_blocks = (total x 0.9 - (weights + activation + non-torch)) // block bytes, a block being
    // 16 tokens x 32 layers x (8 + 8) heads x 128 x 2 B = 2,097,152 B.
    const double block = 16.0 * 32 * 16 * 128 * 2;
    const double avail = 0.9 * static_cast<double>(gib_to_bytes(79.22)) - static_cast<double>(e.per_gpu.weights.bytes) -
                         activation(e) - 0.25 * kGiB;  // non-torch 0.25 GiB at tp 1 (vllm.cpp)
    const double blocks = std::floor(avail / block);
    CHECK(static_cast<double>(e.per_gpu.kv_cache.bytes) == doctest::Approx(blocks * block).epsilon(1e-6));
    REQUIRE(e.kv_cache_tokens.has_value());
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(blocks * 16).epsilon(1e-9));
}

TEST_CASE("V0 from 0.6 turns chunked prefill on above 32K: the profile run's forward is 512 tokens") {
    // Llama 3.1 8B at max_model_len 131072 on one H100.
    //  0.4.1: no chunked prefill, max_num_batched_tokens = 131072, the forward sets the peak:
    //         131072 x 3 x 14336 x 2 + 4.25 x 131072 x 4096 x 2 = 11,274,289,152 + 4,563,402,752 B.
    //  0.6.3: chunked prefill by default, 512 tokens over 256 sequences; the sorting sampler sets it:
    //         512 x 4096 x 2 + 256 x 128256 x 2 + 9.25 x 256 x 128256 x 4 = 1,284,702,208 B
    //         (the forward: 512 x 3 x 14336 x 2 + 4.25 x 512 x 4096 x 2 = 61,865,984 B).
    const Architecture a = fixtures::llama31_8b();
    const Estimate v04 = run(a, 131072, "0.4.1");
    const Estimate v06 = run(a, 131072, "0.6.3");
    REQUIRE(v04.ok);
    REQUIRE(v06.ok);
    CHECK(activation(v04) == doctest::Approx(15'837'691'904.0).epsilon(1e-9));
    CHECK(activation(v06) == doctest::Approx(1'284'702'208.0).epsilon(1e-9));
    // The page shows the default the release uses.
    const ResolvedScenario r = fixtures::resolved(a, "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 131072, 0, "0.6.3");
    const bool has_defaults = r.engine->knob_default != nullptr;
    REQUIRE(has_defaults);
    CHECK(r.engine->knob_default("max_batched_tokens", r).value_or(0) == 512.0);
    const ResolvedScenario r8k = fixtures::resolved(a, "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 8192, 0, "0.6.3");
    CHECK(r8k.engine->knob_default("max_batched_tokens", r8k).value_or(0) == 8192.0);
}

TEST_CASE("V0 gives every layer every block: a sliding-window request needs max_model_len / 16 blocks") {
    // Llama 3.1 8B shape with a 4096-token window on every layer, max_model_len 32768, one H100.
    // V1 (0.19): SlidingWindowSpec, a request needs cdiv(min(4095 + 8192, 32768), 16) + 1 = 769
    // blocks. V0 (0.6.5): CacheEngine has no window groups, a request needs 32768 / 16 = 2048 blocks,
    // so the maximum concurrency is tokens / 32768.
    Architecture a = fixtures::llama31_8b();
    a.sliding_window = 4096;
    a.layer_attention.assign(32, LayerAttention::Sliding);
    const Estimate v1 = run(a, 32768, "0.19");
    const Estimate v0 = run(a, 32768, "0.6.5");
    REQUIRE(v1.ok);
    REQUIRE(v0.ok);
    REQUIRE(v0.kv_cache_tokens.has_value());
    REQUIRE(v1.kv_cache_tokens.has_value());
    REQUIRE(v0.max_concurrency.has_value());
    REQUIRE(v1.max_concurrency.has_value());
    CHECK(*v0.max_concurrency == doctest::Approx(static_cast<double>(*v0.kv_cache_tokens) / 32768.0).epsilon(1e-9));
    CHECK(*v1.max_concurrency == doctest::Approx(static_cast<double>(*v1.kv_cache_tokens) / 16.0 / 769.0).epsilon(1e-9));
}

TEST_CASE("mllama: releases up to 0.10.2 ran it on V0's encoder-decoder runner, later ones refuse it") {
    Architecture a = fixtures::llama31_8b(4);
    a.cross_attention_layers = {1, 3};
    const EngineProfile& p = engine_profile("vllm");
    const bool has_refusal = p.release_refusal != nullptr;
    REQUIRE(has_refusal);
    const ReleaseChoice old = choose_release(p, "0.9.2");
    const ReleaseChoice now = choose_release(p, "0.19");
    REQUIRE(old.release != nullptr);
    REQUIRE(now.release != nullptr);
    // The reason each gives: not modelled (0.9.2 loaded it), removed (PR #24907, after 0.10.2).
    CHECK(p.release_refusal(a, *old.release).find("encoder-decoder runner, whose cross-attention") != std::string::npos);
    CHECK(p.release_refusal(a, *now.release).find("_PREVIOUSLY_SUPPORTED_MODELS") != std::string::npos);
    CHECK(p.release_refusal(fixtures::llama31_8b(4), *old.release).empty());
}

TEST_CASE("V0 from 0.6.5 chunks long prompts in steps of 2048 tokens instead of 512") {
    // Llama 3.1 8B at max_model_len 131072, 0.7.3 (follows 0.6.5): max_num_batched_tokens 2048 over
    // 256 sequences; the sorting sampler still sets the peak:
    //   2048 x 4096 x 2 + 256 x 128256 x 2 + 9.25 x 256 x 128256 x 4 = 1,297,285,120 B
    //   (forward: 2048 x 3 x 14336 x 2 + 4.25 x 2048 x 4096 x 2 = 247,463,936 B).
    const Architecture a = fixtures::llama31_8b();
    const Estimate e = run(a, 131072, "0.7.3");
    REQUIRE(e.ok);
    CHECK(activation(e) == doctest::Approx(1'297'285'120.0).epsilon(1e-9));
    const ResolvedScenario r = fixtures::resolved(a, "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 131072, 0, "0.7.3");
    CHECK(r.engine->knob_default("max_batched_tokens", r).value_or(0) == 2048.0);
}

TEST_CASE("0.21 and later take the CUDA graphs' estimate from the KV budget and default to 0.92") {
    // Llama 3.1 8B bf16 on one H100 (79.19 GiB), max_model_len 8192, utilization 0.95, as the 0.19 log
    // of tests/unit/vllm_test.cpp: weights 16,094,076,928 B = 14.98879 GiB, activation peak
    // 2,037,121,024 B = 1.897222 GiB, non-torch 0.25 GiB. Blocks are 32 layers x 16 tokens x 4,096 B = 2 MiB.
    //   0.19: 0.95 x 79.19 - 14.98879 - 1.897222 - 0.25 = 58.094488 GiB -> 29,744 blocks (x 512 per GiB)
    //   0.21: the same minus the graphs, 0.38 + 32 x (0.008 + 0.0085) = 0.908 GiB (cuda_graph_bytes, the
    //         0.19 fit of "Graph capturing finished") -> 57.186488 GiB -> 29,279 blocks = 468,464 tokens
    const Estimate v19 = run(fixtures::llama31_8b(), 8192, "0.19.0", 0.95);
    const Estimate v21 = run(fixtures::llama31_8b(), 8192, "0.21.0", 0.95);
    REQUIRE(v19.ok);
    REQUIRE(v21.ok);
    CHECK(*v19.kv_cache_tokens == 29744 * 16);
    CHECK(*v21.kv_cache_tokens == 29279 * 16);
    CHECK(v21.per_gpu.kv_cache.how.find("CUDA graphs 0.91 GiB -> 57.19 GiB available") != std::string::npos);
    CHECK(v21.per_gpu.overhead.how.find("taken from the budget") != std::string::npos);
    // The graphs move from beside the budget into it: the GPU holds 0.908 GiB less in all (to the
    // 2 MiB block the pools round to).
    const double drop = static_cast<double>(v19.per_gpu.total_bytes) - static_cast<double>(v21.per_gpu.total_bytes);
    CHECK(std::abs(drop - 0.908 * 1073741824.0) < 2.0 * 1048576.0);

    // Default utilization: 0.92 x 79.19 = 72.8548 GiB requested on 0.21, 0.9 x 79.19 = 71.271 on 0.19.
    const Estimate d21 = run(fixtures::llama31_8b(), 8192, "0.21.0", 0.0);
    REQUIRE(d21.ok);
    CHECK(d21.per_gpu.kv_cache.how.rfind("gpu_memory_utilization 0.92 x 79.19 GiB = 72.85 GiB", 0) == 0);

    // --kv-cache-memory-bytes is the budget as given: no graphs taken from it. 10 GiB / 2 MiB = 5,120 blocks.
    ResolvedScenario fixed = fixtures::resolved(fixtures::llama31_8b(), "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 8192, 0.0, "0.21.0");
    fixed.scenario.kv_cache_memory_bytes = 10ull << 30;
    const Estimate f = estimate(fixed);
    REQUIRE(f.ok);
    CHECK(*f.kv_cache_tokens == 5120 * 16);
}

TEST_CASE("0.21 and later widen the KV band by the graphs' estimate no published row checks") {
    // The case above on 0.21: vLLM takes its own graph estimate (ours: 0.908 GiB) from a pool of 29,279
    // blocks x 2 MiB = 57.185547 GiB. With vLLM's estimate anywhere from none to 2 x 0.908 GiB the real
    // pool is 56.277547 .. 58.093547 GiB, so the dense KV band (-0.0049 .. +0.0034, 30 rows of <= 0.19)
    // widens to -0.0049 - 0.908 / 58.093547 = -0.020530 and 0.0034 + 0.908 / 56.277547 = +0.019534
    // (0.908 GiB = 929.8 MiB, named "930 MiB").
    const ResolvedScenario r21 = fixtures::resolved(fixtures::llama31_8b(), "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 8192, 0.95, "0.21.0");
    const Estimate v21 = estimate(r21);
    REQUIRE(v21.ok);
    CHECK(static_cast<double>(v21.kv_budget_graph_estimate) == doctest::Approx(0.908 * 1073741824.0).epsilon(1e-6));
    const auto band = estimate_band(r21.scenario, v21, "kv_cache", "dense");
    REQUIRE(band);
    CHECK(band->low == doctest::Approx(-0.020530).epsilon(1e-3));
    CHECK(band->high == doctest::Approx(0.019534).epsilon(1e-3));
    CHECK(band_label(*band).find("dense models, 30 rows; widened by +-930 MiB") == 0);
    // 0.19 counts the graphs beside the budget: the measured band as it is.
    const ResolvedScenario r19 = fixtures::resolved(fixtures::llama31_8b(), "vllm", "bf16", fixtures::custom_gpu(79.19), 1, 1, 8192, 0.95, "0.19.0");
    const Estimate v19 = estimate(r19);
    REQUIRE(v19.ok);
    CHECK(v19.kv_budget_graph_estimate == 0);
    const auto measured = estimate_band(r19.scenario, v19, "kv_cache", "dense");
    REQUIRE(measured);
    CHECK(measured->low == doctest::Approx(-0.0049));
    CHECK(measured->high == doctest::Approx(0.0034));
    CHECK(measured->widened.empty());
}

TEST_CASE("0.25-0.28 run dense models on Model Runner V2, which estimates no graphs; MoE models still give them up") {
    // Dense: the 0.19 pool again (29,744 blocks, the case above) at utilization 0.95.
    const Estimate dense25 = run(fixtures::llama31_8b(), 8192, "0.25.1", 0.95);
    REQUIRE(dense25.ok);
    CHECK(*dense25.kv_cache_tokens == 29744 * 16);
    CHECK(dense25.per_gpu.overhead.how.find("outside the budget") != std::string::npos);
    // 0.29: every model on V2 with the estimate, as 0.21.
    const Estimate dense29 = run(fixtures::llama31_8b(), 8192, "0.29.0", 0.95);
    REQUIRE(dense29.ok);
    CHECK(*dense29.kv_cache_tokens == 29279 * 16);
    // An MoE model on 0.25 stays on the V1 runner: its graphs come out of the budget.
    const Architecture moe = fixtures::catalog_arch("qwen3-30b-a3b");
    REQUIRE(moe.is_moe());
    const Estimate moe25 = run(moe, 8192, "0.25.1", 0.95);
    REQUIRE(moe25.ok);
    CHECK(moe25.per_gpu.overhead.how.find("taken from the budget") != std::string::npos);
}

TEST_CASE("a published 0.28.0 pool: a dense model's graphs stay outside the budget on Model Runner V2") {
    // vllm-project/vllm PR #54479, comment of 2026-09-01: vLLM 0.28.0, Qwen3-32B-AWQ, TP 2 on 2 x RTX 4090,
    // --gpu-memory-utilization 0.85 --max-model-len 8192, max_num_batched_tokens 5120, max_num_seqs 72:
    // 5,311 blocks, 10.37 GiB of KV cache per GPU (warm boot; 5,315 unpatched).
    Scenario s;
    s.engine = "vllm";
    s.engine_version = "0.28.0";
    s.model = "qwen3-32b";
    s.weights = "awq";
    s.gpu = "rtx-4090";
    s.gpus = 2;
    s.tp = 2;
    s.gpu_mem_util = 0.85;
    s.context = 8192;
    s.batch = 72;
    s.max_batched_tokens = 5120;
    const Estimate e28 = estimate(s);
    REQUIRE(e28.ok);
    const double measured = 10.37 * 1073741824.0;
    CHECK(std::abs(static_cast<double>(e28.per_gpu.kv_cache.bytes) - measured) / measured < 0.05);
    // Under 0.29's rule (the graphs taken from the budget) the pool would be smaller by them.
    s.engine_version = "0.29.0";
    const Estimate e29 = estimate(s);
    REQUIRE(e29.ok);
    CHECK(e29.per_gpu.kv_cache.bytes < e28.per_gpu.kv_cache.bytes);
}
