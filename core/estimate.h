// The answer: per-GPU and total memory, fit, headroom, and engine-specific figures. Every figure
// carries a one-line "how" for tooltips and --explain.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "architecture.h"
#include "file_weights.h"
#include "formats.h"
#include "gpu.h"
#include "scenario.h"
#include "units.h"

namespace vramcalc {

struct Figure {
    Bytes bytes = 0;
    std::string how;    // "32 layers x 8 KV heads x 128 x 2 (K,V) x 2 B x 8192 tokens"
};

struct GpuLoad {
    Figure weights;
    Figure kv_cache;
    Figure activation;   // peak activations / compute buffer
    Figure overhead;     // CUDA context, NCCL, CUDA graphs, allocator slack
    Bytes total_bytes = 0;  // sum of the above
    std::string role;    // "TP rank 0, PP stage 0, layers 0-39" / "layers 0-23 (llama.cpp split)"
};

// A scenario with its ids resolved against the catalogs.
struct ResolvedScenario {
    Scenario scenario;
    ModelInfo model;
    WeightFormat weights;
    KvFormat kv;
    Gpu gpu;                 // memory_bytes is what each GPU reports
    std::optional<FileWeights> files;  // weights read from the model's files (Scenario::custom_tensors)
};

struct Estimate {
    bool ok = false;
    std::string error;                   // set when !ok: names the bad option or field
    std::vector<std::string> warnings;   // answered, but something was assumed or clamped
    std::string engine_version;          // "vLLM 0.11 V1 engine", whose accounting this follows

    double params = 0;                   // total parameters
    double active_params = 0;
    Bytes kv_bytes_per_token = 0;        // whole model, all layers, unsharded, at the chosen KV dtype
    Bytes gpu_memory_bytes = 0;          // per GPU

    bool fits = false;
    std::int64_t headroom_bytes = 0;     // per GPU (most loaded); negative = shortfall
    Figure startup_peak;                 // per GPU, the largest moment during load/profiling

    GpuLoad per_gpu;                     // the most loaded GPU
    GpuLoad total;                       // summed over GPUs
    std::vector<GpuLoad> gpus;           // every GPU

    // vLLM / SGLang
    std::optional<std::int64_t> kv_cache_tokens;   // block-rounded
    std::optional<double> max_concurrency;         // at max_model_len
    // llama.cpp (per the most loaded device)
    std::optional<Figure> model_buffer;
    std::optional<Figure> kv_buffer;
    std::optional<Figure> compute_buffer;
    // host RAM for offloaded parts (llama.cpp CPU layers, accelerate offload, vLLM cpu-offload)
    Figure cpu;
    // the rule of thumb (params x bytes x 1.2), shown beside the real answer
    Figure rule_of_thumb;
};

// Adds the byte figures of every GPU's load into `total` (the `how` strings stay the caller's).
void add_load_bytes(GpuLoad& total, const std::vector<GpuLoad>& loads);

// Resolves ids and validates every field; on failure the Estimate carries the error.
std::optional<ResolvedScenario> resolve(const Scenario& s, std::string& error);

// The main entry: resolve + the engine's accounting.
Estimate estimate(const Scenario& s);
Estimate estimate(const ResolvedScenario& r);

}  // namespace vramcalc
