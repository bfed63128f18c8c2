#include "solvers.h"
#include "checked.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "catalog.h"
#include "formats.h"
#include "text.h"

namespace vramcalc {

namespace {

std::string short_tokens(std::int64_t t) {
    if (t >= 1024 && t % 1024 == 0) return std::to_string(t / 1024) + "k";
    return std::to_string(t);
}

// Context and concurrency are spelled differently per engine (llama.cpp shares n_ctx among -np
// sequences; transformers grows the prompt): the profile's workload map says how.
const WorkloadMap& workload(const Scenario& s) { return engine_profile(s.engine).workload; }
Scenario with_concurrency(const Scenario& s, std::int64_t n) { return workload(s).with_concurrency(s, n); }
Scenario with_context(const Scenario& s, std::int64_t ctx) { return workload(s).with_sequence_context(s, ctx); }
std::int64_t context_per_sequence(const Scenario& s) { return workload(s).sequence_context(s); }

// Largest x in [lo, hi] with ok(x), given ok is monotone (true then false); lo must be ok.
template <class F>
std::int64_t search_largest(std::int64_t lo, std::int64_t hi, F ok) {
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo + 1) / 2;
        if (ok(mid)) lo = mid; else hi = mid - 1;
    }
    return lo;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// What every answer tries: the scenario with one thing changed. The model is resolved once (its
// config parsed, its tensors listed) and each trial reuses it, so an answer's dozens of estimates
// cost one parse (issue 12: a 10,000-layer config took minutes). Trials carry no custom_config
// or custom_tensors (resolve_with_model does not read them, and copying a 1 MiB config per trial
// is what made long names slow); handed_out() puts them back on the scenarios
// the answers return.
struct Trials {
    const Scenario& original;
    Scenario base;                       // original without custom_config / custom_tensors
    std::optional<ResolvedModel> model;  // nullopt when the model does not resolve: nothing fits
};

Trials trials_of(const Scenario& s) {
    Trials t{s, s, std::nullopt};
    std::string err;
    t.model = resolve_model(s, err);
    t.base.custom_config.clear();
    t.base.custom_tensors.clear();
    return t;
}

// A trial scenario as the caller may use it: with the original's model text back.
Scenario handed_out(const Trials& tr, Scenario t) {
    t.custom_config = tr.original.custom_config;
    t.custom_tensors = tr.original.custom_tensors;
    return t;
}

Estimate estimate_trial(const Trials& tr, const Scenario& t) {
    std::string err;
    std::optional<ResolvedScenario> r = tr.model ? resolve_with_model(*tr.model, t, err) : std::nullopt;
    if (!r) {
        Estimate e;
        e.error = tr.model ? err : "the model does not resolve";
        return e;
    }
    return estimate(*r);
}

bool fits_trial(const Trials& tr, const Scenario& t) {
    const Estimate e = estimate_trial(tr, t);
    return e.ok && e.fits;
}

// The model's architecture, or null for a parameter count alone or a model that does not resolve.
const Architecture* arch_of(const Trials& tr) {
    return tr.model && !tr.model->model.params_only ? &tr.model->model.arch : nullptr;
}

}  // namespace

bool fits(const Scenario& s) {
    Estimate e = estimate(s);
    return e.ok && e.fits;
}

std::vector<std::string> formats_by_quality(std::string_view engine) {
    return engine_profile(engine).formats_by_quality;
}

std::string nearest_loadable_format(std::string_view engine, const std::string& weights) {
    const EngineProfile& p = engine_profile(engine);
    const auto now = find_weight_format(weights);
    const auto kv = find_kv_format("auto");
    if (!now || !kv || p.formats_by_quality.empty()) return weights;
    if (engine_load_error(p, *now, *kv).empty()) return weights;
    for (const std::string& id : p.formats_by_quality)
        if (const auto f = find_weight_format(id); f && f->bits_per_weight <= now->bits_per_weight + 1.0) return id;
    return p.formats_by_quality.back();
}

// A model known only by its parameter count has no KV cache to size: context and concurrency
// answers would be unbounded, so none are given.
static bool weights_only(const Scenario& s) { return s.custom_config.empty() && s.custom_params > 0; }

namespace {

std::optional<std::int64_t> largest_context_in(const Trials& tr) {
    const Scenario& s = tr.base;
    if (weights_only(tr.original)) return std::nullopt;
    auto ok = [&](std::int64_t ctx) { return fits_trial(tr, with_context(s, ctx)); };
    const WorkloadMap& w = workload(s);
    std::int64_t lo = w.min_sequence_context ? std::max<std::int64_t>(1, w.min_sequence_context(s)) : 1;
    if (!ok(lo)) return std::nullopt;
    // Past the model's trained context the answer means nothing (and vLLM refuses it).
    std::int64_t limit = 100'000'000;
    if (const Architecture* a = arch_of(tr); a && a->max_context > 0) limit = a->max_context;
    // An engine that computes the longest context itself for its KV budget (vLLM
    // estimate_max_model_len, Estimate::engine_max_context) gives the answer for one sequence.
    if (!w.concurrency || w.concurrency(s) <= 1)
        if (Estimate e = estimate_trial(tr, with_context(s, limit)); e.ok && e.engine_max_context && *e.engine_max_context >= lo)
            return *e.engine_max_context;
    if (ok(limit)) return limit;
    std::int64_t hi = std::min<std::int64_t>(16, limit);
    while (hi < limit && ok(hi)) { lo = hi; hi = std::min(hi * 2, limit); }
    return search_largest(lo, hi - 1, ok);
}

std::optional<std::int64_t> largest_concurrency_in(const Trials& tr) {
    const Scenario& s = tr.base;
    if (weights_only(tr.original)) return std::nullopt;
    auto ok = [&](std::int64_t n) { return fits_trial(tr, with_concurrency(s, n)); };
    if (!ok(1)) return std::nullopt;
    // Engines with a KV pool report it directly: KV tokens / max_model_len.
    if (Estimate e = estimate_trial(tr, s); e.ok && e.max_concurrency)
        return std::max<std::int64_t>(1, saturating_floor_count(*e.max_concurrency));
    std::int64_t lo = 1, hi = 2;
    while (hi < 1'000'000 && ok(hi)) { lo = hi; hi *= 2; }
    if (hi >= 1'000'000 && ok(hi)) return hi;
    return search_largest(lo, hi - 1, ok);
}

std::optional<Scenario> fewest_gpus_in(const Trials& tr, int max_gpus) {
    // 1-8 GPUs in one node, then whole nodes of 8 (what deployments use; odd counts past 8 would be
    // long pipelines of 9, 11, 13... stages that nobody runs and that cost an estimate each).
    for (int n = 1; n <= max_gpus; n += n < 8 ? 1 : 8) {
        // n GPUs serving one copy, pooled by the engine's rule (parallel_layout.h); a node holds 8.
        Scenario t = tr.base;
        t.gpus = n;
        t.nodes = (n + 7) / 8;
        t.tp = 0;
        t.pp = 0;
        t.replicas = 1;
        if (fits_trial(tr, t)) return handed_out(tr, t);
    }
    return std::nullopt;
}

// The original scenario resolved from the Trials' model (no second parse); nullopt when it does not resolve.
std::optional<ResolvedScenario> resolved_trial(const Trials& tr, const Scenario& t) {
    std::string err;
    return tr.model ? resolve_with_model(*tr.model, t, err) : std::nullopt;
}

ParallelLayout layout_in(const Trials& tr, const Scenario& t) {
    if (const auto r = resolved_trial(tr, t))
        return {r->scenario.tp, r->scenario.pp, r->scenario.replicas, 0,
                r->engine->parallel.dp_attention && r->scenario.enable_dp_attention && r->scenario.replicas > 1};
    return {std::max(1, t.tp), std::max(1, t.pp), std::max(1, t.replicas), 0};
}

std::string native_format_in(const Trials& tr) {
    if (!tr.model || tr.model->model.default_format.empty() || !resolved_trial(tr, tr.base)) return "";
    const auto f = find_weight_format(tr.model->model.default_format);
    const auto kv = find_kv_format("auto");
    if (!f || !kv || !engine_load_error(engine_profile(tr.base.engine), *f, *kv).empty()) return "";
    return f->id;
}

std::vector<std::string> formats_to_try_in(const Trials& tr) {
    std::vector<std::string> out = formats_by_quality(tr.base.engine);
    // The checkpoint as published (MXFP4 for gpt-oss, FP8 for DeepSeek-V3) loses nothing: first.
    if (const std::string native = native_format_in(tr); !native.empty()) {
        out.erase(std::remove(out.begin(), out.end(), native), out.end());
        out.insert(out.begin(), native);
    }
    return out;
}

std::optional<std::string> best_fitting_format_in(const Trials& tr) {
    for (const auto& id : formats_to_try_in(tr)) {
        Scenario t = tr.base;
        t.weights = id;
        if (fits_trial(tr, t)) return id;
    }
    return std::nullopt;
}

// MoE on llama.cpp: the fewest layers whose experts stay in system RAM (--n-cpu-moe) for a fit.
std::optional<Suggestion> expert_offload_in(const Trials& tr) {
    const Scenario& s = tr.base;
    if (!uses_knob(engine_profile(s.engine), "n_cpu_moe") || s.cpu_moe || !s.override_tensor.empty()) return std::nullopt;
    const Architecture* a = arch_of(tr);
    if (!a || !a->is_moe()) return std::nullopt;
    const std::int64_t layers = a->num_layers;
    auto with = [&](std::int64_t n) { Scenario t = s; t.n_cpu_moe = static_cast<int>(n); return t; };
    if (!fits_trial(tr, with(layers))) return std::nullopt;
    std::int64_t lo = std::max<std::int64_t>(0, s.n_cpu_moe), hi = layers;  // fits with hi
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (fits_trial(tr, with(mid))) hi = mid;
        else lo = mid + 1;
    }
    if (hi == s.n_cpu_moe) return std::nullopt;
    const Scenario t = with(hi);
    const Estimate e = estimate_trial(tr, t);
    // Decode reads each token's active experts from RAM: a rough band, not a measurement.
    return Suggestion{"experts of " + std::to_string(hi) + " layers in system RAM (--n-cpu-moe " + std::to_string(hi) + "): needs " +
                          gib_text(static_cast<double>(e.cpu.bytes)) + " of RAM; expect roughly 2-5x slower decoding (rough)",
                      handed_out(tr, t)};
}

// An 8-bit KV cache instead of a wider one: the first 8-bit type the engine caches K/V in (fp8 in
// vLLM and SGLang, q8_0 in llama.cpp, which has no fp8 cache), when that fits.
std::optional<Suggestion> kv_cache_8bit_in(const Trials& tr) {
    const Scenario& s = tr.base;
    if (s.kv_dtype != "auto" && s.kv_dtype != "fp16" && s.kv_dtype != "bf16" && s.kv_dtype != "fp32") return std::nullopt;
    for (const char* kv : {"fp8", "q8_0"}) {
        Scenario t = s;
        t.kv_dtype = kv;
        const Estimate e = estimate_trial(tr, t);
        if (!e.ok) continue;  // the engine does not cache K/V in this format
        if (!e.fits) return std::nullopt;
        // llama.cpp names its cache types by their flags (-ctk/-ctv); the others by format.
        const std::string label = uses_knob(engine_profile(s.engine), "n_cpu_moe")
                                      ? "KV cache " + t.kv_dtype + " (-ctk " + t.kv_dtype + " -ctv " + t.kv_dtype + "): half the KV memory"
                                      : "KV cache " + upper(t.kv_dtype) + " instead of " + upper(s.kv_dtype);
        return Suggestion{label, handed_out(tr, t)};
    }
    return std::nullopt;
}

// llama.cpp -ngl: the most layers that fit on the GPUs, the rest in CPU RAM.
std::optional<Suggestion> gpu_layers_suggestion(const Trials& tr) {
    const Architecture* a = arch_of(tr);
    if (!a) return std::nullopt;
    const std::int64_t layers = a->num_layers;
    auto with_layers = [&](std::int64_t ngl) { Scenario t = tr.base; t.gpu_layers = static_cast<int>(ngl); return t; };
    auto ok = [&](std::int64_t ngl) { return fits_trial(tr, with_layers(ngl)); };
    if (!ok(0)) return std::nullopt;
    const std::int64_t ngl = search_largest(0, layers, ok);
    return Suggestion{"offload " + std::to_string(layers - ngl) + " layers to CPU RAM (-ngl " + std::to_string(ngl) + ")",
                      handed_out(tr, with_layers(ngl))};
}

}  // namespace

std::optional<std::int64_t> largest_context(const Scenario& s) { return largest_context_in(trials_of(s)); }
std::optional<std::int64_t> largest_concurrency(const Scenario& s) { return largest_concurrency_in(trials_of(s)); }
std::optional<Scenario> fewest_gpus(const Scenario& s, int max_gpus) { return fewest_gpus_in(trials_of(s), max_gpus); }
std::optional<std::string> best_fitting_format(const Scenario& s) { return best_fitting_format_in(trials_of(s)); }
std::optional<Suggestion> expert_offload(const Scenario& s) { return expert_offload_in(trials_of(s)); }

ParallelLayout layout_of(const Scenario& s) { return layout_in(trials_of(s), s); }
std::string native_format(const Scenario& s) { return native_format_in(trials_of(s)); }
std::vector<std::string> formats_to_try(const Scenario& s) { return formats_to_try_in(trials_of(s)); }

namespace {

// `known`: the other answers, already found for this scenario (answers()); null = search here.
std::vector<Suggestion> suggestions_in(const Trials& tr, const Answers* known) {
    std::vector<Suggestion> out;
    const Scenario& s = tr.base;
    Estimate base = estimate_trial(tr, s);
    if (!base.ok || base.fits) return out;

    const EngineProfile& profile = engine_profile(s.engine);
    // MoE on llama.cpp: what people do first is keep expert tensors in system RAM (--n-cpu-moe), then
    // quantize the KV cache; elsewhere the weight format comes before the cache.
    const bool kv_before_weights = uses_knob(profile, "n_cpu_moe");
    if (auto moe = expert_offload_in(tr)) out.push_back(std::move(*moe));
    std::optional<Suggestion> kv8 = kv_cache_8bit_in(tr);
    if (kv8 && kv_before_weights) out.push_back(std::move(*kv8));
    if (auto f = known ? known->best_weights : best_fitting_format_in(tr); f && *f != s.weights) {
        Scenario t = s;
        t.weights = *f;
        out.push_back({upper(*f) + " instead of " + upper(s.weights), handed_out(tr, t)});
    }
    if (kv8 && !kv_before_weights) out.push_back(std::move(*kv8));
    if (auto ctx = known ? known->largest_context : largest_context_in(tr); ctx && *ctx >= 512 && *ctx < context_per_sequence(s)) {
        // Round down to a friendly number so the suggestion still fits.
        std::int64_t c = *ctx >= 4096 ? *ctx / 1024 * 1024 : *ctx / 256 * 256;
        out.push_back({"context " + short_tokens(c) + " instead of " + short_tokens(context_per_sequence(s)),
                       handed_out(tr, with_context(s, c))});
    }
    if (const std::int64_t now = profile.workload.concurrency(s); now > 1) {
        if (auto n = known ? known->largest_concurrency : largest_concurrency_in(tr))
            out.push_back({std::to_string(*n) + " concurrent sequences instead of " + std::to_string(now),
                           handed_out(tr, with_concurrency(s, *n))});
    }
    if (auto g = known ? known->fewest_gpus : fewest_gpus_in(tr, 64); g && g->gpus != s.gpus) {
        std::string label = std::to_string(g->gpus) + (g->gpus == 1 ? " GPU" : " GPUs");
        const ParallelLayout l = layout_in(tr, *g);
        if (l.tp > 1 || l.pp > 1) label += " (" + layout_text(l) + ")";
        out.push_back({label, *g});
    }
    // Engines that keep some layers in CPU RAM (llama.cpp -ngl).
    if (uses_knob(profile, "gpu_layers"))
        if (auto g = gpu_layers_suggestion(tr)) out.push_back(std::move(*g));
    // Engines that stream part of the weights from CPU RAM (vLLM --cpu-offload-gb).
    if (uses_knob(profile, "cpu_offload_gib") && base.headroom_bytes < 0) {
        Scenario t = s;
        const double short_gib = static_cast<double>(-base.headroom_bytes) / kGiB;
        t.cpu_offload_gib = std::ceil(short_gib + 0.5);
        if (fits_trial(tr, t))
            out.push_back({"--cpu-offload-gb " + std::to_string(static_cast<int>(t.cpu_offload_gib)) + " (slower: weights stream from RAM)",
                           handed_out(tr, t)});
    }
    return out;
}

}  // namespace

std::vector<Suggestion> suggestions(const Scenario& s) { return suggestions_in(trials_of(s), nullptr); }

Answers answers(const Scenario& s) {
    const Trials tr = trials_of(s);
    Answers a;
    a.largest_context = largest_context_in(tr);
    a.largest_concurrency = largest_concurrency_in(tr);
    a.best_weights = best_fitting_format_in(tr);
    a.fewest_gpus = fewest_gpus_in(tr, 64);
    a.suggestions = suggestions_in(tr, &a);
    return a;
}

}  // namespace vramcalc
