// vLLM's profile run of a multimodal model: the vision encoder's pass over the dummy image batch
// (vllm/v1/worker/gpu_model_runner.py profile_run, MultiModalBudget in vllm/multimodal/encoder_budget.py).
// Every expected byte count is the hand calculation written beside it, from the catalog's configs
// (asserted first) and the rules core/engines/vllm.cpp cites.
#include <doctest/doctest.h>

#include <string>

#include "core/catalog.h"
#include "core/command.h"
#include "core/config_parser.h"
#include "core/logs/log_reader.h"
#include "core/logs/reconcile.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

using fixtures::catalog_arch;

ResolvedScenario on_h100(const Architecture& a, int tp, std::int64_t mnbt) {
    ResolvedScenario r = fixtures::resolved(a, "vllm", "bf16", fixtures::custom_gpu(79.19), tp, 1, 8192, 0.9);
    r.scenario.max_batched_tokens = mnbt;
    return r;
}

}  // namespace

TEST_CASE("config reader: the Qwen3-VL vision encoder's geometry, deepstack outputs included") {
    const ParsedConfig p = parse_hf_config(R"({"model_type": "qwen3_vl", "architectures": ["Qwen3VLForConditionalGeneration"],
        "text_config": {"model_type": "qwen3_vl_text", "hidden_size": 4096, "num_hidden_layers": 36, "num_attention_heads": 32,
                        "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 12288, "vocab_size": 151936,
                        "max_position_embeddings": 262144},
        "vision_config": {"depth": 27, "hidden_size": 1152, "intermediate_size": 4304, "num_heads": 16, "out_hidden_size": 4096,
                          "patch_size": 16, "spatial_merge_size": 2, "temporal_patch_size": 2, "in_channels": 3,
                          "deepstack_visual_indexes": [8, 16, 24]}})");
    REQUIRE_MESSAGE(p.ok, p.error);
    const auto& v = p.model.arch.vision;
    CHECK(v.family == "qwen3_vl");
    CHECK(v.hidden == 1152);
    CHECK(v.layers == 27);
    CHECK(v.intermediate == 4304);
    CHECK(v.patch_size == 16);
    CHECK(v.spatial_merge == 2);
    CHECK(v.temporal_patch == 2);
    CHECK(v.out_hidden == 4096);
    CHECK(v.deepstack == 3);
    CHECK_FALSE(v.gated_mlp);
}

TEST_CASE("config reader: an out-of-range vision field leaves the encoder unprofiled, not crashing") {
    const ParsedConfig p = parse_hf_config(R"({"model_type": "qwen3_vl", "hidden_size": 4096, "num_hidden_layers": 2,
        "num_attention_heads": 32, "intermediate_size": 12288, "vocab_size": 151936,
        "vision_config": {"depth": 27, "hidden_size": 1152, "intermediate_size": 4304, "patch_size": 16,
                          "spatial_merge_size": 4000, "out_hidden_size": 4096}})");
    REQUIRE_MESSAGE(p.ok, p.error);
    CHECK(p.model.arch.vision.family.empty());
}

TEST_CASE("Qwen2.5-VL-7B on an H100: the text run's sampler peak plus the kept dummy image and its embeddings") {
    const Architecture& a = catalog_arch("qwen2.5-vl-7b-instruct");
    REQUIRE(a.vision.family == "qwen_vl");
    REQUIRE(a.vision.hidden == 1280);
    REQUIRE(a.vision.intermediate == 3420);
    REQUIRE(a.vision.patch_size == 14);
    REQUIRE(a.vision.out_hidden == 3584);
    REQUIRE(a.hidden_size == 3584);
    REQUIRE(a.intermediate_size == 18944);
    REQUIRE(a.vocab_size == 152064);
    const Estimate e = estimate(on_h100(a, 1, 0));
    REQUIRE(e.ok);
    // Largest image: max_pixels 12845056 = 3584^2 -> 3584 / 28 = 128 merged cells a side: 16384 tokens,
    // 256 x 256 = 65536 patches of 3 x 2 x 14 x 14 = 1176 values. Budget max(8192, 16384) = 16384 -> 1 image.
    // Encoder pass: inputs 65536 x 1176 x 2 B = 154,140,672 + MLP working set 65536 x (2 x 1280 + 3 x 3420)
    // x 2 B = 1,680,343,040 -> 1,834,483,712 B.
    // Text run (H100: 8192 tokens, 1024 seqs): sampler 8192 x 3584 x 2 = 58,720,256 + 1024 x 152064 x 2
    // = 311,427,072 + 3.25 x 1024 x 152064 x 4 = 2,024,275,968 -> 2,394,423,296 B (above the MLP
    // forward 8192 x 3 x 18944 x 2 + 4.25 x 8192 x 3584 x 2 = 1,180,696,576).
    // Kept during it: the inputs 154,140,672 + embeddings 16384 x 3584 x 2 = 117,440,512.
    // Peak = max(1,834,483,712, 2,394,423,296 + 271,581,184) = 2,666,004,480 B.
    CHECK(static_cast<double>(e.per_gpu.activation.bytes) == doctest::Approx(2666004480.0).epsilon(1e-6));
    CHECK(e.per_gpu.activation.how.find("encoder's dummy inputs and outputs kept") != std::string::npos);
}

TEST_CASE("Gemma 3 27B with 16384 batched tokens: 64 dummy images through SigLIP set the peak, and TP splits the MLP") {
    const Architecture& a = catalog_arch("gemma-3-27b-it");
    REQUIRE(a.vision.family == "gemma3_siglip");
    REQUIRE(a.vision.hidden == 1152);
    REQUIRE(a.vision.intermediate == 4304);
    REQUIRE(a.vision.image_size == 896);
    REQUIRE(a.vision.patch_size == 14);
    REQUIRE(a.vision.tokens_per_image == 256);
    REQUIRE(a.hidden_size == 5376);
    REQUIRE(a.intermediate_size == 21504);
    REQUIRE(a.vocab_size == 262208);
    {
        const Estimate e = estimate(on_h100(a, 1, 16384));
        REQUIRE(e.ok);
        // 256 tokens an image: 16384 / 256 = 64 images of (896 / 14)^2 = 4096 patches -> 262,144 patches.
        // Inputs 64 x 3 x 896 x 896 x 2 B = 308,281,344; SigLIP layer working set (residual, norm output,
        // fc1, gelu) 262144 x (2 x 1152 + 2 x 4304) x 2 B = 5,721,030,656 -> 6,029,312,000 B.
        // Text run: sampler 16384 x 5376 x 2 = 176,160,768 + 1024 x 262208 x 2 = 537,001,984
        // + 3.25 x 1024 x 262208 x 4 = 3,490,512,896 -> 4,203,675,648, plus kept inputs 308,281,344 and
        // embeddings 64 x 256 x 5376 x 2 = 176,160,768 -> 4,688,117,760 B: below the encoder pass.
        CHECK(static_cast<double>(e.per_gpu.activation.bytes) == doctest::Approx(6029312000.0).epsilon(1e-6));
        CHECK(e.per_gpu.activation.how.find("encoder on 64 dummy images of 256 tokens") != std::string::npos);
    }
    {
        const Estimate e = estimate(on_h100(a, 2, 16384));
        REQUIRE(e.ok);
        // fc1 is column-parallel: 262144 x (2 x 1152 + 2 x 2152) x 2 B = 3,464,495,104 + inputs
        // 308,281,344 = 3,772,776,448 B. The text run: the sampler (logits gathered to every rank) is
        // as at TP 1, 4,203,675,648 + 484,442,112 kept = 4,688,117,760 B, now the larger.
        CHECK(static_cast<double>(e.per_gpu.activation.bytes) == doctest::Approx(4688117760.0).epsilon(1e-6));
    }
}

TEST_CASE("a vision model whose tower is not modelled keeps the warning; a modelled one drops it") {
    const Estimate gemma = estimate(on_h100(catalog_arch("gemma-3-27b-it"), 1, 0));
    REQUIRE(gemma.ok);
    for (const std::string& w : gemma.warnings) CHECK(w.find("vision encoder profiling") == std::string::npos);
    Architecture granite = catalog_arch("granite-vision-3.3-2b");
    REQUIRE(granite.extra_params > 0);
    CHECK(granite.vision.family.empty());
    const Estimate e = estimate(on_h100(granite, 1, 0));
    REQUIRE(e.ok);
    bool warned = false;
    for (const std::string& w : e.warnings) warned = warned || w.find("vision encoder profiling") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("text-only (--limit-mm-per-prompt image 0, video 0): no tower weights, no encoder pass, and the flag in the command") {
    const Architecture& a = catalog_arch("gemma-3-27b-it");
    // models.json: extra_params 423,060,336 (SigLIP tower + projector), loaded as 16-bit weights.
    REQUIRE(a.extra_params == doctest::Approx(423060336.0));
    const Estimate full = estimate(on_h100(a, 1, 16384));
    ResolvedScenario r = on_h100(a, 1, 16384);
    r.scenario.mm_text_only = true;
    const Estimate text = estimate(r);
    REQUIRE(full.ok);
    REQUIRE(text.ok);
    // 423,060,336 x 2 B = 846,120,672 B fewer weights.
    CHECK(static_cast<double>(full.per_gpu.weights.bytes - text.per_gpu.weights.bytes) == doctest::Approx(846120672.0).epsilon(1e-6));
    // The text run alone: the sampler of the Gemma 3 case above, 4,203,675,648 B.
    CHECK(static_cast<double>(text.per_gpu.activation.bytes) == doctest::Approx(4203675648.0).epsilon(1e-6));
    Scenario s;
    s.model = "gemma-3-27b-it";
    s.engine = "vllm";
    s.mm_text_only = true;
    CHECK(launch_command(s).find("--limit-mm-per-prompt '{\"image\":0,\"video\":0}'") != std::string::npos);
    s.model = "llama-3.1-8b-instruct";  // a text model has no tower: no flag
    CHECK(launch_command(s).find("--limit-mm-per-prompt") == std::string::npos);
}

TEST_CASE("a vLLM log whose args set every modality limit to 0 reconciles as text-only") {
    // The 'non-default args' line as vLLM 0.19 prints a Python dict (entrypoints/utils.py).
    // Lines of tests/data/logs/vllm/ibm-granite-granite-visi--h100-80gb--tp1pp1dp1--8192.log (1, 6, and 2 with
    // the model and the limits changed).
    const std::string banner = "(APIServer pid=1) INFO 04-22 00:51:21 [entrypoints/utils.py:299]  \xE2\x96\x84\xE2\x96\x84 version 0.19.0\n"
                               "(EngineCore pid=467) INFO 04-22 00:51:44 [v1/worker/gpu_model_runner.py:4820] Model loading took "
                               "5.54 GiB memory and 6.056746 seconds\n";
    const std::string args = "(APIServer pid=1) INFO 04-22 00:51:21 [entrypoints/utils.py:233] non-default args: "
                             "{'model': 'google/gemma-3-27b-it', 'max_model_len': 8192, 'limit_mm_per_prompt': {'image': 0, 'video': 0}}\n";
    const LogReading r = read_log(banner + args);
    REQUIRE(r.engine == "vllm");
    CHECK(r.mm_text_only);
    std::vector<std::string> lacking;
    CHECK(scenario_from_log(r, Scenario{}, lacking).mm_text_only);
    // One image allowed, or a count that only starts with 0: not text-only.
    CHECK_FALSE(read_log(banner + "non-default args: {'limit_mm_per_prompt': {'image': 1, 'video': 0}}\n").mm_text_only);
    CHECK_FALSE(read_log(banner + "non-default args: {'limit_mm_per_prompt': {'image': 0, 'video': 04}}\n").mm_text_only);
    CHECK_FALSE(read_log(banner + "non-default args: {'limit_mm_per_prompt': {'image': 0\n").mm_text_only);  // cut off
}
