// vLLM's own test cases that assert memory figures, ported: each input is the vLLM test's, each
// expected value the one vLLM's test asserts (the hand calculation is written beside it).
// Source: vllm-project/vllm tests/v1/core/test_kv_cache_utils.py at 002f10e0 (the same assertions in
// every stored version since the V1 engine): test_estimate_max_model_len,
// test_get_max_concurrency_for_kv_cache_config, test_get_kv_cache_config_one_worker. The vLLM tests
// hand kv_cache_utils a KV budget; here it is --kv-cache-memory-bytes, which vLLM's
// gpu_worker.py determine_available_memory returns as the budget as is.
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "core/solvers.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

constexpr std::int64_t kGiBBytes = 1LL << 30;

// The layers the vLLM test builds for "Qwen/Qwen1.5-7B" (dtype float16): 32 FullAttentionSpec of
// 32 KV heads x 128, block size 16. The rest of the shape is Qwen1.5-7B's config.json.
Architecture qwen15_7b_shape(std::int64_t layers = 32) {
    Architecture a = fixtures::llama31_8b(layers);
    a.model_type = "qwen2";
    a.torch_dtype = "float16";
    a.num_kv_heads = 32;
    a.intermediate_size = 11008;
    a.vocab_size = 151936;
    a.max_context = 32768;
    return a;
}

ResolvedScenario with_budget(const Architecture& a, const std::string& weights, std::int64_t max_model_len,
                             std::int64_t kv_bytes, std::int64_t max_num_batched_tokens) {
    ResolvedScenario r = fixtures::resolved(a, "vllm", weights, fixtures::custom_gpu(79.19), 1, 1, max_model_len, 0);
    r.scenario.kv_cache_memory_bytes = kv_bytes;
    r.scenario.max_batched_tokens = max_num_batched_tokens;
    return r;
}

// Page of one layer: 16 tokens x 32 KV heads x 128 x 2 (K, V) x 2 B = 262,144 B; 32 layers = 8 MiB a block.
constexpr std::int64_t kQwenBlock = 32LL * 262144;

}  // namespace

TEST_CASE("vLLM test_estimate_max_model_len: 8 GiB of KV holds 16384 tokens of Qwen1.5-7B") {
    // 16,385 tokens need cdiv(16385, 16) = 1025 blocks x 8 MiB > 8 GiB -> 16384 (vLLM asserts 16384);
    // 16,383 fit as asked (vLLM asserts 16383).
    Estimate a = estimate(with_budget(qwen15_7b_shape(), "fp16", 16385, 8 * kGiBBytes, 32768));
    REQUIRE(a.ok);
    REQUIRE(a.engine_max_context.has_value());
    CHECK(*a.engine_max_context == 16384);
    CHECK_FALSE(a.fits);  // _check_enough_kv_cache_memory refuses max_model_len 16385
    Estimate b = estimate(with_budget(qwen15_7b_shape(), "fp16", 16383, 8 * kGiBBytes, 32768));
    REQUIRE(b.engine_max_context.has_value());
    CHECK(*b.engine_max_context == 16383);
    CHECK(b.fits);
}

TEST_CASE("vLLM --max-model-len -1 picks the estimate; largest_context answers it with a fixed KV budget") {
    // Auto-fit searches up to the model's 32,768: 8 GiB / 8 MiB = 1024 blocks = 16,384 tokens.
    ResolvedScenario r = with_budget(qwen15_7b_shape(), "fp16", 4096, 8 * kGiBBytes, 32768);
    r.scenario.max_model_len_auto = true;
    Estimate e = estimate(r);
    REQUIRE(e.ok);
    CHECK(*e.engine_max_context == 16384);
    CHECK(*e.max_concurrency == doctest::Approx(1.0));  // 1024 blocks / 1024 per request
    CHECK(e.fits);
    // The same through the scenario: a custom Qwen1.5-7B config.json and --kv-cache-memory-bytes 8 GiB.
    Scenario s;
    s.engine = "vllm";
    s.custom_config = R"({"model_type":"qwen2","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,)"
                      R"("num_key_value_heads":32,"intermediate_size":11008,"vocab_size":151936,)"
                      R"("max_position_embeddings":32768,"torch_dtype":"float16"})";
    s.weights = "fp16";
    s.gpu_memory_gib = 79.19;
    s.kv_cache_memory_bytes = 8 * kGiBBytes;
    auto largest = largest_context(s);
    REQUIRE(largest.has_value());
    CHECK(*largest == 16384);
}

TEST_CASE("vLLM test_get_max_concurrency_for_kv_cache_config: full, sliding-window and hybrid models") {
    // max_model_len 16384, max_num_batched_tokens 1024.
    // Full attention: 1536 blocks / cdiv(16384, 16) = 1024 per request = 1.5 (vLLM asserts 1.5).
    Estimate full = estimate(with_budget(qwen15_7b_shape(), "fp16", 16384, 1536 * kQwenBlock, 1024));
    REQUIRE(full.ok);
    CHECK(*full.max_concurrency == doctest::Approx(1.5));
    // Sliding window 1024: a request needs cdiv(min(1024 - 1 + 1024, 16384), 16) + 1 = 129 blocks;
    // 129 x 3 blocks -> 3 (vLLM asserts 3).
    Architecture sw = qwen15_7b_shape();
    sw.sliding_window = 1024;
    sw.layer_attention.assign(32, LayerAttention::Sliding);
    Estimate sliding = estimate(with_budget(sw, "fp16", 16384, 129 * 3 * kQwenBlock, 1024));
    REQUIRE(sliding.ok);
    CHECK(*sliding.max_concurrency == doctest::Approx(3.0));
    // Hybrid: 32 full + 32 sliding layers in two groups of 32, a block holds one page of each of 32
    // layers (8 MiB); (1024 + 129) x 3 blocks / (1024 + 129) per request = 3 (vLLM asserts 3).
    Architecture hy = qwen15_7b_shape(64);
    hy.sliding_window = 1024;
    for (std::size_t l = 32; l < 64; ++l) hy.layer_attention[l] = LayerAttention::Sliding;
    Estimate hybrid = estimate(with_budget(hy, "fp16", 16384, (1024 + 129) * 3 * kQwenBlock, 1024));
    REQUIRE(hybrid.ok);
    CHECK(*hybrid.max_concurrency == doctest::Approx(3.0));
}

TEST_CASE("vLLM test_get_kv_cache_config_one_worker: blocks per group layout") {
    // new_kv_cache_spec(): block 16, 2 KV heads of 64, float32 -> mem_per_block_per_layer =
    // 16 x 2 x 64 x 4 x 2 = 16,384 B; max_model_len 16. vLLM asserts num_blocks; the "GPU KV cache
    // size" it reports is num_blocks // groups x block size (_report_kv_cache_config).
    constexpr std::int64_t mem = 16384;
    auto layers = [](int full, int sliding) {
        Architecture a = fixtures::llama31_8b(full + sliding);
        a.torch_dtype = "float32";
        a.num_kv_heads = 2;
        a.head_dim = 64;
        a.sliding_window = 1;
        for (int l = full; l < full + sliding; ++l) a.layer_attention[static_cast<std::size_t>(l)] = LayerAttention::Sliding;
        return a;
    };
    auto tokens = [&](int full, int sliding, std::int64_t budget) {
        Estimate e = estimate(with_budget(layers(full, sliding), "fp32", 16, budget, 0));
        REQUIRE(e.ok);
        REQUIRE(e.kv_cache_tokens.has_value());
        return *e.kv_cache_tokens;
    };
    CHECK(tokens(2, 0, mem * 2 * 32) == 32 * 16);      // one group, num_blocks 32
    CHECK(tokens(0, 2, mem * 2 * 32) == 32 * 16);      // all sliding: one group, num_blocks 32
    CHECK(tokens(1, 1, mem * 2 * 32) == 64 / 2 * 16);  // hybrid: groups of 1 layer, num_blocks 64
    CHECK(tokens(2, 4, mem * 2 * 32) == 32 / 3 * 16);  // groups of 2: 1 full + 2 sliding, num_blocks 32
    CHECK(tokens(3, 7, mem * 3 * 32) == 32 / 4 * 16);  // groups of 3: 1 full + 3 sliding (7 padded to 9), 32
    CHECK(tokens(6, 5, mem * 6 * 32) == 32 / 2 * 16);  // 6 < 1.5 x 5: groups of 6, num_blocks 32
}

// test_get_kv_cache_configs_multiple_workers and test_get_kv_cache_configs_pp_sharding (same file and
// commit): pipeline stages are workers with their own layers; each gets the same budget here
// (--kv-cache-memory-bytes is per GPU), and vLLM keeps the smallest num_blocks of all.
TEST_CASE("vLLM test_get_kv_cache_configs_multiple_workers / pp_sharding: blocks per pipeline stage") {
    // new_kv_cache_spec() layers (2 KV heads of 64, float32): 16,384 B a page. `types` is each layer's
    // spec: 'F' full attention, 'S' sliding window 1.
    auto stages = [](const std::string& types, std::int64_t budget, std::int64_t max_model_len) {
        const auto n = static_cast<std::int64_t>(types.size());
        Architecture a = fixtures::llama31_8b(n);
        a.torch_dtype = "float32";
        a.num_kv_heads = 2;
        a.head_dim = 64;
        a.sliding_window = 1;
        for (std::size_t l = 0; l < types.size(); ++l)
            a.layer_attention[l] = types[l] == 'S' ? LayerAttention::Sliding : LayerAttention::Full;
        ResolvedScenario r = fixtures::resolved(a, "vllm", "fp32", fixtures::custom_gpu(79.19), 1, 2, max_model_len, 0);
        r.scenario.kv_cache_memory_bytes = budget;
        Estimate e = estimate(r);
        REQUIRE(e.ok);
        REQUIRE(e.kv_cache_tokens.has_value());
        return *e.kv_cache_tokens;
    };
    constexpr std::int64_t page = 16384;
    // "Different workers have different layers" (PP): 1 and 2 layers, page x 2 x 10 each -> the
    // 2-layer worker's 10 blocks for both (vLLM asserts num_blocks 10): 10 x 16 = 160 tokens.
    CHECK(stages("FFF", page * 2 * 10, 16) == 160);
    // "hybrid models + PP": full layers on one worker, sliding on the other; two global groups of 2,
    // each worker holds one (the other projected empty): page x 2 x 10 -> 10 blocks (vLLM asserts 10);
    // 10 // 2 groups x 16 = 80 tokens.
    CHECK(stages("FFSS", page * 2 * 10, 16) == 80);
    // "the number of layers per group is similar": 1 full + 2 sliding per worker -> groups of one
    // layer each (2 full, 4 sliding: 4 >= 1.5 x 2, so groups of 2 globally, one layer of each on a
    // worker): page x 10 -> 10 blocks (vLLM asserts 10); 10 // 3 groups x 16 = 48 tokens.
    CHECK(stages("FSSFSS", page * 10, 16) == 48);
    // pp_sharding (symmetric): max_model_len 512, one layer per worker, page x (512 // 16 + 1) = 33
    // blocks' memory -> 33 blocks (vLLM asserts 33): 528 tokens.
    CHECK(stages("FF", page * 33, 512) == 33 * 16);
}
