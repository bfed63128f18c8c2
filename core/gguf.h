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

enum class GgmlType {
    F32, F16, BF16,
    Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
    Q2_K, Q3_K, Q4_K, Q5_K, Q6_K,
    IQ2_S, IQ3_XXS, IQ3_S, IQ4_NL, IQ4_XS,
    TQ1_0, TQ2_0, MXFP4,
    IQ2_XXS, IQ2_XS, IQ1_S, IQ1_M,  // appended: the i-quants below 3 bits
};

struct GgmlTypeInfo {
    const char* name;    // as llama.cpp prints it ("q4_K")
    int block;           // weights per block (1 for float types)
    int block_bytes;     // bytes per block
};

const GgmlTypeInfo& ggml_type_info(GgmlType t);
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
