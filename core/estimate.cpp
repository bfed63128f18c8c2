// resolve(): ids -> catalog entries, and every user-caused error as one clear message.
// estimate(): dispatch to the engine's accounting, then the figures every engine shares.
#include "estimate.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "catalog.h"
#include "config_parser.h"
#include "engines/engines.h"
#include "kv_cache.h"
#include "tensors.h"

namespace vramcalc {

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

bool is_float_format(const WeightFormat& f) { return f.id == "fp32" || f.id == "fp16" || f.id == "bf16"; }

// Which engines load which checkpoints: a mismatch is a user error with a way out.
std::string engine_format_error(Engine e, const WeightFormat& f) {
    const bool gguf = f.kind == "gguf";
    switch (e) {
        case Engine::LlamaCpp:
            if (!gguf && !is_float_format(f))
                return "weights: llama.cpp loads GGUF files; choose a gguf-* format (e.g. gguf-q4_k_m) instead of " + f.id;
            return "";
        case Engine::Vllm:
        case Engine::Sglang:
            if (f.kind == "exl2") return "weights: EXL2 runs on ExLlamaV2/TabbyAPI, not " + std::string(engine_name(e)) + "; choose the simple engine or another format";
            return "";
        case Engine::Transformers:
            if (gguf) return "weights: transformers dequantizes GGUF to 16-bit on load; choose bf16 or a transformers format (awq, gptq-int4, nf4)";
            if (f.kind == "exl2") return "weights: EXL2 runs on ExLlamaV2/TabbyAPI, not transformers";
            return "";
        case Engine::Simple:
            return "";
    }
    return "";
}

// Only a parameter count is known: weights are params x bits, nothing else can be said.
Estimate estimate_params_only(const ResolvedScenario& r) {
    Estimate e;
    e.ok = true;
    e.engine_version = "weights only (no architecture)";
    const int gpus = std::max(1, r.scenario.tp * r.scenario.pp);
    const double bytes = r.model.params_published * r.weights.bits_per_weight / 8.0;
    const std::string how = "parameters x " + std::to_string(r.weights.bits_per_weight).substr(0, 5) + " bits / 8";
    e.total.weights = {bytes_from(bytes), how};
    e.total.total_bytes = e.total.weights.bytes;
    e.per_gpu.weights = {bytes_from(bytes / gpus), how + ", split over " + std::to_string(gpus) + " GPU(s)"};
    e.per_gpu.total_bytes = e.per_gpu.weights.bytes;
    e.gpus.assign(static_cast<std::size_t>(gpus), e.per_gpu);
    e.startup_peak = {e.per_gpu.total_bytes, "weights only"};
    e.fits = e.per_gpu.total_bytes <= r.gpu.memory_bytes;
    e.headroom_bytes = static_cast<std::int64_t>(r.gpu.memory_bytes) - static_cast<std::int64_t>(e.per_gpu.total_bytes);
    return e;
}

}  // namespace

void add_load_bytes(GpuLoad& total, const std::vector<GpuLoad>& loads) {
    for (const GpuLoad& g : loads) {
        total.weights.bytes += g.weights.bytes;
        total.kv_cache.bytes += g.kv_cache.bytes;
        total.activation.bytes += g.activation.bytes;
        total.overhead.bytes += g.overhead.bytes;
        total.total_bytes += g.total_bytes;
    }
}

std::optional<ResolvedScenario> resolve(const Scenario& s, std::string& error) {
    ResolvedScenario r;
    r.scenario = s;
    Scenario& sc = r.scenario;

    // Model
    if (!s.custom_config.empty()) {
        ParsedConfig parsed = parse_hf_config(s.custom_config);
        if (!parsed.ok) {
            error = "config.json: " + parsed.error;
            return std::nullopt;
        }
        r.model = parsed.model;
        if (!s.custom_tensors.empty()) {
            std::string why;
            auto files = decode_file_weights(s.custom_tensors, why);
            if (!files) {
                error = "custom_tensors: " + why;
                return std::nullopt;
            }
            r.files = std::move(*files);
        }
        if (r.model.id.empty()) r.model.id = "custom";
        if (!s.custom_name.empty()) r.model.name = s.custom_name;
        if (r.model.name.empty()) r.model.name = "Custom model";
    } else if (s.custom_params > 0) {
        if (!(s.custom_params >= 1e6 && s.custom_params <= 1e14)) {
            error = "custom_params: a parameter count between 1e6 and 1e14 is needed";
            return std::nullopt;
        }
        r.model.id = "custom";
        r.model.name = s.custom_name.empty() ? "Custom model (parameters only)" : s.custom_name;
        r.model.params_published = s.custom_params;
        r.model.params_only = true;
    } else {
        const ModelInfo* m = find_model(s.model);
        if (!m) {
            auto near = nearest_model_ids(s.model);
            error = "model: unknown model '" + s.model + "'" + (near.empty() ? "" : " (did you mean " + join(near) + "?)");
            return std::nullopt;
        }
        r.model = *m;
    }

    // Formats
    auto wf = find_weight_format(s.weights);
    if (!wf) {
        error = "weights: unknown format '" + s.weights + "' (see `vramcalc formats`)";
        return std::nullopt;
    }
    r.weights = *wf;
    auto kf = find_kv_format(s.kv_dtype);
    if (!kf) {
        error = "kv_dtype: unknown KV-cache format '" + s.kv_dtype + "' (auto, fp16, bf16, fp8, q8_0, q4_0)";
        return std::nullopt;
    }
    r.kv = *kf;
    if (std::string e = engine_format_error(s.engine, r.weights); !e.empty()) {
        error = e;
        return std::nullopt;
    }

    // GPU
    if (s.gpu_memory_gib > 0) {
        if (!(s.gpu_memory_gib >= 0.25 && s.gpu_memory_gib <= 1e5)) {
            error = "gpu_memory_gib: between 0.25 and 100000 GiB per GPU";
            return std::nullopt;
        }
        r.gpu.id = "custom";
        r.gpu.name = "Custom GPU";
        r.gpu.vendor = "custom";
        r.gpu.memory_marketed = s.gpu_memory_gib;
        r.gpu.memory_unit = "GiB";
        r.gpu.memory_bytes = gib_to_bytes(s.gpu_memory_gib);
    } else {
        const Gpu* g = find_gpu(s.gpu);
        if (!g) {
            auto near = nearest_gpu_ids(s.gpu);
            error = "gpu: unknown GPU '" + s.gpu + "'" + (near.empty() ? "" : " (did you mean " + join(near) + "?)");
            return std::nullopt;
        }
        r.gpu = *g;
    }

    // Layout and workload
    if (sc.gpus < 1 || sc.gpus > 65536) { error = "gpus: between 1 and 65536"; return std::nullopt; }
    if (sc.nodes < 1 || sc.nodes > sc.gpus) { error = "nodes: between 1 and the GPU count"; return std::nullopt; }
    if (sc.tp < 1 || sc.pp < 1) { error = "tp/pp: must be at least 1"; return std::nullopt; }
    if (static_cast<std::int64_t>(sc.tp) * sc.pp > sc.gpus) {
        error = "tp x pp = " + std::to_string(static_cast<std::int64_t>(sc.tp) * sc.pp) + " needs more than the " +
                std::to_string(sc.gpus) + " GPUs given (--gpus)";
        return std::nullopt;
    }
    if (sc.context < 1 || sc.context > 100'000'000) { error = "context: between 1 and 100M tokens"; return std::nullopt; }
    if (sc.batch < 1 || sc.batch > 1'000'000) { error = "batch: between 1 and 1M sequences"; return std::nullopt; }
    if (sc.gpu_mem_util < 0 || sc.gpu_mem_util > 1) { error = "gpu_mem_util: a fraction between 0 and 1 (e.g. 0.9)"; return std::nullopt; }
    if (sc.ubatch < 1 || sc.n_batch < 1 || sc.parallel < 1) { error = "ubatch/n_batch/parallel: must be at least 1"; return std::nullopt; }
    if (sc.cpu_offload_gib < 0) { error = "cpu_offload_gib: must not be negative"; return std::nullopt; }

    if (!r.model.params_only) {
        const Architecture& a = r.model.arch;
        const bool sharded_engine = s.engine == Engine::Vllm || s.engine == Engine::Sglang;
        if (sharded_engine && a.num_heads % sc.tp != 0) {
            error = "tp: tensor parallel " + std::to_string(sc.tp) + " does not divide the " + std::to_string(a.num_heads) +
                    " attention heads of " + r.model.name + " (vLLM and SGLang require it)";
            return std::nullopt;
        }
        if (sharded_engine && sc.pp > a.num_layers) {
            error = "pp: pipeline parallel " + std::to_string(sc.pp) + " exceeds the " + std::to_string(a.num_layers) + " layers";
            return std::nullopt;
        }
    }
    return r;
}

Estimate estimate(const ResolvedScenario& r) {
    Estimate e;
    if (r.model.params_only) e = estimate_params_only(r);
    else switch (r.scenario.engine) {
        case Engine::Vllm: e = estimate_vllm(r); break;
        case Engine::Sglang: e = estimate_sglang(r); break;
        case Engine::LlamaCpp: e = estimate_llamacpp(r); break;
        case Engine::Transformers: e = estimate_transformers(r); break;
        case Engine::Simple: e = estimate_simple(r); break;
    }
    if (!e.ok && e.error.empty()) e.error = "the estimator could not answer this scenario";
    if (!e.ok) return e;

    // Figures every engine shares.
    if (!r.model.params_only) {
        ParamCount p = count_params(r.model.arch);
        e.params = p.total + r.model.arch.extra_params;
        e.active_params = p.active + r.model.arch.extra_params;
        e.kv_bytes_per_token = kv_bytes_per_token(r.model.arch, kv_bits(r.kv, r.model.arch, r.weights));
    } else {
        e.params = r.model.params_published;
        e.active_params = r.model.params_published;
    }
    e.gpu_memory_bytes = r.gpu.memory_bytes;
    if (r.scenario.engine != Engine::Simple) {
        Estimate rule = estimate_simple(r);
        e.rule_of_thumb = rule.rule_of_thumb;
    }
    if (r.model.params_only && r.scenario.engine != Engine::Simple)
        e.warnings.push_back("only a parameter count is known: weights are exact, KV cache and activations are not counted");
    if (r.files && !matching_file_weights(r)) {
        e.warnings.push_back("the model's " + r.files->source + " files hold " + r.files->format + " weights; " +
                             (r.files->source == "gguf" && r.scenario.engine != Engine::LlamaCpp
                                  ? std::string(engine_name(r.scenario.engine)) + " does not load them as they are"
                                  : r.weights.id + " weights") +
                             ": estimated by the format's rules, not read from the files");
    } else if (r.files && r.files->params > 0) {
        e.params = r.files->params;  // every element in the files, vision projector included
    }
    if (!r.model.params_only && r.model.arch.max_context > 0 && r.scenario.context > r.model.arch.max_context)
        e.warnings.push_back("context " + std::to_string(r.scenario.context) + " exceeds the model's trained maximum of " +
                             std::to_string(r.model.arch.max_context) + " tokens (vLLM refuses it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1)");
    return e;
}

Estimate estimate(const Scenario& s) {
    std::string error;
    auto r = resolve(s, error);
    if (!r) {
        Estimate e;
        e.ok = false;
        e.error = error;
        return e;
    }
    return estimate(*r);
}

}  // namespace vramcalc
