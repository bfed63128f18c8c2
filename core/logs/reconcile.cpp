#include "core/logs/reconcile.h"

#include <algorithm>
#include <cmath>

#include "core/bounded_json.h"
#include "core/catalog.h"
#include "core/estimate.h"
#include "core/text.h"

namespace vramcalc {

namespace {

void lack(std::vector<std::string>& lacking, const std::string& what) { lacking.push_back(what); }

void from_llamacpp(const LogReading& r, Scenario& s, std::vector<std::string>& lacking) {
    if (r.parallel > 0) s.parallel = r.parallel;
    // Several slots whose n_ctx_seq is the whole n_ctx share one unified cache: llama-server's default
    // -np auto is 4 such slots (tools/server/server.cpp: n_parallel 4, kv_unified), our parallel 0.
    const bool unified = r.parallel > 1 && r.context_per_seq > 0 && r.context_per_seq == r.context;
    if (unified && r.parallel == 4) s.parallel = 0;
    else if (unified) lack(lacking, "the slots share one unified KV cache (--kv-unified): answered as " + std::to_string(r.parallel) + " separate slots");
    if (r.n_ubatch > 0) s.ubatch = r.n_ubatch;
    if (r.n_batch > 0) s.n_batch = r.n_batch;
    if (r.flash_attn >= 0) s.flash_attn = r.flash_attn == 1;
    else lack(lacking, "flash attention (not printed): " + std::string(s.flash_attn ? "on" : "off") + " assumed");
    if (r.gpu_layers >= 0) s.gpu_layers = r.total_layers > 0 && r.gpu_layers >= r.total_layers ? -1 : r.gpu_layers;
    // An MLA model whose log caches V ran from a GGUF converted before the MLA split (full K and V).
    if (r.kv_caches_v) {
        std::string error;
        const auto m = resolve_model(s, error);
        if (m && !m->model.params_only && m->model.arch.is_mla()) s.unsplit_mla_gguf = true;
    }
}

// "the NVIDIA T4's 14.56 GiB": the catalog GPU whose memory stands in for what the log did not print.
std::string assumed_gpu_memory(const std::string& gpu_id) {
    const Gpu* g = find_gpu(gpu_id);
    return g ? "the " + g->name + "'s " + gib_text(static_cast<double>(g->memory_bytes)) : "the " + gpu_id + "'s memory";
}

// TabbyAPI: cache_size = max_seq_len x sequences, rounded up to 256 (exllamav2.cpp); the log prints both.
void from_exllama(const LogReading& r, Scenario& s, std::vector<std::string>& lacking) {
    if (r.head_bits > 0) s.head_bits = r.head_bits;
    const LogFigure* cache = find_figure(r, "kv_tokens", 0);
    if (cache && cache->tokens && r.context > 0)  // bounded: a hostile paste's cache_size must not ask for 10^15 sequences
        s.batch = std::clamp<std::int64_t>(*cache->tokens / r.context, 1, 1 << 16);
    if (r.kv_dtype.empty()) lack(lacking, "cache mode (not printed): " + (s.kv_dtype == "auto" ? std::string("FP16") : s.kv_dtype) + " assumed");
    if (r.partial_offload) lack(lacking, "experts kept in CPU memory: our ExLlama estimate puts every layer on the GPU");
}

}  // namespace

Scenario scenario_from_log(const LogReading& r, const Scenario& base, std::vector<std::string>& lacking) {
    Scenario s = base;
    s.engine = r.engine;
    s.engine_version = r.engine_version;
    if (r.engine_version.empty()) lack(lacking, "engine release (not printed): the newest the profile knows");
    // The log's model when the catalog knows it (a GGUF's general.name often is a display name).
    if (!is_custom(base) && !r.model.empty() && find_model(r.model)) s.model = r.model;
    else if (!is_custom(base) && !r.model.empty())
        lack(lacking, "model: the log names \"" + r.model + "\", which the catalog lacks: " + s.model + " assumed (give --model or --config)");
    if (r.model.empty() && !is_custom(base)) lack(lacking, "model (not printed): " + s.model + " assumed");
    if (!r.weights.empty()) s.weights = r.weights;
    else lack(lacking, "weight format (" + (r.quantization.empty() ? std::string("not printed") : r.quantization) + "): " + s.weights + " assumed");
    if (!r.kv_dtype.empty()) s.kv_dtype = r.kv_dtype;
    if (r.gpu_memory_gib > 0) s.gpu_memory_gib = r.gpu_memory_gib;
    else if (s.gpu_memory_gib <= 0) lack(lacking, "GPU memory (not printed): " + assumed_gpu_memory(s.gpu) + " assumed");
    if (r.tp > 0) s.tp = r.tp;
    if (r.pp > 0) s.pp = r.pp;
    if (r.gpus > 0) s.gpus = r.gpus;
    else s.gpus = std::max(s.gpus, s.tp * s.pp);
    if (r.context > 0) s.context = r.context;
    else lack(lacking, "context (not printed): " + std::to_string(s.context) + " assumed");
    if (r.gpu_mem_util > 0) s.gpu_mem_util = r.gpu_mem_util;
    else if (r.engine == "vllm" || r.engine == "sglang") lack(lacking, "memory utilization / fraction (not printed): the engine default assumed");
    if (r.enforce_eager) s.enforce_eager = true;
    if (r.mm_text_only) s.mm_text_only = true;
    // vLLM --max-num-seqs: the profile run's dummy batch (and our command line) take it from batch.
    if (r.engine == "vllm" && r.max_num_seqs > 0) s.batch = std::clamp<std::int64_t>(r.max_num_seqs, 1, 1 << 20);
    if (r.engine == "vllm" && r.max_num_batched_tokens > 0)
        s.max_batched_tokens = std::clamp<std::int64_t>(r.max_num_batched_tokens, 1, std::int64_t{1} << 24);
    if (r.engine == "llamacpp") from_llamacpp(r, s, lacking);
    if (r.engine == "exllamav2" || r.engine == "exllamav3") from_exllama(r, s, lacking);
    return s;
}

int apply_calibration(const LogReading& r, Scenario& s) {
    int n = 0;
    const auto take = [&](const char* figure, double unit, double& field) {
        const LogFigure* f = find_figure(r, figure, 0);
        if (!f || !f->bytes || *f->bytes == 0) return;
        field = static_cast<double>(*f->bytes) / unit;
        ++n;
    };
    if (r.engine == "vllm") {
        take("non_torch", kGiB, s.cal_non_torch_gib);
        take("activation", kGiB, s.cal_activation_gib);
    } else if (r.engine == "llamacpp") {
        take("compute_buffer", kMiB, s.cal_compute_mib);
    }
    return n;
}

namespace {

// Our figure for a measured one: bytes (or tokens), or nothing when we do not estimate it.
std::optional<double> ours(const Estimate& e, const LogFigure& f) {
    const auto load = [&]() -> const GpuLoad& {
        const auto d = static_cast<std::size_t>(f.device_index);
        return f.device_index >= 0 && d < e.gpus.size() ? e.gpus[d] : e.per_gpu;
    };
    const auto b = [](Bytes x) { return std::optional<double>(static_cast<double>(x)); };
    if (f.name == "weights" || f.name == "model_buffer") return b(load().weights.bytes);
    if (f.name == "kv_cache" || f.name == "kv_buffer") return b(load().kv_cache.bytes);
    if (f.name == "activation" || f.name == "compute_buffer") return b(load().activation.bytes);
    if (f.name == "cpu_model_buffer") return b(e.cpu.bytes);
    if (f.name == "cuda_graph_estimate" && e.kv_budget_graph_estimate > 0) return b(e.kv_budget_graph_estimate);
    if (f.name == "kv_tokens" && e.kv_cache_tokens) return static_cast<double>(*e.kv_cache_tokens);
    if (f.name == "max_concurrency" && e.max_concurrency) return *e.max_concurrency;
    return std::nullopt;
}

double measured_of(const LogFigure& f) {
    if (f.bytes) return static_cast<double>(*f.bytes);
    if (f.tokens) return static_cast<double>(*f.tokens);
    return f.value.value_or(0);
}

std::string explain(const Reconciliation& rc) {
    const Difference* worst = nullptr;
    for (const Difference& d : rc.differences)
        // vLLM's graph estimate is a small figure whose difference is a term of the KV cache's: the
        // KV cache's own difference is the one to explain.
        if (d.name != "cuda_graph_estimate" && (!worst || std::fabs(d.relative) > std::fabs(worst->relative))) worst = &d;
    if (!worst || std::fabs(worst->relative) < 0.02) return "";
    const char* label = figure_label(worst->name);
    std::string why = std::string(label ? label : worst->name.c_str()) + " differs by " + format_fixed(100 * worst->relative, 1) + "%";
    if (!rc.estimate.warnings.empty()) return why + ": " + rc.estimate.warnings.front();
    for (const std::string& l : rc.lacking) return why + "; the log lacks " + l;
    if (worst->band && !worst->within_band) return why + ", outside the published measurements' band (" + band_text(*worst->band) + ")";
    return why;
}

// A load that ran out of memory (PyTorch's message, exllama_log.cpp): how much was in use against our total.
std::string explain_oom(const LogReading& r, const Estimate& e) {
    for (const LogFigure& f : r.figures) {
        if (f.name != "oom_process_used" || !f.bytes) continue;
        const LogFigure* total = find_figure(r, "oom_gpu_total", f.device_index);
        const auto d = static_cast<std::size_t>(std::max(f.device_index, 0));
        const Bytes ours = d < e.gpus.size() ? e.gpus[d].total_bytes : e.per_gpu.total_bytes;
        return "the load ran out of memory on " + f.device + " with " + format_fixed(static_cast<double>(*f.bytes) / kGiB, 2) +
               " GiB in use" + (total && total->bytes ? " of " + format_fixed(static_cast<double>(*total->bytes) / kGiB, 2) + " GiB" : "") +
               "; our estimate for that GPU is " + format_fixed(static_cast<double>(ours) / kGiB, 2) + " GiB";
    }
    return "";
}

}  // namespace

Reconciliation reconcile(const LogReading& r, const Scenario& s, std::vector<std::string> lacking) {
    Reconciliation rc;
    rc.scenario = s;
    rc.lacking = std::move(lacking);
    if (!r.ok) {
        rc.error = r.error;
        return rc;
    }
    rc.estimate = estimate(s);
    if (!rc.estimate.ok) {
        rc.error = clean_utf8(rc.estimate.error, 1000);
        return rc;
    }
    const std::string kind = r.partial_offload ? "partial_offload" : band_kind(s);
    for (const LogFigure& f : r.figures) {
        const auto est = ours(rc.estimate, f);
        if (!est) continue;
        Difference d;
        d.name = f.name;
        d.device = f.device;
        d.device_index = f.device_index;
        d.tokens = f.tokens.has_value();
        d.measured = measured_of(f);
        d.estimated = *est;
        d.relative = d.measured != 0 ? (d.estimated - d.measured) / d.measured : 0;
        const std::string metric = f.name == "kv_tokens" ? "kv_tokens" : f.name == "cpu_model_buffer" ? "cpu_model_buffer" : f.name;
        d.band = estimate_band(s, rc.estimate, metric, kind);
        if (d.band) {
            const BandRange range = measured_range(d.estimated, *d.band);
            d.within_band = d.measured >= range.low * 0.999 && d.measured <= range.high * 1.001;
        }
        rc.differences.push_back(d);
    }
    rc.explanation = explain(rc);
    if (rc.explanation.empty()) rc.explanation = explain_oom(r, rc.estimate);
    rc.ok = true;
    return rc;
}

}  // namespace vramcalc
