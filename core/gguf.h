// GGUF tensor types and the per-tensor type mix llama.cpp's quantizer picks for a file type.
// Follows ggml/src/ggml-common.h (block layouts), ggml/src/ggml.c (type_traits: block size and
// bytes per block) and src/llama-quant.cpp (llama_tensor_get_type / llama_tensor_get_type_impl,
// tensor_type_fallback). Everything here is shape arithmetic: no file is read.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "architecture.h"
#include "tensors.h"
#include "units.h"

namespace vramcalc {

// Every type of ggml's enum ggml_type (ggml/include/ggml.h), with ggml's own numeric ids, so a type
// id read from a GGUF file converts directly. Ids 4-5 (Q4_2, Q4_3), 31-33 (Q4_0_4_4, Q4_0_4_8,
// Q4_0_8_8) and 36-38 (IQ4_NL_4_4/4_8/8_8) were removed from ggml and from GGUF files.
enum class GgmlType : std::uint8_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39, NVFP4 = 40, Q1_0 = 41, Q2_0 = 42,
};
inline constexpr std::uint32_t kGgmlTypeCount = 43;  // GGML_TYPE_COUNT

struct GgmlTypeInfo {
    const char* name;    // as llama.cpp prints it ("q4_K"); nullptr for a removed id
    int block;           // weights per block (1 for float and integer types)
    int block_bytes;     // bytes per block
};

const GgmlTypeInfo& ggml_type_info(GgmlType t);
// The type with this ggml id, or nullopt for an id out of range or removed from ggml.
std::optional<GgmlType> ggml_type_from_id(std::uint32_t id);
// ggml type_traits is_quantized: the block types (Q*, IQ*, TQ*, MXFP4, NVFP4, Q8_K).
bool ggml_is_quantized(GgmlType t);

// ggml_row_size(type, ne0) x rows x count: bytes of a 2-D (or 3-D expert) tensor with ne0 = cols.
Bytes ggml_tensor_bytes(GgmlType t, std::int64_t cols, std::int64_t rows, std::int64_t count = 1);

// llama_ftype of a GGUF file, as the quantize tool names them.
enum class GgufFtype {
    F32, F16, BF16, Q8_0, Q6_K, Q5_K_M, Q5_K_S, Q5_0, Q5_1, Q4_K_M, Q4_K_S, Q4_0, Q4_1,
    Q3_K_L, Q3_K_M, Q3_K_S, Q2_K, IQ4_XS, IQ3_XXS, TQ1_0, MXFP4_MOE,
    // appended: the remaining i-quant, ternary and Q2_K_S file types of tools/quantize QUANT_OPTIONS
    IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M, IQ3_XS, IQ3_S, IQ3_M, IQ4_NL, TQ2_0, Q2_K_S,
};

// "gguf-q4_k_m" -> Q4_K_M; plain "fp16"/"bf16"/"fp32" map to the float files llama.cpp converts to.
std::optional<GgufFtype> gguf_ftype(std::string_view format_id);

// The type llama.cpp stores this tensor group in for a file of this type (llama_tensor_get_type),
// including the fallback when a row length is not a multiple of the block size. Norms, biases,
// the MoE router and position embeddings stay F32 (convert_hf_to_gguf.py writes them F32 and the
// quantizer leaves 1-D tensors and ffn_gate_inp alone).
GgmlType gguf_tensor_type(GgufFtype ftype, const TensorGroup& t, const Architecture& arch);

}  // namespace vramcalc
