// An engine profile: everything the calculator knows about one inference engine, as plain data and
// function pointers (like vLLM's platforms/ or ggml's backend table). Each file in core/engines/
// defines one profile; the build lists them (CMakeLists.txt generates the registry from the files
// present), and estimate, command, the solvers, the CLI and the page ask the profile instead of
// testing which engine it is. See docs/adding-an-engine.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolved_scenario.h"
#include "result.h"

namespace vramcalc {

// A release of the engine the profile knows: where its memory accounting changed, or the newest one
// checked against measurements. Listed oldest first; a version between two maps to the older one.
struct EngineRelease {
    const char* id = "";          // as users type it and links carry it: "b10644", "0.19", "4.45"
    std::int64_t order = 0;       // position on the release line (build number, or major*1e6+minor*1e3+patch)
    const char* date = "";        // "2026-06": when it was published (rows without a version are dated)
    const char* label = "";       // what the accounting follows, one line: "llama-server, one output row per sequence"
    const char* changed = "";     // what this release changed in the memory accounting ("" = nothing, only checked)
    const char* source = "";      // the commit, PR or release note that says so
    bool variant = false;         // off the release line (AutoAWQ's fused modules): chosen only by name
};

// A version string placed on the profile's release line.
struct VersionKey {
    std::int64_t order = 0;
    const char* variant = nullptr;  // the id of a variant release the text names, or null
};

// One engine knob the profile uses (the knob itself, its range and where it lives: core/knobs.h).
struct KnobUse {
    const char* knob = "";        // knob id: "gpu_mem_util"
    const char* label = "";       // the page's row label: "memory util."
    const char* help = "";        // the engine's flag and what it does, with its default
    double ui_min = 0, ui_max = 0;  // slider range on the page (both 0: a typed number)
    bool (*applies)(const Architecture&) = nullptr;  // the page shows it only for these models (null: all)
};

// How the scenario's context and concurrency map onto the engine's own inputs, so the solvers and
// the context sweep can grow one without knowing the engine.
struct WorkloadMap {
    std::int64_t (*sequence_context)(const Scenario&) = nullptr;     // tokens one sequence may hold
    Scenario (*with_sequence_context)(Scenario, std::int64_t) = nullptr;
    std::int64_t (*concurrency)(const Scenario&) = nullptr;          // sequences at once
    Scenario (*with_concurrency)(Scenario, std::int64_t) = nullptr;
    std::int64_t (*min_sequence_context)(const Scenario&) = nullptr;  // smallest context to search from (null: 1)
    const char* context_help = "";       // what "context" means for this engine (page tooltip)
    const char* concurrency_help = "";
    const char* concurrency_knob = "";   // the knob that holds concurrency instead of `batch` ("parallel"), or ""
    bool prompt_and_output = false;      // the context is input_tokens + output_tokens (generate())
};

// How the engine lays a model over several GPUs.
struct ParallelRules {
    bool tensor_parallel = false;    // tp > 1 shards every layer (vLLM, SGLang)
    bool pipeline_parallel = false;  // pp > 1 splits layers into stages
    bool heads_divide_tp = false;    // tp must divide the attention heads
    const char* split = "";          // how it splits without tp/pp: "llama.cpp --split-mode layer"
    int max_devices = 0;             // the most devices the engine drives (0: no limit of its own)
    bool dp_attention = false;       // --enable-dp-attention: DP ranks inside the TP group (SGLang)
};

struct EngineProfile {
    const char* id = "";                    // "vllm": scenario JSON, links, --engine
    const char* name = "";                  // "vLLM"
    const char* blurb = "";                 // one line for the engine picker
    std::vector<const char*> aliases{};     // other spellings --engine accepts ("ollama")
    int order = 0;                          // position in the engine pickers

    // ---- releases: oldest first; the last non-variant one is the default
    std::vector<EngineRelease> releases{};
    std::optional<VersionKey> (*parse_version)(std::string_view text) = nullptr;
    const char* version_forms = "";         // the accepted forms, for the error message

    // ---- formats
    const char* checkpoint_files = "safetensors";  // the files it loads weights from: "safetensors" or "gguf"
    // "" when the engine loads this weight and KV format, else the message (naming the field).
    std::string (*load_error)(const WeightFormat&, const KvFormat&) = nullptr;
    std::vector<std::string> formats_by_quality{};  // weight formats it loads, best quality first

    // ---- accounting: the estimate for a resolved scenario under one of its releases
    Estimate (*estimate)(const ResolvedScenario&, const EngineRelease&) = nullptr;
    bool counts_kv_cache = true;            // false for the rule of thumb (no KV cache, no activations)
    // The fraction of each GPU's whole memory the engine reserves at start (vLLM
    // gpu_memory_utilization, SGLang mem_fraction_static); 0 when it allocates what it uses.
    double (*reserved_fraction)(const ResolvedScenario&) = nullptr;

    // ---- launch command (empty: the engine has none)
    std::string (*command)(const ResolvedScenario&) = nullptr;

    // ---- knobs and their defaults (the engine's own, for its newest release)
    std::vector<KnobUse> knobs{};
    // The value the engine uses for a knob the scenario leaves at 0 / unset; nullopt = none.
    std::optional<double> (*knob_default)(std::string_view knob, const ResolvedScenario&) = nullptr;

    ParallelRules parallel{};
    WorkloadMap workload{};

    // Cache layouts beyond plain, sliding, MLA and linear-attention layers that this engine's accounting
    // models, by the ids core/cache_support.cpp lists ("kv_sharing", "dsa_indexer", ...). A model
    // with a layout the engine does not name is refused with a message naming it.
    std::vector<const char*> cache_features{};
    // Why this release cannot load the model at all ("" = it can): an architecture the release's model
    // registry lacks or has dropped (vLLM after 0.10.2: mllama). Null: every release loads what
    // cache_features allows.
    std::string (*release_refusal)(const Architecture&, const EngineRelease&) = nullptr;
};

// ---- the registry (engine_profile.cpp; the list itself is generated from core/engines/*.cpp) -------
const std::vector<const EngineProfile*>& engine_profiles();   // in picker order
const EngineProfile* find_engine(std::string_view id_or_alias);  // case, '.', '-' and '_' ignored
const EngineProfile& engine_profile(std::string_view id);        // the named one, or the default (vLLM)
const char* engine_name(std::string_view id);                   // "llama.cpp"; the id itself if unknown
std::string engine_ids_text();                                  // "vllm, sglang, llamacpp, ..."
bool uses_knob(const EngineProfile& p, std::string_view knob);
// "" when the engine loads these weights and this KV cache: the formats' own loaders (data) first,
// then the profile's load_error.
std::string engine_load_error(const EngineProfile& p, const WeightFormat& w, const KvFormat& kv);

// ---- releases ------------------------------------------------------------------------------------
const EngineRelease& newest_release(const EngineProfile& p);

struct ReleaseChoice {
    const EngineRelease* release = nullptr;  // null when the text is not a version of this engine
    std::string note;    // how the text was read, for the page and --explain ("" when it names a release)
    bool older_than_known = false;  // older than every release the profile knows: answered as the oldest
    std::string error;   // "engine_version: 'abc' is not a vLLM release (accepted: ...)"
};
// "" = the newest release. A version between two known releases maps to the older one.
ReleaseChoice choose_release(const EngineProfile& p, std::string_view text);

// Version spellings the profiles share. Both return nullopt for text they cannot read.
// "0.6.3", "v0.11.0", "vllm 0.10.1", "4.38.2", "5.0", "0.4.0.post1" -> major*1e6 + minor*1e3 + patch
std::optional<std::int64_t> parse_release_number(std::string_view text);
// "b4343", "4343", "version: 8054 (01d8eaa28)", "llama.cpp build 10644 (d7a207411)" -> the build number
std::optional<std::int64_t> parse_build_number(std::string_view text);
// The same as EngineProfile::parse_version functions, for profiles whose versions are only that.
std::optional<VersionKey> release_version(std::string_view text);
std::optional<VersionKey> build_version(std::string_view text);

// ---- workload maps the profiles share ----------------------------------------------------------------
// One sequence holds `context` tokens; concurrency is `batch` (vLLM, SGLang, the rule of thumb).
WorkloadMap per_sequence_workload(const char* context_help, const char* concurrency_help);

}  // namespace vramcalc
