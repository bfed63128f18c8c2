// The rule of thumb as an engine: VRAM = parameters x bytes per weight x 1.2, for comparison with the
// engines' own accounting (core/rule_of_thumb.cpp holds the rule; every estimate shows it too).
#include "../engine_profile.h"
#include "../rule_of_thumb.h"

namespace vramcalc {

namespace {

Estimate estimate_simple(const ResolvedScenario& r, const EngineRelease&) {
    Estimate e = rule_of_thumb_estimate(r);
    e.engine_version = "rule of thumb (params x bytes per weight x 1.2)";
    return e;
}

// The rule has no versions: any text names its one "release".
std::optional<VersionKey> parse_version(std::string_view) { return VersionKey{1, nullptr}; }

std::string command(const ResolvedScenario&) {
    return "# the rule of thumb names no engine: choose vLLM, SGLang, llama.cpp or transformers for a command";
}

std::string load_error(const WeightFormat&, const KvFormat&) { return ""; }

}  // namespace

const EngineProfile& engine_profile_simple() {
    static const EngineProfile profile{
        .id = "simple",
        .name = "rule of thumb",
        .blurb = "params x bytes x 1.2: the rule of thumb many guides use, for comparison.",
        .aliases = {"rule-of-thumb"},
        .order = 90,
        .releases = {{.id = "1.2x", .order = 1, .date = "", .label = "", .changed = "", .source = "folk formula"}},
        .parse_version = parse_version,
        .version_forms = "any",
        .load_error = load_error,
        .formats_by_quality = {"bf16", "fp8", "int8", "int6", "awq", "int4", "gguf-q3_k_m", "gguf-q2_k"},
        .estimate = estimate_simple,
        .counts_kv_cache = false,
        .reserved_fraction = nullptr,
        .command = command,
        .knobs = {},
        .knob_default = nullptr,
        .parallel = {.tensor_parallel = false, .pipeline_parallel = false, .heads_divide_tp = false,
                     .split = "weights / GPUs"},
        .workload = per_sequence_workload("Tokens per sequence (the rule ignores it)", "Sequences at once (the rule ignores it)"),
    };
    return profile;
}

}  // namespace vramcalc
