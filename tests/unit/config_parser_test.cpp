#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/config_parser.h"
#include "test_data.h"

using namespace vramcalc;

namespace {

bool has_warning(const ParsedConfig& p, const std::string& part) {
    return std::any_of(p.warnings.begin(), p.warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

std::int64_t count_attention(const Architecture& a, LayerAttention kind) {
    return std::count(a.layer_attention.begin(), a.layer_attention.end(), kind);
}

// meta-llama/Meta-Llama-3-8B config.json (memory-relevant fields verbatim)
const char* kLlama3_8b = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
  "intermediate_size": 14336, "num_attention_heads": 32, "num_hidden_layers": 32,
  "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192,
  "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})";

}  // namespace

TEST_CASE("a Llama 3 config parses into the architecture the config states") {
    ParsedConfig p = parse_hf_config(kLlama3_8b);
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    CHECK(a.model_type == "llama");
    CHECK(a.architecture == "LlamaForCausalLM");
    CHECK(a.hidden_size == 4096);
    CHECK(a.num_layers == 32);
    CHECK(a.num_heads == 32);
    CHECK(a.num_kv_heads == 8);
    CHECK(a.head_dim == 128);  // 4096 / 32
    CHECK(a.intermediate_size == 14336);
    CHECK(a.vocab_size == 128256);
    CHECK(a.max_context == 8192);
    CHECK_FALSE(a.tied_embeddings);
    CHECK(a.mlp == MlpKind::Gated);
    CHECK(a.norm == NormKind::RmsNorm);
    CHECK_FALSE(a.qkv_bias);
    CHECK(count_attention(a, LayerAttention::Full) == 32);
    CHECK(p.model.default_format.empty());
    CHECK(p.warnings.empty());
}

TEST_CASE("broken JSON is an error, never an exception") {
    ParsedConfig p = parse_hf_config("{\"hidden_size\": 4096,");
    CHECK_FALSE(p.ok);
    CHECK(p.error.find("not valid JSON") != std::string::npos);
    CHECK_FALSE(parse_hf_config("").ok);
    CHECK_FALSE(parse_hf_config("[1, 2]").ok);
    CHECK(parse_hf_config("[1, 2]").error.find("JSON object") != std::string::npos);
    CHECK_FALSE(parse_hf_config("null").ok);

    // Every prefix of a real config: each must return (ok or not) without throwing.
    const std::string full = kLlama3_8b;
    int ok_count = 0;
    for (std::size_t n = 0; n <= full.size(); ++n) {
        ParsedConfig q;
        CHECK_NOTHROW(q = parse_hf_config(std::string_view(full).substr(0, n)));
        ok_count += q.ok ? 1 : 0;
    }
    CHECK(ok_count == 1);  // only the whole text is a JSON object
}

TEST_CASE("missing or nonsense required fields name the field") {
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000})").error ==
          "num_attention_heads missing");
    CHECK(parse_hf_config(R"({"num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})").error ==
          "hidden_size missing");
    CHECK(parse_hf_config(R"({"hidden_size": -5, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})")
              .error == "hidden_size -5 is out of range (1 to 1000000)");
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 30, "num_hidden_layers": 32, "vocab_size": 32000})")
              .error == "hidden_size 4096 is not divisible by num_attention_heads 30 and no head_dim is given");
    CHECK(parse_hf_config(R"({"hidden_size": "4096", "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})")
              .error == "hidden_size must be an integer, got \"4096\"");
    CHECK(parse_hf_config(R"({"hidden_size": 4096.5, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})")
              .error.find("hidden_size must be an integer") == 0);
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 0, "vocab_size": 32000})")
              .error == "num_hidden_layers 0 is out of range (1 to 10000)");
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 5,
                               "num_hidden_layers": 32, "vocab_size": 32000})")
              .error == "num_attention_heads 32 is not a multiple of num_key_value_heads 5");
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 64,
                               "num_hidden_layers": 32, "vocab_size": 32000})")
              .error.find("exceeds num_attention_heads") != std::string::npos);
    CHECK(parse_hf_config(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000,
                               "num_local_experts": 8})")
              .error.find("num_experts_per_tok missing") == 0);
}

TEST_CASE("absurd sizes are rejected with a clear message") {
    auto err = [](const char* json) { return parse_hf_config(json).error; };
    CHECK(err(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 20000, "vocab_size": 32000})")
              .find("num_hidden_layers 20000 is out of range (1 to 10000)") == 0);
    CHECK(err(R"({"hidden_size": 2000000, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})")
              .find("hidden_size 2000000 is out of range (1 to 1000000)") == 0);
    CHECK(err(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 1000000000})")
              .find("vocab_size 1000000000 is out of range (1 to 100000000)") == 0);
    CHECK(err(R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000,
                  "intermediate_size": 99999999999})")
              .find("intermediate_size") == 0);
    CHECK(err(R"({"hidden_size": 1e300, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000})")
              .find("hidden_size 1e+300 is out of range (1 to 1000000)") == 0);
}

TEST_CASE("defaults the config leaves out are assumed and reported as warnings") {
    // No num_key_value_heads: multi-head attention (every HF attention class defaults kv heads to heads).
    ParsedConfig p = parse_hf_config(R"({"model_type": "llama", "hidden_size": 2048, "num_attention_heads": 16,
                                         "num_hidden_layers": 4, "vocab_size": 1000, "intermediate_size": 5504,
                                         "max_position_embeddings": 4096, "torch_dtype": "float16"})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.num_kv_heads == 16);
    CHECK(has_warning(p, "num_key_value_heads missing"));
    // LlamaConfig passes tie_word_embeddings=False: untied, lm_head counted.
    CHECK_FALSE(p.model.arch.tied_embeddings);
    CHECK(has_warning(p, "tie_word_embeddings missing"));
    CHECK(p.model.arch.torch_dtype == "float16");

    // Gemma ties by default (GemmaConfig tie_word_embeddings=True).
    ParsedConfig g = parse_hf_config(R"({"model_type": "gemma", "hidden_size": 3072, "num_attention_heads": 16,
                                         "num_key_value_heads": 16, "head_dim": 256, "num_hidden_layers": 28,
                                         "vocab_size": 256000, "intermediate_size": 24576})");
    REQUIRE(g.ok);
    CHECK(g.model.arch.tied_embeddings);
    CHECK(g.model.arch.head_dim == 256);  // explicit head_dim wins over 3072 / 16 = 192

    // No intermediate_size and no family default: 4 x hidden (GPT-NeoX / GPT-2 convention).
    ParsedConfig n = parse_hf_config(R"({"hidden_size": 1024, "num_attention_heads": 16, "num_hidden_layers": 4,
                                         "vocab_size": 1000})");
    REQUIRE(n.ok);
    CHECK(n.model.arch.intermediate_size == 4096);
    CHECK(has_warning(n, "intermediate_size missing"));
}

TEST_CASE("GPT-2 style names (n_embd, n_layer, n_head, n_inner) are understood") {
    // bigcode/starcoderbase-1b style gpt_bigcode config: multi_query, n_inner null
    ParsedConfig p = parse_hf_config(R"({"model_type": "gpt_bigcode", "n_embd": 2048, "n_head": 16, "n_layer": 24,
                                         "n_inner": null, "n_positions": 8192, "vocab_size": 49152,
                                         "multi_query": true, "torch_dtype": "float32"})");
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    CHECK(a.hidden_size == 2048);
    CHECK(a.num_layers == 24);
    CHECK(a.num_heads == 16);
    CHECK(a.num_kv_heads == 1);  // multi-query
    CHECK(a.intermediate_size == 8192);
    CHECK(a.max_context == 8192);
    CHECK(a.mlp == MlpKind::Plain);
    CHECK(a.norm == NormKind::LayerNorm);
    CHECK(a.learned_positions);
    CHECK(a.fused_qkv);
    CHECK(a.qkv_bias);
    CHECK(a.tied_embeddings);  // GPTBigCodeConfig keeps PretrainedConfig's True
    CHECK(a.torch_dtype == "float32");
}

TEST_CASE("Falcon multi_query means one KV head and new_decoder_architecture reads num_kv_heads") {
    // tiiuae/falcon-7b config.json
    ParsedConfig f7 = parse_hf_config(R"({"model_type": "falcon", "hidden_size": 4544, "n_head": 71, "n_layer": 32,
                                          "multi_query": true, "parallel_attn": true, "bias": false,
                                          "vocab_size": 65024, "torch_dtype": "bfloat16"})");
    REQUIRE(f7.ok);
    CHECK(f7.model.arch.num_kv_heads == 1);
    CHECK(f7.model.arch.head_dim == 64);            // 4544 / 71
    CHECK(f7.model.arch.intermediate_size == 18176);  // 4 x 4544
    CHECK(f7.model.arch.norms_per_layer == 1);       // parallel attention: one input_layernorm
    CHECK(f7.model.arch.max_context == 2048);        // FalconConfig default
    // tiiuae/falcon-40b config.json
    ParsedConfig f40 = parse_hf_config(R"({"model_type": "falcon", "hidden_size": 8192, "num_attention_heads": 128,
                                           "num_hidden_layers": 60, "num_kv_heads": 8, "new_decoder_architecture": true,
                                           "parallel_attn": true, "bias": false, "vocab_size": 65024})");
    REQUIRE(f40.ok);
    CHECK(f40.model.arch.num_kv_heads == 8);
    CHECK(f40.model.arch.norms_per_layer == 2);  // ln_attn + ln_mlp
}

TEST_CASE("an explicit head_dim wins over hidden_size / heads") {
    // Qwen/Qwen3-4B: hidden 2560, 32 heads, head_dim 128 (2560 / 32 would be 80)
    ParsedConfig p = parse_hf_config(R"({"model_type": "qwen3", "hidden_size": 2560, "num_attention_heads": 32,
                                         "num_key_value_heads": 8, "head_dim": 128, "num_hidden_layers": 36,
                                         "intermediate_size": 9728, "vocab_size": 151936, "tie_word_embeddings": true,
                                         "max_position_embeddings": 40960, "torch_dtype": "bfloat16",
                                         "sliding_window": null, "use_sliding_window": false, "max_window_layers": 36})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.head_dim == 128);
    CHECK(p.model.arch.qk_norm);
    CHECK_FALSE(p.model.arch.qkv_bias);
    CHECK(p.model.arch.sliding_window == 0);
}

TEST_CASE("Qwen2 sets a sliding_window but use_sliding_window false switches it off") {
    // Qwen/Qwen2.5-7B-Instruct config.json: sliding_window 131072, use_sliding_window false
    ParsedConfig p = parse_hf_config(R"({"model_type": "qwen2", "hidden_size": 3584, "num_attention_heads": 28,
                                         "num_key_value_heads": 4, "num_hidden_layers": 28, "intermediate_size": 18944,
                                         "vocab_size": 152064, "max_position_embeddings": 32768, "sliding_window": 131072,
                                         "use_sliding_window": false, "max_window_layers": 28,
                                         "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.qkv_bias);
    CHECK(p.model.arch.sliding_window == 0);
    CHECK(count_attention(p.model.arch, LayerAttention::Full) == 28);
}

TEST_CASE("Mistral 7B v0.1 slides a 4096 window on every layer") {
    ParsedConfig p = parse_hf_config(R"({"model_type": "mistral", "hidden_size": 4096, "num_attention_heads": 32,
                                         "num_key_value_heads": 8, "num_hidden_layers": 32, "intermediate_size": 14336,
                                         "vocab_size": 32000, "max_position_embeddings": 32768, "sliding_window": 4096,
                                         "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.sliding_window == 4096);
    CHECK(count_attention(p.model.arch, LayerAttention::Sliding) == 32);
}

TEST_CASE("Gemma 2 alternates local and global layers, local first") {
    // transformers Gemma2Config.layer_types: "sliding_attention" if (i + 1) % 2 else "full_attention"
    ParsedConfig p = parse_hf_config(R"({"model_type": "gemma2", "hidden_size": 2304, "num_attention_heads": 8,
                                         "num_key_value_heads": 4, "head_dim": 256, "num_hidden_layers": 26,
                                         "intermediate_size": 9216, "vocab_size": 256000, "max_position_embeddings": 8192,
                                         "sliding_window": 4096, "torch_dtype": "bfloat16"})");
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    CHECK(a.layer_attention[0] == LayerAttention::Sliding);
    CHECK(a.layer_attention[1] == LayerAttention::Full);
    CHECK(count_attention(a, LayerAttention::Sliding) == 13);
    CHECK(a.sliding_window == 4096);
    CHECK(a.norms_per_layer == 4);
    CHECK(a.tied_embeddings);
}

TEST_CASE("Gemma 3 reads its nested text_config and the class defaults it relies on") {
    // google/gemma-3-4b-it config.json: the text_config names only four sizes; the rest are
    // Gemma3TextConfig defaults (8 heads, 4 KV heads, head_dim 256, vocab 262208).
    ParsedConfig p = parse_hf_config(R"({
      "architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
      "text_config": {"hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text",
                      "num_hidden_layers": 34, "rope_scaling": {"factor": 8.0, "rope_type": "linear"},
                      "sliding_window": 1024},
      "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304,
                        "model_type": "siglip_vision_model", "num_attention_heads": 16,
                        "num_hidden_layers": 27, "patch_size": 14, "vision_use_head": false},
      "torch_dtype": "bfloat16"})");
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    CHECK(a.model_type == "gemma3_text");
    CHECK(a.num_heads == 8);
    CHECK(a.num_kv_heads == 4);
    CHECK(a.head_dim == 256);
    CHECK(a.vocab_size == 262208);
    CHECK(a.max_context == 131072);
    CHECK(a.qk_norm);
    CHECK(a.norms_per_layer == 4);
    CHECK(a.tied_embeddings);
    // sliding_window_pattern 6: layers 5, 11, 17, 23, 29 are global -> 5 full, 29 sliding
    CHECK(count_attention(a, LayerAttention::Full) == 5);
    CHECK(a.layer_attention[5] == LayerAttention::Full);
    CHECK(a.layer_attention[4] == LayerAttention::Sliding);
    CHECK(a.sliding_window == 1024);
    CHECK(p.model.modality == "vision");
    CHECK(a.extra_params > 3e8);  // SigLIP tower estimated from vision_config (~0.41B)
    CHECK(has_warning(p, "num_attention_heads missing"));
}

TEST_CASE("layer_types, when given, decides each layer") {
    // openai/gpt-oss-20b style: explicit layer_types beat the family rule
    std::string types;
    for (int i = 0; i < 4; ++i) types += std::string(i ? "," : "") + (i == 2 ? "\"full_attention\"" : "\"sliding_attention\"");
    ParsedConfig p = parse_hf_config(R"({"model_type": "gpt_oss", "hidden_size": 2880, "num_attention_heads": 64,
        "num_key_value_heads": 8, "head_dim": 64, "num_hidden_layers": 4, "intermediate_size": 2880,
        "num_local_experts": 32, "num_experts_per_tok": 4, "vocab_size": 201088, "sliding_window": 128,
        "max_position_embeddings": 131072, "tie_word_embeddings": false, "attention_bias": true,
        "quantization_config": {"quant_method": "mxfp4"}, "layer_types": [)" + types + "]}");
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    CHECK(a.layer_attention[0] == LayerAttention::Sliding);
    CHECK(a.layer_attention[2] == LayerAttention::Full);
    CHECK(count_attention(a, LayerAttention::Sliding) == 3);
    CHECK(a.sliding_window == 128);
    CHECK(p.model.default_format == "mxfp4");
    CHECK(a.is_moe());
    CHECK(a.moe_intermediate_size == 2880);  // gpt-oss: intermediate_size is the expert width
    CHECK(a.expert_bias);
    CHECK(a.qkv_bias);
    CHECK(a.o_bias);
}

TEST_CASE("hybrid linear-attention layers carry a per-sequence state instead of a KV cache") {
    // Qwen/Qwen3-Next-80B-A3B-Instruct config.json (linear-attention fields verbatim)
    ParsedConfig p = parse_hf_config(R"({"model_type": "qwen3_next", "hidden_size": 2048, "num_attention_heads": 16,
        "num_key_value_heads": 2, "head_dim": 256, "num_hidden_layers": 48, "intermediate_size": 5120,
        "linear_num_key_heads": 16, "linear_num_value_heads": 32, "linear_key_head_dim": 128,
        "linear_value_head_dim": 128, "linear_conv_kernel_dim": 4, "full_attention_interval": 4,
        "num_experts": 512, "num_experts_per_tok": 10, "moe_intermediate_size": 512,
        "shared_expert_intermediate_size": 512, "decoder_sparse_step": 1, "mlp_only_layers": [],
        "vocab_size": 151936, "tie_word_embeddings": false, "max_position_embeddings": 262144,
        "torch_dtype": "bfloat16"})");
    REQUIRE(p.ok);
    const Architecture& a = p.model.arch;
    // every 4th layer is full attention: 12 full, 36 linear
    CHECK(count_attention(a, LayerAttention::Full) == 12);
    CHECK(count_attention(a, LayerAttention::Linear) == 36);
    CHECK(a.layer_attention[3] == LayerAttention::Full);
    // Gated DeltaNet state per layer (vLLM MambaStateShapeCalculator.gated_delta_net_state_shape), bf16:
    // conv (2 x 16x128 + 32x128) x (4 - 1) = 24,576 values; recurrent 32 x 128 x 128 = 524,288 values;
    // (24,576 + 524,288) x 2 B = 1,097,728 B
    CHECK(a.linear_state_bytes_per_layer == 1097728);

    // ai21labs/Jamba-v0.1: attention on layer i % 8 == 4, Mamba elsewhere; experts on odd layers
    ParsedConfig j = parse_hf_config(R"({"model_type": "jamba", "hidden_size": 4096, "num_attention_heads": 32,
        "num_key_value_heads": 8, "num_hidden_layers": 32, "intermediate_size": 14336, "num_experts": 16,
        "num_experts_per_tok": 2, "expert_layer_period": 2, "expert_layer_offset": 1, "attn_layer_period": 8,
        "attn_layer_offset": 4, "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2, "mamba_dt_rank": 256,
        "vocab_size": 65536, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
        "max_position_embeddings": 262144})");
    REQUIRE(j.ok);
    CHECK(count_attention(j.model.arch, LayerAttention::Full) == 4);
    CHECK(j.model.arch.layer_attention[4] == LayerAttention::Full);
    CHECK(j.model.arch.is_moe_layer(1));
    CHECK_FALSE(j.model.arch.is_moe_layer(2));
    // Mamba-1 state: d_inner = 2 x 4096 = 8192; conv 8192 x 3 + ssm 8192 x 16 = 155,648 values x 2 B = 311,296 B
    CHECK(j.model.arch.linear_state_bytes_per_layer == 311296);
}

TEST_CASE("quantization_config names the checkpoint's weight format") {
    auto fmt = [](const std::string& q) {
        std::string cfg = R"({"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32,
                              "vocab_size": 32000, "quantization_config": )" + q + "}";
        ParsedConfig p = parse_hf_config(cfg);
        REQUIRE(p.ok);
        return p.model.default_format;
    };
    CHECK(fmt(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm"})") == "awq");
    CHECK(fmt(R"({"quant_method": "gptq", "bits": 4, "group_size": 128})") == "gptq-int4");
    CHECK(fmt(R"({"quant_method": "gptq", "bits": 8, "group_size": 128})") == "gptq-int8");
    CHECK(fmt(R"({"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]})") == "fp8");
    CHECK(fmt(R"({"quant_method": "mxfp4"})") == "mxfp4");
    CHECK(fmt(R"({"quant_method": "bitsandbytes", "load_in_8bit": true})") == "bnb-int8");
    CHECK(fmt(R"({"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "nf4"})") == "nf4");
    // RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8: int8 weights and activations
    CHECK(fmt(R"({"quant_method": "compressed-tensors", "format": "int-quantized", "config_groups": {"group_0":
                  {"weights": {"num_bits": 8, "type": "int"}, "input_activations": {"num_bits": 8, "type": "int"}}}})") == "int8");
    // w4a16: 4-bit weights only, GPTQ-packed
    CHECK(fmt(R"({"quant_method": "compressed-tensors", "format": "pack-quantized", "config_groups": {"group_0":
                  {"weights": {"num_bits": 4, "type": "int", "group_size": 128}}}})") == "gptq-int4");
    CHECK(fmt(R"({"quant_method": "compressed-tensors", "format": "float-quantized", "config_groups": {"group_0":
                  {"weights": {"num_bits": 8, "type": "float"}, "input_activations": {"num_bits": 8, "type": "float"}}}})") == "fp8");
    CHECK(fmt(R"({"quant_method": "something-new"})").empty());
}

TEST_CASE("MoE field names of every family land in the same fields") {
    // deepseek-ai/DeepSeek-V3 config.json
    ParsedConfig d = parse_hf_config(R"({"model_type": "deepseek_v3", "hidden_size": 7168, "intermediate_size": 18432,
        "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128,
        "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
        "moe_layer_freq": 1, "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128,
        "v_head_dim": 128, "vocab_size": 129280, "tie_word_embeddings": false, "num_nextn_predict_layers": 1,
        "max_position_embeddings": 163840, "torch_dtype": "bfloat16",
        "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8", "weight_block_size": [128, 128]}})");
    REQUIRE(d.ok);
    const Architecture& a = d.model.arch;
    CHECK(a.num_experts == 256);
    CHECK(a.experts_per_token == 8);
    CHECK(a.num_shared_experts == 1);
    CHECK(a.moe_intermediate_size == 2048);
    CHECK(a.first_dense_layers == 3);
    CHECK(a.is_mla());
    CHECK(a.q_lora_rank == 1536);
    CHECK(a.head_dim == 192);  // qk_nope 128 + qk_rope 64
    CHECK(a.value_head_dim() == 128);
    CHECK(d.model.default_format == "fp8");
    CHECK(has_warning(d, "multi-token-prediction"));

    // Qwen/Qwen1.5-MoE-A2.7B: num_experts, shared_expert_intermediate_size
    ParsedConfig q = parse_hf_config(R"({"model_type": "qwen2_moe", "hidden_size": 2048, "num_hidden_layers": 24,
        "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 5632, "vocab_size": 151936,
        "num_experts": 60, "num_experts_per_tok": 4, "moe_intermediate_size": 1408,
        "shared_expert_intermediate_size": 5632, "decoder_sparse_step": 1, "mlp_only_layers": [0, 5],
        "tie_word_embeddings": false, "max_position_embeddings": 8192})");
    REQUIRE(q.ok);
    CHECK(q.model.arch.shared_expert_intermediate_size == 5632);
    CHECK(q.model.arch.num_shared_experts == 0);
    CHECK_FALSE(q.model.arch.is_moe_layer(0));
    CHECK(q.model.arch.is_moe_layer(1));
    CHECK_FALSE(q.model.arch.is_moe_layer(5));

    // meta-llama/Llama-4-Maverick: text_config, interleave_moe_layer_step 2, intermediate_size_mlp for dense layers
    ParsedConfig l = parse_hf_config(R"({"model_type": "llama4", "architectures": ["Llama4ForConditionalGeneration"],
        "text_config": {"model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192,
        "intermediate_size_mlp": 16384, "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8,
        "head_dim": 128, "num_local_experts": 128, "num_experts_per_tok": 1, "interleave_moe_layer_step": 2,
        "vocab_size": 202048, "max_position_embeddings": 1048576, "attention_chunk_size": 8192},
        "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
    REQUIRE(l.ok);
    const Architecture& b = l.model.arch;
    CHECK(b.moe_intermediate_size == 8192);
    CHECK(b.intermediate_size == 16384);
    CHECK(b.num_shared_experts == 1);
    CHECK_FALSE(b.is_moe_layer(0));
    CHECK(b.is_moe_layer(1));
    // chunked local attention on RoPE layers, global NoPE attention on every 4th layer
    CHECK(b.layer_attention[3] == LayerAttention::Full);
    CHECK(b.layer_attention[0] == LayerAttention::Sliding);
    CHECK(b.sliding_window == 8192);
    CHECK(count_attention(b, LayerAttention::Full) == 12);
}

TEST_CASE("Qwen v1 names: kv_channels, and intermediate_size twice the MLP width") {
    // Qwen/Qwen-7B config.json
    ParsedConfig p = parse_hf_config(R"({"model_type": "qwen", "architectures": ["QWenLMHeadModel"], "hidden_size": 4096,
        "intermediate_size": 22016, "num_hidden_layers": 32, "num_attention_heads": 32, "kv_channels": 128,
        "vocab_size": 151936, "max_position_embeddings": 8192, "seq_length": 8192, "no_bias": true,
        "tie_word_embeddings": false})");
    REQUIRE(p.ok);
    CHECK(p.model.arch.intermediate_size == 11008);  // QWenMLP w1/w2 are 22016 / 2 wide
    CHECK(p.model.arch.head_dim == 128);
    CHECK(p.model.arch.fused_qkv);
    CHECK(p.model.arch.qkv_bias);  // c_attn keeps its bias even with no_bias
}

TEST_CASE("every config of the validation set parses") {
    const nlohmann::json all = test_data::load("configs.json");
    REQUIRE(all.is_object());
    REQUIRE(all.size() > 0);
    for (const auto& item : all.items()) {
        const std::string hf_id = item.key();  // a named copy: clang cannot capture a structured binding
        CAPTURE(hf_id);
        ParsedConfig p = parse_hf_config(item.value().dump());
        CHECK_MESSAGE(p.ok, p.error);
    }
}
