// A scenario with every id resolved: the catalog entries it names, the engine profile and the
// engine release whose accounting applies. What an engine profile's functions receive.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "architecture.h"
#include "file_weights.h"
#include "format_types.h"
#include "gpu.h"
#include "scenario.h"

namespace vramcalc {

struct EngineProfile;
struct EngineRelease;

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
    std::optional<FileWeights> files;    // weights read from the model's files (Scenario::custom_tensors)
};

}  // namespace vramcalc
