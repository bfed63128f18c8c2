// Issue 13: multi-token-prediction speculative decoding (Scenario::mtp_tokens). vLLM with
// --speculative-config '{"method":"mtp",...}' loads the MTP module (one decoder layer + enorm / hnorm /
// eh_proj + an output norm; embedding and lm_head shared with the target) and gives its attention
// layer KV cache in the same pool. Expected values are hand calculations from the catalog's stored
// config.json (core/data/models.json), written beside each assertion.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/command.h"
#include "core/engine_profile.h"
#include "core/estimate.h"
#include "core/scenario_json.h"
#include "core/share_link.h"

using namespace vramcalc;

namespace {

// bf16 on one GPU of 2,048 GiB, so the 671B model resolves on tp 1 and every tensor counts whole.
Scenario big_gpu(const char* model, int mtp_tokens) {
    Scenario s;
    s.model = model;
    s.engine = "vllm";
    s.weights = "bf16";
    s.gpu_memory_gib = 2048;
    s.context = 8192;
    s.mtp_tokens = mtp_tokens;
    return s;
}

double weights_of(const Scenario& s) {
    const Estimate e = estimate(s);
    INFO(e.error);
    REQUIRE(e.ok);
    return static_cast<double>(e.per_gpu.weights.bytes);
}

double kv_bytes_per_token(const Scenario& s) {
    const Estimate e = estimate(s);
    INFO(e.error);
    REQUIRE(e.ok);
    REQUIRE(e.kv_cache_tokens.has_value());
    REQUIRE(*e.kv_cache_tokens > 0);
    return static_cast<double>(e.per_gpu.kv_cache.bytes) / static_cast<double>(*e.kv_cache_tokens);
}

}  // namespace

TEST_CASE("vLLM MTP: DeepSeek-V3's MTP module in bf16 on tp 1") {
    // Layer 60 (MoE, MLA), params: q_a_proj 7,168 x 1,536 = 11,010,048; q_a_layernorm 1,536;
    // q_b_proj 1,536 x 128 x 192 = 37,748,736; kv_a_proj_with_mqa 7,168 x 576 = 4,128,768;
    // kv_a_layernorm 512; kv_b_proj 512 x 128 x 256 = 16,777,216; o_proj 128 x 128 x 7,168 = 117,440,512;
    // experts 256 x 3 x 7,168 x 2,048 = 11,274,289,152; shared expert 3 x 7,168 x 2,048 = 44,040,192;
    // router 256 x 7,168 = 1,835,008 + e_score_correction_bias 256 (noaux_tc); two norms 14,336.
    // Sum 11,507,286,272 params = 23,014,572,544 B.
    // + eh_proj 2 x 7,168 x 7,168 x 2 B = 205,520,896 (nn.Linear, bf16) + enorm/hnorm/shared_head.norm
    // 3 x 7,168 x 2 = 43,008 + the MLA W_UK/W_UV copy 512 x 128 x (128 + 128) x 2 = 33,554,432.
    // Total 23,253,690,880 B.
    const double off = weights_of(big_gpu("deepseek-v3", 0));
    const double on = weights_of(big_gpu("deepseek-v3", 1));
    CHECK(on - off == doctest::Approx(23'253'690'880.0).epsilon(1e-9));
    // num_speculative_tokens reuses the one module (spec_step_idx % num_mtp_layers): same weights.
    CHECK(weights_of(big_gpu("deepseek-v3", 3)) == on);
}

TEST_CASE("vLLM MTP: DeepSeek-V3's draft layer adds one MLA layer to every KV block") {
    // MLA latent cache in bf16: (kv_lora_rank 512 + qk_rope_head_dim 64) x 2 B = 1,152 B per layer-token.
    // 61 layers = 70,272 B/token; with the draft's model.layers.61 in the same group: 62 x 1,152 = 71,424.
    CHECK(kv_bytes_per_token(big_gpu("deepseek-v3", 0)) == doctest::Approx(70'272.0));
    CHECK(kv_bytes_per_token(big_gpu("deepseek-v3", 2)) == doctest::Approx(71'424.0));
}

TEST_CASE("vLLM MTP: Qwen3-Next-80B-A3B's MTP module in bf16 on tp 1") {
    // The MTP layer is a full-attention MoE layer (qwen3_next_mtp.py layer_type "full_attention"):
    // q_proj 2,048 x 16 x 256 x 2 (query + output gate) = 16,777,216; k_proj, v_proj 2,048 x 2 x 256 =
    // 1,048,576 each; o_proj 4,096 x 2,048 = 8,388,608; q_norm + k_norm 512; two layer norms 4,096;
    // experts 512 x 3 x 2,048 x 512 = 1,610,612,736; shared expert 3 x 2,048 x 512 = 3,145,728;
    // shared_expert_gate 2,048; router 512 x 2,048 = 1,048,576. Sum 1,642,076,672 params = 3,284,153,344 B.
    // + fc 2 x 2,048 x 2,048 x 2 B = 16,777,216 + pre_fc_norm_hidden / pre_fc_norm_embedding / norm
    // 3 x 2,048 x 2 = 12,288. Total 3,300,942,848 B.
    const double off = weights_of(big_gpu("qwen3-next-80b-a3b-instruct", 0));
    const double on = weights_of(big_gpu("qwen3-next-80b-a3b-instruct", 2));
    CHECK(on - off == doctest::Approx(3'300'942'848.0).epsilon(1e-9));
    // Its draft attention layer takes pool memory: fewer tokens fit.
    const Estimate e_off = estimate(big_gpu("qwen3-next-80b-a3b-instruct", 0));
    const Estimate e_on = estimate(big_gpu("qwen3-next-80b-a3b-instruct", 2));
    REQUIRE(e_off.kv_cache_tokens.has_value());
    REQUIRE(e_on.kv_cache_tokens.has_value());
    CHECK(*e_on.kv_cache_tokens < *e_off.kv_cache_tokens);
}

TEST_CASE("vLLM MTP: the command line carries --speculative-config") {
    Scenario s = big_gpu("deepseek-v3", 2);
    const std::string cmd = launch_command(s);
    CHECK(cmd.find("--speculative-config '{\"method\":\"mtp\",\"num_speculative_tokens\":2}'") != std::string::npos);
    s.mtp_tokens = 0;
    CHECK(launch_command(s).find("--speculative-config") == std::string::npos);
}

TEST_CASE("MTP drafting is refused where the model or the engine has none") {
    auto refusal = [](Scenario s) {
        const Estimate e = estimate(s);
        CHECK_FALSE(e.ok);
        CHECK(e.error_field == ErrorField::Knob);
        return e.error;
    };
    Scenario s = big_gpu("deepseek-v3", 1);
    s.engine = "llamacpp";
    s.weights = "gguf-q4_k_m";
    CHECK(refusal(s).find("TENSOR_SKIP") != std::string::npos);
    s = big_gpu("deepseek-v3", 1);
    s.engine = "transformers";
    CHECK(refusal(s).find("mtp_tokens: transformers") == 0);
    // SGLang runs DeepSeek-V3's NEXTN draft (below), but not MiniMax-M2's three MTP modules.
    s = big_gpu("minimax-m2", 1);
    s.engine = "sglang";
    CHECK(refusal(s).find("mtp_tokens: SGLang's NEXTN draft for model_type minimax_m2") == 0);
    // A model without MTP layers (Qwen2.5-7B-Instruct has no num_nextn_predict_layers).
    s = big_gpu("qwen2.5-7b-instruct", 1);
    CHECK(refusal(s).find("no multi-token-prediction layers") != std::string::npos);
    // MiniMax-M2 declares 3 MTP modules, but its vLLM draft is not modelled.
    s = big_gpu("minimax-m2", 1);
    CHECK(refusal(s).find("model_type minimax_m2") != std::string::npos);
    // Pipeline parallelism with a draft: not modelled.
    s = big_gpu("deepseek-v3", 1);
    s.gpus = 2;
    s.tp = 1;
    s.pp = 2;
    CHECK(refusal(s).find("pipeline") != std::string::npos);
    // Off: no refusal anywhere.
    s = big_gpu("qwen2.5-7b-instruct", 0);
    CHECK(estimate(s).ok);
}

TEST_CASE("mtp_tokens survives the scenario JSON and the share link") {
    Scenario s = big_gpu("deepseek-v3", 3);
    Scenario back;
    std::vector<std::string> problems;
    apply_scenario_json(scenario_to_json(s), back, problems);
    CHECK(problems.empty());
    CHECK(back.mtp_tokens == 3);
    const std::string link = encode_share_fragment(s);
    CHECK(link.find("mtp=3") != std::string::npos);
    CHECK(decode_share_fragment(link).scenario.mtp_tokens == 3);
    // Out of range: refused with the knob's range.
    s.mtp_tokens = 17;
    const Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("mtp_tokens: a draft token count between 0 and 16") == 0);
}

// ---- SGLang: --speculative-algorithm NEXTN (EAGLE worker with the model's own MTP layer) -----------------
// The draft module is the MTP layer + eh_proj / fc (nn.Linear, replicated) + three norms; embedding and
// lm_head are the target's (eagle_worker set_embed_and_head). Its pool: the target's token count in its one
// layer (draft_runner_cache_size). Sources: core/engines/sglang.cpp.

namespace {
Scenario sglang_big(const char* model, int mtp_tokens) {
    Scenario s = big_gpu(model, mtp_tokens);
    s.engine = "sglang";
    return s;
}

// DeepSeek-V3 fp8 on 8 x H200 at tp 8 under SGLang ("" = the newest release).
Scenario deepseek_v3_h200(int mtp_tokens, const std::string& version) {
    Scenario s;
    s.model = "deepseek-v3";
    s.engine = "sglang";
    s.weights = "fp8";
    s.gpu = "h200";
    s.gpus = 8;
    s.tp = 8;
    s.context = 8192;
    s.mtp_tokens = mtp_tokens;
    s.engine_version = version;
    return s;
}
}  // namespace

TEST_CASE("SGLang NEXTN: DeepSeek-V3's draft module in bf16 on tp 1") {
    // The same module as vLLM's above (deepseek_nextn.py: eh_proj nn.Linear unquantized, enorm / hnorm /
    // shared_head.norm, the decoder layer like layer 60, its w_kc / w_vc copy): 23,014,572,544 + 205,520,896 +
    // 43,008 + 33,554,432 = 23,253,690,880 B.
    const double off = weights_of(sglang_big("deepseek-v3", 0));
    const double on = weights_of(sglang_big("deepseek-v3", 2));
    CHECK(on - off == doctest::Approx(23'253'690'880.0).epsilon(1e-9));
    CHECK(weights_of(sglang_big("deepseek-v3", 4)) == on);  // more steps reuse the one layer
}

TEST_CASE("SGLang NEXTN: DeepSeek-V3 fp8 on 8 x H200: 2 GiB more reserve, a one-layer draft pool") {
    Scenario s = deepseek_v3_h200(0, "0.5.4");  // the reserve as PR #10975 wrote it (no piecewise prefill graphs)
    // _handle_gpu_memory_settings on 142,940 MiB (H200, tp 8): chunked_prefill_size 8192, cuda_graph_max_bs 512;
    // reserve 512 + 8,192 x 1.5 + 512 x 2 + 8 / 8 x 1,024 = 14,848 MiB (above the 10 GiB floor);
    // fraction round((142,940 - 14,848) / 142,940, 3) = round(0.89612, 3) = 0.896. With NEXTN + 2,048 MiB:
    // 16,896 MiB -> round(126,044 / 142,940, 3) = round(0.88180, 3) = 0.882.
    std::string err;
    const auto r0 = resolve(s, err);
    REQUIRE(r0);
    const EngineProfile& p = engine_profile("sglang");
    const bool has_fraction = p.reserved_fraction != nullptr;
    REQUIRE(has_fraction);
    CHECK(p.reserved_fraction(*r0) == doctest::Approx(0.896));
    s.mtp_tokens = 3;
    const auto r3 = resolve(s, err);
    REQUIRE(r3);
    CHECK(p.reserved_fraction(*r3) == doctest::Approx(0.882));
    // 0.5.20 (the default): an MLA backend's prefill graphs reserve 1,536 MiB more (reserve_for_graph_mb):
    // 16,384 MiB -> round(126,556 / 142,940, 3) = round(0.88538, 3) = 0.885; NEXTN adds nothing since
    // PR #23862 removed the flat draft reserve (the draft is budgeted inside the fraction).
    const auto n0 = resolve(deepseek_v3_h200(0, ""), err);
    REQUIRE(n0);
    CHECK(p.reserved_fraction(*n0) == doctest::Approx(0.885));
    const auto n3 = resolve(deepseek_v3_h200(3, ""), err);
    REQUIRE(n3);
    CHECK(p.reserved_fraction(*n3) == doctest::Approx(0.885));
    // Target pool 61 MLA layers x (512 + 64) x 2 B = 70,272 B per token; the draft's pool the same tokens x
    // 1 layer x 1,152 B. KV bytes = tokens x (70,272 + 1,152) = tokens x 71,424.
    const Estimate e = estimate(s);
    INFO(e.error);
    REQUIRE(e.ok);
    REQUIRE(e.kv_cache_tokens.has_value());
    CHECK(static_cast<double>(e.per_gpu.kv_cache.bytes) ==
          doctest::Approx(static_cast<double>(*e.kv_cache_tokens) * 71'424.0).epsilon(1e-9));
    // max_running_requests 48 when not given (_handle_speculative_decoding).
    REQUIRE(e.max_concurrency.has_value());
    CHECK(*e.max_concurrency <= 48.0);
}

TEST_CASE("SGLang 0.5.20 NEXTN: the draft's weights and pool come out of mem_fraction_static") {
    // PR #28855: the pool is profiled after the draft's weights load, so rest = free_at_start x f - target
    // weights - draft weights; PR #23862: each token pays its target cell and its draft-pool cell:
    // tokens = floor(rest / (70,272 + 1,152)) on DeepSeek-V3 (61 MLA layers x 576 x 2 B; one draft layer).
    // H200 (141 GiB as the GPU table gives it), tp 8 over NVLink 4: free at start = memory - 0.6 GiB context
    // - 1.45 GiB NCCL; f = 0.885 (the MLA case above). Weights here include the draft's module.
    std::string err;
    const auto r = resolve(deepseek_v3_h200(3, ""), err);
    REQUIRE(r);
    const Estimate e = estimate(*r);
    INFO(e.error);
    REQUIRE(e.ok);
    REQUIRE(e.kv_cache_tokens.has_value());
    const double free_at_start = static_cast<double>(r->gpu.memory_bytes) - (0.6 + 1.45) * 1024.0 * 1024.0 * 1024.0;
    const double rest = free_at_start * 0.885 - static_cast<double>(e.per_gpu.weights.bytes);
    CHECK(static_cast<double>(*e.kv_cache_tokens) == doctest::Approx(std::floor(rest / 71'424.0)).epsilon(1e-6));
    // weights + both pools stay inside the fraction: no "comes out of the reserve" warning
    CHECK(static_cast<double>(e.per_gpu.weights.bytes + e.per_gpu.kv_cache.bytes) <= free_at_start * 0.885);
    for (const std::string& w : e.warnings) CHECK(w.find("out of the reserve") == std::string::npos);
    // 0.5.4 kept the draft outside: the target's pool alone fills the fraction, the draft's pool comes on top
    const auto r4 = resolve(deepseek_v3_h200(3, "0.5.4"), err);
    REQUIRE(r4);
    const Estimate e4 = estimate(*r4);
    REQUIRE(e4.ok);
    CHECK(static_cast<double>(e4.per_gpu.weights.bytes + e4.per_gpu.kv_cache.bytes) > free_at_start * 0.882);
}

TEST_CASE("SGLang NEXTN: Qwen3-Next-80B-A3B's draft module, pool layer and Mamba draft states on tp 1") {
    // qwen3_next_mtp.py: fc nn.Linear 2 x 2,048 x 2,048 x 2 B = 16,777,216 + pre_fc_norm_embedding /
    // pre_fc_norm_hidden / norm 3 x 2,048 x 2 = 12,288 + the full-attention MoE layer 3,284,153,344 B
    // (as in the vLLM case above) = 3,300,942,848 B.
    const double off = weights_of(sglang_big("qwen3-next-80b-a3b-instruct", 0));
    const double on = weights_of(sglang_big("qwen3-next-80b-a3b-instruct", 3));
    CHECK(on - off == doctest::Approx(3'300'942'848.0).epsilon(1e-9));
    // Pool: 12 full-attention layers x 2 KV heads x (256 + 256) x 2 B = 24,576 B per token, + the draft's one
    // layer 2,048 B. Mamba state per request: 36 linear layers x (conv (2 x 16 x 128 + 32 x 128) x 3 x 2 B =
    // 49,152 + temporal 32 x 128 x 128 x 4 B = 2,097,152) = 77,266,944 B. Speculative decoding keeps
    // 77,266,944 x 48 requests x 4 draft tokens = 14,835,253,248 B of intermediate states; the rest is
    // whole Mamba slots of 77,266,944 B.
    const Estimate e = estimate(sglang_big("qwen3-next-80b-a3b-instruct", 3));
    INFO(e.error);
    REQUIRE(e.ok);
    REQUIRE(e.kv_cache_tokens.has_value());
    const double slots_bytes = static_cast<double>(e.per_gpu.kv_cache.bytes) - static_cast<double>(*e.kv_cache_tokens) * 26'624.0 -
                               14'835'253'248.0;
    const double slots = slots_bytes / 77'266'944.0;
    CHECK(slots > 1.0);
    CHECK(std::abs(slots - std::round(slots)) < 1e-6);
    CHECK(e.per_gpu.kv_cache.how.find("4 draft tokens x 48 requests") != std::string::npos);
}

TEST_CASE("SGLang NEXTN: the launch command carries the speculative flags") {
    Scenario s = sglang_big("deepseek-v3", 3);
    const std::string cmd = launch_command(s);
    CHECK(cmd.find("--speculative-algorithm NEXTN --speculative-num-steps 3 --speculative-eagle-topk 1 "
                   "--speculative-num-draft-tokens 4") != std::string::npos);
    s.mtp_tokens = 0;
    CHECK(launch_command(s).find("--speculative") == std::string::npos);
}

TEST_CASE("SGLang NEXTN: refused with pipeline parallelism and before 0.4.7") {
    Scenario s = sglang_big("deepseek-v3", 1);
    s.gpus = 2;
    s.tp = 1;
    s.pp = 2;
    Estimate e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("pipeline") != std::string::npos);
    s = sglang_big("deepseek-v3", 1);
    s.engine_version = "0.4.6";
    e = estimate(s);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("0.4.7") != std::string::npos);
}
