// The engines' own defaults (issue 11, point 7): what a knob left alone means, and a generated
// command that never carries a flag value the user did not choose that differs from the default.
#include <doctest/doctest.h>

#include "core/command.h"
#include "core/estimate.h"

using namespace vramcalc;

TEST_CASE("llama-server: -fa and -np stay at llama.cpp's defaults unless the user sets them") {
    // common/arg.cpp: -fa defaults to "auto" (on where the backend supports it); llama-server's -np
    // defaults to -1 = auto (tools/server/server.cpp: 4 slots, kv_unified; PR #16736).
    Scenario s;
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    std::string c = launch_command(s);
    CHECK(c.find("-fa") == std::string::npos);
    CHECK(c.find("-np") == std::string::npos);
    s.flash_attn = false;
    s.parallel = 2;
    c = launch_command(s);
    CHECK(c.find("-fa off") != std::string::npos);
    CHECK(c.find("-np 2") != std::string::npos);
}

TEST_CASE("llama-server -np auto: four slots share one unified cache of n_ctx cells") {
    // llama-context.cpp: kv_unified -> n_ctx_seq = n_ctx, one stream. Hand-worked KV for
    // Qwen2.5-7B (28 layers, 4 KV heads x 128, f16) at -c 8192: 28 x 4 x 128 x 2 (K,V) x 2 B x 8192
    // = 469,762,048 bytes, the same as one slot: the slots share the cells, they do not add any.
    Scenario s;
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    s.context = 8192;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    REQUIRE(e.kv_buffer);
    CHECK(e.kv_buffer->bytes == 469'762'048ull);
    s.parallel = 1;
    const Estimate one = estimate(s);
    REQUIRE(one.ok);
    CHECK(one.kv_buffer->bytes == 469'762'048ull);
}

TEST_CASE("vLLM reserves gpu_memory_utilization 0.92 by default (0.9 before 0.21) and the command says so") {
    // vllm/config/cache.py CacheConfig.gpu_memory_utilization: default=0.92 since PR #38284 (0.21),
    // 0.9 before (EngineArgs default).
    Scenario s;  // Qwen2.5-7B-Instruct, BF16, one H100, 8k, the newest release
    const std::string c = launch_command(s);
    CHECK(c.find("--gpu-memory-utilization 0.92") != std::string::npos);
    Scenario old = s;
    old.engine_version = "0.19.0";
    CHECK(launch_command(old).find("--gpu-memory-utilization 0.90") != std::string::npos);
    CHECK(c.find("--tensor-parallel-size") == std::string::npos);
    CHECK(c.find("--max-num-seqs") == std::string::npos);  // batch 1: vLLM's own max_num_seqs stays
}

TEST_CASE("vLLM: what the request needs is far below what the engine reserves") {
    // Hand check: Qwen2.5-7B in BF16 is 7.62e9 x 2 B = 14.2 GiB of weights; 1 x 8192 tokens of KV
    // are 28 x 4 x 128 x 2 x 2 B x 8192 = 0.44 GiB; activations and overhead add a few GiB. vLLM
    // reserves 0.9 x 79.2 GiB = 71.3 GiB (H100 SXM as CUDA reports it) plus graphs and context.
    Scenario s;
    const Estimate e = estimate(s);
    REQUIRE(e.ok);
    REQUIRE(e.needed_per_gpu);
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const double needed = static_cast<double>(e.needed_per_gpu->total_bytes) / gib;
    const double reserved = static_cast<double>(e.per_gpu.total_bytes) / gib;
    CHECK(needed > 14.6);
    CHECK(needed < 20.0);
    CHECK(reserved > 71.3);
    CHECK(e.needed_per_gpu->kv_cache.bytes >= 469'762'048ull);          // whole blocks: at least the tokens
    CHECK(e.needed_per_gpu->kv_cache.bytes < 469'762'048ull + 16 * 57'344);  // at most one 16-token block more
}
