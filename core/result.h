// The answer an engine profile gives: per-GPU and total memory, fit, headroom, and engine-specific
// figures. Every figure carries a one-line "how" for tooltips and --explain. Plain structs, so the
// engine files (core/engines/) fill them without knowing the estimator around them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    // Which tensors the device holds, for the page's placement list: "layers 0-23: attention, norms,
    // FFN; experts of layers 14-23 in host RAM" ("" = the role says it all).
    std::string placement;
};

// The input an estimate's error is about, so the page puts the message beside that input without
// reading the text. Messages start with the field's name ("tp: ..."); error_field_of maps it.
enum class ErrorField { None, Model, Weights, KvCache, Engine, Gpu, Layout, Workload, Knob, Other };
ErrorField error_field_of(std::string_view message);

struct Estimate {
    bool ok = false;
    std::string error;                   // set when !ok: names the bad option or field
    ErrorField error_field = ErrorField::None;
    std::vector<std::string> warnings;   // answered, but something was assumed or clamped
    std::string engine_version;          // "vLLM 0.19 (V1 engine)", whose accounting this follows

    double params = 0;                   // total parameters
    double active_params = 0;
    Bytes kv_bytes_per_token = 0;        // whole model, all layers, unsharded, at the chosen KV dtype
    Bytes gpu_memory_bytes = 0;          // per GPU

    bool fits = false;
    std::int64_t headroom_bytes = 0;     // per GPU (most loaded); negative = shortfall
    Figure startup_peak;                 // per GPU, the largest moment during load/profiling

    // per_gpu is what the engine holds on the most loaded GPU. For engines that reserve a budget at
    // start and fill it with a KV pool (vLLM, SGLang) that is what they RESERVE: the whole budget, KV
    // pool included, whatever context and concurrency were asked for.
    GpuLoad per_gpu;                     // the most loaded GPU
    GpuLoad total;                       // summed over GPUs
    std::vector<GpuLoad> gpus;           // every GPU

    // engines that fill a memory budget with a KV pool (vLLM, SGLang)
    std::optional<std::int64_t> kv_cache_tokens;   // the pool, in tokens, as the engine reports it
    std::optional<double> max_concurrency;         // at max_model_len
    // What the model NEEDS on that GPU for the requested context x concurrency, set by engines that
    // reserve more than that (vLLM, SGLang): weights + the KV cache of `batch` sequences of `context`
    // tokens (the engine's pages, rounded as it rounds them) + the activation peak + overhead (the same
    // overhead as per_gpu). per_gpu stays the reserved figure; a headline says "needs X for 1 x 8k; the
    // engine will reserve Y (KV pool for N tokens)". Unset: the engine allocates what it uses, and
    // per_gpu is both.
    std::optional<GpuLoad> needed_per_gpu;
    // The longest max_model_len the engine itself would accept with this KV budget (vLLM
    // estimate_max_model_len, and the value `--max-model-len auto` picks); unset when not computed.
    std::optional<std::int64_t> engine_max_context;
    // vLLM 0.21+: the CUDA graphs' memory taken out of the KV budget (per GPU, the worst stage) by
    // vLLM's own estimate, for which ours stands in. No published measurement of those releases checks
    // it, so the KV band widens by it (core/logs/error_bands.h estimate_band).
    Bytes kv_budget_graph_estimate = 0;
    // llama.cpp (per the most loaded device)
    std::optional<Figure> model_buffer;
    std::optional<Figure> kv_buffer;
    std::optional<Figure> compute_buffer;
    // the host model buffer llama.cpp prints ("CPU_Mapped model buffer size"): with mmap a view of the
    // file spanning every CPU tensor, so larger than the RAM those tensors need (cpu below)
    std::optional<Figure> host_model_buffer;
    // host RAM for offloaded parts (llama.cpp CPU layers and CPU expert tensors, accelerate offload,
    // vLLM cpu-offload): what the run needs resident in system RAM
    Figure cpu;
    // the rule of thumb (params x bytes x 1.2), shown beside the real answer
    Figure rule_of_thumb;
};

// Adds the byte figures of every GPU's load into `total` (the `how` strings stay the caller's).
void add_load_bytes(GpuLoad& total, const std::vector<GpuLoad>& loads);

// For engines that allocate what they use, one load per GPU: sets gpus, per_gpu (the most loaded),
// total, headroom (the least free GPU among the used ones) and fits (`placed`: the loader found room
// for everything).
void set_device_loads(Estimate& e, std::vector<GpuLoad> loads, Bytes gpu_memory, bool placed);

}  // namespace vramcalc
