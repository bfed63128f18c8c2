// Issue 13, second part: the cache layouts that were still refused or unchecked per engine.
// mllama's cross-attention cache (Llama 3.2 11B Vision), SGLang's hybrid SWA pool for Gemma 4, its
// one-pool-for-every-layer Gemma 3n and LFM2's conv pool, transformers' Falcon-H1 and LFM2 hybrid
// caches, vLLM's float32 SSM state for Qwen3.5, and the releases that cannot load a model at all.
// Every expected value is a hand calculation from the catalog's stored config.json (or the small
// config below), written beside the assertion, following the rule cited in core/engines/<engine>.cpp.
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

constexpr const char* kVision = "meta-llama/Llama-3.2-11B-Vision-Instruct";

Scenario on(const char* model, const char* engine, const char* gpu = "h100-sxm") {
    Scenario s;
    s.model = model;
    s.engine = engine;
    s.gpu = gpu;
    return s;
}

// transformers generate() of a 1,000-token prompt and no new token: the cache holds 1,000 tokens.
Scenario transformers_prompt(const char* model, const char* version) {
    Scenario s = on(model, "transformers");
    s.engine_version = version;
    s.input_tokens = 1000;
    s.output_tokens = 0;
    s.context = 1000;
    return s;
}

double bytes_per_token(const Estimate& e) {
    REQUIRE(e.kv_cache_tokens.has_value());
    REQUIRE(*e.kv_cache_tokens > 0);
    return static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
}

}  // namespace

// ---- mllama: the catalog entry and its cross-attention cache ---------------------------------------

TEST_CASE("Llama 3.2 11B Vision: cross-attention layers, vision tokens per image and the tower") {
    const ModelInfo* m = find_model(kVision);
    REQUIRE(m != nullptr);
    CHECK(m->arch.unmodelled_cache.empty());
    CHECK(m->arch.cross_attention_layers == std::vector<std::int64_t>{3, 8, 13, 18, 23, 28, 33, 38});
    // max_num_tiles 4 x ((560 / 14)^2 + 1 class token) = 4 x 1,601 = 6,404
    CHECK(m->arch.cross_attention_tokens == 6404);
    // MllamaVisionModel: 32 + 8 layers x (4 x 1,280^2 + 2 x 1,280 x 5,120 + 5,120 + 1,280 + 4 x 1,280)
    // = 40 x 19,672,320 = 786,892,800; patch conv 3 x 14 x 14 x 1,280 = 752,640; class 1,280; position
    // 1,601 x 1,280 = 2,049,280; tile table 9 x 4 x 1,601 x 1,280 = 73,774,080; pre/post tile 2 x 9 x 4
    // x 1,280 = 92,160; pre/post LayerNorm 4 x 1,280 = 5,120; projector 7,680 x 4,096 + 4,096 =
    // 31,461,376. Sum 895,028,736.
    CHECK(m->arch.vision_params == doctest::Approx(895028736.0).epsilon(1e-12));
}

TEST_CASE("transformers mllama: 32 self-attention layers grow, 8 cross-attention layers hold 6,404 tokens") {
    const Estimate e = estimate(transformers_prompt(kVision, "4.51"));
    REQUIRE_MESSAGE(e.ok, e.error);
    // self: 32 x 8 KV heads x (128 + 128) x 2 B = 131,072 B per token x 1,000 = 131,072,000 B;
    // cross: 8 x 6,404 x 8 x 256 x 2 B = 209,846,272 B (one image of 4 tiles per sequence)
    CHECK(e.total.kv_cache.bytes == 131072000ULL + 209846272ULL);
    // MllamaForConditionalGeneration arrived in 4.45
    const Estimate old = estimate(transformers_prompt(kVision, "4.42"));
    CHECK_FALSE(old.ok);
    CHECK(old.error.find("4.45") != std::string::npos);
}

TEST_CASE("SGLang mllama: every layer in the pool, the image's tokens in front of the prompt") {
    Scenario s = on(kVision, "sglang");
    s.context = 8192;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // MHATokenToKVPool over all 40 layers: 40 x 8 x (128 + 128) x 2 B = 163,840 B per token
    CHECK(bytes_per_token(e) == doctest::Approx(163840.0).epsilon(1e-12));
    // pad_input_ids: a request takes 6,404 image slots + its 8,192 tokens = 14,596
    CHECK(*e.max_concurrency == doctest::Approx(static_cast<double>(*e.kv_cache_tokens) / 14596.0).epsilon(1e-12));
}

TEST_CASE("mllama with absurd vision sizes is refused, nothing wraps") {
    // 9,999,999 tiles x (9,999,999^2 + 1) tokens would overflow 64 bits: refused as an unsized cache
    Scenario s = on("", "transformers");
    s.custom_config = R"({"architectures": ["MllamaForConditionalGeneration"], "model_type": "mllama",
      "text_config": {"model_type": "mllama_text_model", "hidden_size": 256, "num_hidden_layers": 4,
        "num_attention_heads": 4, "num_key_value_heads": 2, "cross_attention_layers": [1, 3],
        "intermediate_size": 512, "vocab_size": 1000, "max_position_embeddings": 4096},
      "vision_config": {"hidden_size": 64, "num_hidden_layers": 2, "num_global_layers": 1, "image_size": 9999999,
        "patch_size": 1, "max_num_tiles": 9999999, "supported_aspect_ratios": [[1, 1]], "vision_output_dim": 128}})";
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("cross_attention_layers") != std::string::npos);
}

TEST_CASE("vLLM and llama.cpp refuse mllama with the reason") {
    Estimate e = estimate(on(kVision, "vllm"));
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("0.10.2") != std::string::npos);
    Scenario s = on(kVision, "llamacpp");
    s.weights = "gguf-q8_0";
    e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("no mllama architecture") != std::string::npos);
}

// ---- llama.cpp: the V3.2 indexer cache needs b9411 -------------------------------------------------

TEST_CASE("llama.cpp DeepSeek V3.2 needs b9411 or newer (llama_kv_cache_dsa)") {
    Scenario s = on("deepseek-ai/DeepSeek-V3.2", "llamacpp");
    s.weights = "gguf-q8_0";
    s.gpu_memory_gib = 1000.0;
    s.context = 4096;
    s.engine_version = "b9000";  // follows b4343's accounting, before PR #23346
    Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("b9411") != std::string::npos);
    s.engine_version = "b9411";
    e = estimate(s);
    CHECK_MESSAGE(e.ok, e.error);
}

// ---- SGLang: the hybrid SWA pool, every layer in the pool, LFM2's conv pool ---------------------------

TEST_CASE("SGLang Gemma 4 E4B: full and sliding pools split 1 : 0.8 by tokens") {
    Scenario s = on("google/gemma-4-E4B-it", "sglang");
    s.context = 8192;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // layer_types: 7 full (5, 11, ..., 41), 35 sliding; every layer id gets a buffer, the 18 KV-shared too.
    // F = 2 KV heads x (512 + 512) x 2 B = 4,096 B; S = 2 x (256 + 256) x 2 B = 2,048 B.
    // set_num_tokens_hybrid_swa: full tokens = max_total x (7F + 35S) / (7F + 0.8 x 35S)
    // = max_total x 100,352 / 86,016; swa tokens = int(0.8 x full). Pool = full x 28,672 + swa x 71,680.
    const std::int64_t full = *e.kv_cache_tokens;
    const auto swa = static_cast<std::int64_t>(static_cast<double>(full) * 0.8);
    CHECK(static_cast<double>(e.per_gpu.kv_cache.bytes) ==
          doctest::Approx(static_cast<double>(full) * 28672.0 + static_cast<double>(swa) * 71680.0).epsilon(1e-9));
    // the pool holds (full x 28,672 + swa x 71,680) / 100,352 profile tokens: full / that = 100,352 / 86,016
    const double profile_tokens = static_cast<double>(e.per_gpu.kv_cache.bytes) / 100352.0;
    CHECK(static_cast<double>(full) / profile_tokens == doctest::Approx(100352.0 / 86016.0).epsilon(1e-3));
}

TEST_CASE("SGLang Gemma 3n E4B: one MHA pool over all 35 layers") {
    Scenario s = on("google/gemma-3n-E4B-it", "sglang");
    s.context = 8192;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // not a hybrid-SWA architecture: 35 layers (15 KV-shared, sliding ones included) x 2 KV heads x
    // (256 + 256) x 2 B = 71,680 B per token
    CHECK(bytes_per_token(e) == doctest::Approx(71680.0).epsilon(1e-12));
}

TEST_CASE("SGLang LFM2: conv states in the Mamba pool (Lfm2Config mamba2_cache_params)") {
    Scenario s = on("", "sglang");
    s.custom_config = kLfm2;
    s.context = 8192;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.kv_cache_tokens.has_value());
    // cell: 1 attention layer x 8 KV heads x (64 + 64) x 2 B = 2,048 B per token; per request: 3 conv
    // layers x 1,024 x (3 - 1) x 2 B (bf16 conv, no temporal state) = 12,288 B
    const double kv_pool = static_cast<double>(*e.kv_cache_tokens) * 2048.0;
    const double mamba = static_cast<double>(e.per_gpu.kv_cache.bytes) - kv_pool;
    const double slots = std::round(mamba / 12288.0);
    CHECK(mamba == doctest::Approx(slots * 12288.0).epsilon(1e-9));
    CHECK(mamba / kv_pool == doctest::Approx(0.9).epsilon(1e-3));  // mamba_full_memory_ratio
}

// ---- transformers: FalconHybridMambaAttentionDynamicCache, Lfm2HybridConvCache --------------------

TEST_CASE("transformers Falcon-H1: conv state of the whole kernel and the SSM state on every layer") {
    const Estimate e = estimate(transformers_prompt("tiiuae/Falcon-H1-3B-Instruct", "4.54"));
    REQUIRE_MESSAGE(e.ok, e.error);
    // per layer, bf16: conv (4,096 + 2 x 1 x 256) x d_conv 4 = 18,432 + SSM 32 heads x 128 x 256 =
    // 1,048,576 -> 2,134,016 B x 32 layers = 68,288,512 B; attention 32 x 2 x (128 + 128) x 2 B =
    // 32,768 B per token x 1,000 = 32,768,000 B
    CHECK(e.total.kv_cache.bytes == 68288512ULL + 32768000ULL);
    const Estimate old = estimate(transformers_prompt("tiiuae/Falcon-H1-3B-Instruct", "4.51"));
    CHECK_FALSE(old.ok);
    CHECK(old.error.find("4.53") != std::string::npos);
}

TEST_CASE("transformers LFM2: a conv state on every layer, attention layers included") {
    Scenario s = transformers_prompt("", "4.54");
    s.custom_config = kLfm2;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // conv_cache: 4 layers x 1,024 x conv_L_cache 3 x 2 B = 24,576 B; attention 8 x (64 + 64) x 2 B
    // = 2,048 B per token x 1,000 = 2,048,000 B
    CHECK(e.total.kv_cache.bytes == 24576ULL + 2048000ULL);
}

TEST_CASE("transformers refuses DeepSeek V3.2: no deepseek_v32 model class") {
    const Estimate e = estimate(transformers_prompt("deepseek-ai/DeepSeek-V3.2", "4.54"));
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("deepseek_v32") != std::string::npos);
}

// ---- vLLM: Qwen3.5's float32 SSM state ----------------------------------------------------------

TEST_CASE("vLLM Qwen3.5 9B: Qwen3_5ForConditionalGenerationConfig keeps the SSM state in float32") {
    Scenario s = on("Qwen/Qwen3.5-9B", "vllm");
    s.context = 32768;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // Gated DeltaNet state: conv (2 x 16 x 128 + 32 x 128) x (4 - 1) = 24,576 values in bf16 + recurrent
    // 32 x 128 x 128 = 524,288 in float32 = 2,146,304 B. Attention 4 x (256 + 256) x 2 B = 4,096 B per
    // token: block 16 x ceil(2,146,304 / 65,536) = 528 tokens (bf16 state: 16 x 17 = 272).
    CHECK(*e.kv_cache_tokens % 528 == 0);
    // 8 full + 24 linear specs: group size 8, 1 attention + 3 mamba groups. One 32,768-token request:
    // cdiv(32,768, 528) = 63 + 3 = 66 blocks; blocks = tokens / 528 x 4.
    const double blocks = static_cast<double>(*e.kv_cache_tokens) / 528.0 * 4.0;
    CHECK(*e.max_concurrency == doctest::Approx(blocks / 66.0).epsilon(2e-2));
}

// ---- which engines answer -------------------------------------------------------------------------

TEST_CASE("the release hook and the layouts: who answers which model") {
    auto why = [](const char* model, const char* engine) {
        const ModelInfo* m = find_model(model);
        REQUIRE_MESSAGE(m != nullptr, model);
        const EngineProfile& p = engine_profile(engine);
        return unsupported_cache_reason(m->arch, p, &newest_release(p));
    };
    for (const char* model : {"google/gemma-4-E4B-it", "google/gemma-3n-E4B-it", "google/gemma-4-26B-A4B-it", "deepseek-ai/DeepSeek-V3.2",
                              "tiiuae/Falcon-H1-3B-Instruct", kVision})
        CHECK_MESSAGE(why(model, "sglang").empty(), model);
    CHECK(why("tiiuae/Falcon-H1-3B-Instruct", "transformers").empty());
    CHECK(why(kVision, "transformers").empty());
    CHECK(why(kVision, "vllm").find("_PREVIOUSLY_SUPPORTED_MODELS") != std::string::npos);
    CHECK(why(kVision, "llamacpp").find("LLM_ARCH_MLLAMA") != std::string::npos);
    CHECK(why("deepseek-ai/DeepSeek-V3.2", "llamacpp").empty());
    CHECK(why("deepseek-ai/DeepSeek-V3.2", "transformers").find("closed") != std::string::npos);
}

// ---- llama.cpp: per-layer embeddings stay on the CPU ------------------------------------------------

TEST_CASE("llama.cpp Gemma 4 E4B: the output layer copies token_embd only, not per_layer_token_embd") {
    auto model_buffer = [](std::int64_t gpu_layers) {
        Scenario s = on("google/gemma-4-E4B-it", "llamacpp");
        s.weights = "gguf-q8_0";
        s.gpu_memory_gib = 1000.0;
        s.context = 8192;
        s.parallel = 1;
        s.gpu_layers = gpu_layers;
        const Estimate e = estimate(s);
        REQUIRE_MESSAGE(e.ok, e.error);
        REQUIRE(e.model_buffer.has_value());
        return static_cast<double>(e.model_buffer->bytes);
    };
    // -ngl 999 minus -ngl 42 (every layer, no output layer) = the output layer on CUDA0:
    // output.weight = token_embd duplicated (TENSOR_DUPLICATED), 262,144 x 2,560 q8_0 = 671,088,640 / 32
    // x 34 = 713,031,680 B; output_norm 2,560 x 4 = 10,240 B; per_layer_model_proj 10,752 x 2,560 q8_0 =
    // 29,245,440 B and its norm 256 x 4 = 1,024 B. Sum 742,288,384 B. per_layer_token_embd (262,144 x
    // 10,752) is an input tensor: CPU only, not duplicated.
    CHECK(model_buffer(999) - model_buffer(42) == doctest::Approx(742288384.0).epsilon(1e-12));
}
