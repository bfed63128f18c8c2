// Expert parallelism and DP attention on vLLM and SGLang (core/expert_parallel.h): per-GPU weights
// from hand calculations on Qwen3-30B-A3B's config (core/data/models.json: hidden 2048, 48 layers,
// 128 experts of moe_intermediate 768, 32 heads / 4 KV heads of 128, vocab 151936, untied).
#include <doctest/doctest.h>

#include <string>

#include "core/command.h"
#include "core/estimate.h"
#include "core/expert_parallel.h"

using namespace vramcalc;

namespace {

Scenario qwen3_moe(const std::string& engine, int gpus, int tp, int dp) {
    Scenario s;
    s.engine = engine;
    s.model = "qwen3-30b-a3b";
    s.weights = "bf16";
    s.gpu = "h100-sxm";
    s.gpus = gpus;
    s.tp = tp;
    s.replicas = dp;
    s.context = 8192;
    return s;
}

double weights_of(const Scenario& s) {
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    return static_cast<double>(e.per_gpu.weights.bytes);
}

// Routed experts of the whole model in bf16: 48 layers x 128 experts x 3 matrices (gate, up, down)
// x 768 x 2048 x 2 B = 57,982,058,496 B.
constexpr double kExpertBytes = 48.0 * 128 * 3 * 768 * 2048 * 2;

}  // namespace

TEST_CASE("determine_expert_map: E / EP experts each, the first E % EP ranks one more") {
    CHECK(local_experts(128, 4, 0) == 32);
    CHECK(local_experts(128, 4, 3) == 32);
    // 10 experts over 4 ranks: 3, 3, 2, 2 (vLLM linear placement: base 2, remainder 2 to ranks 0-1)
    CHECK(local_experts(10, 4, 0) == 3);
    CHECK(local_experts(10, 4, 1) == 3);
    CHECK(local_experts(10, 4, 2) == 2);
    CHECK(local_experts(10, 4, 3) == 2);
    CHECK(local_experts(2, 4, 3) == 0);
}

TEST_CASE("vLLM --enable-expert-parallel at TP 2 x DP 2: experts over EP 4, dense parts over TP 2") {
    Scenario tp_only = qwen3_moe("vllm", 4, 2, 2);
    Scenario ep = tp_only;
    ep.enable_expert_parallel = true;
    // Without EP each rank holds every expert sharded over TP 2: kExpertBytes / 2 = 28,991,029,248 B.
    // With EP = TP x DP = 4 each rank holds 32 whole experts: kExpertBytes / 4 = 14,495,514,624 B.
    // Attention, embedding, lm_head, norms and routers are the same in both (over TP 2).
    CHECK(weights_of(tp_only) - weights_of(ep) == doctest::Approx(kExpertBytes / 2 - kExpertBytes / 4));
    CHECK(kExpertBytes / 2 - kExpertBytes / 4 == 14'495'514'624.0);
    const Estimate e = estimate(ep);
    REQUIRE(e.gpus.size() == 4);
    CHECK(e.gpus[0].role.find("EP rank 0 of 4: experts 0-31") != std::string::npos);
    CHECK(e.gpus[3].role.find("EP rank 3 of 4: experts 96-127") != std::string::npos);
}

TEST_CASE("vLLM EP at TP 2 alone holds the same bytes as TP 2: 64 whole experts = every expert halved") {
    Scenario tp_only = qwen3_moe("vllm", 2, 2, 1);
    Scenario ep = tp_only;
    ep.ep = 2;
    CHECK(weights_of(ep) == doctest::Approx(weights_of(tp_only)));
}

TEST_CASE("vLLM refuses an EP size other than TP x DP, naming the field") {
    Scenario s = qwen3_moe("vllm", 4, 2, 2);
    s.ep = 2;
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.rfind("ep: vLLM's expert-parallel size is TP x DP = 2 x 2 = 4", 0) == 0);
}

TEST_CASE("SGLang --ep-size 4 at TP 4: E / 4 whole experts, the same bytes as TP 4") {
    Scenario tp_only = qwen3_moe("sglang", 4, 4, 1);
    Scenario ep = tp_only;
    ep.ep = 4;
    // moe_tp = 4 / 4 = 1: 32 whole experts per rank = kExpertBytes / 4, as every expert over TP 4.
    CHECK(weights_of(ep) == doctest::Approx(weights_of(tp_only)));
    Scenario bad = tp_only;
    bad.ep = 3;
    CHECK(estimate(bad).error.rfind("ep: SGLang needs --ep-size 3 to divide --tp-size 4", 0) == 0);
}

TEST_CASE("SGLang --enable-dp-attention at TP 4 / DP 4: attention and embedding whole on every GPU") {
    Scenario tp_only = qwen3_moe("sglang", 4, 4, 1);
    Scenario dpa = qwen3_moe("sglang", 4, 4, 4);
    dpa.enable_dp_attention = true;
    // Attention per layer: q 32x128x2048 + k, v 4x128x2048 + o 2048x4096 = 18,874,368 params; x 48
    // layers x 2 B = 1,811,939,328 B. TP 4 holds a quarter (KV heads 4 / 4 = 1 each), attn_tp 1 all:
    // + 1,358,954,496 B. The embedding 151936 x 2048 x 2 B = 622,329,856 B is replicated instead of
    // split over 4: + 466,747,392 B. Experts, lm_head and norms are unchanged.
    CHECK(weights_of(dpa) - weights_of(tp_only) == doctest::Approx(1'358'954'496.0 + 466'747'392.0));
    const Estimate e = estimate(dpa);
    REQUIRE(e.ok);
    CHECK(e.gpus.size() == 4);  // the DP ranks live inside the TP group: GPUs = TP x PP
    // KV per token: 4 KV heads x 128 x 2 (K, V) x 2 B x 48 layers = 98,304 B (TP 4 alone: 24,576 B)
    CHECK(static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(98304.0));
    CHECK(e.gpus[1].role.find("attention DP rank 1") != std::string::npos);
}

TEST_CASE("DP attention needs --dp-size to divide --tp-size") {
    Scenario s = qwen3_moe("sglang", 4, 4, 3);
    s.enable_dp_attention = true;
    s.gpus = 4;
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.rfind("enable_dp_attention:", 0) == 0);
}

TEST_CASE("the command lines write the expert-parallel flags") {
    Scenario v = qwen3_moe("vllm", 4, 2, 2);
    v.enable_expert_parallel = true;
    CHECK(launch_command(v).find("--enable-expert-parallel") != std::string::npos);
    Scenario g = qwen3_moe("sglang", 4, 4, 4);
    g.ep = 4;
    g.enable_dp_attention = true;
    const std::string c = launch_command(g);
    CHECK(c.find("--ep-size 4") != std::string::npos);
    CHECK(c.find("--enable-dp-attention") != std::string::npos);
    CHECK(c.find("--dp-size 4") != std::string::npos);
}

TEST_CASE("vLLM --cpu-offload-gb moves whole parameters: a MoE layer's fused experts pass the budget") {
    // maybe_offload_to_cpu checks the budget before each parameter and moves it whole. Qwen3-30B-A3B bf16,
    // TP 1, --cpu-offload-gb 1 (1,073,741,824 B), layer 0 in order: norms 2 x 2048 x 2 B = 8,192; qkv_proj
    // (4096 + 512 + 512) x 2048 x 2 = 20,971,520; o_proj 2048 x 4096 x 2 = 16,777,216; q/k norms 512 B;
    // router 128 x 2048 x 2 = 524,288 (= 38,281,728 so far); experts' w13 128 x 1536 x 2048 x 2 =
    // 805,306,368 (843,588,096, under the budget); w2 128 x 2048 x 768 x 2 = 402,653,184 ->
    // 1,246,241,280 B offloaded, 172,499,456 B more than the budget.
    Scenario s = qwen3_moe("vllm", 1, 1, 1);
    s.cpu_offload_gib = 1.0;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // the order of the router and the small vectors inside the layer moves this by at most 0.53 MB
    CHECK(static_cast<double>(e.cpu.bytes) == doctest::Approx(1'246'241'280.0).epsilon(5e-4));
    Scenario none = s;
    none.cpu_offload_gib = 0;
    CHECK(weights_of(none) - weights_of(s) == doctest::Approx(static_cast<double>(e.cpu.bytes)));
}

TEST_CASE("SGLang DP attention reserves cuda_graph_max_bs x dp x 3 MiB more (0.5.4+ default fraction)") {
    // H100 80 GB (79.19 GiB = 81,090.56 MiB, >= 60 GiB): chunked_prefill 8192, cuda_graph_max_bs 512 at TP 4;
    // reserved = 512 + 8192 x 1.5 + 512 x 2 + 4 x 1 / 8 x 1024 = 14,336 MiB; with DP attention 4:
    // + 512 x 4 x 3 = 6,144 and, above 300 rows, + 512 x 4 x 1.5 = 3,072 -> 23,552 MiB.
    // mem_fraction_static = round((81,090.56 - 23,552) / 81,090.56, 3) = 0.710 (0.823 without)
    Scenario s = qwen3_moe("sglang", 4, 4, 4);
    s.gpu = "";
    s.gpu_memory_gib = 79.19;
    s.enable_dp_attention = true;
    s.engine_version = "0.5.4";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.per_gpu.kv_cache.how.find("mem_fraction_static 0.710") != std::string::npos);
    Scenario plain = qwen3_moe("sglang", 4, 4, 1);
    plain.gpu = "";
    plain.gpu_memory_gib = 79.19;
    plain.engine_version = "0.5.4";
    CHECK(estimate(plain).per_gpu.kv_cache.how.find("mem_fraction_static 0.823") != std::string::npos);
    // 0.5.10 and later: + 58 piecewise prefill graph sizes x 8 MiB = 464 MiB before the floor:
    // 14,336 + 464 + 6,144 + 3,072 = 24,016 -> round(57,074.56 / 81,090.56, 3) = round(0.70384, 3) = 0.704;
    // without DP attention 14,800 -> round(0.81749, 3) = 0.817
    s.engine_version = plain.engine_version = "";
    CHECK(estimate(s).per_gpu.kv_cache.how.find("mem_fraction_static 0.704") != std::string::npos);
    CHECK(estimate(plain).per_gpu.kv_cache.how.find("mem_fraction_static 0.817") != std::string::npos);
}
