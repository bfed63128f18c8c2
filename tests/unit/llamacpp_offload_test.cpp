// llama.cpp tensor placement (--n-cpu-moe, --cpu-moe, -ot, --tensor-split) and the --fit planner.
// Expected values: hand sums of the model's tensor shapes (written beside each check) and the published
// llama-fit-params example of ggml-org/llama.cpp tools/fit-params/README.md (build 6895, Qwen3-30B-A3B F16
// on one RTX 4090): "projected to use 61807 MiB", "with only dense weights in device memory there is a total
// surplus of 16164 MiB", "-c 4096 -ngl 48 -ot blk\.14\.ffn_(up|down|gate)_(ch|)exps=CPU,...,blk\.47\...."
// and the breakdown "CUDA0 (RTX 4090) | 24077 = 945 + (19187 = 17904 + 384 + 898) + 3945".
#include <doctest/doctest.h>

#include <string>

#include "core/estimate.h"
#include "fixtures.h"
#include "core/llamacpp_fit.h"
#include "core/llamacpp_placement.h"
#include "core/scenario_json.h"
#include "core/share_link.h"
#include "core/solvers.h"

using namespace vramcalc;

namespace {

double mib(Bytes b) { return static_cast<double>(b) / kMiB; }

// The README's run: Qwen3-30B-A3B F16, -c 4096, -ub 512 (default), flash attention auto (on for CUDA).
Scenario qwen3_30b_f16(std::int64_t context) {
    Scenario s;
    s.model = "qwen3-30b-a3b";
    s.engine = "llamacpp";
    s.engine_version = "b6895";
    s.weights = "gguf-f16";
    s.kv_dtype = "fp16";
    s.gpu = "rtx-4090";
    s.context = context;
    s.flash_attn = true;
    return s;
}

// A dense model that fits one 16 GB GPU (the layer-split tests).
Scenario qwen25_7b_q4() {
    Scenario s = qwen3_30b_f16(4096);
    s.model = "qwen2.5-7b-instruct";
    s.weights = "gguf-q4_k_m";
    return s;
}


}  // namespace

TEST_CASE("llama.cpp tensor names and the patterns llama.cpp's flags make") {
    CHECK(llama_tensor_name(TensorRole::ExpertUp, 12, true) == "blk.12.ffn_up_exps.weight");
    CHECK(llama_tensor_name(TensorRole::MlpGate, 3, true) == "blk.3.ffn_gate_shexp.weight");
    CHECK(llama_tensor_name(TensorRole::MlpGate, 3, false) == "blk.3.ffn_gate.weight");
    CHECK(llama_tensor_name(TensorRole::LmHead, -1, false) == "output.weight");
    Scenario s;
    s.override_tensor = "blk\\.(1[0-9])\\.ffn.*=CPU,attn=CUDA1";
    s.n_cpu_moe = 2;
    const TensorPlacement p = read_tensor_placement(s, 2);
    REQUIRE_MESSAGE(p.error.empty(), p.error);
    int d = 99;
    CHECK(p.override_for("blk.14.ffn_down.weight", d));
    CHECK(d == -1);
    CHECK(p.override_for("blk.3.attn_q.weight", d));
    CHECK(d == 1);
    CHECK(p.override_for("blk.1.ffn_gate_exps.weight", d));  // --n-cpu-moe 2: layers 0 and 1
    CHECK(d == -1);
    CHECK_FALSE(p.override_for("blk.2.ffn_gate_exps.weight", d));
    CHECK_FALSE(p.override_for("blk.20.ffn_down.weight", d));
    // refused with a message, never thrown or hung
    s.override_tensor = "(a+)+b=CPU";
    CHECK(read_tensor_placement(s, 1).error.find("repeats a group") != std::string::npos);
    s.override_tensor = "(.|.)*x=CPU";
    CHECK(read_tensor_placement(s, 1).error.find("repeats a group") != std::string::npos);
    s.override_tensor = "blk\\.(1[0-9]|2[0-3])\\.ffn_(up|down|gate)_(ch|)exps=CPU";  // alternation, not repeated: fine
    CHECK(read_tensor_placement(s, 1).error.empty());
    s.override_tensor = "blk\\.([0-9=CPU";
    CHECK_FALSE(read_tensor_placement(s, 1).error.empty());
    s.override_tensor = "exps=CUDA3";
    CHECK(read_tensor_placement(s, 2).error.find("GPU the layout does not have") != std::string::npos);
    s.override_tensor = "exps=NPU0";
    CHECK(read_tensor_placement(s, 2).error.find("unknown buffer type") != std::string::npos);
}

TEST_CASE("placement travels in the scenario JSON and the share link") {
    Scenario s = qwen3_30b_f16(4096);
    s.n_cpu_moe = 20;
    s.override_tensor = "blk\\.(1[0-9])\\.ffn.*=CPU";
    s.tensor_split = "3,1";
    s.no_mmap = true;
    Scenario back;
    std::vector<std::string> problems;
    apply_scenario_json(scenario_to_json(s), back, problems);
    CHECK(problems.empty());
    CHECK(back.n_cpu_moe == 20);
    CHECK(back.override_tensor == s.override_tensor);
    CHECK(back.tensor_split == "3,1");
    CHECK(back.no_mmap);
    const DecodedLink link = decode_share_fragment(encode_share_fragment(s), Scenario{});
    CHECK(link.ignored.empty());
    CHECK(link.scenario.override_tensor == s.override_tensor);
    CHECK(link.scenario.n_cpu_moe == 20);
    CHECK(link.scenario.tensor_split == "3,1");
    nlohmann::json bad = {{"tensor_split", "3,x"}};
    problems.clear();
    apply_scenario_json(bad, back, problems);
    CHECK(problems.size() == 1);
}

TEST_CASE("Qwen3-30B-A3B F16 with experts of layers 14-47 on the CPU: the buffers of llama.cpp's fit-params example") {
    Scenario s = qwen3_30b_f16(4096);
    s.gpu_layers = 48;
    s.override_tensor = fixtures::experts_of_layers(14, 47);
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // model: a full layer is attention (q 4096x2048 + k 512x2048 + v 512x2048 + o 2048x4096) x 2 B = 37,748,736
    //   + router 128x2048 F32 1,048,576 + norms (2 x 2048 + 2 x 128) x 4 B 17,408 + experts 3 x 128 x 768 x 2048
    //   x 2 B = 1,207,959,552 -> 1,246,774,272 B; a layer without experts 38,814,720 B. 14 full + 34 without
    //   = 18,774,540,288 B = 17904.87 MiB; -ngl 48 of 48 layers leaves the output layer on the CPU.
    //   Published: 17904 (the breakdown truncates to whole MiB).
    CHECK(e.model_buffer->bytes == 18774540288ULL);
    CHECK(mib(e.model_buffer->bytes) == doctest::Approx(17904).epsilon(0.01));
    // context: 48 layers x 4096 cells x (512 + 512) x 2 B = 402,653,184 B = 384 MiB (published 384)
    CHECK(e.kv_buffer->bytes == 402653184ULL);
    // compute: the CPU-resident lm_head runs on the GPU (op offload): its copy 151936 x 2048 x 2 B
    //   = 622,329,856 B + logits of the whole ubatch (build 6895 < PR #23861) (2048 + 151936) x 512 x 4 B
    //   = 315,359,232 B -> 894.25 MiB; published 898 (within 1 %).
    CHECK(mib(e.compute_buffer->bytes) == doctest::Approx(898).epsilon(0.01));
    // host RAM: experts of 34 layers 41,070,624,768 + token_embd 622,329,856 + output 622,329,856 + output_norm
    //   8,192 B = 42,315,292,672 B = 40355.8 MiB (the mapped view spans more: published Host model 58259 MiB)
    CHECK(e.cpu.bytes == 42315292672ULL);
    REQUIRE(e.host_model_buffer);
    CHECK(mib(e.host_model_buffer->bytes) == doctest::Approx(58259).epsilon(0.01));
}

TEST_CASE("Qwen3-30B-A3B F16 at its trained context 40960 projects what llama.cpp's --fit prints") {
    Scenario s = qwen3_30b_f16(40960);
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // 48 full layers 59,845,165,056 + output 622,329,856 + output_norm 8,192 = 60,467,503,104 B (57666.6 MiB)
    //   + KV 48 x 40960 x 1024 x 2 B = 3840 MiB + compute (logits (2048 + 151936) x 512 x 4 B = 300.75 MiB)
    //   = 61807.4 MiB; published "projected to use 61807 MiB of device memory".
    const Bytes used = e.gpus[0].weights.bytes + e.gpus[0].kv_cache.bytes + e.gpus[0].activation.bytes;
    CHECK(mib(used) == doctest::Approx(61807).epsilon(0.01));
}

TEST_CASE("the --fit planner keeps the experts of layers 14-47 on the CPU of a 24 GB RTX 4090, as llama.cpp did") {
    Scenario s = qwen3_30b_f16(4096);
    FitOptions o;
    o.free = {(19187ull + 1199ull) << 20};  // the README: 19187 MiB used leaves 1199 MiB free
    const FitPlan plan = plan_llamacpp_fit(s, o);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.changed);
    CHECK(plan.fits);
    REQUIRE(plan.devices.size() == 1);
    // llama.cpp: "-ngl 48 -ot blk\.14\...,...,blk\.47\..." (48 layers, 34 overflowing). Since common/fit.cpp
    // counts the output layer as a device layer: -ngl 49, the same experts (14..47) on the CPU.
    CHECK(plan.scenario.gpu_layers == 49);
    CHECK(plan.scenario.override_tensor.find("blk\\.14\\.") != std::string::npos);
    CHECK(plan.scenario.override_tensor.find("blk\\.47\\.") != std::string::npos);
    CHECK(plan.scenario.override_tensor.find("blk\\.13\\.") == std::string::npos);
    CHECK(mib(plan.devices[0].used) <= 20386 - 1024);
    // "with only dense weights in device memory there is a total surplus of 16164 MiB"
    bool surplus_line = false;
    for (const std::string& line : plan.log)
        if (line.find("surplus of") != std::string::npos) {
            surplus_line = true;
            const double surplus = std::stod(line.substr(line.find("surplus of") + 11));
            CHECK(surplus == doctest::Approx(16164).epsilon(0.01));
        }
    CHECK(surplus_line);
    // the plan, run through the estimator, stays within the target
    const Estimate e = estimate(plan.scenario);
    REQUIRE(e.ok);
    CHECK(mib(e.gpus[0].weights.bytes + e.gpus[0].kv_cache.bytes + e.gpus[0].activation.bytes) <= 20386 - 1024);
}

TEST_CASE("a model that fits needs no fit changes, and user-set -ngl is left alone as llama.cpp does") {
    Scenario s = qwen25_7b_q4();
    const FitPlan plan = plan_llamacpp_fit(s);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK_FALSE(plan.changed);
    Scenario big = qwen3_30b_f16(4096);
    big.gpu_layers = 30;
    big.gpu = "rtx-4060-ti-16gb";
    CHECK(plan_llamacpp_fit(big).error.find("changes only what the user left") != std::string::npos);
}

TEST_CASE("--tensor-split moves the layer boundary") {
    Scenario s = qwen25_7b_q4();
    s.gpus = 2;
    s.tensor_split = "3,1";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // 28 layers + output = 29 slots, split points 0.75 / 1.0: layer il goes to GPU0 while il / 29 < 0.75,
    // i.e. il <= 21 (21 / 29 = 0.724, 22 / 29 = 0.759): 22 layers on GPU0, 6 + output on GPU1.
    CHECK(e.gpus[0].role.rfind("layers 0-21", 0) == 0);
    CHECK(e.gpus[1].role.rfind("layers 22-27", 0) == 0);
}

TEST_CASE("a mixed device list splits llama.cpp's layers by each device's free memory") {
    Scenario s = qwen25_7b_q4();
    s.gpu_list = "rtx-3090,rtx-4060-ti-16gb";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.gpus.size() == 2);
    // free memory at load = reported memory - 130 MiB CUDA context: RTX 3090 23.69 GiB = 24258.6 MiB -> 24128.6;
    // RTX 4060 Ti 16GB 15.84 GiB = 16220.2 MiB -> 16090.2. First split point 24128.6 / 40218.7 = 0.600 of
    // 29 slots (28 layers + output): layer il goes to the 3090 while il / 29 < 0.600, i.e. il <= 17
    // (17 / 29 = 0.586, 18 / 29 = 0.621): layers 0-17 on the 3090, 18-27 + output on the 4060 Ti.
    CHECK(e.gpus[0].role.rfind("layers 0-17", 0) == 0);
    CHECK(e.gpus[1].role.rfind("layers 18-27", 0) == 0);
    // vLLM shards evenly: the smaller GPU bounds every rank, and the answer says so
    s.engine = "vllm";
    s.weights = "bf16";
    s.kv_dtype = "auto";
    s.engine_version = "";
    s.tp = 2;
    const Estimate v = estimate(s);
    REQUIRE_MESSAGE(v.ok, v.error);
    bool said = false;
    for (const auto& w : v.warnings) said |= w.find("smallest GPU") != std::string::npos;
    CHECK(said);
}

TEST_CASE("a MoE model that does not fit is first told to keep experts in system RAM") {
    Scenario s = qwen3_30b_f16(4096);
    s.engine_version = "";
    s.weights = "gguf-q4_k_m";
    s.gpu = "rtx-4060-ti-16gb";
    const auto sug = suggestions(s);
    REQUIRE_FALSE(sug.empty());
    CHECK(sug.front().label.find("--n-cpu-moe") != std::string::npos);
    CHECK(fits(sug.front().scenario));
    // one layer fewer on the CPU does not fit: the suggestion is the smallest N
    Scenario fewer = sug.front().scenario;
    fewer.n_cpu_moe -= 1;
    CHECK_FALSE(fits(fewer));
}

TEST_CASE("an RPC device first and the default split by free memory: the 13 / 26 / 25 layers llama.cpp printed") {
    // mcgyvr-lab rpc-split logs (build 10644): devices RPC0 (5657 MiB free), CUDA0 (11796), CUDA1 (11797);
    // llama.cpp puts RPC devices first (src/llama.cpp "add RPC servers at the front of the list") and
    // splits by free memory. Cumulative 5657 / 29250 = 0.1934 and 17453 / 29250 = 0.5967 over 65 slots:
    // il <= 12 on RPC0 (12 / 65 = 0.185, 13 / 65 = 0.2), il <= 38 on CUDA0 (38 / 65 = 0.585, 39 / 65 =
    // 0.6), 39-63 + output on CUDA1; the printed KV (208 / 416 / 400 MiB at 16 MiB a layer) says the same.
    Scenario s = qwen3_30b_f16(4096);
    s.model = "Qwen/Qwen2.5-Coder-32B-Instruct";
    s.weights = "gguf-q4_k_m";
    s.gpu = "rtx-3060-12gb";
    s.gpus = 3;
    s.tensor_split = "5657,11796,11797";
    const Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    REQUIRE(e.gpus.size() == 3);
    CHECK(e.gpus[0].role.rfind("layers 0-12", 0) == 0);
    CHECK(e.gpus[1].role.rfind("layers 13-38", 0) == 0);
    CHECK(e.gpus[2].role.rfind("layers 39-63", 0) == 0);
    CHECK(mib(e.gpus[0].kv_cache.bytes) == doctest::Approx(208.0));
    CHECK(mib(e.gpus[1].kv_cache.bytes) == doctest::Approx(416.0));
    CHECK(mib(e.gpus[2].kv_cache.bytes) == doctest::Approx(400.0));
}

TEST_CASE("the --fit planner works on several GPUs when it starts from no layers on any of them") {
    // llama.cpp reads the all-zero --tensor-split of an empty distribution as the default split
    // (llama-model.cpp load_tensors all_zero); before, the planner stopped with "proportions add up to 0".
    Scenario s = qwen3_30b_f16(4096);
    s.gpu = "rtx-4060-ti-16gb";
    s.gpus = 2;
    const FitPlan plan = plan_llamacpp_fit(s);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.changed);
    CHECK(plan.fits);
    REQUIRE(plan.devices.size() == 2);
    for (const FitDeviceLine& d : plan.devices) CHECK(d.used + (1024ull << 20) <= d.free);
}
