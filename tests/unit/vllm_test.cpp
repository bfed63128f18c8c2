// vLLM accounting: each expected number is a hand calculation (in the comment beside it) or a figure
// vLLM 0.19.0 printed on an H100 80GB (validation rows vllm-llmd-*).
#include <doctest/doctest.h>

#include <string>

#include "core/tensor_parallel.h"
#include "core/formats.h"
#include "core/kv_cache.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

using fixtures::llama31_8b;

// An H100 as the validation rows pass it (--gpu-memory-gib 79.19, a custom GPU).
Gpu h100() { return fixtures::custom_gpu(79.19); }

// The release the logs came from: 0.19 (0.21 and later also take the CUDA graphs from the budget).
ResolvedScenario resolved(const Architecture& a, const std::string& weights, const Gpu& gpu, int tp, int pp,
                          std::int64_t context, double util) {
    return fixtures::resolved(a, "vllm", weights, gpu, tp, pp, context, util, "0.19");
}

}  // namespace

TEST_CASE("Llama 3.1 8B bf16 weights are two bytes a parameter plus the rotary cache") {
    Estimate e = estimate(resolved(llama31_8b(), "bf16", h100(), 1, 1, 8192, 0.95));
    REQUIRE(e.ok);
    // 8,030,261,248 params x 2 B = 16,060,522,496 B, + cos/sin cache 131,072 positions x 128 x 2 B
    // = 33,554,432 B -> 16,094,076,928 B = 14.989 GiB; vLLM 0.19 printed "Model loading took 14.99 GiB".
    CHECK(e.per_gpu.weights.bytes == doctest::Approx(16094076928.0).epsilon(1e-6));
    CHECK(to_gib(e.per_gpu.weights.bytes) == doctest::Approx(14.99).epsilon(0.001));
}

TEST_CASE("tensor parallel halves the matrices and keeps norms and the rotary cache whole") {
    Estimate e = estimate(resolved(llama31_8b(), "bf16", h100(), 2, 1, 8192, 0.95));
    REQUIRE(e.ok);
    // 16,060,522,496 / 2 = 8,030,261,248 B, + half of the replicated norms (266,240 params x 2 B / 2)
    // + the 33,554,432 B rotary cache = 8,064,081,920 B = 7.510 GiB (vLLM printed 7.51 GiB).
    CHECK(e.per_gpu.weights.bytes == doctest::Approx(8064081920.0).epsilon(1e-6));
    CHECK(e.gpus.size() == 2);
}

TEST_CASE("the KV budget is utilization x memory minus weights, activation peak and non-torch memory") {
    Estimate e = estimate(resolved(llama31_8b(), "bf16", h100(), 1, 1, 8192, 0.95));
    REQUIRE(e.ok);
    // Activation peak = sampler dry run on H100 defaults (8192 tokens, 1024 seqs):
    // 8192 x 4096 x 2 (hidden) + 1024 x 128256 x 2 (bf16 logits) + 3.25 x 1024 x 128256 x 4
    // = 2,037,121,024 B = 1.897 GiB (vLLM printed "torch peak memory increase: 1.89GiB").
    CHECK(e.per_gpu.activation.bytes == doctest::Approx(2037121024.0).epsilon(1e-6));
    // 0.95 x 79.19 GiB - 14.989 - 1.897 - 0.25 = 58.095 GiB; / (32 layers x 16 tokens x 4,096 B)
    // = 29,744 blocks = 475,904 tokens. vLLM printed 476,016 tokens and 58.11 GiB.
    REQUIRE(e.kv_cache_tokens.has_value());
    CHECK(*e.kv_cache_tokens == 475904);
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(476016.0).epsilon(0.002));
    // "Maximum concurrency for 8,192 tokens per request: 58.11x": 29,744 / 512 blocks = 58.09
    CHECK(*e.max_concurrency == doctest::Approx(29744.0 / 512.0));
    CHECK(e.fits);
}

TEST_CASE("fp8 KV cache doubles the tokens of the same budget") {
    ResolvedScenario r = resolved(llama31_8b(), "bf16", h100(), 1, 1, 8192, 0.95);
    r.kv = *find_kv_format("fp8");
    Estimate e = estimate(r);
    REQUIRE(e.ok);
    // 29,744 blocks x 2 = 59,488 blocks of 2 MiB / 2 = 951,808 tokens (vLLM printed 952,032).
    CHECK(*e.kv_cache_tokens == 951808);
}

TEST_CASE("an fp32 run keeps an fp32 cache under kv_cache_dtype auto") {
    Estimate e = estimate(resolved(llama31_8b(), "fp32", h100(), 1, 1, 8192, 0.95));
    REQUIRE(e.ok);
    // vLLM 0.19 printed "GPU KV cache size: 175,296 tokens" for 42.8 GiB at 262,144 B/token.
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(175296.0).epsilon(0.003));
    // weights 8,030,261,248 x 4 B + 64 MiB fp32 rotary cache = 29.98 GiB (printed 29.98)
    CHECK(to_gib(e.per_gpu.weights.bytes) == doctest::Approx(29.98).epsilon(0.001));
}

TEST_CASE("smaller GPUs and A100s profile with 2048 tokens and 256 sequences") {
    Gpu a100 = h100();
    a100.id = "a100-80gb";
    a100.name = "NVIDIA A100 80GB";
    Estimate e = estimate(resolved(llama31_8b(), "bf16", a100, 1, 1, 8192, 0.9));
    REQUIRE(e.ok);
    // 2048 x 4096 x 2 + 256 x 128256 x 2 + 3.25 x 256 x 128256 x 4 = 509,280,256 B
    CHECK(e.per_gpu.activation.bytes == doctest::Approx(509280256.0).epsilon(1e-6));
}

TEST_CASE("pipeline stages split layers like get_pp_indices") {
    // 32 layers over 3 stages: 10 each, the 2 left over go to the stages before the last: 11, 11, 10
    auto s = pp_stages(32, 3);
    REQUIRE(s.size() == 3);
    CHECK(s[0].num_layers == 11);
    CHECK(s[1].num_layers == 11);
    CHECK(s[2].num_layers == 10);
    CHECK(s[2].first_layer == 22);
    CHECK(s[0].first);
    CHECK(s[2].last);
    // 61 layers over 4: 15 each, one left over to stage 2
    auto t = pp_stages(61, 4);
    CHECK(t[2].num_layers == 16);
    CHECK(t[3].num_layers == 15);
}

TEST_CASE("with pipeline parallel the last stage sets the block count") {
    Estimate e = estimate(resolved(llama31_8b(), "bf16", h100(), 1, 2, 8192, 0.95));
    REQUIRE(e.ok);
    // vLLM 0.19 printed "GPU KV cache size: 1,075,312 tokens" for pp 2: the last stage also runs the
    // sampler (2.02 GiB peak) and so has less room than stage 0.
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(1075312.0).epsilon(0.002));
    // each stage: 16 layers + embedding or lm_head 128,256 x 4,096 x 2 B + rotary cache = 7.51 GiB
    CHECK(to_gib(e.per_gpu.weights.bytes) == doctest::Approx(7.51).epsilon(0.001));
}

TEST_CASE("KV heads are replicated when tensor parallel exceeds them") {
    Architecture a = llama31_8b();
    TensorGroup k{TensorRole::AttnK, 0, 8 * 128, 4096, 1, false};
    // tp 16 over 8 KV heads: each rank holds one whole head, 1/8 of k_proj
    CHECK(tp_shard_fraction(k, a, 16) == doctest::Approx(1.0 / 8.0));
    TensorGroup q{TensorRole::AttnQ, 0, 32 * 128, 4096, 1, false};
    CHECK(tp_shard_fraction(q, a, 16) == doctest::Approx(1.0 / 16.0));
    // the cache per token per layer at tp 16: 1 head x (128 + 128) x 2 B = 512 B
    CHECK(kv_bytes_per_token_layer(a, 0, 16, 16.0) == doctest::Approx(512.0));
}

TEST_CASE("the vocabulary is padded to a multiple of 64 before the TP split") {
    Architecture a = llama31_8b();
    a.vocab_size = 151655;  // Qwen2-VL style odd vocabulary: padded to 151,680 rows
    TensorGroup emb{TensorRole::TokenEmbedding, -1, a.vocab_size, 4096, 1, false};
    CHECK(tp_shard_fraction(emb, a, 2) == doctest::Approx(151680.0 / 151655.0 / 2.0));
}

TEST_CASE("MLA cache is one latent per layer on every TP rank") {
    const Architecture a = fixtures::deepseek_v2_lite_attention();
    for (int tp : {1, 2}) {
        Estimate e = estimate(resolved(a, "bf16", h100(), tp, 1, 8192, 0.95));
        REQUIRE(e.ok);
        // (512 + 64) x 2 B x 27 layers = 31,104 B per token, whatever the TP size
        const double per_token = static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
        CHECK(per_token == doctest::Approx(31104.0).epsilon(0.001));
    }
}

TEST_CASE("sliding-window layers need fewer blocks per request than full ones") {
    Architecture a = llama31_8b(42);
    a.sliding_window = 4096;
    a.layer_attention.clear();
    for (int l = 0; l < 42; ++l) a.layer_attention.push_back(l % 2 == 0 ? LayerAttention::Sliding : LayerAttention::Full);
    Estimate e = estimate(resolved(a, "bf16", h100(), 1, 1, 32768, 0.95));
    REQUIRE(e.ok);
    // Two KV cache groups (21 sliding, 21 full) share one block pool: tokens = blocks / 2 x 16.
    // One 32,768-token request: full 2,048 blocks; sliding min(4,095 + 8,192, 32,768) = 12,287 tokens
    // -> 768 blocks + 1 = 769; concurrency = blocks / 2,817, above tokens / 32,768.
    const double blocks = static_cast<double>(*e.kv_cache_tokens) / 16.0 * 2.0;
    CHECK(*e.max_concurrency == doctest::Approx(blocks / 2817.0).epsilon(1e-3));
    CHECK(*e.max_concurrency > static_cast<double>(*e.kv_cache_tokens) / 32768.0);
}

TEST_CASE("vLLM refuses a max_model_len whose cache does not fit") {
    Gpu g = h100();
    g.memory_bytes = gib_to_bytes(23.64);  // an RTX 4090 as torch reports it
    Estimate e = estimate(resolved(llama31_8b(), "bf16", g, 1, 1, 131072, 0.9));
    REQUIRE(e.ok);
    // 0.9 x 23.64 = 21.28 GiB - 14.99 - ~0.5 activations - 0.25 = ~5.5 GiB, but 131,072 tokens x
    // 131,072 B = 16 GiB are needed for one request.
    CHECK_FALSE(e.fits);
    REQUIRE_FALSE(e.warnings.empty());
    CHECK(e.warnings.front().find("max_model_len") != std::string::npos);
}

TEST_CASE("weights larger than the budget leave no KV cache") {
    Architecture a = llama31_8b(80);
    a.hidden_size = 8192;
    a.num_heads = 64;
    a.intermediate_size = 28672;
    Estimate e = estimate(resolved(a, "bf16", h100(), 1, 1, 8192, 0.9));
    REQUIRE(e.ok);
    CHECK_FALSE(e.fits);
    CHECK(*e.kv_cache_tokens == 0);
    CHECK(e.headroom_bytes < 0);
}
