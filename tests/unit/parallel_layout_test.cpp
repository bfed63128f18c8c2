// GPUs pool by default: "GPUs = N" is N GPUs serving one copy of the model (issue 11, point 6).
#include <doctest/doctest.h>

#include "core/command.h"
#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/parallel_layout.h"
#include "core/solvers.h"

using namespace vramcalc;

namespace {
const ParallelRules kVllmRules{.tensor_parallel = true, .pipeline_parallel = true, .heads_divide_tp = true, .split = ""};
}

TEST_CASE("pooled layout: the largest TP in a node that divides the heads, PP for the rest") {
    // Hand-worked: 128 heads (DeepSeek-V3) on 8 GPUs: 8 | 128 -> TP 8.
    ParallelLayout l = pooled_layout(8, 1, 128, true);
    CHECK(l.tp == 8);
    CHECK(l.pp == 1);
    // 32 heads on 3 GPUs: 3 does not divide 32 -> TP 1 x PP 3.
    l = pooled_layout(3, 1, 32, true);
    CHECK(l.tp == 1);
    CHECK(l.pp == 3);
    // 40 heads (Qwen2.5-14B) on 6 GPUs: 6 and 3 do not divide 40, 2 does -> TP 2 x PP 3.
    l = pooled_layout(6, 1, 40, true);
    CHECK(l.tp == 2);
    CHECK(l.pp == 3);
    // 16 GPUs on 2 nodes: tensor parallel stays inside a node of 8 -> TP 8 x PP 2.
    l = pooled_layout(16, 2, 64, true);
    CHECK(l.tp == 8);
    CHECK(l.pp == 2);
}

TEST_CASE("scenario layout: auto pools, a TP or PP the user set is kept, replicas only when asked") {
    Scenario s;
    s.gpus = 8;
    std::string err;
    auto l = scenario_layout(s, 32, kVllmRules, err);
    REQUIRE(l);
    CHECK(l->tp == 8);
    CHECK(l->replicas == 1);
    s.replicas = 2;  // 2 copies of 4 GPUs each
    l = scenario_layout(s, 32, kVllmRules, err);
    REQUIRE(l);
    CHECK(l->tp == 4);
    CHECK(l->replicas == 2);
    s.replicas = 1;
    s.tp = 2;  // PP fills the rest: 8 / 2
    l = scenario_layout(s, 32, kVllmRules, err);
    REQUIRE(l);
    CHECK(l->pp == 4);
    s.pp = 1;  // both set: 2 of 8 GPUs used, 6 idle
    l = scenario_layout(s, 32, kVllmRules, err);
    REQUIRE(l);
    CHECK(l->idle == 6);
    s.tp = 0;
    s.pp = 0;
    s.replicas = 3;  // 3 does not divide 8
    CHECK_FALSE(scenario_layout(s, 32, kVllmRules, err));
    CHECK(err.rfind("replicas:", 0) == 0);
}

TEST_CASE("8 x H200 serve DeepSeek-V3 with TP 8 by default (vLLM and SGLang)") {
    // vLLM's and SGLang's DeepSeek-V3 recipes run one 8 x H200 node with --tensor-parallel-size 8 /
    // --tp 8 (docs.vllm.ai recipes DeepSeek-V3; docs.sglang.ai "DeepSeek V3 ... 8 x H200").
    // Hand check: 671e9 parameters in FP8 ~ 625 GiB / 8 = 78 GiB of weights per GPU, under an
    // H200's 131 GiB (141 GB), while a single replica on one GPU (the old reading) holds all 625.
    for (const char* engine : {"vllm", "sglang"}) {
        CAPTURE(engine);
        Scenario s;
        s.engine = engine;
        s.model = "deepseek-v3";
        s.weights = "fp8";
        s.gpu = "h200";
        s.gpus = 8;
        const Estimate e = estimate(s);
        REQUIRE(e.ok);
        CHECK(e.fits);
        CHECK(e.gpus.size() == 8);
        const ParallelLayout l = layout_of(s);
        CHECK(l.tp == 8);
        CHECK(l.pp == 1);
        CHECK(l.replicas == 1);
        const std::string c = launch_command(s);
        CHECK(c.find(std::string(engine) == "vllm" ? "--tensor-parallel-size 8" : "--tp 8") != std::string::npos);
        CHECK(c.find("data-parallel") == std::string::npos);
        CHECK(c.find("--dp-size") == std::string::npos);

        s.tp = 1;  // asking for 8 replicas of one GPU each: 625 GiB on one 131 GiB GPU
        s.pp = 1;
        s.replicas = 8;
        const Estimate r = estimate(s);
        REQUIRE(r.ok);
        CHECK_FALSE(r.fits);
    }
}

TEST_CASE("fewest GPUs pools them: 70B in BF16 needs more than one H100 and is served with TP") {
    // Hand check: Llama-3.1-70B, 70.6e9 x 2 B = 131 GiB of weights: more than one H100's 79 GiB,
    // within two (65.7 GiB each with TP 2, 64 heads).
    Scenario s;
    s.model = "llama-3.1-70b-instruct";
    s.gpu = "h100-sxm";
    const auto g = fewest_gpus(s);
    REQUIRE(g);
    CHECK(g->gpus >= 2);
    const ParallelLayout l = layout_of(*g);
    CHECK(l.tp * l.pp == g->gpus);
    CHECK(l.replicas == 1);
}

TEST_CASE("a layout error names its field") {
    Scenario s;
    s.gpus = 2;
    s.tp = 4;
    s.pp = 1;
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error_field == ErrorField::Layout);
    s = Scenario{};
    s.model = "no-such-model";
    CHECK(estimate(s).error_field == ErrorField::Model);
    s = Scenario{};
    s.context = 0;
    CHECK(estimate(s).error_field == ErrorField::Workload);
}
