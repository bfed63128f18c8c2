// vLLM's own test cases for models whose layers need different cache specs: hybrid attention +
// Mamba pages, layers of different head sizes, and cross-layer KV sharing. Each input is the vLLM
// test's; each expected value is the figure vLLM's test asserts, or (where the vLLM test asserts a
// spec rather than a byte count) that spec turned into bytes and tokens by the hand calculation
// written beside it.
// Sources:
//   - tests/v1/core/test_kv_cache_utils.py at 002f10e0: test_get_kv_cache_config_one_worker (the
//     three layouts with different head sizes), test_unify_kv_cache_spec_page_size_mamba (cases 3
//     and 5), test_hidden_state_group_preserves_hybrid_prefix_cache_granularity (the 544-token
//     attention block whose page equals the Mamba page).
//   - tests/v1/worker/test_gpu_model_runner.py at 1936cf38 (the same figures in every stored
//     version): test_init_kv_cache_without_kv_sharing, test_init_kv_cache_with_kv_sharing_valid.
//   - The rule that sizes a hybrid model's attention block from its config:
//     vllm/model_executor/models/config.py HybridAttentionMambaModelConfig.verify_and_update_config
//     at 1936cf38 (no prefix caching): block = 16 x cdiv(mamba_page, 16 x attention bytes per
//     token), and the Mamba page is padded to the attention page.
// The vLLM tests hand kv_cache_utils a KV budget; here it is --kv-cache-memory-bytes.
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

ResolvedScenario with_budget(const Architecture& a, const std::string& weights, std::int64_t max_model_len,
                             std::int64_t kv_bytes) {
    ResolvedScenario r = fixtures::resolved(a, "vllm", weights, fixtures::custom_gpu(79.19), 1, 1, max_model_len, 0);
    r.scenario.kv_cache_memory_bytes = kv_bytes;
    return r;
}

// Two layers with the vLLM test's specs: layer 0's attention geometry is `full_head` (a
// FullAttentionSpec), layer 1's `other_head` — a SlidingWindowSpec of window 1 when `sliding`, else a
// second FullAttentionSpec (a "sliding" layer with no window is full attention). 2 KV heads, float32.
Architecture two_layers(std::int64_t full_head, std::int64_t other_head, bool sliding) {
    Architecture a = fixtures::llama31_8b(2);
    a.torch_dtype = "float32";
    a.num_kv_heads = 2;
    a.head_dim = other_head;
    a.global_head_dim = full_head;
    a.sliding_window = sliding ? 1 : 0;
    a.layer_attention = {LayerAttention::Full, LayerAttention::Sliding};
    return a;
}

// One attention layer and one Mamba layer. `kv_heads` x `head` attention in the model dtype; the Mamba
// state is `state_bytes` per request (MambaSpec.page_size_bytes = sum of its state shapes x dtype).
Architecture attention_and_mamba(std::int64_t kv_heads, std::int64_t head, std::int64_t state_bytes, const char* dtype) {
    Architecture a = fixtures::llama31_8b(2);
    a.torch_dtype = dtype;
    a.num_kv_heads = kv_heads;
    a.head_dim = head;
    a.layer_attention = {LayerAttention::Linear, LayerAttention::Full};
    a.linear_state_bytes_per_layer = state_bytes;
    return a;
}

std::int64_t tokens_of(const Estimate& e) {
    REQUIRE(e.ok);
    REQUIRE(e.kv_cache_tokens.has_value());
    return *e.kv_cache_tokens;
}

// new_kv_cache_spec(): 16 tokens x 2 KV heads x 64 x 4 B x 2 (K, V) = 16,384 B a page.
constexpr std::int64_t kMemPerBlockPerLayer = 16 * 2 * 64 * 4 * 2;

}  // namespace

TEST_CASE("vLLM test_get_kv_cache_config_one_worker: layers of different head sizes") {
    // "different hidden size but same type": heads of 128 and 64, both full attention, make one
    // UniformTypeKVCacheSpecs group whose block holds both pages (32,768 + 16,384 B). Budget
    // mem_per_block_per_layer x 3 x 32 -> num_blocks 32 (vLLM asserts 32): 32 x 16 = 512 tokens.
    CHECK(tokens_of(estimate(with_budget(two_layers(128, 64, false), "fp32", 16, kMemPerBlockPerLayer * 3 * 32))) == 512);
    // "different type, align by different block size": full head 64 (16,384 B), sliding head 32
    // (8,192 B) gets block size 32 (vLLM asserts new_sliding_window_spec(head_size=32, block_size=32)).
    // Budget mem_per_block_per_layer x 32 -> num_blocks 32 (vLLM asserts 32) in 2 groups:
    // 32 // 2 x 16 = 256 tokens (_report_kv_cache_config).
    CHECK(tokens_of(estimate(with_budget(two_layers(64, 32, true), "fp32", 16, kMemPerBlockPerLayer * 32))) == 256);
    // "cannot be aligned by block size, but by padding": full head 64 (16,384 B) and sliding head 96
    // (24,576 B); the full page is padded to 24,576 and keeps block size 16 (vLLM asserts
    // new_kv_cache_spec(head_size=64, page_size_padded=24576)). Budget 16,384 x 2 x 32 = 1,048,576 B
    // -> num_blocks 1,048,576 // 24,576 = 42 (vLLM asserts 42): 42 // 2 x 16 = 336 tokens.
    const Architecture padded = two_layers(64, 96, true);
    CHECK(tokens_of(estimate(with_budget(padded, "fp32", 16, kMemPerBlockPerLayer * 2 * 32))) == 336);
    // The padded full layer still holds 16 tokens a block: a 160-token request needs cdiv(160, 16) = 10
    // full blocks + cdiv(min(1 - 1 + 2048, 160), 16) + 1 = 11 sliding blocks (SlidingWindowSpec
    // max_memory_usage_bytes, max_num_batched_tokens 2048) = 21; 42 / 21 = 2 requests.
    ResolvedScenario r = with_budget(padded, "fp32", 160, kMemPerBlockPerLayer * 2 * 32);
    r.scenario.max_batched_tokens = 2048;
    const Estimate e = estimate(r);
    REQUIRE(e.max_concurrency.has_value());
    CHECK(*e.max_concurrency == doctest::Approx(2.0));
}

TEST_CASE("vLLM test_unify_kv_cache_spec_page_size_mamba: Mamba and attention pages") {
    // Case 5, "uniform page sizes are returned unchanged": new_mamba_spec() states (2, 512) and
    // (3, 32, 32) in float32 = 4,096 x 4 = 16,384 B, and new_kv_cache_spec() = 16,384 B. The config
    // rule agrees: 16 x cdiv(16,384, 16 x 1,024) = 16-token attention blocks, no padding. Two groups of
    // one layer; budget 16,384 x 64 -> 64 blocks, 64 // 2 x 16 = 512 tokens.
    CHECK(tokens_of(estimate(with_budget(attention_and_mamba(2, 64, 16384, "float32"), "fp32", 16, 16384 * 64))) == 512);
    // Case 3: a Mamba state of (6,144,) float32 = 24,576 B beside a 32,768 B attention page (4 KV heads
    // of 64 in float32, 2,048 B a token) is padded to 32,768 (vLLM asserts 32,768), the attention block
    // staying 16 (16 x cdiv(24,576, 16 x 2,048) = 16). Budget 32,768 x 64 -> 64 blocks -> 512 tokens.
    CHECK(tokens_of(estimate(with_budget(attention_and_mamba(4, 64, 24576, "float32"), "fp32", 16, 32768 * 64))) == 512);
}

TEST_CASE("vLLM hybrid attention block: 544 tokens so that the attention page equals the Mamba page") {
    // test_hidden_state_group_preserves_hybrid_prefix_cache_granularity builds a FullAttentionSpec of
    // 544 tokens x 1 KV head x (512 + 512) x 2 B = 1,114,112 B beside a MambaSpec of (557,056,) bf16 =
    // 1,114,112 B and asserts the two pages are equal. HybridAttentionMambaModelConfig picks that
    // block from the config: 16 x cdiv(1,114,112, 16 x 2,048) = 16 x 34 = 544, no padding.
    // Budget 1,114,112 x 10 -> 10 blocks in 2 groups -> 10 // 2 x 544 = 2,720 tokens.
    const Architecture a = attention_and_mamba(1, 512, 1114112, "bfloat16");
    CHECK(tokens_of(estimate(with_budget(a, "bf16", 544, 1114112LL * 10))) == 2720);
    // A request of 1,088 tokens takes cdiv(1,088, 544) = 2 attention blocks + 1 Mamba block: 10 / 3.
    const Estimate e = estimate(with_budget(a, "bf16", 1088, 1114112LL * 10));
    REQUIRE(e.max_concurrency.has_value());
    CHECK(*e.max_concurrency == doctest::Approx(10.0 / 3.0));
}

TEST_CASE("vLLM hybrid attention block: MLA aligns it to 64 tokens, other attention to 16") {
    // Hand calculation from HybridAttentionMambaModelConfig (no vLLM test asserts it): an MLA layer of
    // (512 + 64) x 2 B = 1,152 B a token beside a Mamba state of 100,000 B. MLA backends want blocks
    // of 64: 64 x cdiv(100,000, 64 x 1,152) = 128 tokens, a 147,456 B page; with 16-token alignment it
    // would be 16 x cdiv(100,000, 18,432) = 96. Budget 147,456 x 10 -> 10 blocks in 2 groups -> 640 tokens.
    Architecture a = fixtures::deepseek_v2_lite_attention();
    a.num_layers = 2;
    a.torch_dtype = "bfloat16";
    a.layer_attention = {LayerAttention::Linear, LayerAttention::Full};
    a.linear_state_bytes_per_layer = 100000;
    CHECK(tokens_of(estimate(with_budget(a, "bf16", 128, 147456LL * 10))) == 640);
}

TEST_CASE("vLLM test_init_kv_cache_with/without_kv_sharing: a layer that reads another's KV") {
    // Two attention layers of 8 heads x 64 in float16, block 16: 16 x 8 x 64 x 2 B x 2 = 32 KiB a page.
    // max_model_len 3,000,000.
    Architecture a = fixtures::llama31_8b(2);
    a.torch_dtype = "float16";
    a.num_heads = 8;
    a.num_kv_heads = 8;
    a.head_dim = 64;
    a.max_context = 3000000;
    constexpr std::int64_t kGiB = 1LL << 30;
    // Without sharing: 20 GiB / 32 KiB / 2 layers = 327,680 blocks (vLLM asserts 327680) of 16 tokens;
    // estimate_max_model_len with 5 GiB = 1,310,720 (vLLM asserts 1310720).
    CHECK(tokens_of(estimate(with_budget(a, "fp16", 3000000, 20 * kGiB))) == 327680LL * 16);
    Estimate small = estimate(with_budget(a, "fp16", 3000000, 5 * kGiB));
    REQUIRE(small.engine_max_context.has_value());
    CHECK(*small.engine_max_context == 1310720);
    // Layer 1 reads layer 0's KV (kv_sharing_target_layer_name): one spec, 655,360 blocks (vLLM asserts
    // 655360) and twice the length, 2 x 1,310,720 (vLLM asserts it).
    a.kv_shared_layers = 1;
    CHECK(tokens_of(estimate(with_budget(a, "fp16", 3000000, 20 * kGiB))) == 655360LL * 16);
    Estimate shared = estimate(with_budget(a, "fp16", 3000000, 5 * kGiB));
    REQUIRE(shared.engine_max_context.has_value());
    CHECK(*shared.engine_max_context == 2 * 1310720);
}
