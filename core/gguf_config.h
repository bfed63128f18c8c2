// What a GGUF's metadata says about its model, as a Hugging Face config.json that parse_hf_config
// reads, so a GGUF alone is a custom model. Keys are llama.cpp's (src/llama-arch.cpp LLM_KV_NAMES:
// "<arch>.block_count", "<arch>.attention.head_count_kv", ...); architecture names map to HF model_type.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gguf_file.h"

namespace vramcalc {

struct GgufModelInfo {
    bool ok = false;
    std::string error;
    std::string architecture;     // general.architecture ("llama", "qwen2", "gpt-oss", "clip" for an mmproj)
    std::string name;             // general.name
    std::string format;           // weight format id from general.file_type (or the tensors' dominant type)
    std::string config_json;      // a config.json for parse_hf_config
    std::int64_t num_layers = 0;  // decoder layers llama.cpp runs (block_count minus nextn layers)
    int split_count = 1;          // split.count (1 for a single file)
    int split_no = 0;             // split.no (0-based)
    bool unsplit_mla = false;     // MLA metadata without attention.key_length_mla: llama.cpp caches full K/V
    std::vector<std::string> notes;
};

// `parts`: every part of a split set (or the one file), in order; part 0 holds the metadata.
GgufModelInfo gguf_model_info(const std::vector<GgufHeader>& parts);

// llama_ftype (llama.h) -> our weight format id ("gguf-q4_k_m"); "" when unknown.
std::string gguf_format_from_file_type(std::int64_t file_type);

}  // namespace vramcalc
