// The embedded catalogs: models, GPUs. Data lives in core/data/*.json, embedded at build time.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "architecture.h"
#include "gpu.h"

namespace vramcalc {

const std::vector<ModelInfo>& model_catalog();
const std::vector<Gpu>& gpu_catalog();

// Finds by catalog id or Hugging Face id, case-insensitively; nullptr when unknown.
const ModelInfo* find_model(std::string_view id_or_hf_id);
const Gpu* find_gpu(std::string_view id);

// Up to n catalog ids closest to a mistyped one (for "did you mean" messages).
std::vector<std::string> nearest_model_ids(std::string_view id, int n = 3);
std::vector<std::string> nearest_gpu_ids(std::string_view id, int n = 3);

}  // namespace vramcalc
