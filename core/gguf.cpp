// GGUF type sizes and llama.cpp's quantization type mixes (see gguf.h for the sources followed).
#include "gguf.h"
#include "checked.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace vramcalc {

namespace {

// ggml/src/ggml.c type_traits[]: blck_size and type_size (sizeof the block structs that
// ggml/src/ggml-common.h static_asserts, e.g. block_q8_0 = fp16 d + 32 int8 = 34 bytes), indexed
// by ggml's type id; NVFP4, Q1_0 and Q2_0 as in ggml-common.h at llama.cpp 37b53fd.
constexpr std::array<GgmlTypeInfo, kGgmlTypeCount> kTypes = {{
    {"f32", 1, 4},          // 0
    {"f16", 1, 2},          // 1
    {"q4_0", 32, 18},       // 2: fp16 d + 16 bytes of nibbles
    {"q4_1", 32, 20},       // 3: fp16 d, m + 16 bytes
    {nullptr, 0, 0},        // 4: Q4_2, removed
    {nullptr, 0, 0},        // 5: Q4_3, removed
    {"q5_0", 32, 22},       // 6: fp16 d + 4 bytes high bits + 16 bytes
    {"q5_1", 32, 24},       // 7: fp16 d, m + 4 + 16
    {"q8_0", 32, 34},       // 8: fp16 d + 32 int8
    {"q8_1", 32, 36},       // 9: fp16 d, s + 32 int8
    {"q2_K", 256, 84},      // 10: 16 scale bytes + 64 quant bytes + fp16 d, dmin
    {"q3_K", 256, 110},     // 11: 32 hmask + 64 qs + 12 scales + fp16 d
    {"q4_K", 256, 144},     // 12: fp16 d, dmin + 12 scales + 128 qs
    {"q5_K", 256, 176},     // 13: fp16 d, dmin + 12 scales + 32 qh + 128 qs
    {"q6_K", 256, 210},     // 14: 128 ql + 64 qh + 16 scales + fp16 d
    {"q8_K", 256, 292},     // 15: float d + 256 int8 + 16 int16 bsums
    {"iq2_xxs", 256, 66},   // 16: fp16 d + 32 u16 qs
    {"iq2_xs", 256, 74},    // 17: fp16 d + 32 u16 qs + 8 scales
    {"iq3_xxs", 256, 98},   // 18: fp16 d + 96 qs
    {"iq1_s", 256, 50},     // 19: fp16 d + 32 qs + 8 u16 qh
    {"iq4_nl", 32, 18},     // 20: fp16 d + 16 bytes of nibbles (non-linear grid)
    {"iq3_s", 256, 110},    // 21: fp16 d + 64 qs + 8 qh + 32 signs + 4 scales
    {"iq2_s", 256, 82},     // 22: fp16 d + 64 qs + 8 qh + 8 scales
    {"iq4_xs", 256, 136},   // 23: fp16 d + u16 scales_h + 4 scales_l + 128 qs
    {"i8", 1, 1},           // 24
    {"i16", 1, 2},          // 25
    {"i32", 1, 4},          // 26
    {"i64", 1, 8},          // 27
    {"f64", 1, 8},          // 28
    {"iq1_m", 256, 56},     // 29: 32 qs + 16 qh + 8 scales (the fp16 scale lives inside the scales)
    {"bf16", 1, 2},         // 30
    {nullptr, 0, 0},        // 31: Q4_0_4_4, removed
    {nullptr, 0, 0},        // 32: Q4_0_4_8, removed
    {nullptr, 0, 0},        // 33: Q4_0_8_8, removed
    {"tq1_0", 256, 54},     // 34: 48 + 4 bytes of base-3 digits + fp16 d
    {"tq2_0", 256, 66},     // 35: 64 bytes of 2-bit digits + fp16 d
    {nullptr, 0, 0},        // 36: IQ4_NL_4_4, removed
    {nullptr, 0, 0},        // 37: IQ4_NL_4_8, removed
    {nullptr, 0, 0},        // 38: IQ4_NL_8_8, removed
    {"mxfp4", 32, 17},      // 39: e8m0 scale + 16 bytes of e2m1 nibbles
    {"nvfp4", 64, 36},      // 40: 4 ue4m3 scales (one per 16) + 32 bytes of e2m1 nibbles
    {"q1_0", 128, 18},      // 41: fp16 d + 16 bytes of sign bits
    {"q2_0", 64, 18},       // 42: fp16 d + 16 bytes of 2-bit values
}};

enum class Cat { TokenEmbd, Output, AttnQ, AttnK, AttnV, AttnQkv, AttnOut, FfnUp, FfnGate, FfnDown, Other };

Cat category(TensorRole r) {
    switch (r) {
        case TensorRole::TokenEmbedding: return Cat::TokenEmbd;
        case TensorRole::LmHead: return Cat::Output;
        case TensorRole::AttnQ: return Cat::AttnQ;
        case TensorRole::AttnK: return Cat::AttnK;
        case TensorRole::AttnV: return Cat::AttnV;
        case TensorRole::AttnQkv: return Cat::AttnQkv;
        case TensorRole::AttnO: return Cat::AttnOut;
        case TensorRole::MlpGate: case TensorRole::ExpertGate: return Cat::FfnGate;
        case TensorRole::MlpUp: case TensorRole::ExpertUp: return Cat::FfnUp;
        case TensorRole::MlpDown: case TensorRole::ExpertDown: return Cat::FfnDown;
        default: return Cat::Other;  // MLA projections (attn_q_a/q_b/kv_a_mqa/k_b/v_b) keep the base type
    }
}

GgmlType default_type(GgufFtype f) {
    // llama-quant.cpp llama_ftype_get_default_type
    switch (f) {
        case GgufFtype::F32: return GgmlType::F32;
        case GgufFtype::F16: return GgmlType::F16;
        case GgufFtype::BF16: return GgmlType::BF16;
        case GgufFtype::Q8_0: return GgmlType::Q8_0;
        case GgufFtype::Q6_K: return GgmlType::Q6_K;
        case GgufFtype::Q5_K_M: case GgufFtype::Q5_K_S: return GgmlType::Q5_K;
        case GgufFtype::Q5_0: return GgmlType::Q5_0;
        case GgufFtype::Q5_1: return GgmlType::Q5_1;
        case GgufFtype::Q4_K_M: case GgufFtype::Q4_K_S: return GgmlType::Q4_K;
        case GgufFtype::Q4_0: return GgmlType::Q4_0;
        case GgufFtype::Q4_1: return GgmlType::Q4_1;
        case GgufFtype::Q3_K_L: case GgufFtype::Q3_K_M: case GgufFtype::Q3_K_S: return GgmlType::Q3_K;
        case GgufFtype::Q2_K: return GgmlType::Q2_K;
        case GgufFtype::IQ4_XS: return GgmlType::IQ4_XS;
        case GgufFtype::IQ3_XXS: return GgmlType::IQ3_XXS;
        case GgufFtype::TQ1_0: return GgmlType::TQ1_0;
        case GgufFtype::MXFP4_MOE: return GgmlType::MXFP4;
        case GgufFtype::IQ1_S: return GgmlType::IQ1_S;
        case GgufFtype::IQ1_M: return GgmlType::IQ1_M;
        case GgufFtype::IQ2_XXS: return GgmlType::IQ2_XXS;
        case GgufFtype::IQ2_XS: case GgufFtype::IQ2_S: return GgmlType::IQ2_XS;  // IQ2_S files: mostly IQ2_XS
        case GgufFtype::IQ2_M: return GgmlType::IQ2_S;
        case GgufFtype::IQ3_XS: case GgufFtype::IQ3_S: case GgufFtype::IQ3_M: return GgmlType::IQ3_S;
        case GgufFtype::IQ4_NL: return GgmlType::IQ4_NL;
        case GgufFtype::TQ2_0: return GgmlType::TQ2_0;
        case GgufFtype::Q2_K_S: return GgmlType::Q2_K;
    }
    return GgmlType::F16;
}

// llama-quant.cpp use_more_bits: first and last eighth of the layers and every third in between.
bool use_more_bits(std::int64_t i, std::int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

// llama-quant.cpp tensor_type_fallback: the row length (ne[0]) must be a multiple of the block.
GgmlType fallback(GgmlType t, std::int64_t cols) {
    if (cols % ggml_type_info(t).block == 0) return t;
    GgmlType r;
    switch (t) {
        case GgmlType::IQ1_S: case GgmlType::IQ1_M: case GgmlType::IQ2_XXS: case GgmlType::IQ2_XS:
        case GgmlType::IQ2_S: case GgmlType::IQ3_XXS: case GgmlType::IQ3_S: case GgmlType::IQ4_XS: r = GgmlType::IQ4_NL; break;
        case GgmlType::Q2_K: case GgmlType::Q3_K: case GgmlType::TQ1_0: case GgmlType::TQ2_0: r = GgmlType::Q4_0; break;
        case GgmlType::Q4_K: r = GgmlType::Q5_0; break;
        case GgmlType::Q5_K: r = GgmlType::Q5_1; break;
        case GgmlType::Q6_K: r = GgmlType::Q8_0; break;
        default: r = GgmlType::F16; break;
    }
    if (cols % ggml_type_info(r).block != 0) r = GgmlType::F16;  // "must use F16 due to unusual shape"
    return r;
}

// Attention layers in order: the quantizer's i_attention_wv counts attn_v tensors as it meets them.
std::int64_t attention_index(const Architecture& a, std::int64_t layer, std::int64_t& n_attention) {
    n_attention = 0;
    std::int64_t index = 0;
    for (std::int64_t l = 0; l < a.num_layers; ++l) {
        const bool linear = static_cast<std::size_t>(l) < a.layer_attention.size() &&
                            a.layer_attention[static_cast<std::size_t>(l)] == LayerAttention::Linear;
        if (linear) continue;
        if (l < layer) ++index;
        ++n_attention;
    }
    return index;
}

bool is_quantizable(TensorRole r) {
    switch (r) {
        case TensorRole::Norm: case TensorRole::FinalNorm: case TensorRole::Bias:
        case TensorRole::Router: case TensorRole::PositionEmbedding: case TensorRole::Extra:
            return false;
        default:
            return true;
    }
}

}  // namespace

const GgmlTypeInfo& ggml_type_info(GgmlType t) { return kTypes[static_cast<std::size_t>(t)]; }

std::optional<GgmlType> ggml_type_from_id(std::uint32_t id) {
    if (id >= kGgmlTypeCount || kTypes[id].name == nullptr) return std::nullopt;
    return static_cast<GgmlType>(id);
}

bool ggml_is_quantized(GgmlType t) { return ggml_type_info(t).block > 1; }

Bytes ggml_tensor_bytes(GgmlType t, std::int64_t cols, std::int64_t rows, std::int64_t count) {
    const GgmlTypeInfo& info = ggml_type_info(t);
    // ggml_row_size = type_size * ne0 / blck_size (ne0 a multiple of the block, fallback() ensures it)
    const std::uint64_t blocks = static_cast<std::uint64_t>((std::max<std::int64_t>(cols, 0) + info.block - 1) / info.block);
    const CheckedU64 row = CheckedU64(blocks) * static_cast<std::uint64_t>(info.block_bytes);
    return (row * static_cast<std::uint64_t>(std::max<std::int64_t>(rows, 0)) * static_cast<std::uint64_t>(std::max<std::int64_t>(count, 0))).value;
}

std::optional<GgufFtype> gguf_ftype(std::string_view id_in) {
    std::string id(id_in);
    for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (id == "fp32" || id == "gguf-f32") return GgufFtype::F32;
    if (id == "fp16" || id == "gguf-f16") return GgufFtype::F16;
    if (id == "bf16" || id == "gguf-bf16") return GgufFtype::BF16;
    if (id.rfind("gguf-", 0) != 0) return std::nullopt;
    const std::string q = id.substr(5);
    if (q == "q8_0") return GgufFtype::Q8_0;
    if (q == "q6_k") return GgufFtype::Q6_K;
    if (q == "q5_k_m" || q == "q5_k") return GgufFtype::Q5_K_M;
    if (q == "q5_k_s") return GgufFtype::Q5_K_S;
    if (q == "q5_0") return GgufFtype::Q5_0;
    if (q == "q5_1") return GgufFtype::Q5_1;
    if (q == "q4_k_m" || q == "q4_k") return GgufFtype::Q4_K_M;
    if (q == "q4_k_s") return GgufFtype::Q4_K_S;
    if (q == "q4_0") return GgufFtype::Q4_0;
    if (q == "q4_1") return GgufFtype::Q4_1;
    if (q == "q3_k_l") return GgufFtype::Q3_K_L;
    if (q == "q3_k_m" || q == "q3_k") return GgufFtype::Q3_K_M;
    if (q == "q3_k_s") return GgufFtype::Q3_K_S;
    if (q == "q2_k") return GgufFtype::Q2_K;
    if (q == "iq4_xs") return GgufFtype::IQ4_XS;
    if (q == "iq3_xxs") return GgufFtype::IQ3_XXS;
    if (q == "tq1_0") return GgufFtype::TQ1_0;
    if (q == "iq1_s") return GgufFtype::IQ1_S;
    if (q == "iq1_m") return GgufFtype::IQ1_M;
    if (q == "iq2_xxs") return GgufFtype::IQ2_XXS;
    if (q == "iq2_xs") return GgufFtype::IQ2_XS;
    if (q == "iq2_s") return GgufFtype::IQ2_S;
    if (q == "iq2_m") return GgufFtype::IQ2_M;
    if (q == "iq3_xs") return GgufFtype::IQ3_XS;
    if (q == "iq3_s") return GgufFtype::IQ3_S;
    if (q == "iq3_m") return GgufFtype::IQ3_M;
    if (q == "iq4_nl") return GgufFtype::IQ4_NL;
    if (q == "tq2_0") return GgufFtype::TQ2_0;
    if (q == "q2_k_s") return GgufFtype::Q2_K_S;
    if (q == "mxfp4" || q == "mxfp4_moe") return GgufFtype::MXFP4_MOE;
    return std::nullopt;
}

GgmlType gguf_tensor_type(GgufFtype ft, const TensorGroup& t, const Architecture& a) {
    // convert_hf_to_gguf.py writes 1-D tensors, norms, ffn_gate_inp and position embeddings F32, and
    // tensor_allows_quantization keeps them; a vision tower lives in a separate f16 mmproj file.
    if (t.role == TensorRole::Extra) return GgmlType::F16;
    if (!is_quantizable(t.role) || !t.is_matrix()) return GgmlType::F32;

    const bool expert = t.role == TensorRole::ExpertGate || t.role == TensorRole::ExpertUp || t.role == TensorRole::ExpertDown;
    // gpt-oss checkpoints ship their experts in MXFP4 and the published GGUFs of every type keep them
    // so (unsloth's "F16" gpt-oss-20b: 12.83 GiB = MXFP4 experts + F16 rest, measured model buffers).
    if (expert && a.model_type == "gpt_oss" && ft != GgufFtype::F32) return GgmlType::MXFP4;

    const GgmlType base = default_type(ft);
    if (!ggml_is_quantized(base)) return base;  // F32/F16/BF16 files: every 2-D weight in that type

    const Cat cat = category(t.role);
    const std::int64_t cols = t.cols;             // ggml ne[0] = input features
    const std::int64_t n_layer = a.num_layers;
    const std::int64_t n_expert = a.num_experts;
    const std::int64_t gqa = a.num_kv_heads > 0 ? a.num_heads / a.num_kv_heads : 1;
    const bool falcon = a.model_type == "falcon";
    // LLM_TYPE_70B: llama/qwen2 with 80 layers and grouped KV heads (llama-model.cpp load_hparams)
    const bool type_70b = n_layer == 80 && gqa > 1 &&
                          (a.model_type == "llama" || a.model_type == "qwen2" || a.model_type == "mistral");
    const bool tied_embd = a.tied_embeddings && cat == Cat::TokenEmbd;
    // the sub-3-bit i-quant files llama_tensor_get_type_impl treats as one group
    const bool iq2_s_m = ft == GgufFtype::IQ2_S || ft == GgufFtype::IQ2_M;
    const bool iq1 = ft == GgufFtype::IQ1_S || ft == GgufFtype::IQ1_M;
    const bool iq_low = iq1 || iq2_s_m || ft == GgufFtype::IQ2_XXS || ft == GgufFtype::IQ2_XS;
    GgmlType nt = base;

    if (cat == Cat::Output || tied_embd) {
        // output.weight (or the tied token_embd that doubles as it)
        if (ft == GgufFtype::MXFP4_MOE) nt = GgmlType::Q8_0;
        else if (falcon || cols % ggml_type_info(base).block != 0) nt = GgmlType::Q8_0;
        else if (ft == GgufFtype::IQ3_XXS || iq_low) nt = GgmlType::Q5_K;
        else if (nt != GgmlType::Q8_0) nt = GgmlType::Q6_K;
    } else if (ft == GgufFtype::MXFP4_MOE) {
        // MoE tensors (3-D) -> MXFP4, every other tensor -> Q8_0
        nt = (expert && t.count > 1) ? GgmlType::MXFP4 : GgmlType::Q8_0;
    } else if (cat == Cat::TokenEmbd) {
        if (ft == GgufFtype::IQ2_XXS || ft == GgufFtype::IQ2_XS || iq1) nt = GgmlType::Q2_K;
        else if (iq2_s_m || ft == GgufFtype::IQ3_XXS) nt = GgmlType::IQ3_S;
        else if (ft == GgufFtype::TQ1_0 || ft == GgufFtype::TQ2_0) nt = GgmlType::Q4_K;
    } else if (iq_low) {
        // IQ1_S/IQ1_M/IQ2_XXS/IQ2_XS/IQ2_S/IQ2_M: one branch of their own, so the attn_v 70B and
        // 8-expert bumps below do not apply. attn_q, ffn_gate, ffn_up and fused QKV keep the base.
        if (cat == Cat::AttnV) {
            nt = (gqa >= 4 || n_expert >= 4) ? GgmlType::Q4_K : iq2_s_m ? GgmlType::IQ3_S : GgmlType::Q2_K;
        } else if (cat == Cat::AttnK && n_expert == 8) {
            nt = GgmlType::Q4_K;
        } else if (cat == Cat::FfnDown) {
            // qs.i_ffn_down < qs.n_ffn_down / 8: a running count of ffn_down tensors against n_layer.
            // With a shared expert every MoE layer holds two (ffn_down_exps, ffn_down_shexp), so the
            // first eighth of the count covers only the first sixteenth of the layers.
            const bool two = n_expert > 1 && (a.num_shared_experts > 0 || a.shared_expert_intermediate_size > 0);
            const std::int64_t i = two ? 2 * t.layer + (expert ? 0 : 1) : t.layer;
            if (i < n_layer / 8) nt = iq2_s_m ? GgmlType::IQ3_S : GgmlType::Q2_K;
        } else if (cat == Cat::AttnOut) {
            if (n_expert == 8) nt = GgmlType::Q5_K;
            else if (iq1) nt = GgmlType::IQ2_XXS;
            else if (iq2_s_m) nt = GgmlType::IQ3_S;
        }
    } else if (cat == Cat::AttnV) {
        std::int64_t n_wv = t.attention_layers;
        const std::int64_t i_wv = t.attention_index >= 0 ? t.attention_index : attention_index(a, t.layer, n_wv);
        if (ft == GgufFtype::Q2_K) nt = gqa >= 4 ? GgmlType::Q4_K : GgmlType::Q3_K;
        else if (ft == GgufFtype::Q2_K_S && gqa >= 4) nt = GgmlType::Q4_K;
        else if (ft == GgufFtype::IQ3_XXS) nt = gqa >= 4 ? GgmlType::Q4_K : GgmlType::IQ3_XXS;  // imatrix present
        else if ((ft == GgufFtype::IQ3_XS || ft == GgufFtype::IQ3_S) && gqa >= 4) nt = GgmlType::Q4_K;
        else if (ft == GgufFtype::IQ3_M) nt = GgmlType::Q4_K;
        else if (ft == GgufFtype::Q3_K_M) nt = i_wv < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
        else if (ft == GgufFtype::Q3_K_L) nt = GgmlType::Q5_K;
        else if ((ft == GgufFtype::IQ4_XS || ft == GgufFtype::IQ4_NL) && gqa >= 4) nt = GgmlType::Q5_K;
        else if ((ft == GgufFtype::Q4_K_M || ft == GgufFtype::Q5_K_M) && use_more_bits(i_wv, n_wv)) nt = GgmlType::Q6_K;
        else if (ft == GgufFtype::Q4_K_S && i_wv < 4) nt = GgmlType::Q5_K;
        if (type_70b && (nt == GgmlType::Q3_K || nt == GgmlType::Q4_K)) nt = GgmlType::Q5_K;
        if (n_expert == 8) nt = GgmlType::Q8_0;
    } else if (cat == Cat::AttnK) {
        if (n_expert == 8) nt = GgmlType::Q8_0;
        else if (ft == GgufFtype::IQ3_XS) nt = GgmlType::IQ3_XXS;
        else if (ft == GgufFtype::IQ3_XXS) nt = GgmlType::IQ2_S;
    } else if (cat == Cat::AttnQ) {
        if (ft == GgufFtype::IQ3_XS) nt = GgmlType::IQ3_XXS;
        else if (ft == GgufFtype::IQ3_XXS) nt = GgmlType::IQ2_S;
    } else if (cat == Cat::FfnDown) {
        const std::int64_t i = t.layer;  // layer from the tensor name (n_expert > 1) or the running count
        if (ft == GgufFtype::Q2_K) nt = GgmlType::Q3_K;
        else if (ft == GgufFtype::Q2_K_S) { if (i < n_layer / 8) nt = GgmlType::Q4_K; }
        else if (ft == GgufFtype::Q3_K_M)
            nt = i < n_layer / 16 ? GgmlType::Q5_K : (!falcon || use_more_bits(i, n_layer)) ? GgmlType::Q4_K : GgmlType::Q3_K;
        else if (ft == GgufFtype::IQ3_M && (i < n_layer / 8 || (n_expert == 8 && use_more_bits(i, n_layer))))
            nt = GgmlType::Q4_K;
        else if (ft == GgufFtype::Q3_K_L) nt = falcon ? GgmlType::Q4_K : GgmlType::Q5_K;
        else if (ft == GgufFtype::Q4_K_M) {
            if (falcon) nt = i < n_layer / 16 ? GgmlType::Q6_K : use_more_bits(i, n_layer) ? GgmlType::Q5_K : GgmlType::Q4_K;
            else if (use_more_bits(i, n_layer)) nt = GgmlType::Q6_K;
        } else if (ft == GgufFtype::Q5_K_M && use_more_bits(i, n_layer)) nt = GgmlType::Q6_K;
        else if (ft == GgufFtype::Q4_K_S && !falcon && i < n_layer / 8) nt = GgmlType::Q5_K;
    } else if (cat == Cat::AttnOut) {
        if (!falcon) {
            if (n_expert == 8) {
                if (ft == GgufFtype::Q2_K || ft == GgufFtype::IQ3_XS || ft == GgufFtype::IQ3_XXS || ft == GgufFtype::Q3_K_S ||
                    ft == GgufFtype::Q3_K_M || ft == GgufFtype::IQ4_NL || ft == GgufFtype::Q4_K_S || ft == GgufFtype::Q4_K_M ||
                    ft == GgufFtype::IQ3_S || ft == GgufFtype::IQ3_M || ft == GgufFtype::IQ4_XS)
                    nt = GgmlType::Q5_K;
            } else {
                if (ft == GgufFtype::Q2_K) nt = GgmlType::Q3_K;
                else if (ft == GgufFtype::IQ3_XXS) nt = GgmlType::IQ3_S;
                else if (ft == GgufFtype::Q3_K_M) nt = GgmlType::Q4_K;
                else if (ft == GgufFtype::Q3_K_L) nt = GgmlType::Q5_K;
                else if (ft == GgufFtype::IQ3_M) nt = GgmlType::Q4_K;
            }
        } else if (ft == GgufFtype::Q3_K_L) {
            nt = GgmlType::Q4_K;
        }
    } else if (cat == Cat::AttnQkv) {
        // Fused QKV (GPT-NeoX, Phi-3, Falcon) as the quantizer of b4343 and the GGUFs on the Hub
        // treat it; it reproduces the ggml-ci pythia-2.8b Q4_K_M/Q5_K_M/Q3_K_M buffers to the byte.
        if (ft == GgufFtype::Q3_K_M || ft == GgufFtype::Q3_K_L || ft == GgufFtype::IQ3_M) nt = GgmlType::Q4_K;
        else if (ft == GgufFtype::Q4_K_M) nt = GgmlType::Q5_K;
        else if (ft == GgufFtype::Q5_K_M) nt = GgmlType::Q6_K;
    } else if ((cat == Cat::FfnGate || cat == Cat::FfnUp) && ft == GgufFtype::IQ3_XS) {
        // IQ3_XS: ffn_gate/ffn_up of the middle layers (n/8 <= i < 7n/8) drop to IQ3_XXS
        if (t.layer >= n_layer / 8 && t.layer < 7 * n_layer / 8) nt = GgmlType::IQ3_XXS;
    }
    return fallback(nt, cols);
}

}  // namespace vramcalc
