// llama.cpp --split-mode none / row, --main-gpu and --mlock (docs/accounting/moe-offload.md), with the
// bytes summed by hand from the models' configs (core/data/models.json).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/command.h"
#include "core/estimate.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

Scenario llama(const std::string& model, const std::string& weights, int gpus) {
    Scenario s;
    s.model = model;
    s.engine = "llamacpp";
    s.weights = weights;
    s.kv_dtype = "fp16";
    s.gpu = "rtx-4090";
    s.gpus = gpus;
    s.context = 4096;
    return s;
}


}  // namespace

TEST_CASE("--split-mode none puts every layer on --main-gpu") {
    // Qwen3-30B-A3B F16, experts of layers 14-47 on the CPU: the CUDA model buffer is 18,774,540,288 B
    // (the hand sum in llamacpp_offload_test.cpp, = llama.cpp's 17904 MiB).
    Scenario s = llama("qwen3-30b-a3b", "gguf-f16", 2);
    s.engine_version = "b6895";
    s.gpu_layers = 48;
    s.override_tensor = fixtures::experts_of_layers(14, 47);
    s.split_mode = "none";
    s.main_gpu = 1;
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.gpus.size() == 2);
    CHECK(e.gpus[0].weights.bytes == 0);
    CHECK(e.gpus[0].kv_cache.bytes == 0);
    CHECK(static_cast<double>(e.gpus[1].weights.bytes) == 18774540288.0);
    // KV: 48 layers x 4096 cells x 4 KV heads x 128 x 2 (K, V) x 2 B = 402,653,184 B (llama.cpp's 384 MiB)
    CHECK(static_cast<double>(e.gpus[1].kv_cache.bytes) == 402653184.0);
    CHECK(e.gpus[1].role.find("--split-mode none") != std::string::npos);
    const std::string cmd = launch_command(s);
    CHECK(cmd.find("--split-mode none") != std::string::npos);
    CHECK(cmd.find("--main-gpu 1") != std::string::npos);
    Scenario bad = s;
    bad.main_gpu = 2;
    CHECK(estimate(bad).error.rfind("main_gpu:", 0) == 0);
}

TEST_CASE("--split-mode row divides the weight matrices' rows; KV and vectors stay on the main GPU") {
    // Qwen2.5-7B F16 on two RTX 4090s (equal free memory: split 0.5 / 0.5). 2-D matrices per layer:
    // q 3584x3584 + k, v 512x3584 + o 3584x3584 + gate, up 18944x3584 + down 3584x18944
    // = 233,046,016 params; x 28 layers x 2 B = 13,050,576,896 B; output 152064 x 3584 x 2 B =
    // 1,089,994,752 B. GPU 1 holds half of them: 7,070,285,824 B and no KV.
    Scenario s = llama("qwen2.5-7b-instruct", "gguf-f16", 2);
    s.split_mode = "row";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.gpus.size() == 2);
    CHECK(static_cast<double>(e.gpus[1].weights.bytes) == doctest::Approx(7070285824.0).epsilon(1e-9));
    CHECK(e.gpus[1].kv_cache.bytes == 0);
    // the main GPU: the other half plus the vectors (norms, q/k/v biases); everything together is the
    // one-GPU model buffer
    const Estimate one = estimate(llama("qwen2.5-7b-instruct", "gguf-f16", 1));
    REQUIRE(one.ok);
    CHECK(static_cast<double>(e.gpus[0].weights.bytes + e.gpus[1].weights.bytes) ==
          doctest::Approx(static_cast<double>(one.gpus[0].weights.bytes)).epsilon(1e-9));
    // KV on the main GPU: 28 layers x 4096 x 4 x 128 x 2 x 2 B = 234,881,024 B
    CHECK(static_cast<double>(e.gpus[0].kv_cache.bytes) == 234881024.0);
    CHECK(e.gpus[1].placement.find("rows") != std::string::npos);
}

TEST_CASE("--mlock pins the whole mapped span: RAM need = the CPU_Mapped buffer") {
    // llama.cpp tools/fit-params README (b6895): experts of layers 14-47 on the CPU give
    // "CPU_Mapped model buffer size = 58259 MiB"; with --mlock the span is resident.
    Scenario s = llama("qwen3-30b-a3b", "gguf-f16", 1);
    s.engine_version = "b6895";
    s.gpu_layers = 48;
    s.override_tensor = fixtures::experts_of_layers(14, 47);
    const Estimate plain = estimate(s);
    s.mlock = true;
    const Estimate locked = estimate(s);
    REQUIRE(plain.ok);
    REQUIRE(locked.ok);
    REQUIRE(locked.host_model_buffer.has_value());
    CHECK(static_cast<double>(locked.cpu.bytes) / kMiB == doctest::Approx(58259.0).epsilon(0.01));
    CHECK(locked.cpu.bytes >= plain.cpu.bytes);
    // the placement list names the layers whose experts stayed in host RAM
    CHECK(locked.gpus[0].placement.find("routed experts of layers 14-47 in host RAM") != std::string::npos);
}

TEST_CASE("a tensor or pipeline parallel size asked of an engine that places layers itself is named as ignored") {
    // llama.cpp has no --tensor-parallel-size: --split-mode layer places whole layers (the layout stays
    // TP 1). The estimate is the one without tp, and a warning says what was not used.
    Scenario s = llama("llama-3.1-8b-instruct", "gguf-q4_k_m", 2);
    const Estimate plain = estimate(s);
    s.tp = 2;
    const Estimate asked = estimate(s);
    REQUIRE(plain.ok);
    REQUIRE(asked.ok);
    CHECK(asked.per_gpu.total_bytes == plain.per_gpu.total_bytes);
    const std::string want = "tp 2: llama.cpp places whole layers on the GPUs itself (no tensor or pipeline parallel setting): ignored";
    CHECK(std::find(asked.warnings.begin(), asked.warnings.end(), want) != asked.warnings.end());
    CHECK(std::none_of(plain.warnings.begin(), plain.warnings.end(), [](const std::string& w) { return w.find("places whole layers") != std::string::npos; }));
    s.tp = 0;
    s.pp = 2;  // transformers' device_map too
    s.engine = "transformers";
    s.weights = "bf16";
    const Estimate tf = estimate(s);
    REQUIRE(tf.ok);
    CHECK(std::find(tf.warnings.begin(), tf.warnings.end(),
                    "pp 2: transformers places whole layers on the GPUs itself (no tensor or pipeline parallel setting): ignored") != tf.warnings.end());
}
