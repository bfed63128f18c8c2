// A scenario with every id resolved: the catalog entries it names, the engine profile and the
// engine release whose accounting applies. What an engine profile's functions receive.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "architecture.h"
#include "file_weights.h"
#include "format_types.h"
#include "gpu.h"
#include "scenario.h"
#include "tensors.h"

namespace vramcalc {

struct EngineProfile;
struct EngineRelease;

// The model part of a resolved scenario (resolve_model in estimate.h): what parsing its config,
// decoding its files and listing its tensors gave, kept to resolve variants of the scenario with.
struct ResolvedModel {
    ModelInfo model;
    std::optional<FileWeights> files;
    std::shared_ptr<const std::vector<TensorGroup>> tensors;  // null for a parameter count alone
};

struct ResolvedScenario {
    Scenario scenario;
    ModelInfo model;
    WeightFormat weights;
    KvFormat kv;
    Gpu gpu;                             // memory_bytes is what each GPU reports (the smallest of a mixed list)
    std::vector<Gpu> devices;            // Scenario::gpu_list resolved, in device order; empty = gpus x gpu
    const EngineProfile* engine = nullptr;   // the profile of scenario.engine (never null once resolved)
    const EngineRelease* release = nullptr;  // the release of that profile whose accounting applies
    std::string release_note;            // how scenario.engine_version was read ("8054 follows the accounting of b4343")
    bool release_older_than_known = false;   // the version predates every release the profile models
    std::string ignored_layout;          // "tp 2": what the scenario asked of an engine that places layers itself
    std::optional<FileWeights> files;    // weights read from the model's files (Scenario::custom_tensors)
    // tensor_inventory(model.arch), built once per model and shared by every scenario resolved from it
    // (resolve_with_model: the answers' dozens of estimates); null for a parameter count alone.
    // estimate() builds it for a hand-built ResolvedScenario that leaves it null.
    std::shared_ptr<const std::vector<TensorGroup>> tensors;
};

}  // namespace vramcalc
