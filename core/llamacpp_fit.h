// What `llama-server --fit on` (the default of 2026 builds) would choose before the user owns the files:
// common/fit.cpp common_params_fit_impl (ggml-org/llama.cpp 08033df) replayed over our own projection of
// each device's model + context + compute buffers, instead of llama.cpp's no-alloc dry-run load.
//   1. project the user's parameters; done if every device keeps its margin free (default 1024 MiB);
//   2. -c unset (FitOptions::context_auto): start from the model's training context and, when that does
//      not fit, interpolate linearly between it and --fit-ctx (default 4096) to the context whose total
//      use meets the summed targets, rounded down to 256 (one device: done; more: go on with it);
//   3. fill devices back to front with layers (for MoE: "dense-only" layers, experts on the CPU) by the
//      method of false position;
//   4. for MoE, when the dense parts fit: turn dense-only layers into full ones front to back, then try one
//      more layer with part of its FFN (up / gate / attention-only overflow) on the device.
// The answer is -ngl, --tensor-split and the -ot list llama.cpp would set, with each device's projection.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scenario.h"
#include "units.h"

namespace vramcalc {

struct FitOptions {
    std::vector<Bytes> free;        // free memory per device at start; empty = each GPU's memory minus its CUDA context
    Bytes margin = 1024ull << 20;   // --fit-target default: 1024 MiB per device
    bool context_auto = false;      // -c not given: llama.cpp may lower the context (n_ctx 0 = the training context)
    std::int64_t n_ctx_min = 4096;  // --fit-ctx: the least context it lowers to (common_params fit_params_min_ctx)
};

// common_params_fit_impl step 2: the context between n_ctx_min and n_ctx_max whose projected total use
// meets `target` (linear between the uses measured at both ends), rounded down to a multiple of
// `align` and at least n_ctx_min; n_ctx_min when even that does not meet it.
std::int64_t interpolate_context(std::int64_t n_ctx_min, std::int64_t n_ctx_max, std::int64_t used_min, std::int64_t used_max,
                                 std::int64_t target, std::int64_t align = 256);

struct FitDeviceLine {
    std::int64_t layers = 0;        // layers on the device (the last device's count includes the output layer)
    std::int64_t overflowing = 0;   // of them, layers whose experts (or part of the FFN) live elsewhere
    Bytes used = 0;                 // projected model + context + compute
    Bytes free = 0;                 // what the device had free
};

struct FitPlan {
    bool ok = false;
    std::string error;              // the scenario cannot be estimated, or llama.cpp would refuse (-ngl set, ...)
    bool changed = false;           // false: the user's parameters already fit
    bool fits = false;              // every device within free - margin
    std::vector<std::string> log;   // llama.cpp-style lines: "projected to use ... MiB", per device
    std::vector<FitDeviceLine> devices;
    Scenario scenario;              // the input with gpu_layers / tensor_split / override_tensor set
    std::string flags;              // "-ngl 49 -ot blk\.15\.ffn_...=CPU,..." as llama-fit-params prints
};

FitPlan plan_llamacpp_fit(const Scenario& s, const FitOptions& options = {});

}  // namespace vramcalc
