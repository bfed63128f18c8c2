// ExLlamaV2 / ExLlamaV3 accounting (core/engines/exllamav2.cpp, exllamav3.cpp). Every expected number
// is a hand calculation from the libraries' code, written beside it: exllamav2 0.3.2 (da07facd)
// cache.py, attn.py, mlp.py, linear.py, device.py, model.py; exllamav3 1.4.1 (4f8ad012) cache/quant.py,
// modules/quant/exl3.py; TabbyAPI backends/exllamav2/model.py (before c8b9a8f) and
// backends/exllamav3/model.py (e632af41).
#include <doctest/doctest.h>

#include <string>

#include "core/command.h"
#include "core/estimate.h"
#include "core/formats.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

using fixtures::llama31_8b;

// Llama 3.1 8B on one 24 GiB GPU, 8192 tokens, one sequence.
ResolvedScenario exl(const std::string& engine, const std::string& weights, const std::string& kv = "auto",
                     std::int64_t context = 8192, std::int64_t batch = 1) {
    ResolvedScenario r = fixtures::resolved(llama31_8b(), engine, weights, fixtures::custom_gpu(24.0), 1, 1, context, 0);
    const auto k = find_kv_format(kv);
    REQUIRE(k.has_value());
    r.kv = *k;
    r.scenario.batch = batch;
    r.scenario.kv_dtype = kv;
    r.scenario.weights = weights;
    return r;
}

// Per layer of Llama 3.1 8B: q, o 4096x4096; k, v 1024x4096; gate, up, down 14336x4096
// = 33,554,432 + 8,388,608 + 176,160,768 = 218,103,808 weights; two RMSNorms 2 x 4096 x 2 B = 16,384 B.
constexpr double kLayerWeights = 218103808.0;
constexpr double kHeadWeights = 128256.0 * 4096.0;  // 525,336,576 (lm_head and the embedding alike)

}  // namespace

TEST_CASE("exl2-<bits> and exl3-<bits> take any bits per weight in the quantizers' ranges") {
    auto a = find_weight_format("exl2-4.65");
    REQUIRE(a);
    CHECK(a->kind == "exl2");
    CHECK(a->head_bits == 6.0);  // convert_exl2.py -hb default 6
    auto b = find_weight_format("EXL3-3.5");
    REQUIRE(b);
    CHECK(b->id == "exl3-3.5");
    CHECK(b->kind == "exl3");
    CHECK(b->bits_per_weight == 3.5);
    CHECK(b->head_bits == 6.0);  // exllamav3 convert_model.py head_bits default 6
    CHECK(b->name == "EXL3 3.5 bpw");
    CHECK(find_weight_format("exl3-1"));             // --bits 1 is allowed for EXL3
    CHECK_FALSE(find_weight_format("exl3-9"));
    CHECK_FALSE(find_weight_format("exl3-0.5"));
    CHECK_FALSE(find_weight_format("exl2-1.5"));     // EXL2 averages 2-8
    CHECK_FALSE(find_weight_format("exl3-4x"));
}

TEST_CASE("ExLlama cache modes are refused by engines that do not have them, and EXL weights too") {
    const auto q6 = find_kv_format("q6");
    REQUIRE(q6);
    CHECK(q6->bits_per_value == 6.5);
    const auto k4v6 = find_kv_format("k4v6");
    REQUIRE(k4v6);
    CHECK(k4v6->bits_per_value == 5.5);  // (4 + 0.5 + 6 + 0.5) / 2
    CHECK_FALSE(find_kv_format("k9v4"));
    Scenario s;
    s.engine = "vllm";
    s.weights = "exl3-4";
    CHECK(estimate(s).error.find("weights: EXL3 4 bpw runs on exllamav3") == 0);
    s.weights = "bf16";
    s.kv_dtype = "q6";
    CHECK(estimate(s).error.find("kv_dtype:") == 0);
    s.engine = "exllamav2";
    s.weights = "exl2-4.65";
    s.kv_dtype = "k4v6";  // ExLlamaV3 only
    CHECK(estimate(s).error.find("kv_dtype:") == 0);
    s.kv_dtype = "q8_0";
    CHECK(estimate(s).error.find("kv_dtype:") == 0);
    s.kv_dtype = "q4";
    CHECK(estimate(s).ok);
    s.weights = "exl3-4";
    CHECK(estimate(s).error.find("weights:") == 0);
    s.engine = "simple";  // the rule of thumb takes any format
    CHECK(estimate(s).ok);
}

TEST_CASE("ExLlamaV2: EXL2 4.0 weights with a 6-bit head on the GPU, the embedding in CPU memory") {
    Estimate e = estimate(exl("exllamav2", "exl2-4"));
    REQUIRE(e.ok);
    // 32 x (218,103,808 x 4 / 8 + 16,384) = 3,490,185,216; final norm 8,192; lm_head 525,336,576 x 6 / 8
    // = 394,002,432 -> 3,884,195,840 B.
    CHECK(e.per_gpu.weights.bytes == 3884195840LL);
    CHECK(static_cast<double>(e.per_gpu.weights.bytes) == doctest::Approx(32 * (kLayerWeights / 2 + 16384) + 8192 + kHeadWeights * 0.75));
    // embedding 525,336,576 x 2 B (fp16) stays in CPU memory (load_autosplit_gen: set_device_idx(-1)).
    CHECK(e.cpu.bytes == 1050673152LL);
}

TEST_CASE("ExLlamaV2: --head-bits 8 stores the head at 8 bits") {
    ResolvedScenario r = exl("exllamav2", "exl2-4");
    r.scenario.head_bits = 8;
    Estimate e = estimate(r);
    REQUIRE(e.ok);
    // 3,490,185,216 + 8,192 + 525,336,576 x 8 / 8 = 4,015,529,984
    CHECK(e.per_gpu.weights.bytes == 4015529984LL);
}

TEST_CASE("ExLlamaV2: the FP16 cache holds cache_size tokens of every layer") {
    Estimate e = estimate(exl("exllamav2", "exl2-4"));
    REQUIRE(e.ok);
    // cache_size 8192 (a multiple of 256) x 32 layers x 8 KV heads x 128 x 2 (K, V) x 2 B = 1 GiB
    CHECK(e.per_gpu.kv_cache.bytes == 1073741824LL);
    CHECK(*e.kv_cache_tokens == 8192);
}

TEST_CASE("ExLlamaV2: Q6 is K at 8 bits and V at 4, each with fp16 scales per 32 values, not 6 bits") {
    // Per token and layer: 1024 K values x (8 + 16/32) bits + 1024 V values x (4 + 16/32) bits
    // = 1088 + 576 = 1664 B; x 32 layers x 8192 tokens = 436,207,616 B; plus the fp16 K/V layer the
    // quantized cache dequantizes into (touch_device): 8192 x 1024 x 2 x 2 B = 33,554,432 B.
    Estimate q6 = estimate(exl("exllamav2", "exl2-4", "q6"));
    REQUIRE(q6.ok);
    CHECK(q6.per_gpu.kv_cache.bytes == 436207616LL + 33554432LL);
    // Q4: (4.5 + 4.5) / 32 of FP16 = 301,989,888 + 33,554,432; Q8: 17/32 = 570,425,344 + 33,554,432.
    Estimate q4 = estimate(exl("exllamav2", "exl2-4", "q4"));
    Estimate q8 = estimate(exl("exllamav2", "exl2-4", "q8"));
    CHECK(q4.per_gpu.kv_cache.bytes == 301989888LL + 33554432LL);
    CHECK(q8.per_gpu.kv_cache.bytes == 570425344LL + 33554432LL);
}

TEST_CASE("ExLlamaV2: scratch is the largest module's fixed scratch at chunk_size, here the head's dequant buffer") {
    Estimate e = estimate(exl("exllamav2", "exl2-4"));
    REQUIRE(e.ok);
    // T = chunk_size 2048. attn: 2048 x 4096 x 2 + 128 + dq 2 x 16,777,216 = 50,331,776;
    // mlp: 2048 x 4096 x 2 + 128 + 2 x (2048 x 14336 x 2 + 128) + 2 x 58,720,256 = 251,658,624;
    // head: 2 x min(525,336,576, max_dq_size 536,870,912) = 1,050,673,152 -> the scratch.
    // + RoPE sin/cos 2 x 8192 x 128 x 2 B = 4,194,304; + temp q/k/v 2048 x (32 + 16) x 128 x 2 + 384
    // = 25,166,208; + logits of 16 tokens (TabbyAPI max_output_len) 16 x 128256 x 4 = 8,208,384.
    CHECK(e.per_gpu.activation.bytes == 1050673152LL + 4194304LL + 25166208LL + 8208384LL);
    // chunk_size 512: attn/mlp shrink, the head's buffer does not; q/k/v 512 x 6144 x 2 + 384 = 6,291,840.
    ResolvedScenario r = exl("exllamav2", "exl2-4");
    r.scenario.chunk_size = 500;  // TabbyAPI rounds up to 512
    Estimate small = estimate(r);
    CHECK(small.per_gpu.activation.bytes == 1050673152LL + 4194304LL + 6291840LL + 8208384LL);
    CHECK(launch_command(r).find("chunk_size: 512") != std::string::npos);
}

TEST_CASE("ExLlamaV2: several sequences share one cache of max_seq_len x sequences, rounded up to 256") {
    Estimate e = estimate(exl("exllamav2", "exl2-4", "auto", 5000, 3));
    REQUIRE(e.ok);
    // 15,000 tokens -> 59 x 256 = 15,104; x 131,072 B per token = 1,979,711,488
    CHECK(*e.kv_cache_tokens == 15104);
    CHECK(e.per_gpu.kv_cache.bytes == 15104LL * 131072LL);
}

TEST_CASE("ExLlamaV2: one GPU loads without autosplit reserves; two GPUs keep them") {
    Estimate one = estimate(exl("exllamav2", "exl2-4"));
    REQUIRE(one.ok);
    // CUDA context only: 0.45 GiB = 483,183,820.8 B
    CHECK(one.per_gpu.overhead.bytes == 483183821LL);
    CHECK(one.per_gpu.total_bytes == 3884195840LL + 1073741824LL + 1088242048LL + 483183821LL);
    CHECK(one.fits);
    // Two 5 GiB GPUs: GPU 0 keeps the context + 96 MiB (TabbyAPI autosplit_reserve) + 256 MiB
    // (minimum_reserve_vram) + scratch, RoPE, q/k/v: 5 GiB - 483,183,821 - 369,098,752 - 1,050,673,152
    // - 4,194,304 - 25,166,208 = 3,436,392,883 B for layers of 109,068,288 + 33,554,432 (cache) B:
    // 24 layers; the other 8 and the head go to GPU 1.
    ResolvedScenario r = exl("exllamav2", "exl2-4");
    r.gpu = fixtures::custom_gpu(5.0);
    r.scenario.gpus = 2;
    Estimate two = estimate(r);
    REQUIRE(two.ok);
    REQUIRE(two.gpus.size() == 2);
    CHECK(two.gpus[0].overhead.bytes == 483183821LL + 96LL * 1048576 + 256LL * 1048576);
    CHECK(two.gpus[1].overhead.bytes == 483183821LL + 256LL * 1048576);
    CHECK(two.gpus[0].weights.bytes + two.gpus[1].weights.bytes == 3884195840LL);
    CHECK(two.gpus[0].kv_cache.bytes + two.gpus[1].kv_cache.bytes == 1073741824LL);
    CHECK(two.gpus[0].weights.bytes == 24LL * 109068288);
    CHECK(two.gpus[1].weights.bytes == 8LL * 109068288 + 8192 + 394002432);
    for (const GpuLoad& g : two.gpus) CHECK(g.total_bytes <= r.gpu.memory_bytes);
    CHECK(two.fits);
}

TEST_CASE("ExLlamaV2: the launch command is TabbyAPI's config.yml") {
    ResolvedScenario r = exl("exllamav2", "exl2-4.65", "q6", 16384, 2);
    r.model.hf_id = "meta-llama/Llama-3.1-8B-Instruct";
    const std::string c = launch_command(r);
    CHECK(c.find("model_name: Llama-3.1-8B-Instruct-exl2-4.65bpw") != std::string::npos);
    CHECK(c.find("backend: exllamav2") != std::string::npos);
    CHECK(c.find("max_seq_len: 16384") != std::string::npos);
    CHECK(c.find("cache_size: 32768") != std::string::npos);
    CHECK(c.find("cache_mode: Q6") != std::string::npos);
    CHECK(c.find("chunk_size: 2048") != std::string::npos);
    CHECK(c.find("autosplit_reserve: [96]") != std::string::npos);
    CHECK(c.find("max_batch_size: 2") != std::string::npos);
}

TEST_CASE("ExLlamaV3: EXL3 linear layers carry fp16 sign vectors; the head is at 6 bits") {
    Estimate e = estimate(exl("exllamav3", "exl3-4"));
    REQUIRE(e.ok);
    // Per layer: 218,103,808 x 4 / 8 = 109,051,904 trellis bytes + suh/svh (in + out) x 2 B:
    // q, o (4096 + 4096) x 2 x 2 = 32,768; k, v (4096 + 1024) x 2 x 2 = 20,480; gate, up, down
    // (4096 + 14336) x 2 x 3 = 110,592 -> 163,840; + norms 16,384 = 109,232,128 B; x 32 = 3,495,428,096;
    // + final norm 8,192 + head 394,002,432 = 3,889,438,720 B.
    CHECK(e.per_gpu.weights.bytes == 3889438720LL);
    CHECK(e.cpu.bytes == 1050673152LL);  // prefer_cpu embedding
    CHECK(e.per_gpu.kv_cache.bytes == 1073741824LL);
}

TEST_CASE("ExLlamaV3: K and V bits each carry an fp16 scale per 32 values; no dequant layer for 128-wide heads") {
    // cache/quant.py: token_dim / 32 x k_bits int32 words + token_dim / 32 fp16 scales per token and layer.
    // Q6 -> 6,6: 1024 x (6.5 + 6.5) / 8 = 1664 B x 32 x 8192 = 436,207,616 B.
    CHECK(estimate(exl("exllamav3", "exl3-4", "q6")).per_gpu.kv_cache.bytes == 436207616LL);
    // k2v4 (cache_mode "2,4"): 1024 x (2.5 + 4.5) / 8 = 896 B x 32 x 8192 = 234,881,024 B.
    ResolvedScenario r = exl("exllamav3", "exl3-4", "k2v4");
    CHECK(estimate(r).per_gpu.kv_cache.bytes == 234881024LL);
    CHECK(launch_command(r).find("cache_mode: 2,4") != std::string::npos);
}

TEST_CASE("ExLlamaV3: a chunk's forward and 32 rows of fp32 logits") {
    Estimate e = estimate(exl("exllamav3", "exl3-4"));
    REQUIRE(e.ok);
    // 2048 x (max(48 x 128, 2 x 14336) + 3 x 4096) x 2 B = 167,772,160; logits 32 x 128256 x 4 = 16,416,768
    CHECK(e.per_gpu.activation.bytes == 167772160LL + 16416768LL);
}

TEST_CASE("ExLlamaV3: two GPUs keep 96 MiB on GPU 0 and 0.5 GiB on the others while loading") {
    ResolvedScenario r = exl("exllamav3", "exl3-4");
    r.gpu = fixtures::custom_gpu(4.0);
    r.scenario.gpus = 2;
    Estimate e = estimate(r);
    REQUIRE(e.ok);
    REQUIRE(e.gpus.size() == 2);
    CHECK(e.gpus[0].overhead.bytes == 483183821LL + 96LL * 1048576);
    CHECK(e.gpus[1].overhead.bytes == 483183821LL + 536870912LL);
    CHECK(e.gpus[0].weights.bytes + e.gpus[1].weights.bytes == 3889438720LL);
    CHECK(e.fits);
}
