// What a weight or KV-cache format is, and what a tensor costs in it: plain structs and pure
// functions over them, so the engine profiles (core/engines/) can size tensors without the format
// catalog (formats.h, which parses core/data/formats.json).
#pragma once
#include <string>
#include <vector>

#include "architecture.h"
#include "tensors.h"
#include "units.h"

namespace vramcalc {

struct WeightFormat {
    std::string id;             // "bf16", "awq", "gptq-int4", "gguf-q4_k_m", "exl2-4.65", ...
    std::string name;           // "AWQ int4 (g128)"
    std::string kind;           // "float", "fp8", "int", "awq", "gptq", "bnb", "gguf", "exl2", "mxfp4"
    std::string description;    // one line for a tooltip
    double bits_per_weight = 16.0;  // nominal, scales and zero points included, for quantized matrices
    int group_size = 0;         // AWQ/GPTQ group (0 = none)
    int gguf_ftype = -1;        // GgufFtype of a gguf-* format, resolved once (tensor_bytes is hot)
    // Bits per weight of the output layer (lm_head) in formats whose quantizer sets it apart
    // (EXL2/EXL3 --head_bits, default 6; 16 = left unquantized); 0 = the format's general rule.
    double head_bits = 0;
    // The engines that load this format ("exllamav2"), for formats only some engines run; empty = any
    // engine whose profile accepts it (EngineProfile::load_error).
    std::vector<std::string> loaders;
};

struct KvFormat {
    std::string id;             // "auto", "fp16", "bf16", "fp8", "int8", "q8_0", "q4_0", "fp32"
    std::string name;
    std::string description;
    double bits_per_value = 16.0;  // q8_0 is 8.5 (32 values + one fp16 scale), q4_0 4.5
    std::vector<std::string> loaders;  // as WeightFormat::loaders: ExLlama's Q8/Q6/Q4 cache modes
};

// "" when an engine may load the format at all (its `loaders`), else the message naming the field;
// the engine profile's own load_error decides the rest.
std::string format_loader_error(const WeightFormat& w, const KvFormat& kv, const std::string& engine_id,
                                const std::string& engine_name);

// KV bits for an "auto" KV format follow the model's dtype (fp32 checkpoints keep fp32 caches).
double kv_bits(const KvFormat& kv, const Architecture& arch, const WeightFormat& weights);

// Bytes a tensor group occupies when the checkpoint is stored/loaded in this format. Embeddings,
// lm_head and norms stay 16-bit where the format leaves them so (AWQ, GPTQ, FP8, bitsandbytes);
// GGUF mixes pick each tensor's type by role and layer as llama.cpp's quantizer does.
Bytes tensor_bytes(const WeightFormat& format, const TensorGroup& tensor, const Architecture& arch);

// The format with its head layer at `bits` (EXL2/EXL3 --head_bits); unchanged when bits <= 0 or the
// format has no separate head rule.
WeightFormat with_head_bits(WeightFormat format, double bits);

// Sum over the whole inventory.
Bytes model_weight_bytes(const WeightFormat& format, const Architecture& arch);

}  // namespace vramcalc
