#include <doctest/doctest.h>

#include "core/engines/gguf.h"
#include "core/formats.h"
#include "core/tensors.h"

using namespace vramcalc;

namespace {

Architecture llama_like(std::int64_t layers = 32) {
    Architecture a;
    a.model_type = "llama";
    a.hidden_size = 4096;
    a.num_layers = layers;
    a.num_heads = 32;
    a.num_kv_heads = 8;
    a.head_dim = 128;
    a.intermediate_size = 14336;
    a.vocab_size = 128256;
    a.layer_attention.assign(static_cast<std::size_t>(layers), LayerAttention::Full);
    return a;
}

// EleutherAI/pythia-2.8b as ggml-ci converts it: GPT-NeoX, fused QKV, LayerNorm, biases everywhere.
Architecture pythia_2_8b() {
    Architecture a;
    a.model_type = "gpt_neox";
    a.torch_dtype = "float16";
    a.hidden_size = 2560;
    a.num_layers = 32;
    a.num_heads = 32;
    a.num_kv_heads = 32;
    a.head_dim = 80;
    a.intermediate_size = 10240;
    a.vocab_size = 50304;
    a.mlp = MlpKind::Plain;
    a.norm = NormKind::LayerNorm;
    a.fused_qkv = true;
    a.qkv_bias = a.o_bias = a.mlp_bias = true;
    a.layer_attention.assign(32, LayerAttention::Full);
    return a;
}

WeightFormat fmt(const char* id) {
    auto f = find_weight_format(id);
    REQUIRE(f.has_value());
    return *f;
}

TensorGroup matrix(TensorRole role, std::int64_t layer, std::int64_t rows, std::int64_t cols, std::int64_t count = 1) {
    return TensorGroup{role, layer, rows, cols, count, false};
}

}  // namespace

TEST_CASE("GGUF block sizes match ggml's block structs") {
    CHECK(ggml_tensor_bytes(GgmlType::Q8_0, 32, 1) == 34);    // fp16 scale + 32 int8
    CHECK(ggml_tensor_bytes(GgmlType::Q4_0, 32, 1) == 18);    // fp16 scale + 16 bytes of nibbles
    CHECK(ggml_tensor_bytes(GgmlType::Q4_1, 32, 1) == 20);
    CHECK(ggml_tensor_bytes(GgmlType::Q5_0, 32, 1) == 22);
    CHECK(ggml_tensor_bytes(GgmlType::Q5_1, 32, 1) == 24);
    CHECK(ggml_tensor_bytes(GgmlType::Q2_K, 256, 1) == 84);
    CHECK(ggml_tensor_bytes(GgmlType::Q3_K, 256, 1) == 110);
    CHECK(ggml_tensor_bytes(GgmlType::Q4_K, 256, 1) == 144);
    CHECK(ggml_tensor_bytes(GgmlType::Q5_K, 256, 1) == 176);
    CHECK(ggml_tensor_bytes(GgmlType::Q6_K, 256, 1) == 210);
    CHECK(ggml_tensor_bytes(GgmlType::IQ4_XS, 256, 1) == 136);
    CHECK(ggml_tensor_bytes(GgmlType::TQ1_0, 256, 1) == 54);
    CHECK(ggml_tensor_bytes(GgmlType::MXFP4, 32, 1) == 17);   // e8m0 scale + 16 bytes of e2m1
    // a 4096 x 4096 Q4_K matrix: 16 super-blocks per row x 144 B x 4096 rows = 9,437,184 B
    CHECK(ggml_tensor_bytes(GgmlType::Q4_K, 4096, 4096) == 9437184);
}

TEST_CASE("KV formats carry llama.cpp's block overhead") {
    auto q8 = find_kv_format("q8_0");
    REQUIRE(q8);
    CHECK(q8->bits_per_value == doctest::Approx(8.5));  // 34 bytes per 32 values
    auto q4 = find_kv_format("Q4_0");
    REQUIRE(q4);
    CHECK(q4->bits_per_value == doctest::Approx(4.5));  // 18 bytes per 32 values
    CHECK(find_kv_format("q5_1")->bits_per_value == doctest::Approx(6.0));
    CHECK(find_kv_format("iq4_nl")->bits_per_value == doctest::Approx(4.5));
    CHECK_FALSE(find_kv_format("q3_k").has_value());
}

TEST_CASE("auto KV dtype follows the checkpoint, and llama.cpp defaults to f16") {
    Architecture a = llama_like();
    auto autokv = *find_kv_format("auto");
    CHECK(kv_bits(autokv, a, fmt("bf16")) == 16.0);
    a.torch_dtype = "float32";
    CHECK(kv_bits(autokv, a, fmt("fp32")) == 32.0);
    CHECK(kv_bits(autokv, a, fmt("gguf-q4_k_m")) == 16.0);
}

TEST_CASE("format ids are case-insensitive and parametric ids are parsed") {
    CHECK(fmt("GGUF-Q4_K_M").id == "gguf-q4_k_m");
    auto exl = find_weight_format("exl2-4.65");
    REQUIRE(exl);
    CHECK(exl->bits_per_weight == doctest::Approx(4.65));
    CHECK(find_weight_format("exl2-2.5")->bits_per_weight == doctest::Approx(2.5));
    CHECK_FALSE(find_weight_format("exl2-9").has_value());
    CHECK_FALSE(find_weight_format("exl2-1.5").has_value());
    auto g32 = find_weight_format("gptq-int4-g32");
    REQUIRE(g32);
    CHECK(g32->group_size == 32);
    CHECK(g32->bits_per_weight == doctest::Approx(4.0 + 20.0 / 32.0));  // 4-bit zero + fp16 scale per 32
    CHECK_FALSE(find_weight_format("gptq-int4-gx").has_value());
    CHECK_FALSE(find_weight_format("q4").has_value());
    for (const char* id : {"fp32", "bf16", "fp16", "fp8", "int8", "int4", "awq", "gptq-int4", "gptq-int8", "nf4", "bnb-int8",
                           "mxfp4", "gguf-f16", "gguf-q8_0", "gguf-q6_k", "gguf-q5_k_m", "gguf-q4_k_m", "gguf-q4_k_s",
                           "gguf-q3_k_m", "gguf-q2_k", "gguf-iq4_xs", "gguf-tq1_0", "gguf-mxfp4"})
        CHECK_MESSAGE(find_weight_format(id).has_value(), id);
}

TEST_CASE("AWQ packs int4 with an fp16 scale and a 4-bit zero per group of 128") {
    Architecture a = llama_like();
    // 4096 x 4096: qweight int32 [4096, 512] = 8,388,608 B; qzeros int32 [32, 512] = 65,536 B;
    // scales fp16 [32, 4096] = 262,144 B -> 8,716,288 B (4.156 bits per weight)
    CHECK(tensor_bytes(fmt("awq"), matrix(TensorRole::AttnQ, 0, 4096, 4096), a) == 8716288);
    // the embedding stays fp16: 128256 x 4096 x 2 B
    CHECK(tensor_bytes(fmt("awq"), matrix(TensorRole::TokenEmbedding, -1, 128256, 4096), a) == 1050673152ULL);
    // the MoE router stays 16-bit: 8 x 4096 x 2 B
    CHECK(tensor_bytes(fmt("awq"), matrix(TensorRole::Router, 0, 8, 4096), a) == 65536);
}

TEST_CASE("GPTQ adds a g_idx entry per input row") {
    Architecture a = llama_like();
    // 4096 x 4096 g128: qweight int32 [512, 4096] = 8,388,608; qzeros [32, 512] int32 = 65,536;
    // scales fp16 [32, 4096] = 262,144; g_idx int32 [4096] = 16,384 -> 8,732,672 B
    CHECK(tensor_bytes(fmt("gptq-int4"), matrix(TensorRole::MlpUp, 0, 4096, 4096), a) == 8732672);
    // g32: qzeros [128, 512] x 4 = 262,144; scales [128, 4096] x 2 = 1,048,576 -> 9,715,712 B
    CHECK(tensor_bytes(fmt("gptq-int4-g32"), matrix(TensorRole::MlpUp, 0, 4096, 4096), a) == 9715712);
    // int8: qweight [1024, 4096] int32 = 16,777,216; qzeros [32, 1024] int32 = 131,072; scales 262,144;
    // g_idx 16,384 -> 17,186,816 B
    CHECK(tensor_bytes(fmt("gptq-int8"), matrix(TensorRole::MlpUp, 0, 4096, 4096), a) == 17186816);
}

TEST_CASE("bitsandbytes and FP8 keep their scales beside the weights") {
    Architecture a = llama_like();
    // NF4: 16,777,216 weights / 2 = 8,388,608 B + 262,144 absmax x 4 B = 9,437,184 B
    CHECK(tensor_bytes(fmt("nf4"), matrix(TensorRole::AttnO, 0, 4096, 4096), a) == 9437184);
    // LLM.int8(): 16,777,216 B + 4096 row scales x 4 B = 16,793,600 B
    CHECK(tensor_bytes(fmt("bnb-int8"), matrix(TensorRole::AttnO, 0, 4096, 4096), a) == 16793600);
    // FP8 per-channel: 16,777,216 B + 4096 x 4 B = 16,793,600 B; lm_head stays 16-bit
    CHECK(tensor_bytes(fmt("fp8"), matrix(TensorRole::AttnO, 0, 4096, 4096), a) == 16793600);
    CHECK(tensor_bytes(fmt("fp8"), matrix(TensorRole::LmHead, -1, 128256, 4096), a) == 1050673152ULL);
    // DeepSeek-V3 FP8 uses 128 x 128 blocks: 7168 x 2048 -> 56 x 16 blocks x 4 B = 3,584 B of scales
    Architecture ds = llama_like();
    ds.model_type = "deepseek_v3";
    CHECK(tensor_bytes(fmt("fp8"), matrix(TensorRole::ExpertUp, 3, 2048, 7168), ds) == 2048ULL * 7168 + 3584);
}

TEST_CASE("MXFP4 quantizes only the experts of a MoE checkpoint") {
    Architecture a = llama_like();
    a.num_experts = 32;
    // 2880 x 2880 / 32 = 259,200 blocks x 17 B = 4,406,400 B per expert, x 32 experts = 141,004,800 B
    CHECK(tensor_bytes(fmt("mxfp4"), matrix(TensorRole::ExpertUp, 0, 2880, 2880, 32), a) == 141004800ULL);
    CHECK(tensor_bytes(fmt("mxfp4"), matrix(TensorRole::AttnQ, 0, 4096, 2880), a) == 4096ULL * 2880 * 2);
}

TEST_CASE("Q4_K_M gives attn_v and ffn_down Q6_K in the use_more_bits layers") {
    Architecture a = llama_like(32);
    const auto ft = *gguf_ftype("gguf-q4_k_m");
    // use_more_bits(i, 32): i < 4, i >= 28, or (i - 4) % 3 == 2
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::AttnV, 0, 1024, 4096), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::AttnV, 4, 1024, 4096), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::AttnV, 6, 1024, 4096), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::AttnV, 31, 1024, 4096), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::MlpDown, 9, 4096, 14336), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::MlpDown, 10, 4096, 14336), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::AttnQ, 0, 4096, 4096), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::LmHead, -1, 128256, 4096), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::TokenEmbedding, -1, 128256, 4096), a) == GgmlType::Q4_K);
    // norms and the router stay F32 in every GGUF
    CHECK(gguf_tensor_type(ft, TensorGroup{TensorRole::Norm, 0, 1, 4096, 2, false}, a) == GgmlType::F32);
    CHECK(gguf_tensor_type(ft, matrix(TensorRole::Router, 0, 8, 4096), a) == GgmlType::F32);
}

TEST_CASE("tied embeddings are quantized like output.weight") {
    Architecture a = llama_like(16);
    a.tied_embeddings = true;
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q4_k_m"), matrix(TensorRole::TokenEmbedding, -1, 128256, 2048), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q8_0"), matrix(TensorRole::TokenEmbedding, -1, 128256, 2048), a) == GgmlType::Q8_0);
}

TEST_CASE("rows not divisible by 256 fall back as llama-quant tensor_type_fallback does") {
    Architecture a = llama_like(24);
    a.hidden_size = 2880;  // gpt-oss: 2880 = 11.25 x 256
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q4_k_m"), matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::Q5_0);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q5_k_m"), matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::Q5_1);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q6_k"), matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::Q8_0);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q2_k"), matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::Q4_0);
    // output.weight: Q6_K would not fit a 2880-wide row, so Q8_0
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q4_k_m"), matrix(TensorRole::LmHead, -1, 201088, 2880), a) == GgmlType::Q8_0);
}

TEST_CASE("gpt-oss GGUFs keep MXFP4 experts and MXFP4_MOE puts the rest in Q8_0") {
    Architecture a = llama_like(24);
    a.model_type = "gpt_oss";
    a.num_experts = 32;
    const TensorGroup experts = matrix(TensorRole::ExpertUp, 0, 2880, 2880, 32);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-f16"), experts, a) == GgmlType::MXFP4);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-q4_k_m"), experts, a) == GgmlType::MXFP4);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-f16"), matrix(TensorRole::AttnQ, 0, 4096, 2880), a) == GgmlType::F16);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-mxfp4"), matrix(TensorRole::AttnQ, 0, 4096, 2880), a) == GgmlType::Q8_0);
    // 32 x 2880 x 2880 weights / 32 x 17 B = 141,004,800 B
    CHECK(ggml_tensor_bytes(GgmlType::MXFP4, 2880, 2880, 32) == 141004800ULL);
}

TEST_CASE("pythia-2.8b Q4_K_M weighs what llama.cpp loaded in ggml-ci") {
    // ggml-ci b4343 log: CUDA0 model buffer 1632.95 MiB + CPU_Mapped (token_embd) 69.08 MiB.
    // token_embd Q4_K: 50304 x 2560 / 256 x 144 = 72,437,760 B; output Q6_K: 105,638,400 B;
    // per layer: attn_qkv Q5_K 13,516,800 + attn_output Q4_K 3,686,400 + ffn_up Q4_K 14,745,600
    //   + ffn_down (Q6_K 21,504,000 in 16 use_more_bits layers, else Q4_K 14,745,600) + 133,120 B of F32;
    // 32 x 32,081,920 + 16 x 21,504,000 + 16 x 14,745,600 + 105,638,400 + 20,480 (output_norm) + 72,437,760
    //   = 1,784,711,680 B
    CHECK(model_weight_bytes(fmt("gguf-q4_k_m"), pythia_2_8b()) == 1784711680ULL);
    // F16: 2-D tensors 2 B, the rest F32: 5,295,001,600 B on the GPU + 257,556,480 B token_embd
    CHECK(model_weight_bytes(fmt("gguf-f16"), pythia_2_8b()) == 5552558080ULL);
}

TEST_CASE("weight formats answer to the spellings engines and hubs use") {
    // compressed-tensors schemes, HF dtypes and llama.cpp type names map onto the catalog's ids
    CHECK(find_weight_format("w8a8")->id == "int8");
    CHECK(find_weight_format("W4A16")->id == "gptq-int4");
    CHECK(find_weight_format("bfloat16")->id == "bf16");
    CHECK(find_weight_format("Q4_K_M")->id == "gguf-q4_k_m");
    CHECK(find_weight_format("gguf-q5_k")->id == "gguf-q5_k_m");  // llama.cpp: Q5_K is an alias of Q5_K_M
    CHECK_FALSE(find_weight_format("q9_9").has_value());
}
