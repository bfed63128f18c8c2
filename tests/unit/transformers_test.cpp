// transformers generate(): hand calculations and published measurements (Qwen speed benchmarks).
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"

using namespace vramcalc;

namespace {

// Qwen/Qwen2-0.5B-Instruct config.json (the fields that matter for memory).
const char* kQwen2_05B = R"({
  "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "torch_dtype": "bfloat16",
  "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
  "num_key_value_heads": 2, "vocab_size": 151936, "max_position_embeddings": 32768,
  "tie_word_embeddings": true, "rope_theta": 1000000.0, "rms_norm_eps": 1e-06,
  "sliding_window": 32768, "use_sliding_window": false, "max_window_layers": 21, "hidden_act": "silu"
})";

// Qwen/Qwen3-8B config.json.
const char* kQwen3_8B = R"({
  "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "torch_dtype": "bfloat16",
  "hidden_size": 4096, "intermediate_size": 12288, "num_hidden_layers": 36, "num_attention_heads": 32,
  "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936, "max_position_embeddings": 40960,
  "tie_word_embeddings": false, "rope_theta": 1000000, "rms_norm_eps": 1e-06, "hidden_act": "silu"
})";

Scenario hf(const char* config, std::int64_t input, std::int64_t output, const std::string& version = "") {
    Scenario s;
    s.custom_config = config;
    s.engine = "transformers";
    s.weights = "bf16";
    s.kv_dtype = "auto";
    s.gpu_memory_gib = 79.15;  // A100 80GB as CUDA reports it
    s.input_tokens = input;
    s.output_tokens = output;
    s.context = input + output;
    s.batch = 1;
    s.engine_version = version;
    return s;
}

double peak_gib(const Estimate& e) {
    return static_cast<double>(e.total.weights.bytes + e.total.kv_cache.bytes + e.total.activation.bytes) / kGiB;
}

}  // namespace

TEST_CASE("Qwen2-0.5B caches 12,288 bytes per token in transformers") {
    Estimate e = estimate(hf(kQwen2_05B, 1, 2048));
    REQUIRE(e.ok);
    // 24 layers x 2 KV heads x 64 dims x 2 (K,V) x 2 B = 12,288 B
    CHECK(e.kv_bytes_per_token == 12288);
    // the cache ends holding 1 + 2048 - 1 = 2048 tokens (the last sampled token is never fed back):
    // 2048 x 12,288 = 25,165,824 B
    CHECK(e.per_gpu.kv_cache.bytes == 25165824);
}

TEST_CASE("Transformers before 4.45 pays fp32 logits for every prompt token") {
    Estimate old_e = estimate(hf(kQwen2_05B, 30720, 2048, "4.38.2"));
    Estimate new_e = estimate(hf(kQwen2_05B, 30720, 2048, "4.51.3"));
    REQUIRE(old_e.ok);
    REQUIRE(new_e.ok);
    // 30720 prompt tokens x 151,936 vocab x (2 B bf16 lm_head output + 4 B .float() copy)
    // = 28,004,401,152 B = 26.08 GiB, on top of the cache then holding the prompt
    const double logits = 30720.0 * 151936.0 * 6.0;
    CHECK(static_cast<double>(old_e.total.activation.bytes) >= logits - 2.0 * 30720.0 * 12288.0);
    // Qwen2 speed benchmark (transformers 4.38.2, A100): 27.61 GiB measured for this row
    CHECK(peak_gib(old_e) == doctest::Approx(27.61).epsilon(0.03));
    // 4.45+ keeps only the last token's logits: the same run needs about 26 GiB less
    CHECK(peak_gib(old_e) - peak_gib(new_e) > 24.0);
    CHECK(old_e.engine_version.find("4.38.2") != std::string::npos);
    CHECK_FALSE(old_e.warnings.empty());
}

TEST_CASE("Legacy transformers keeps a rotary cos/sin cache per layer") {
    Estimate e = estimate(hf(kQwen2_05B, 1, 2048, "4.38.2"));
    REQUIRE(e.ok);
    // weights: 494,032,768 params x 2 B = 988,065,536 B; rotary caches: 24 layers x 2 (cos, sin) x
    // 32768 positions x 64 dims x 2 B = 201,326,592 B; together 1,189,392,128 B
    CHECK(e.total.weights.bytes == doctest::Approx(1189392128.0).epsilon(0.002));
    // measured 1.17 GiB (Qwen2 speed benchmark, input 1, output 2048)
    CHECK(peak_gib(e) == doctest::Approx(1.17).epsilon(0.03));
}

TEST_CASE("Qwen3-8B in transformers 4.51 is weights plus a full DynamicCache") {
    Estimate e = estimate(hf(kQwen3_8B, 1, 2048, "4.51.3"));
    REQUIRE(e.ok);
    // weights 8,190,735,360 params x 2 B = 16,381,470,720 B
    CHECK(e.total.weights.bytes == doctest::Approx(16381470720.0).epsilon(0.001));
    // 36 layers x 8 KV heads x 128 x 2 (K,V) x 2 B = 147,456 B/token x 2048 tokens = 301,989,888 B
    CHECK(e.total.kv_cache.bytes == 301989888);
    // Qwen3 speed benchmark: 15,947 MiB = 15.573 GiB
    CHECK(peak_gib(e) == doctest::Approx(15.573).epsilon(0.01));
}

TEST_CASE("A long prompt's prefill MLP is the peak in current transformers") {
    Estimate e = estimate(hf(kQwen3_8B, 30720, 16, "4.51.3"));
    REQUIRE(e.ok);
    // 30720 tokens x (2 x 4096 hidden + 3 x 12288 intermediate) x 2 B = 2,768,240,640 B, with the
    // cache then holding the prompt only (15 tokens fewer than at the end)
    const double mlp = 30720.0 * (2.0 * 4096.0 + 3.0 * 12288.0) * 2.0;
    CHECK(static_cast<double>(e.total.activation.bytes) == doctest::Approx(mlp - 15.0 * 147456.0).epsilon(0.01));
}

TEST_CASE("Version strings pick the accounting") {
    CHECK(estimate(hf(kQwen2_05B, 8, 8, "4.44.2")).engine_version.find("every prompt token") != std::string::npos);
    CHECK(estimate(hf(kQwen2_05B, 8, 8, "4.45.0")).engine_version.find("last-token") != std::string::npos);
    // no version: the newest release the profile knows (5.5: last-token logits, as 4.51)
    const Estimate newest = estimate(hf(kQwen2_05B, 8, 8, ""));
    CHECK(newest.engine_version.find("transformers 5.5") != std::string::npos);
    CHECK(newest.engine_version.find("last-token") != std::string::npos);
    CHECK(estimate(hf(kQwen2_05B, 8, 8, "AutoAWQ 0.1.6")).engine_version.find("AutoAWQ") != std::string::npos);
    // a version between two known releases follows the older one
    CHECK(estimate(hf(kQwen2_05B, 8, 8, "4.43.1")).engine_version.find("accounting of 4.42") != std::string::npos);
    // a garbled version is an error naming the field and the accepted forms
    const Estimate odd = estimate(hf(kQwen2_05B, 8, 8, "nightly"));
    CHECK_FALSE(odd.ok);
    CHECK(odd.error.rfind("engine_version: 'nightly' is not a transformers version", 0) == 0);
    CHECK(odd.error.find("4.38.2") != std::string::npos);
}

TEST_CASE("the default follows the newest release: last-token logits, not the whole prompt's") {
    // Qwen2-0.5B, 30,720-token prompt: 4.38 keeps fp32 + bf16 logits for every prompt position,
    // 30,720 x 151,936 x (2 + 4) B = 28,004,474,880 B = 26.08 GiB; 4.45+ only the last position's, and
    // its prefill peak is the MLP instead: 30,720 x (2 x 896 + 3 x 4,864) x 2 B = 0.94 GiB, which the old
    // peak hides under the logits. So the newest default needs at least 26.08 - 0.94 = 25.14 GiB less.
    const double old_peak = peak_gib(estimate(hf(kQwen2_05B, 30720, 8, "4.38.2")));
    const double new_peak = peak_gib(estimate(hf(kQwen2_05B, 30720, 8, "")));
    CHECK(old_peak - new_peak > 25.14);
}

TEST_CASE("device_map auto splits layers and sums per-GPU peaks") {
    Scenario s = hf(kQwen3_8B, 1024, 128);
    s.gpus = 2;
    Estimate e = estimate(s);
    REQUIRE(e.ok);
    REQUIRE(e.gpus.size() == 2);
    Bytes w = 0;
    for (const GpuLoad& g : e.gpus) {
        CHECK(g.weights.bytes > 0);
        w += g.weights.bytes;
    }
    CHECK(w == e.total.weights.bytes);
    // the two halves of 16.38 GB: neither GPU holds more than 60% of it
    CHECK(static_cast<double>(e.per_gpu.weights.bytes) < 0.6 * static_cast<double>(e.total.weights.bytes));
}

TEST_CASE("Weights beyond the GPUs are offloaded to CPU RAM by accelerate") {
    Scenario s = hf(kQwen3_8B, 128, 128);
    s.gpu_memory_gib = 8.0;  // 15.3 GiB of bf16 weights cannot fit
    Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK_FALSE(e.fits);
    CHECK(e.cpu.bytes > 6ull * 1024 * 1024 * 1024);
    CHECK(e.per_gpu.weights.bytes < gib_to_bytes(8.0));
}

TEST_CASE("The rule of thumb is params x bytes x 1.2") {
    Scenario s = hf(kQwen3_8B, 128, 128);
    s.engine = "simple";
    Estimate e = estimate(s);
    REQUIRE(e.ok);
    // 8,190,735,360 params x 2 B x 1.2 = 19,657,764,864 B
    CHECK(static_cast<double>(e.rule_of_thumb.bytes) == doctest::Approx(19657764864.0).epsilon(0.001));
}

// Model classes newer than the chosen release: transformers' AutoModel does not know the model_type.
// First releases: v4.51.0 release notes (Llama 4, DeepSeek-V3, Qwen3); Gemma 3n and SmolLM3 added
// 2025-06-25/26 (model_doc pages), first in 4.53.0, which this profile answers from its 4.54 row.
TEST_CASE("transformers refuses a model class its release predates, naming the minimum release") {
    auto refusal = [](const char* model, const char* version) {
        Scenario s;
        s.model = model;
        s.engine = "transformers";
        s.weights = "bf16";
        s.gpu_memory_gib = 2048;
        s.context = 4096;
        s.engine_version = version;
        return estimate(s);
    };
    Estimate e = refusal("qwen3-8b", "4.45.0");
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("transformers 4.45 has no qwen3 model class (Qwen3ForCausalLM arrived in 4.51") != std::string::npos);
    CHECK(e.error.find("choose 4.51 or newer") != std::string::npos);
    CHECK(refusal("qwen3-8b", "4.51.3").ok);
    e = refusal("smollm3-3b", "4.51.3");
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("SmolLM3ForCausalLM arrived in 4.53") != std::string::npos);
    CHECK(e.error.find("choose 4.54 or newer") != std::string::npos);
    CHECK(refusal("smollm3-3b", "4.54.0").ok);
}

// Classes after 4.54 get their own rows: v4.55.0 (GPT-OSS), v4.57.0 (Qwen3-Next, Olmo3), 5.3 (Qwen3.5),
// v5.5.0 (Gemma 4).
TEST_CASE("transformers: GPT-OSS, Qwen3-Next, Qwen3.5 and Gemma 4 name their first release") {
    auto error_of = [](const char* model, const char* version) {
        Scenario s;
        s.model = model;
        s.engine = "transformers";
        s.weights = "bf16";
        s.gpu_memory_gib = 2048;
        s.context = 4096;
        s.engine_version = version;
        return estimate(s).error;
    };
    CHECK(error_of("gpt-oss-20b", "4.54.1").find("GptOssForCausalLM arrived in 4.55") != std::string::npos);
    CHECK(error_of("qwen3-next-80b-a3b-instruct", "4.56.2").find("Qwen3NextForCausalLM arrived in 4.57") != std::string::npos);
    CHECK(error_of("qwen3.5-27b", "5.2.0").find("choose 5.3 or newer") != std::string::npos);
    // From its release on, the refusal is gone (what remains is the accounting's own answer).
    CHECK(error_of("qwen3-next-80b-a3b-instruct", "4.57.1").find("model class") == std::string::npos);
    CHECK(error_of("gpt-oss-20b", "4.55.0").find("model class") == std::string::npos);
}
