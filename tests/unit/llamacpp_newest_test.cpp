// llama.cpp's newest builds (docs/accounting/llamacpp.md, research note llamacpp-newest): the version
// line of the semantic-versioned releases, the newest build entry, and when the scheduler keeps
// pipeline-parallel copies of the graph inputs.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/llamacpp_fit.h"

using namespace vramcalc;

namespace {

std::string release_of(std::string_view engine, std::string_view text) {
    const ReleaseChoice c = choose_release(engine_profile(engine), text);
    return c.release ? c.release->id : "error: " + c.error;
}

const char* kPythia28b = R"({"model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"], "hidden_size": 2560,
  "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 10240, "vocab_size": 50304,
  "max_position_embeddings": 2048, "hidden_act": "gelu", "tie_word_embeddings": false, "torch_dtype": "float16",
  "use_parallel_residual": true, "rotary_pct": 0.25})";

Scenario two_gpus() {
    Scenario s;
    s.custom_config = kPythia28b;
    s.engine = "llamacpp";
    s.weights = "gguf-f16";
    s.kv_dtype = "fp16";
    s.gpu_memory_gib = 15.77;
    s.context = 4096;
    s.ubatch = 512;
    s.gpu_layers = -1;
    s.flash_attn = true;
    s.gpus = 2;
    return s;
}

}  // namespace

TEST_CASE("a --version line of llama.cpp's semantic releases gives its build number") {
    // lemonade-sdk/lemonade issue #3342 (2026-08-25) quotes ggml-org's line "version: 0.3.0-dev (build
    // 10621, commit c1d0e7a00)": the build, not the release number 0.3.0, names the accounting
    const auto n = parse_build_number("version: 0.3.0-dev (build 10621, commit c1d0e7a00)");
    REQUIRE(n.has_value());
    CHECK(*n == 10621);
    CHECK(release_of("llamacpp", "version: 0.3.0-dev (build 10621, commit c1d0e7a00)") == "b9464");
    // the older form still reads as before
    CHECK(*parse_build_number("version: 8054 (01d8eaa28)") == 8054);
}

TEST_CASE("the newest llama.cpp build is b11232 and is the default") {
    // b11232: Ollama v0.35.1-rc0 moved to it by 2026-09-30; b11004: LM Studio's CUDA runtime 2.40.0
    // (lmstudio-ai/lmstudio-bug-tracker issue #2409, 2026-09-17)
    CHECK(release_of("llamacpp", "") == "b11232");
    CHECK(release_of("llamacpp", "b11232") == "b11232");
    CHECK(release_of("llamacpp", "b11231") == "b11004");
    CHECK(release_of("llamacpp", "b11003") == "b10644");
    CHECK(release_of("llamacpp", "version: 0.3.0 (build 11454, commit 0000000)") == "b11232");
}

TEST_CASE("--fit with -c unset starts at the training context of every slot since b11232") {
    // pythia-2.8b: n_ctx_train 2048, 5.6 GB of F16 weights on a 15.77 GiB GPU, so the start context
    // fits and stays: b10644 starts at n_ctx_train = 2048; b11232 (PR #28849) at 2048 x 4 slots of the
    // default -np auto = 8192, and at 2048 x 2 = 4096 with -np 2 (PR #27496)
    Scenario s = two_gpus();
    s.gpus = 1;
    FitOptions fo;
    fo.context_auto = true;
    s.engine_version = "b10644";
    FitPlan plan = plan_llamacpp_fit(s, fo);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.scenario.context == 2048);
    s.engine_version = "";
    plan = plan_llamacpp_fit(s, fo);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.scenario.context == 8192);
    s.parallel = 2;
    plan = plan_llamacpp_fit(s, fo);
    REQUIRE_MESSAGE(plan.ok, plan.error);
    CHECK(plan.scenario.context == 4096);
}

TEST_CASE("pipeline-parallel input copies need --split-mode layer and no tensor overrides") {
    // pythia-2.8b F16, 2 GPUs, every layer offloaded, FA, n_ctx 4096, ubatch 512. CUDA0's peak is the FFN
    // phase: 2 residuals 2 x 2560 x 512 x 4 + up and activation 2 x 10240 x 512 x 4 = 52,428,800 B; the
    // inputs are the hidden state 2560 x 512 x 4 = 5,242,880 B and the f16 KQ mask 4096 x 512 x 2 =
    // 4,194,304 B = 9,437,184 B.
    const std::uint64_t peak = 52428800ULL, inputs = 9437184ULL;
    Scenario s = two_gpus();
    Estimate e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    // pipeline parallelism on: GGML_SCHED_MAX_COPIES = 4 copies of the inputs
    CHECK(e.gpus[0].activation.bytes == 4 * inputs + peak);  // 90,177,536 B
    // any -ot (even one that moves nothing off its device) turns it off: llama_model::has_tensor_overrides
    s.override_tensor = "token_embd\\.weight=CPU";
    e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.gpus[0].activation.bytes == inputs + peak);  // 61,865,984 B
    // --split-mode row: every layer on the main GPU, one copy (split_mode() == LLAMA_SPLIT_MODE_LAYER fails)
    s = two_gpus();
    s.split_mode = "row";
    e = estimate(s);
    REQUIRE_MESSAGE(e.ok, e.error);
    CHECK(e.gpus[0].activation.bytes == inputs + peak);
}
