// TabbyAPI's config.yml (theroyallab/tabbyAPI config_sample.yml, "model:" section) as a launch
// command, and the TabbyAPI rules both ExLlama backends share: the loader ExLlamaV2 and ExLlamaV3
// users run. Only the keys that size memory are written.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine_profile.h"
#include "resolved_scenario.h"

namespace vramcalc {

// TabbyAPI adjust_cache_size (both backends; ExLlamaV3's PAGE_SIZE is 256 too): the cache holds
// every sequence at once, max_seq_len x sequences, rounded up to a multiple of 256.
std::int64_t tabby_cache_size(const Scenario& s);

// TabbyAPI autosplit_reserve on GPU 0 in MiB (default [96]).
double tabby_autosplit_reserve_mib(const Scenario& s);

// The defaults the ExLlama quantizers and TabbyAPI use for the knobs both engines read:
// head_bits 6 (convert_exl2.py -hb, exllamav3 convert_model.py head_bits), chunk_size 2048,
// autosplit_reserve_mib 96. An EngineProfile::knob_default.
std::optional<double> tabby_knob_default(std::string_view knob, const ResolvedScenario&);

// A TabbyAPI cache_mode as one library sizes it: K and V bits per value (scales included).
struct TabbyCacheMode {
    double k = 0, v = 0;     // 0: the library has no such mode
    std::string mode;        // TabbyAPI cache_mode: "FP16", "Q8", "Q6", "Q4", "4,6"
    bool quantized = false;
};

// How TabbyAPI spreads a model over GPUs and reads the workload: no tensor or pipeline parallel, an
// autosplit in layer order; one cache of cache_size = max_seq_len x sequences tokens.
ParallelRules tabby_parallel_rules();
WorkloadMap tabby_workload(const char* context_help);

// config.yml for a resolved scenario: the model folder is named after the checkpoint and its
// format ("Llama-3.1-8B-Instruct-exl2-4.65bpw"); `note` is a comment line about the release.
std::string tabby_config_yml(const ResolvedScenario& r, const std::string& backend, const std::string& note,
                             const std::string& cache_mode, std::int64_t chunk_size);

}  // namespace vramcalc
