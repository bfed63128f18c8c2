// The 2025-2026 architectures of issue 13, read from the catalog's stored config.json copies:
// per-token KV, per-sequence state and weights, each expected value a hand calculation.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/cache_support.h"
#include "core/catalog.h"
#include "core/config_parser.h"
#include "core/estimate.h"
#include "core/kv_cache.h"
#include "core/tensors.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

const Architecture& arch_of(const char* id) { return fixtures::catalog_arch(id); }

std::int64_t count_layers(const Architecture& a, LayerAttention kind) {
    return std::count(a.layer_attention.begin(), a.layer_attention.end(), kind);
}

}  // namespace

TEST_CASE("Qwen3.5 27B: Gated DeltaNet state per sequence, KV only on every 4th layer") {
    const Architecture& a = arch_of("Qwen/Qwen3.5-27B");
    CHECK(a.model_type == "qwen3_5_text");
    CHECK(count_layers(a, LayerAttention::Full) == 16);    // layer_types: 3 linear then 1 full, x 16
    CHECK(count_layers(a, LayerAttention::Linear) == 48);
    CHECK(a.attn_output_gate);
    // conv state (2 x 16 x 128 + 48 x 128) x (4 - 1) = (4,096 + 6,144) x 3 = 30,720 values;
    // recurrent 48 value heads x 128 x 128 = 786,432 values
    const LinearStateValues v = linear_state_values(a);
    CHECK(v.conv == 30720);
    CHECK(v.recurrent == 786432);
    // bf16 everywhere: (30,720 + 786,432) x 2 B = 1,634,304 B per layer
    CHECK(a.linear_state_bytes_per_layer == 1634304);
    // the config's mamba_ssm_dtype float32: 30,720 x 2 B + 786,432 x 4 B = 3,207,168 B
    CHECK(a.ssm_state_dtype == "float32");
    CHECK(linear_state_bytes_per_layer(a, 2.0, 4.0) == 3207168);
    // KV: 16 full layers x 4 KV heads x (256 + 256) x 2 B = 65,536 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 65536);
    // q_proj doubled by the output gate: 24 heads x 256 x 2 = 12,288 rows
    bool gated_q = false;
    for (const TensorGroup& g : tensor_inventory(a))
        if (g.role == TensorRole::AttnQ && g.layer == 3) gated_q = g.rows == 12288 && g.cols == 5120;
    CHECK(gated_q);
}

TEST_CASE("Nemotron 3 Nano: one mixer per block, Mamba-2 state, KV on the 6 attention blocks only") {
    const Architecture& a = arch_of("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16");
    // hybrid_override_pattern "MEMEM*E...": 52 blocks, 23 'M', 6 '*', 23 'E'
    CHECK(a.num_layers == 52);
    CHECK(count_layers(a, LayerAttention::Linear) == 23);
    CHECK(count_layers(a, LayerAttention::Full) == 6);
    CHECK(count_layers(a, LayerAttention::None) == 23);
    CHECK_FALSE(a.has_ffn(0));  // 'M'
    CHECK(a.has_ffn(1));        // 'E'
    CHECK(a.is_moe_layer(1));
    CHECK(a.mlp == MlpKind::Plain);                   // relu2 experts: up + down
    CHECK(a.shared_expert_intermediate_size == 3712); // moe_shared_expert_intermediate_size
    // Mamba-2: d_inner = 64 heads x 64 = 4,096; conv (4,096 + 2 x 8 groups x 128) x 3 = 18,432 values;
    // SSM 64 x 64 x 128 = 524,288 values
    const LinearStateValues v = linear_state_values(a);
    CHECK(v.conv == 18432);
    CHECK(v.recurrent == 524288);
    // KV: 6 blocks x 2 KV heads x (128 + 128) x 2 B = 6,144 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 6144);
}

TEST_CASE("Gemma 4 26B-A4B: global layers have their own head size and KV heads") {
    const Architecture& a = arch_of("google/gemma-4-26B-A4B-it");
    CHECK(a.global_head_dim == 512);
    CHECK(a.global_kv_heads == 2);
    CHECK(a.k_eq_v);
    CHECK(a.sliding_window == 1024);
    CHECK(count_layers(a, LayerAttention::Full) == 5);  // layers 5, 11, 17, 23, 29
    // sliding: 8 KV heads x (256 + 256) x 2 B = 8,192 B; global: 2 x (512 + 512) x 2 B = 4,096 B
    CHECK(kv_bytes_per_token_layer(a, 0, 1, 16.0) == 8192);
    CHECK(kv_bytes_per_token_layer(a, 5, 1, 16.0) == 4096);
    // 25 x 8,192 + 5 x 4,096 = 225,280 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 225280);
    // dense MLP beside 128 experts in every layer
    CHECK(a.dense_mlp_beside_moe);
    CHECK(a.num_experts == 128);
    CHECK(a.experts_per_token == 8);
    // global layer: k_proj 2 x 512 = 1,024 rows and no v_proj
    bool k_seen = false, v_seen = false;
    for (const TensorGroup& g : tensor_inventory(a)) {
        if (g.layer != 5) continue;
        if (g.role == TensorRole::AttnK) k_seen = g.rows == 1024;
        if (g.role == TensorRole::AttnV) v_seen = true;
    }
    CHECK(k_seen);
    CHECK_FALSE(v_seen);
}

TEST_CASE("Gemma 4 E2B: the last 20 layers share K/V, per-layer embeddings are weights") {
    const Architecture& a = arch_of("google/gemma-4-E2B-it");
    CHECK(a.kv_shared_layers == 20);
    CHECK(a.is_kv_shared_layer(15));
    CHECK_FALSE(a.is_kv_shared_layer(14));
    // layers 0-14 keep K/V: full at 4, 9, 14 (pattern 5) -> 3 full, 12 sliding.
    // sliding 1 KV head x (256 + 256) x 2 B = 1,024 B; full 1 x (512 + 512) x 2 B = 2,048 B
    // 12 x 1,024 + 3 x 2,048 = 18,432 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 18432);
    // per-layer embedding table: 262,144 x (35 x 256) = 2,348,810,240 parameters
    bool table = false;
    for (const TensorGroup& g : tensor_inventory(a))
        if (g.role == TensorRole::TokenEmbedding && g.cols == 35 * 256) table = g.elements() == 2348810240.0;
    CHECK(table);
    // use_double_wide_mlp: shared layers' MLP is 2 x 6,144 = 12,288 wide
    bool wide = false;
    for (const TensorGroup& g : tensor_inventory(a))
        if (g.role == TensorRole::MlpGate && g.layer == 20 && g.cols == 1536) wide = wide || g.rows == 12288;
    CHECK(wide);
}

TEST_CASE("DeepSeek V3.2: the indexer keeps one 128-value key per token beside the MLA latent") {
    const Architecture& a = arch_of("deepseek-ai/DeepSeek-V3.2");
    CHECK(a.is_mla());
    CHECK(a.index_heads == 64);
    CHECK(a.index_head_dim == 128);
    CHECK(a.index_topk == 2048);
    // MLA latent (512 + 64) x 2 B = 1,152 B per layer; indexer 128 x 1 B (fp8) = 128 B per layer
    CHECK(kv_bytes_per_token_layer(a, 0, 1, 16.0) == 1152);
    CHECK(indexer_bytes_per_token_layer(a, 8.0) == 128);
    CHECK(indexer_bytes_per_token_layer(arch_of("deepseek-ai/DeepSeek-V3"), 8.0) == 0);
    // indexer weights per layer: wq_b 64 x 128 x 1536 + wk 128 x 7168 + k_norm 2 x 128 + weights_proj 64 x 7168
    // = 12,582,912 + 917,504 + 256 + 458,752 = 13,959,424; x 61 layers = 851,524,864
    const double with = count_params(a).total;
    Architecture plain = a;
    plain.index_heads = plain.index_head_dim = 0;
    CHECK(with - count_params(plain).total == 851524864.0);
}

TEST_CASE("LFM2 short convolutions and Falcon-H1 parallel Mamba parse into their own state shapes") {
    // LiquidAI LFM2-style config: conv layers keep conv_L_cache - 1 inputs of hidden_size
    ParsedConfig l = parse_hf_config(R"({"model_type": "lfm2", "hidden_size": 1024, "num_hidden_layers": 4,
        "num_attention_heads": 16, "num_key_value_heads": 8, "intermediate_size": 4096, "vocab_size": 65536,
        "conv_L_cache": 3, "layer_types": ["conv", "conv", "full_attention", "conv"], "torch_dtype": "bfloat16"})");
    REQUIRE(l.ok);
    CHECK(l.model.arch.short_conv_kernel == 3);
    // 1,024 x (3 - 1) = 2,048 values x 2 B = 4,096 B per conv layer
    CHECK(linear_state_values(l.model.arch).conv == 2048);
    CHECK(l.model.arch.linear_state_bytes_per_layer == 4096);
    // Falcon-H1-style: every layer attends and runs a Mamba-2 mixer
    ParsedConfig f = parse_hf_config(R"({"model_type": "falcon_h1", "hidden_size": 1024, "num_hidden_layers": 2,
        "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 128, "intermediate_size": 2048, "vocab_size": 32768,
        "mamba_d_ssm": 1536, "mamba_n_heads": 24, "mamba_d_head": 64, "mamba_n_groups": 1, "mamba_d_state": 256,
        "mamba_d_conv": 4, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
    REQUIRE(f.ok);
    CHECK(f.model.arch.parallel_ssm);
    CHECK(count_layers(f.model.arch, LayerAttention::Full) == 2);
    // d_inner 24 x 64 = 1,536; conv (1,536 + 2 x 256) x 3 = 6,144; SSM 24 x 64 x 256 = 393,216
    CHECK(linear_state_values(f.model.arch).conv == 6144);
    CHECK(linear_state_values(f.model.arch).recurrent == 393216);
    // KV still on both layers: 2 x 2 heads x 256 x 2 B = 2,048 B/token
    CHECK(kv_bytes_per_token(f.model.arch, 16.0) == 2048);
}

TEST_CASE("an engine that cannot size a cache says what is missing instead of answering") {
    const Architecture& gemma = arch_of("google/gemma-4-E4B-it");
    // transformers lists no dsa_indexer layout (and, asked with a release, no deepseek_v32 class)
    const std::string why = unsupported_cache_reason(arch_of("deepseek-ai/DeepSeek-V3.2"), engine_profile("transformers"));
    CHECK(why.find("index_head_dim 128") != std::string::npos);
    CHECK(why.find("--engine simple") != std::string::npos);
    CHECK(unsupported_cache_reason(gemma, engine_profile("sglang")).empty());  // SGLang's hybrid SWA pool
    CHECK(unsupported_cache_reason(gemma, engine_profile("simple")).empty());
    CHECK(unsupported_cache_reason(arch_of("deepseek-ai/DeepSeek-V3.2"), engine_profile("transformers")).find("indexer") != std::string::npos);
    CHECK(unsupported_cache_reason(arch_of("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16"), engine_profile("transformers")).empty());
    // a layout nothing can count is refused by every engine, the rule of thumb included
    const Architecture& v4 = arch_of("deepseek-ai/DeepSeek-V4-Flash");
    CHECK(v4.unmodelled_cache.find("DeepSeek V4") != std::string::npos);
    CHECK_FALSE(unsupported_cache_reason(v4, engine_profile("simple")).empty());
    CHECK_FALSE(arch_of("moonshotai/Kimi-K3").unmodelled_cache.empty());
    CHECK_FALSE(arch_of("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8").unmodelled_cache.empty());
    // what engines already handle stays answered: Qwen3.5 (Gated DeltaNet), Granite 4.0-H (Mamba-2)
    CHECK(unsupported_cache_reason(arch_of("Qwen/Qwen3.5-27B"), engine_profile("vllm")).empty());
    CHECK(unsupported_cache_reason(arch_of("ibm-granite/granite-4.0-h-small"), engine_profile("llamacpp")).empty());
}

TEST_CASE("multi-token-prediction layers are recorded, not counted") {
    CHECK(arch_of("Qwen/Qwen3.5-27B").mtp_layers == 1);        // mtp_num_hidden_layers
    CHECK(arch_of("deepseek-ai/DeepSeek-V3.2").mtp_layers == 1);  // num_nextn_predict_layers
    CHECK(arch_of("MiniMaxAI/MiniMax-M2.5").mtp_layers == 3);     // use_mtp + num_mtp_modules
}

TEST_CASE("EXAONE 4.0 32B: 3 sliding layers then a global one; KV per token on each kind") {
    const Architecture& a = arch_of("LGAI-EXAONE/EXAONE-4.0-32B");
    // sliding_window_pattern 4 over 64 layers: 16 global (3, 7, ..., 63), 48 sliding
    CHECK(count_layers(a, LayerAttention::Full) == 16);
    CHECK(count_layers(a, LayerAttention::Sliding) == 48);
    CHECK(a.layer_attention[3] == LayerAttention::Full);
    CHECK(a.sliding_window == 4096);
    CHECK(a.qk_norm);
    // every layer: 8 KV heads x (128 + 128) x 2 B = 4,096 B; 64 layers = 262,144 B/token
    CHECK(kv_bytes_per_token(a, 16.0) == 262144);
    // the config applies llama3 rope scaling itself (factor 16 over 8192)
    CHECK(a.rope_scaling.in_config);
    CHECK(a.rope_scaling.type == "llama3");
    CHECK(a.rope_scaling.original_max_context == 8192);
}

TEST_CASE("the estimate refuses through unsupported_cache_reason and the rule of thumb still answers") {
    Scenario s;
    s.model = "deepseek-ai/DeepSeek-V3.2";
    s.gpu = "h100-sxm";
    s.engine = "transformers";
    const Estimate refused = estimate(s);
    CHECK_FALSE(refused.ok);
    CHECK(refused.error.find("deepseek_v32") != std::string::npos);
    s.model = "google/gemma-4-E4B-it";
    s.engine = "simple";
    const Estimate simple = estimate(s);
    REQUIRE(simple.ok);
    // at least: per-layer embeddings 262,144 x 42 x 256 = 2.82B + token embeddings 262,144 x 2,560 = 0.67B
    // + 42 MLPs of 3 x 2,560 x 10,240 = 3.30B -> 6.79B, before attention and norms
    CHECK(simple.params > 6.79e9);
    // a refused layout in every engine
    s.model = "deepseek-ai/DeepSeek-V4-Pro";
    CHECK_FALSE(estimate(s).ok);
}
