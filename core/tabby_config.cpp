#include "tabby_config.h"

#include <algorithm>

#include "text.h"

namespace vramcalc {

std::int64_t tabby_cache_size(const Scenario& s) {
    const std::int64_t tokens = std::max<std::int64_t>(1, s.context) * std::max<std::int64_t>(1, s.batch);
    return (tokens + 255) / 256 * 256;
}

double tabby_autosplit_reserve_mib(const Scenario& s) { return s.autosplit_reserve_mib > 0 ? s.autosplit_reserve_mib : 96.0; }

std::optional<double> tabby_knob_default(std::string_view knob, const ResolvedScenario&) {
    if (knob == "head_bits") return 6.0;
    if (knob == "chunk_size") return 2048.0;
    if (knob == "autosplit_reserve_mib") return 96.0;
    return std::nullopt;
}

ParallelRules tabby_parallel_rules() {
    return {.tensor_parallel = false, .pipeline_parallel = false, .heads_divide_tp = false,
            .split = "autosplit: layers fill GPU 0, then the next"};
}

WorkloadMap tabby_workload(const char* context_help) {
    return per_sequence_workload(context_help, "Sequences at once: cache_size = max_seq_len x this, rounded up to 256");
}

std::string tabby_config_yml(const ResolvedScenario& r, const std::string& backend, const std::string& note,
                             const std::string& cache_mode, std::int64_t chunk_size) {
    const Scenario& s = r.scenario;
    const std::string& hf = r.model.hf_id;
    std::string name = hf.empty() ? std::string("model") : hf.substr(hf.find('/') + 1);
    const std::string& kind = r.weights.kind;
    if ((kind == "exl2" || kind == "exl3") && r.weights.id.size() > 5) name += "-" + kind + "-" + r.weights.id.substr(5) + "bpw";
    const double reserve = tabby_autosplit_reserve_mib(s);
    std::string y = "# TabbyAPI config.yml (python main.py)" + note + "\n";
    y += "# models/" + name + ": an " + r.weights.name + " quantization of " + (hf.empty() ? std::string("the model") : hf) +
         (s.head_bits > 0 ? " (its convert.py run with --head_bits " + format_fixed(s.head_bits, 0) + ")" : "") + "\n";
    y += "model:\n";
    y += "  model_name: " + name + "\n";
    y += "  backend: " + backend + "\n";
    y += "  max_seq_len: " + std::to_string(s.context) + "\n";
    y += "  cache_size: " + std::to_string(tabby_cache_size(s)) + "\n";
    y += "  cache_mode: " + cache_mode + "\n";
    y += "  chunk_size: " + std::to_string(chunk_size) + "\n";
    y += "  gpu_split_auto: true\n";
    y += "  autosplit_reserve: [" + format_fixed(reserve, reserve == static_cast<double>(static_cast<std::int64_t>(reserve)) ? 0 : 1) + "]\n";
    if (s.batch > 1) y += "  max_batch_size: " + std::to_string(s.batch) + "\n";
    return y;
}

}  // namespace vramcalc
