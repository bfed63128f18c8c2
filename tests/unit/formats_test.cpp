#include <doctest/doctest.h>

#include "core/gguf.h"
#include "core/formats.h"
#include "core/tensors.h"
#include "fixtures.h"

using namespace vramcalc;

namespace {

// Llama-3-8B-shaped (fixtures.h) with any number of layers.
Architecture llama_like(std::int64_t layers = 32) { return fixtures::llama31_8b(layers); }
using fixtures::pythia_2_8b;

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

TEST_CASE("i-quant and ternary block sizes match ggml-common.h") {
    // ggml/src/ggml-common.h block structs (QK_K = 256), bytes per block / weights per block:
    CHECK(ggml_tensor_bytes(GgmlType::IQ2_XXS, 256, 1) == 66);  // fp16 d + 32 x u16 qs: 66 B / 256 = 2.0625 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ2_XS, 256, 1) == 74);   // 66 + 8 scales: 74 B / 256 = 2.3125 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ2_S, 256, 1) == 82);    // fp16 d + 64 qs + 8 qh + 8 scales: 2.5625 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ3_XXS, 256, 1) == 98);  // fp16 d + 96 qs: 3.0625 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ3_S, 256, 1) == 110);   // fp16 d + 13 x 8 + 4 scales: 3.4375 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ1_S, 256, 1) == 50);    // fp16 d + 32 qs + 8 x u16 qh: 1.5625 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ1_M, 256, 1) == 56);    // 32 qs + 16 qh + 8 scales: 1.75 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ4_NL, 32, 1) == 18);    // fp16 d + 16 bytes of nibbles: 18 B / 32 = 4.5 bits
    CHECK(ggml_tensor_bytes(GgmlType::IQ4_XS, 256, 1) == 136);  // fp16 d + u16 + 4 + 128: 4.25 bits
    CHECK(ggml_tensor_bytes(GgmlType::TQ2_0, 256, 1) == 66);    // 64 bytes of 2-bit digits + fp16 d: 2.0625 bits
    // a 4096 x 4096 IQ2_XXS matrix: 16 blocks per row x 66 B x 4096 rows = 4,325,376 B
    CHECK(ggml_tensor_bytes(GgmlType::IQ2_XXS, 4096, 4096) == 4325376);
}

TEST_CASE("every llama.cpp i-quant, ternary and Q2_K_S file type is a weight format") {
    for (const char* id : {"gguf-iq1_s", "gguf-iq1_m", "gguf-iq2_xxs", "gguf-iq2_xs", "gguf-iq2_s", "gguf-iq2_m", "gguf-iq3_xxs",
                           "gguf-iq3_xs", "gguf-iq3_s", "gguf-iq3_m", "gguf-iq4_nl", "gguf-iq4_xs", "gguf-tq1_0", "gguf-tq2_0",
                           "gguf-q2_k_s"}) {
        CHECK_MESSAGE(find_weight_format(id).has_value(), id);
        CHECK_MESSAGE(gguf_ftype(id).has_value(), id);
    }
    CHECK(find_weight_format("IQ2_XXS")->id == "gguf-iq2_xxs");  // llama.cpp spelling
    // nominal bits from tools/quantize/quantize.cpp QUANT_OPTIONS
    CHECK(fmt("gguf-iq2_xxs").bits_per_weight == doctest::Approx(2.06));
    CHECK(fmt("gguf-iq1_s").bits_per_weight == doctest::Approx(1.56));
    CHECK(fmt("gguf-iq3_m").bits_per_weight == doctest::Approx(3.66));
}

TEST_CASE("the sub-3-bit i-quants bump attn_v, token_embd, output and early ffn_down as llama_tensor_get_type does") {
    Architecture a = llama_like(32);  // GQA 32/8 = 4
    const auto xxs = *gguf_ftype("gguf-iq2_xxs");
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnQ, 5, 4096, 4096), a) == GgmlType::IQ2_XXS);
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnV, 5, 1024, 4096), a) == GgmlType::Q4_K);  // n_gqa >= 4
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::MlpDown, 3, 4096, 14336), a) == GgmlType::Q2_K);   // 3 < 32/8
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::MlpDown, 4, 4096, 14336), a) == GgmlType::IQ2_XXS);
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::TokenEmbedding, -1, 128256, 4096), a) == GgmlType::Q2_K);
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::LmHead, -1, 128256, 4096), a) == GgmlType::Q5_K);
    // IQ2_M: base IQ2_S, IQ3_S for token_embd / attn_output / early ffn_down
    const auto m = *gguf_ftype("gguf-iq2_m");
    CHECK(gguf_tensor_type(m, matrix(TensorRole::MlpUp, 9, 14336, 4096), a) == GgmlType::IQ2_S);
    CHECK(gguf_tensor_type(m, matrix(TensorRole::AttnO, 9, 4096, 4096), a) == GgmlType::IQ3_S);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq2_s"), matrix(TensorRole::MlpUp, 9, 14336, 4096), a) == GgmlType::IQ2_XS);
    // IQ1_S: attn_output IQ2_XXS; without GQA attn_v drops to Q2_K
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq1_s"), matrix(TensorRole::AttnO, 9, 4096, 4096), a) == GgmlType::IQ2_XXS);
    Architecture mha = a;
    mha.num_kv_heads = 32;
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq1_m"), matrix(TensorRole::AttnV, 9, 4096, 4096), mha) == GgmlType::Q2_K);
    CHECK(gguf_tensor_type(m, matrix(TensorRole::AttnV, 9, 4096, 4096), mha) == GgmlType::IQ3_S);
    // 8 experts: attn_v Q4_K (n_expert >= 4), attn_k Q4_K, attn_output Q5_K; no Q8_0 bump in this branch
    Architecture moe = mha;
    moe.num_experts = 8;
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnV, 9, 4096, 4096), moe) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnK, 9, 4096, 4096), moe) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnO, 9, 4096, 4096), moe) == GgmlType::Q5_K);
    // a 2880-wide row is no multiple of 256: tensor_type_fallback -> IQ4_NL (2880 = 90 x 32)
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::IQ4_NL);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-tq2_0"), matrix(TensorRole::AttnQ, 1, 4096, 2880), a) == GgmlType::Q4_0);
}

TEST_CASE("IQ3_XS, IQ3_S, IQ3_M, IQ4_NL, TQ2_0 and Q2_K_S mix types as llama_tensor_get_type does") {
    Architecture a = llama_like(32);
    const auto xs = *gguf_ftype("gguf-iq3_xs");
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::AttnQ, 0, 4096, 4096), a) == GgmlType::IQ3_XXS);
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::AttnK, 0, 1024, 4096), a) == GgmlType::IQ3_XXS);
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::MlpGate, 3, 14336, 4096), a) == GgmlType::IQ3_S);     // 3 < 32/8
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::MlpGate, 4, 14336, 4096), a) == GgmlType::IQ3_XXS);
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::MlpUp, 28, 14336, 4096), a) == GgmlType::IQ3_S);      // 28 >= 7*32/8
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::AttnV, 0, 1024, 4096), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::LmHead, -1, 128256, 4096), a) == GgmlType::Q6_K);
    CHECK(gguf_tensor_type(xs, matrix(TensorRole::TokenEmbedding, -1, 128256, 4096), a) == GgmlType::IQ3_S);
    const auto im = *gguf_ftype("gguf-iq3_m");
    CHECK(gguf_tensor_type(im, matrix(TensorRole::AttnO, 9, 4096, 4096), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(im, matrix(TensorRole::MlpDown, 3, 4096, 14336), a) == GgmlType::Q4_K);
    CHECK(gguf_tensor_type(im, matrix(TensorRole::MlpDown, 4, 4096, 14336), a) == GgmlType::IQ3_S);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq3_s"), matrix(TensorRole::AttnO, 9, 4096, 4096), a) == GgmlType::IQ3_S);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq4_nl"), matrix(TensorRole::AttnV, 9, 1024, 4096), a) == GgmlType::Q5_K);
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-tq2_0"), matrix(TensorRole::TokenEmbedding, -1, 128256, 4096), a) == GgmlType::Q4_K);
    const auto q2s = *gguf_ftype("gguf-q2_k_s");
    CHECK(gguf_tensor_type(q2s, matrix(TensorRole::AttnO, 9, 4096, 4096), a) == GgmlType::Q2_K);
    CHECK(gguf_tensor_type(q2s, matrix(TensorRole::MlpDown, 3, 4096, 14336), a) == GgmlType::Q4_K);
    // a 70B (80 layers, GQA 8): attn_v Q4_K -> Q5_K for IQ3_S (LLM_TYPE_70B bump)
    CHECK(gguf_tensor_type(*gguf_ftype("gguf-iq3_s"), matrix(TensorRole::AttnV, 9, 1024, 8192), llama_like(80)) == GgmlType::Q5_K);
}

// Llama-3-8B shapes (llama_like): per layer q/o 4096x4096, k/v 1024x4096, gate/up 14336x4096,
// down 4096x14336; token_embd and output 128256x4096; F32 norms 32 x 2 x 4096 x 4 + 4096 x 4 = 1,064,960 B.
// Bytes of one matrix in a 256-block type: rows x (cols / 256) x block bytes, so per type
//   q/o: 65,536 blocks, k/v: 16,384, gate/up/down: 229,376 each, token_embd/output: 2,052,096.
TEST_CASE("whole Llama-3-8B files in each new type weigh what the mix adds up to") {
    const Architecture a = llama_like(32);
    // IQ2_XXS: q/k/o/gate/up IQ2_XXS = (65,536 x 2 + 16,384 + 229,376 x 2) x 66 B = 40,009,728 per layer;
    // attn_v Q4_K 16,384 x 144 = 2,359,296; ffn_down Q2_K (layers 0-3) 229,376 x 84 = 19,267,584 else
    // IQ2_XXS 15,138,816; token_embd Q2_K 172,376,064; output Q5_K 361,168,896.
    // 32 x 42,369,024 + 4 x 19,267,584 + 28 x 15,138,816 + 172,376,064 + 361,168,896 + norms = 2,391,375,872 B
    CHECK(model_weight_bytes(fmt("gguf-iq2_xxs"), a) == 2391375872ULL);
    // IQ2_XS: same mix at 74 B: 32 x (622,592 x 74 + 2,359,296) + 4 x 19,267,584 + 28 x 229,376 x 74 + ... = 2,597,945,344
    CHECK(model_weight_bytes(fmt("gguf-iq2_xs"), a) == 2597945344ULL);
    // IQ2_S: IQ2_XS (74 B) for q/k/gate/up, IQ3_S (110 B) for attn_output, token_embd and ffn_down 0-3
    CHECK(model_weight_bytes(fmt("gguf-iq2_s"), a) == 2750652416ULL);
    // IQ2_M: the same with IQ2_S (82 B) as the base
    CHECK(model_weight_bytes(fmt("gguf-iq2_m"), a) == 2940444672ULL);
    // IQ1_S: IQ1_S (50 B), attn_output IQ2_XXS (66 B), ffn_down 0-3 and token_embd Q2_K, output Q5_K
    CHECK(model_weight_bytes(fmt("gguf-iq1_s"), a) == 2011791360ULL);
    // IQ1_M: the same at 56 B
    CHECK(model_weight_bytes(fmt("gguf-iq1_m"), a) == 2154135552ULL);
    // IQ3_XS: IQ3_XXS (98 B) for q/k and gate/up of layers 4-27, IQ3_S (110 B) elsewhere, attn_v Q4_K, output Q6_K
    CHECK(model_weight_bytes(fmt("gguf-iq3_xs"), a) == 3510910976ULL);
    // IQ3_S: IQ3_S everywhere but attn_v Q4_K and output Q6_K
    CHECK(model_weight_bytes(fmt("gguf-iq3_s"), a) == 3674488832ULL);
    // IQ3_M: IQ3_S plus Q4_K attn_output, attn_v and ffn_down 0-3
    CHECK(model_weight_bytes(fmt("gguf-iq3_m"), a) == 3776987136ULL);
    // IQ4_NL: 18 B per 32 everywhere (token_embd too), attn_v Q5_K (176 B / 256), output Q6_K
    CHECK(model_weight_bytes(fmt("gguf-iq4_nl"), a) == 4670152704ULL);
    // TQ2_0: 66 B per 256 everywhere, token_embd Q4_K, output Q6_K
    CHECK(model_weight_bytes(fmt("gguf-tq2_0"), a) == 2526863360ULL);
    // Q2_K_S: Q2_K (84 B), attn_v Q4_K, ffn_down 0-3 Q4_K, output Q6_K: 2,980,978,688 B. llama.cpp's
    // tools/quantize/quantize.cpp QUANT_OPTIONS publishes "2.96G @ Llama-3-8B" (G = GiB: its Q4_K_M
    // "4.58G" is the 4.92 GB file): 2.96 x 2^30 = 3,178,275,799 B, and we land 6.2 % under it.
    const double q2ks = static_cast<double>(model_weight_bytes(fmt("gguf-q2_k_s"), a));
    CHECK(q2ks == doctest::Approx(2980978688.0));
    CHECK(q2ks == doctest::Approx(2.96 * 1073741824.0).epsilon(0.10));
}

TEST_CASE("the 1- and 2-bit i-quant files land within 10% of the published Llama-3-8B sizes") {
    // Mungert/Llama-3.2-3B-F1-Reasoning-Instruct-GGUF model card (hf-mirror.492719920.workers.dev), table
    // "Quantization Performance Comparison (Llama-3-8B)", column "Std Size" (stock llama.cpp quants):
    // IQ2_XXS 2.5G, IQ2_XS 2.7G, IQ2_S 2.7G, IQ1_M 2.2G, IQ1_S 2.1G. Read as GB (10^9 B), which the
    // rounding to 0.1 allows; ours are 2.39, 2.60, 2.75, 2.15 and 2.01 GB (-4 %, -4 %, +2 %, -2 %, -4 %).
    const Architecture a = llama_like(32);
    const auto gb = [&](const char* id) { return static_cast<double>(model_weight_bytes(fmt(id), a)) / 1e9; };
    CHECK(gb("gguf-iq2_xxs") == doctest::Approx(2.5).epsilon(0.10));
    CHECK(gb("gguf-iq2_xs") == doctest::Approx(2.7).epsilon(0.10));
    CHECK(gb("gguf-iq2_s") == doctest::Approx(2.7).epsilon(0.10));
    CHECK(gb("gguf-iq1_m") == doctest::Approx(2.2).epsilon(0.10));
    CHECK(gb("gguf-iq1_s") == doctest::Approx(2.1).epsilon(0.10));
}

TEST_CASE("with a shared expert the IQ2 ffn_down bump covers the first sixteenth of the layers") {
    // llama-quant.cpp: i_ffn_down counts ffn_down tensors (ffn_down_exps and ffn_down_shexp both)
    // against n_ffn_down = n_layer, so with two per layer only layers < 48/16 = 3 are bumped.
    Architecture a = llama_like(48);
    a.num_experts = 64;
    a.num_shared_experts = 1;
    const auto xxs = *gguf_ftype("gguf-iq2_xxs");
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::ExpertDown, 2, 2048, 1536, 64), a) == GgmlType::Q2_K);      // count 4 < 6
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::MlpDown, 2, 2048, 2816), a) == GgmlType::Q2_K);             // count 5 < 6
    CHECK(gguf_tensor_type(xxs, matrix(TensorRole::ExpertDown, 3, 2048, 1536, 64), a) == GgmlType::IQ2_XXS);   // count 6
}
