// Issue 12's wrap-around verdicts, each as a unit test: a result beyond the representable range is
// an error or "does not fit", never a wrapped number; the verdict follows the printed sums.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/checked.h"
#include "core/estimate.h"
#include "core/scenario_json.h"

using namespace vramcalc;

namespace {

Scenario base(const char* engine) {
    Scenario s;
    s.model = "llama-3.1-8b-instruct";
    s.engine = engine;
    s.weights = engine == std::string("llamacpp") ? "gguf-q4_k_m" : "bf16";
    return s;
}

}  // namespace

TEST_CASE("transformers at 52375051 tokens x 1M sequences on 1000 GiB never says fits by wrap") {
    // 52375051 x 1e6 = 5.2e13 tokens: the KV alone is 5.2e13 x 131072 B = 6.9e18 B, and the fp32
    // logits wrapped the per-GPU total to a small number that "fit" (issue 12).
    Scenario s = base("transformers");
    s.gpu_memory_gib = 1000;
    s.context = 52'375'051;
    s.batch = 1'000'000;
    const Estimate e = estimate(s);
    CHECK_FALSE((e.ok && e.fits));
    // The largest product accepted (1e10 tokens in flight): 1e7 x 1000 answers without wrapping and
    // does not fit 1000 GiB (its KV alone is 1e10 x 131072 B = 1.3e15 B).
    s.context = 10'000'000;
    s.batch = 1'000;
    const Estimate big = estimate(s);
    if (big.ok) {
        CHECK_FALSE(big.fits);
        CHECK(big.per_gpu.total_bytes >= 1'310'720'000'000'000ULL);
        CHECK(big.headroom_bytes < 0);
    }
}

TEST_CASE("the headroom is never INT64_MIN, whatever context and batch") {
    for (const char* engine : {"vllm", "sglang", "llamacpp", "transformers", "simple", "exllamav2", "exllamav3"}) {
        for (std::int64_t ctx : {std::int64_t{100'000'000}, std::int64_t{10'000'000}}) {
            Scenario s = base(engine);
            if (engine == std::string("exllamav2")) s.weights = "exl2-4.65";
            if (engine == std::string("exllamav3")) s.weights = "exl3-4";
            s.context = ctx;
            s.batch = ctx == 100'000'000 ? 100 : 1'000;
            const Estimate e = estimate(s);
            INFO(std::string(engine) << " context " << ctx);
            CHECK(e.headroom_bytes != INT64_MIN);
            if (e.ok && engine != std::string("simple")) {  // the rule of thumb ignores context and batch
                CHECK_FALSE(e.fits);
                CHECK(e.headroom_bytes < 0);
            }
        }
    }
}

TEST_CASE("SGLang on GPUs above 20 TiB: fits only when every printed total is within memory") {
    for (double gib : {20'000.0, 50'000.0, 100'000.0}) {
        Scenario s = base("sglang");
        s.gpu_memory_gib = gib;
        const Estimate e = estimate(s);
        REQUIRE(e.ok);
        INFO(gib << " GiB: total " << e.per_gpu.total_bytes << " of " << e.gpu_memory_bytes);
        if (e.fits) {
            for (const GpuLoad& g : e.gpus) CHECK(g.total_bytes <= e.gpu_memory_bytes);
        } else {
            CHECK(e.headroom_bytes < 0);
        }
    }
}

TEST_CASE("SGLang's shortfall counts weights that overflow the budget") {
    // Llama-3.1-8B in bf16 (16.06e9 B of weights) on an 8 GiB GPU: no pool; the shortfall is at least
    // the weights' overflow past the budget (16.06e9 - 8 GiB x 0.88 > 8.5e9 B), not only the KV of
    // 8192 tokens (8192 x 131072 B = 1 GiB).
    Scenario s = base("sglang");
    s.gpu_memory_gib = 8;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK_FALSE(e.fits);
    CHECK(e.headroom_bytes < -8'500'000'000LL);
}

TEST_CASE("the simple engine's total is the exact sum over its GPUs") {
    // Llama-3.1-8B has 8,030,261,248 parameters (invariants_test.cpp shows the count). On 3 GPUs in bf16:
    // 16,060,522,496 B / 3 = 5,353,507,498.67 -> 5,353,507,499 B each; margin 20% = 1,070,701,499.73
    // -> 1,070,701,500 B. Totals over 3 GPUs: weights 16,060,522,497, overhead 3,212,104,500,
    // total 19,272,626,997, which is 3 x the GPU total 6,424,208,999.
    Scenario s = base("simple");
    s.gpus = 3;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK(e.per_gpu.weights.bytes == 5'353'507'499ULL);
    CHECK(e.per_gpu.overhead.bytes == 1'070'701'500ULL);
    CHECK(e.per_gpu.total_bytes == 6'424'208'999ULL);
    CHECK(e.total.weights.bytes == 16'060'522'497ULL);
    CHECK(e.total.overhead.bytes == 3'212'104'500ULL);
    CHECK(e.total.total_bytes == 19'272'626'997ULL);
}

TEST_CASE("a parameter count beyond any GPU answers does-not-fit with exact sums, or refuses") {
    // 1e14 parameters (the largest accepted) in fp32 on 4096 GPUs (the most accepted): 4e14 B / 4096 =
    // 97,656,250,000 B per GPU; the total over GPUs is their exact sum, 4e14 B.
    Scenario s;
    s.custom_params = 1e14;
    s.engine = "simple";
    s.weights = "fp32";
    s.gpus = 4096;
    s.nodes = 512;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    CHECK(e.per_gpu.weights.bytes == 97'656'250'000ULL);
    CHECK(e.total.weights.bytes == 400'000'000'000'000ULL);
    CHECK(e.gpus.size() == 4096);
}

TEST_CASE("more GPUs than the cost ceiling is refused by name, in the scenario JSON and in resolve") {
    // 4097 GPUs: every estimate lists each GPU, so the count has a ceiling (kMaxGpus, issue 12).
    Scenario s;
    s.gpus = kMaxGpus + 1;
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error == "gpus: between 1 and 4096");
    Scenario parsed;
    std::vector<std::string> problems;
    apply_scenario_json(nlohmann::json::parse(R"({"gpus": 4097})"), parsed, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("a GPU count between 1 and 4096") != std::string::npos);
    CHECK(parsed.gpus == Scenario{}.gpus);
}

TEST_CASE("saturating conversions of doubles to counts") {
    CHECK(saturating_round(1e300) == INT64_MAX);
    CHECK(saturating_round(-1e300) == -INT64_MAX);
    CHECK(saturating_round(0.0 / 0.0) == 0);
    CHECK(saturating_round(-2.5) == -3);
    CHECK(saturating_round(2.5) == 3);
    CHECK(saturating_floor_count(7.9) == 7);
    CHECK(saturating_floor_count(-7.9) == 0);
    CHECK(saturating_floor_count(1e19) == INT64_MAX);
    CHECK(signed_difference(0, UINT64_MAX) == -INT64_MAX);
}

TEST_CASE("figures beyond 4 EiB per GPU are an error with a clear message, never a wrapped number") {
    // 10,000 layers of hidden 1e6 with 8000 KV heads of 125: K+V per token = 10,000 x 8000 x 250 x 2 B
    // = 4e10 B; x 1e6 tokens x 1000 sequences = 4e19 B, beyond 2^64 = 1.8e19.
    Scenario s;
    s.custom_config = R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":1000000,
        "num_hidden_layers":10000,"num_attention_heads":8000,"num_key_value_heads":8000,"intermediate_size":10000000,
        "vocab_size":1000000,"max_position_embeddings":8192,"torch_dtype":"float32"})";
    s.context = 1'000'000;
    s.batch = 1'000;
    for (const char* engine : {"vllm", "sglang", "llamacpp", "transformers", "simple", "exllamav2"}) {
        s.engine = engine;
        s.weights = engine == std::string("llamacpp") ? "gguf-f16" : engine == std::string("exllamav2") ? "exl2-4.65" : "bf16";
        const Estimate e = estimate(s);
        INFO(std::string(engine) << ": " << e.error);
        if (e.ok) {
            // answered: the figures are real sums, below 4 EiB per GPU, and it does not fit
            CHECK_FALSE(e.fits);
            CHECK(e.per_gpu.total_bytes < (1ULL << 62));
            CHECK(e.per_gpu.total_bytes == e.per_gpu.weights.bytes + e.per_gpu.kv_cache.bytes + e.per_gpu.activation.bytes +
                                               e.per_gpu.overhead.bytes);
            CHECK(e.headroom_bytes < 0);
        } else {
            CHECK(e.error.find("exceed 4 EiB per GPU") != std::string::npos);
        }
    }
    s.engine = "vllm";
    s.weights = "bf16";
    CHECK_FALSE(estimate(s).ok);  // vLLM's KV pool alone is beyond the range
}
