// Hugging Face config.json -> ModelInfo. Handles nested text_config (Llama 4, Gemma 3, Qwen-VL),
// quantization_config, and the field-name variants across families.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "architecture.h"

namespace vramcalc {

struct ParsedConfig {
    bool ok = false;
    std::string error;        // names the bad or missing field when !ok
    std::vector<std::string> warnings;  // defaults assumed (e.g. "num_key_value_heads missing: MHA")
    ModelInfo model;          // model.default_format from quantization_config ("awq", "gptq-int4", "fp8", ...)
};

ParsedConfig parse_hf_config(std::string_view json_text);
// The same from a config already parsed (the catalog's entries): no second parse of its text.
ParsedConfig parse_hf_config_json(const nlohmann::json& root);

}  // namespace vramcalc
