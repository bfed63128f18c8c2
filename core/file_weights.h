// The weights as read from a model's own files (GGUF or safetensors headers): bytes per tensor role and
// layer, exactly, instead of the per-format rules of formats.cpp. The engines consult them through
// matching_file_weights() when they describe what that engine loads in the scenario's format.
//
// A compact text form travels in Scenario::custom_tensors (and so in share links and localStorage):
//   fw1;s=gguf;f=gguf-q4_k_m;p=2775208960;te=136826880;q@0-31=20889600;o@0-31=6963200/6963328;...
// "R@L0-L1=B/D": role R in layers L0..L1 (each), B bytes in the file, D in a llama.cpp CUDA buffer
// (omitted when equal); no "@" for tensors outside the layers. Equal neighbouring layers share a run.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gguf_file.h"
#include "safetensors_file.h"
#include "tensors.h"
#include "units.h"

namespace vramcalc {

struct ResolvedScenario;

struct FileWeightGroup {
    TensorRole role = TensorRole::Extra;
    std::int64_t layer = -1;   // -1: outside the decoder layers (embedding, output, vision tower)
    Bytes bytes = 0;           // in the file: ggml_nbytes, or a safetensors data_offsets span
    Bytes device_bytes = 0;    // in a llama.cpp CUDA buffer (padded rows, 128-byte aligned); == bytes for safetensors
};

struct FileWeights {
    std::string source;        // "gguf" or "safetensors"
    std::string format;        // the weight format id the files are in ("gguf-q4_k_m", "bf16", "fp8", "awq")
    double params = 0.0;       // elements in the files (GGUF; 0 when unknown: packed safetensors)
    std::vector<FileWeightGroup> groups;  // one per (role, layer)

    Bytes total_bytes() const;
};

inline constexpr std::size_t kFileWeightsMaxGroups = 200'000;
inline constexpr std::size_t kFileWeightsMaxText = 1'000'000;

// The tensor role a GGUF name plays ("blk.3.ffn_down_exps.weight" -> ExpertDown, layer 3).
TensorRole gguf_tensor_role(std::string_view name, std::int64_t& layer);
// The same for a Hugging Face checkpoint name ("model.layers.3.mlp.down_proj.qweight" -> MlpDown, 3);
// vision towers and projectors are Extra; `dims` settles names no rule knows (1-D: replicated).
TensorRole hf_tensor_role(std::string_view name, std::size_t dims, std::int64_t& layer);

// A GGUF model (all parts of a split set) and optionally its mmproj (vision projector) file. Layers at
// or past `num_layers` (multi-token-prediction blocks llama.cpp skips) are left out; `skipped` counts them.
FileWeights file_weights_from_gguf(const std::vector<GgufHeader>& parts, const GgufHeader* mmproj,
                                   const std::string& format, std::int64_t num_layers, int* skipped = nullptr);
FileWeights file_weights_from_safetensors(const std::vector<SafetensorsHeader>& shards, const std::string& format,
                                          std::int64_t num_layers, int* skipped = nullptr);

std::string encode_file_weights(const FileWeights& w);
std::optional<FileWeights> decode_file_weights(std::string_view text, std::string& error);

// The files' weights when they describe what this scenario's engine loads: GGUF for llama.cpp,
// safetensors for the others, and only while the scenario's weight format is the files' format.
const FileWeights* matching_file_weights(const ResolvedScenario& r);

}  // namespace vramcalc
