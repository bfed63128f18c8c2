#include <doctest/doctest.h>

#include "core/command.h"

using namespace vramcalc;

TEST_CASE("the vLLM command carries the layout, context and memory flags") {
    Scenario s;
    s.model = "qwen2.5-32b-instruct";
    s.weights = "awq";
    s.gpu = "rtx-4090";
    s.gpus = 4;
    s.tp = 4;
    s.context = 8192;
    s.gpu_mem_util = 0.92;
    s.kv_dtype = "fp8";
    const std::string c = launch_command(s);
    CHECK(c.find("vllm serve Qwen/Qwen2.5-32B-Instruct") != std::string::npos);
    CHECK(c.find("--tensor-parallel-size 4") != std::string::npos);
    CHECK(c.find("--max-model-len 8192") != std::string::npos);
    CHECK(c.find("--gpu-memory-utilization 0.92") != std::string::npos);
    CHECK(c.find("--kv-cache-dtype fp8") != std::string::npos);
    CHECK(c.find("AWQ") != std::string::npos);  // tells the user to take an AWQ checkpoint
}

TEST_CASE("online FP8 needs --quantization fp8 but a native FP8 checkpoint does not") {
    Scenario s;
    s.model = "llama-3.1-8b-instruct";
    s.weights = "fp8";
    CHECK(launch_command(s).find("--quantization fp8") != std::string::npos);
}

TEST_CASE("the llama-server command offloads layers and sets the KV type") {
    Scenario s;
    s.model = "qwen2.5-14b-instruct";
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    s.kv_dtype = "q8_0";
    s.context = 16384;
    s.gpu_layers = 40;
    const std::string c = launch_command(s);
    CHECK(c.find("llama-server -m Qwen2.5-14B-Instruct-Q4_K_M.gguf") != std::string::npos);
    CHECK(c.find("-ngl 40") != std::string::npos);
    CHECK(c.find("-c 16384") != std::string::npos);
    CHECK(c.find("-ctk q8_0 -ctv q8_0") != std::string::npos);
    CHECK(c.find("-fa") == std::string::npos);  // on is llama.cpp's default (-fa auto)
}

TEST_CASE("a scenario that does not resolve has no command") {
    Scenario s;
    s.model = "no-such-model";
    CHECK(launch_command(s).empty());
}
