// Answers, not only sums: the largest context and concurrency that fit, the fewest GPUs, the
// smallest-loss weight format, and what to change when a scenario does not fit. Each answer is
// found by re-running the engine's own estimate, so it agrees with the breakdown by construction.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "estimate.h"
#include "parallel_layout.h"
#include "scenario.h"

namespace vramcalc {

// Weight formats an engine loads, best quality first (the order "smallest loss" walks).
std::vector<std::string> formats_by_quality(std::string_view engine);
// `weights` when the engine loads it, else the best-quality format it loads whose bits per weight are
// at most one above (AWQ -> GGUF Q4_K_M for llama.cpp, GGUF -> AWQ for transformers), else its smallest.
std::string nearest_loadable_format(std::string_view engine, const std::string& weights);

// Largest context (tokens per sequence) that fits at the scenario's concurrency; nullopt if even 1 does not.
std::optional<std::int64_t> largest_context(const Scenario& s);
// Largest number of concurrent sequences of the scenario's context that fit; nullopt if not even 1.
std::optional<std::int64_t> largest_concurrency(const Scenario& s);
// Fewest GPUs of the scenario's type that fit, all serving one copy with the engine's pooled layout
// (tp/pp left auto, replicas 1); nullopt above max_gpus.
std::optional<Scenario> fewest_gpus(const Scenario& s, int max_gpus = 64);
// The TP x PP x replicas the engine will run a scenario with (auto values filled in).
ParallelLayout layout_of(const Scenario& s);
// The model's own checkpoint format when it is not 16-bit and the engine loads it ("mxfp4" for
// gpt-oss, "fp8" for DeepSeek-V3), else "".
std::string native_format(const Scenario& s);
// The formats best_fitting_format walks: the native one first, then formats_by_quality.
std::vector<std::string> formats_to_try(const Scenario& s);
// The highest-quality weight format that fits (the model's native format first); nullopt if none does.
std::optional<std::string> best_fitting_format(const Scenario& s);

struct Suggestion {
    std::string label;   // "AWQ instead of BF16", "context 16k instead of 32k", "4 x GPUs (tp 4)"
    Scenario scenario;   // the scenario with the change applied
};
// llama.cpp MoE: the fewest layers whose experts stay in system RAM (--n-cpu-moe N) so the GPUs fit,
// with the RAM it needs; nullopt for dense models, other engines, or when even all experts on the CPU do not fit.
std::optional<Suggestion> expert_offload(const Scenario& s);
// The cheapest changes that make a non-fitting scenario fit (empty when it fits or nothing helps).
std::vector<Suggestion> suggestions(const Scenario& s);

// Every answer a report shows, from one parse of the model; the suggestions reuse the other answers
// instead of searching again (each equals its function above).
struct Answers {
    std::optional<std::int64_t> largest_context;
    std::optional<std::int64_t> largest_concurrency;
    std::optional<std::string> best_weights;
    std::optional<Scenario> fewest_gpus;  // at most 64 GPUs
    std::vector<Suggestion> suggestions;
};
Answers answers(const Scenario& s);

// Fits means: the estimate is ok and fits.
bool fits(const Scenario& s);

}  // namespace vramcalc
