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

// Catalog indexes in the pickers' order: models by family, then size; GPUs NVIDIA first (then AMD,
// Intel, Apple), datacenter before workstation before consumer, then the most memory first.
const std::vector<int>& models_by_family();
const std::vector<int>& gpus_by_group();

// Finds by catalog id or Hugging Face id, case-insensitively; nullptr when unknown.
const ModelInfo* find_model(std::string_view id_or_hf_id);
const Gpu* find_gpu(std::string_view id);

// Parses catalog JSON text (models.json / gpus.json layout, core/data). Bad entries (duplicate id,
// missing field, config that does not parse) are skipped and described in *problems; never throws.
std::vector<ModelInfo> parse_model_catalog(std::string_view json_text, std::vector<std::string>* problems);
std::vector<Gpu> parse_gpu_catalog(std::string_view json_text, std::vector<std::string>* problems);

// Problems found while loading the embedded catalogs (empty when the data is clean).
const std::vector<std::string>& catalog_problems();

// Up to n catalog ids closest to a mistyped one (for "did you mean" messages).
std::vector<std::string> nearest_model_ids(std::string_view id, int n = 3);
std::vector<std::string> nearest_gpu_ids(std::string_view id, int n = 3);

}  // namespace vramcalc
