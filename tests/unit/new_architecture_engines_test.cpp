// The 2025-2026 cache layouts per engine (issue 13): KV sharing and per-layer head sizes (Gemma 3n /
// Gemma 4), the DeepSeek V3.2 indexer cache, Nemotron-H blocks without a mixer, LFM2 short
// convolutions and Falcon-H1's parallel attention + Mamba-2. Every expected value is a hand
// calculation from the catalog's stored config.json, written beside the assertion, following the
// engine rule cited in core/engines/<engine>.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/cache_support.h"
#include "core/catalog.h"
#include "core/estimate.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

const char* const kLfm2 = fixtures::kLfm2Config;  // tests/unit/fixtures.h

Scenario vllm_on(const char* model, const char* gpu, std::int64_t context) {
    Scenario s;
    s.model = model;
    s.engine = "vllm";
    s.gpu = gpu;
    s.context = context;
    return s;
}

// Bytes of KV cache vLLM allocates per token it reports ("GPU KV cache size: N tokens" = blocks /
// groups x the smallest block size), on one GPU.
double vllm_bytes_per_reported_token(const Estimate& e) {
    REQUIRE(e.kv_cache_tokens.has_value());
    REQUIRE(*e.kv_cache_tokens > 0);
    return static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
}

Scenario llamacpp_on(const char* model, std::int64_t context) {
    Scenario s;
    s.model = model;
    s.engine = "llamacpp";
    s.weights = "gguf-q8_0";
    s.kv_dtype = "fp16";
    s.gpu_memory_gib = 1000.0;  // every layer on CUDA0, so its KV buffer is the whole cache
    s.gpu_layers = 999;
    s.context = context;
    s.ubatch = 512;
    s.parallel = 1;  // -np 1: the hand sums are for one sequence (#21730's run printed "1/1 seqs")
    return s;
}

std::uint64_t llamacpp_kv(const Scenario& s) {
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.kv_buffer.has_value());
    return e.kv_buffer->bytes;
}

Scenario sglang_on(const char* model, const char* gpu) {
    Scenario s;
    s.model = model;
    s.engine = "sglang";
    s.gpu = gpu;
    return s;
}

// SGLang's pool of a hybrid model: KV cells of `cell` bytes per token and whole Mamba states of
// `per_req` bytes, the states taking mamba_full_memory_ratio 0.9 of the KV pool (up to the floors).
// Returns the number of Mamba states.
double check_mamba_pool(const Estimate& e, double cell, double per_req, double ratio_eps) {
    REQUIRE(e.kv_cache_tokens.has_value());
    const double kv_pool = static_cast<double>(*e.kv_cache_tokens) * cell;
    const double mamba = static_cast<double>(e.per_gpu.kv_cache.bytes) - kv_pool;
    const double slots = std::round(mamba / per_req);
    CHECK(slots > 0);
    CHECK(mamba == doctest::Approx(slots * per_req).epsilon(1e-6));
    CHECK(mamba / kv_pool == doctest::Approx(0.9).epsilon(ratio_eps));
    return slots;
}

}  // namespace

// ---- vLLM: KV cache specs per layer (GPUModelRunner.get_kv_cache_spec, kv_cache_utils.py) ----------

TEST_CASE("vLLM Gemma 4 E4B: shared layers own no pages, global layers have 512-wide heads") {
    const Estimate e = estimate(vllm_on("google/gemma-4-E4B-it", "h100-sxm", 32768));
    REQUIRE_MESSAGE(e.ok, e.error);
    // 42 layers, the last 18 share K/V: 24 specs, full at 5, 11, 17, 23 (4), sliding 20.
    // sliding: 2 KV heads x (256 + 256) x 2 B = 2,048 B/token -> 32,768 B per 16-token page;
    // full: 2 x (512 + 512) x 2 B = 4,096 B/token -> 65,536 B. unify_kv_cache_spec_page_size: the
    // sliding block grows to 32 tokens. Groups: min 4, max 20 -> group size 4: 5 sliding groups + 1 full.
    // A block of all groups = 4 x 65,536 = 262,144 B; tokens = blocks / 6 x 16 -> 262,144 x 6 / 16
    // = 98,304 B per reported token.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(98304.0).epsilon(1e-3));
    // One 32,768-token request: full cdiv(32,768, 16) = 2,048 blocks; each sliding group
    // cdiv(min(511 + 8,192, 32,768), 32) + 1 = 273 blocks, x 5 = 1,365 -> 3,413 blocks.
    const double blocks = static_cast<double>(*e.kv_cache_tokens) / 16.0 * 6.0;
    CHECK(*e.max_concurrency == doctest::Approx(blocks / 3413.0).epsilon(2e-3));
}

TEST_CASE("vLLM Gemma 4 26B-A4B: 8 sliding KV heads of 256 and 2 global heads of 512") {
    const Estimate e = estimate(vllm_on("google/gemma-4-26B-A4B-it", "h100-sxm", 32768));
    REQUIRE_MESSAGE(e.ok, e.error);
    // sliding 8 x (256 + 256) x 2 B = 8,192 B/token (131,072 B pages); full (k_eq_v: 2 heads, V = K
    // stored) 2 x (512 + 512) x 2 B = 4,096 B/token -> its block grows to 32. 25 sliding, 5 full:
    // group size 5, 5 sliding groups + 1 full. 5 x 131,072 = 655,360 B per block of all groups;
    // x 6 groups / 16 tokens = 245,760 B per reported token.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(245760.0).epsilon(1e-3));
}

TEST_CASE("vLLM DeepSeek V3.2: the indexer's fp8 keys beside the MLA latent, 64-token blocks") {
    Scenario s = vllm_on("deepseek-ai/DeepSeek-V3.2", "b200", 32768);
    s.gpus = 8;
    s.tp = 8;
    s.weights = "fp8";
    s.kv_dtype = "fp8";
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // fp8_ds_mla: 512 fp8 + 512 / 128 x 4 B scales + 64 x 2 B rope = 656 B; indexer 128 + 128 / 128 x 4
    // = 132 B (MLAAttentionSpec, uint8). One UniformTypeKVCacheSpecs group of 122 specs, 64-token
    // blocks (FlashMLASparse): 61 x (656 + 132) = 48,068 B per token on every rank.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(48068.0).epsilon(1e-3));
    CHECK(*e.kv_cache_tokens % 64 == 0);
    s.kv_dtype = "auto";
    e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // kv_cache_dtype auto: the latent in bf16, (512 + 64) x 2 = 1,152 B; the indexer stays 132 B:
    // 61 x 1,284 = 78,324 B per token
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(78324.0).epsilon(1e-3));
}

TEST_CASE("vLLM Nemotron 3 Nano: no spec for '-'/'E' blocks, float32 SSM state pads the pages") {
    const Estimate e = estimate(vllm_on("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "h200", 32768));
    REQUIRE_MESSAGE(e.ok, e.error);
    // 23 'M' specs, 6 '*' specs, 23 'E' blocks without one. Mamba state (mamba_ssm_cache_dtype float32):
    // conv 18,432 x 2 B + SSM 524,288 x 4 B = 2,134,016 B. Attention 2 x (128 + 128) x 2 B = 1,024 B/token:
    // block 16 x ceil(2,134,016 / 16,384) = 2,096 tokens, page 2,146,304 B. Groups: min 6, max 23 ->
    // size 6: 1 attention group + cdiv(23, 6) = 4 mamba groups. 6 x 2,146,304 B per block of all
    // groups, x 5 groups / 2,096 tokens = 30,720 B per reported token.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(30720.0).epsilon(2e-3));
    // one 32,768-token request: cdiv(32,768, 2,096) = 16 attention blocks + 4 mamba blocks = 20
    const double blocks = static_cast<double>(*e.kv_cache_tokens) / 2096.0 * 5.0;
    CHECK(*e.max_concurrency == doctest::Approx(blocks / 20.0).epsilon(5e-3));
}

TEST_CASE("vLLM Falcon-H1: an attention spec and a Mamba spec in every layer") {
    const Estimate e = estimate(vllm_on("tiiuae/Falcon-H1-3B-Instruct", "h100-sxm", 32768));
    REQUIRE_MESSAGE(e.ok, e.error);
    // Mamba-2: conv (4,096 + 2 x 1 x 256) x 3 = 13,824, SSM 32 x 128 x 256 = 1,048,576 values, bf16:
    // 2,124,800 B. Attention 2 x (128 + 128) x 2 B = 1,024 B/token: block 16 x ceil(2,124,800 / 16,384)
    // = 2,080 tokens. 32 attention + 32 mamba specs: 2 groups of 32; 32 x 2,080 x 1,024 B x 2 groups
    // / 2,080 tokens = 65,536 B per reported token.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(65536.0).epsilon(1e-3));
}

TEST_CASE("vLLM LFM2: short-conv states are Mamba specs padded to the attention page") {
    Scenario s = vllm_on("", "h100-sxm", 8192);
    s.custom_config = kLfm2;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // conv state 1,024 x (3 - 1) x 2 B = 4,096 B; attention 8 x (64 + 64) x 2 B = 2,048 B/token, a
    // 16-token page (32,768 B) already holds a state. Groups: 1 attention, 3 mamba (group size 1);
    // 32,768 B per block of all groups x 4 groups / 16 tokens = 8,192 B per reported token.
    CHECK(vllm_bytes_per_reported_token(e) == doctest::Approx(8192.0).epsilon(1e-3));
}

// ---- llama.cpp: llama_kv_cache(-iswa), llama_kv_cache_dsa, llama_memory_recurrent / hybrid ---------

TEST_CASE("llama.cpp Gemma 4 E2B: KV only on the first 15 layers, global layers 512 wide") {
    // has_kv(il): layers 0-14. Full at 4, 9, 14: 8,192 cells x (K 512 + V 512) x 2 B = 2,048 B per cell;
    // 12 SWA layers: GGML_PAD(min(8,192, 512 + 512), 256) = 1,024 cells x (256 + 256) x 2 B.
    // 3 x 8,192 x 2,048 + 12 x 1,024 x 1,024 = 50,331,648 + 12,582,912 = 62,914,560 B
    CHECK(llamacpp_kv(llamacpp_on("google/gemma-4-E2B-it", 8192)) == 62914560ULL);
}

TEST_CASE("llama.cpp Gemma 4 E4B at 131,072 cells: the non-SWA cache llama.cpp printed") {
    // ggml-org/llama.cpp issue #21730 (Gemma 4 E4B, 2026): "llama_kv_cache: size = 2048.00 MiB (131072
    // cells, 4 layers, 1/1 seqs), K (f16): 1024.00 MiB, V (f16): 1024.00 MiB" for the full layers 5, 11,
    // 17, 23 (the last 18 "reuse" them), and "creating SWA KV cache, size = 1024 cells". SWA part by
    // hand: 20 layers x 1,024 cells x 2 heads x (256 + 256) x 2 B = 41,943,040 B (40 MiB).
    const std::uint64_t mib = 1024ULL * 1024ULL;
    CHECK(llamacpp_kv(llamacpp_on("google/gemma-4-E4B-it", 131072)) == 2048ULL * mib + 40ULL * mib);
}

TEST_CASE("llama.cpp Gemma 3n E4B: n_layer_kv_from_start = 20") {
    // 35 layers, 15 shared: layers 0-19 keep K/V, full at 4, 9, 14, 19. 2 KV heads x 256:
    // (512 + 512) x 2 B = 2,048 B per cell. 4 x 8,192 x 2,048 + 16 x 1,024 x 2,048
    // = 67,108,864 + 33,554,432 = 100,663,296 B
    CHECK(llamacpp_kv(llamacpp_on("google/gemma-3n-E4B-it", 8192)) == 100663296ULL);
}

TEST_CASE("llama.cpp Gemma 4 26B-A4B: per-layer n_embd_k_gqa") {
    // 5 full layers: 2 heads x 512 = K 1,024 + V 1,024 -> 4,096 B per cell x 8,192 = 33,554,432 each;
    // 25 SWA layers: 8 x 256 = 2,048 + 2,048 -> 8,192 B x GGML_PAD(min(8,192, 1,024 + 512), 256) = 1,536
    // cells = 12,582,912 each. 167,772,160 + 314,572,800 = 482,344,960 B
    CHECK(llamacpp_kv(llamacpp_on("google/gemma-4-26B-A4B-it", 8192)) == 482344960ULL);
}

TEST_CASE("llama.cpp DeepSeek V3.2: the indexer key cache beside the MLA cache") {
    // llama_kv_cache_dsa: MLA K (512 + 64) and the indexer K (one head of 128), f16, no V:
    // 61 layers x 4,096 cells x (576 + 128) x 2 B = 351,797,248 B
    CHECK(llamacpp_kv(llamacpp_on("deepseek-ai/DeepSeek-V3.2", 4096)) == 351797248ULL);
}

TEST_CASE("llama.cpp Nemotron 3 Nano: KV on 6 attention blocks, F32 r/s state on 23 Mamba blocks") {
    // KV: 6 x 8,192 cells x 2 heads x (128 + 128) x 2 B = 50,331,648 B; '-'/'E' blocks: n_head_kv 0.
    // Recurrent, one sequence: (18,432 + 524,288) x 4 B = 2,170,880 B x 23 = 49,930,240 B
    CHECK(llamacpp_kv(llamacpp_on("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", 8192)) == 100261888ULL);
}

TEST_CASE("llama.cpp Falcon-H1: KV and recurrent state in every layer") {
    // 32 x 8,192 x 2 x (128 + 128) x 2 B = 268,435,456 B; r + s: (13,824 + 1,048,576) x 4 B x 32
    // = 135,987,200 B -> 404,422,656 B
    CHECK(llamacpp_kv(llamacpp_on("tiiuae/Falcon-H1-3B-Instruct", 8192)) == 404422656ULL);
    // -np 2: two sequences, two recurrent cells; KV streams of GGML_PAD(8,192 / 2, 256) = 4,096 cells
    Scenario s = llamacpp_on("tiiuae/Falcon-H1-3B-Instruct", 8192);
    s.parallel = 2;
    CHECK(llamacpp_kv(s) == 268435456ULL + 2ULL * 135987200ULL);
}

TEST_CASE("llama.cpp LFM2: short-conv layers keep n_embd x (L_cache - 1) per sequence") {
    Scenario s = llamacpp_on("", 4096);
    s.custom_config = kLfm2;
    // attention: 4,096 cells x 8 x (64 + 64) x 2 B = 8,388,608 B; 3 conv layers x 1,024 x 2 x 4 B = 24,576 B
    CHECK(llamacpp_kv(s) == 8388608ULL + 24576ULL);
}

// ---- SGLang: get_cell_size_per_token and handle_max_mamba_cache (model_runner_kv_cache_mixin.py) -----

TEST_CASE("SGLang Nemotron 3 Nano: a Mamba pool of 0.9 x the KV pool comes off the rest first") {
    const Estimate e = estimate(sglang_on("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "h200"));
    REQUIRE_MESSAGE(e.ok, e.error);
    // cell: 6 attention blocks x 2 KV heads x (128 + 128) x 2 B = 6,144 B per token ('-'/'E' none);
    // per request: 23 Mamba blocks x (conv 18,432 x 2 B bf16 + SSM 524,288 x 4 B float32) = 49,082,368 B
    const double slots = check_mamba_pool(e, 6144.0, 23.0 * (18432.0 * 2.0 + 524288.0 * 4.0), 2e-3);
    // running requests: at most max_mamba_cache_size // 3
    CHECK(*e.max_concurrency <= std::floor(slots / 3.0));
}

TEST_CASE("SGLang Falcon-H1: attention and Mamba on every layer (FalconH1Config layer ids)") {
    const Estimate e = estimate(sglang_on("tiiuae/Falcon-H1-3B-Instruct", "h100-sxm"));
    REQUIRE_MESSAGE(e.ok, e.error);
    // cell: 32 layers x 2 KV heads x (128 + 128) x 2 B = 32,768 B per token;
    // per request: 32 x (conv 13,824 x 2 B + SSM 1,048,576 x 4 B) = 135,102,464 B
    check_mamba_pool(e, 32768.0, 32.0 * (13824.0 * 2.0 + 1048576.0 * 4.0), 5e-3);
}

TEST_CASE("SGLang DeepSeek V3.2: the NSA indexer keys in every token's cell") {
    Scenario s = sglang_on("deepseek-ai/DeepSeek-V3.2", "b200");
    s.gpus = 8;
    s.tp = 8;
    s.weights = "fp8";
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // bf16 latent (512 + 64) x 2 B + indexer 128 + 128 / 128 x 4 = 132 B, x 61 layers = 78,324 B
    double per_token = static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
    CHECK(per_token == doctest::Approx(78324.0).epsilon(1e-9));
    s.kv_dtype = "fp8";
    e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // fp8: tokens from the profile cell 61 x (576 + 132) = 43,188 B, the pool stores 656 + 132 B:
    // 61 x 788 = 48,068 B per token allocated
    per_token = static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
    CHECK(per_token == doctest::Approx(48068.0).epsilon(1e-9));
}

// ---- which engines answer, which still refuse ------------------------------------------------------

TEST_CASE("each engine answers the layouts it models and names the ones it does not") {
    auto why = [](const char* model, const char* engine) {
        const ModelInfo* m = find_model(model);
        REQUIRE_MESSAGE(m != nullptr, model);
        return unsupported_cache_reason(m->arch, engine_profile(engine));
    };
    for (const char* model : {"google/gemma-4-E4B-it", "google/gemma-3n-E4B-it", "google/gemma-4-26B-A4B-it", "deepseek-ai/DeepSeek-V3.2",
                              "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "tiiuae/Falcon-H1-3B-Instruct"}) {
        CHECK_MESSAGE(why(model, "vllm").empty(), model);
        CHECK_MESSAGE(why(model, "llamacpp").empty(), model);
    }
    CHECK(why("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "sglang").empty());
    CHECK(why("google/gemma-4-E4B-it", "transformers").empty());
    CHECK(why("google/gemma-4-E4B-it", "sglang").empty());  // engine_cache_pools_test.cpp: the hybrid SWA pool
    CHECK(why("deepseek-ai/DeepSeek-V3.2", "sglang").empty());
    // no dsa_indexer in transformers' cache_features (its release hook names the missing model class)
    CHECK(why("deepseek-ai/DeepSeek-V3.2", "transformers").find("indexer") != std::string::npos);
    CHECK(why("tiiuae/Falcon-H1-3B-Instruct", "sglang").empty());
    CHECK(why("tiiuae/Falcon-H1-3B-Instruct", "transformers").empty());
}
