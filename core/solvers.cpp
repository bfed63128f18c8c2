#include "solvers.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "catalog.h"
#include "formats.h"

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
        return std::max<std::int64_t>(1, static_cast<std::int64_t>(*e.max_concurrency));
    std::int64_t lo = 1, hi = 2;
    while (hi < 1'000'000 && ok(hi)) { lo = hi; hi *= 2; }
    if (hi >= 1'000'000 && ok(hi)) return hi;
    return search_largest(lo, hi - 1, ok);
}

std::optional<Scenario> fewest_gpus_in(const Trials& tr, int max_gpus) {
    const Architecture* a = arch_of(tr);
    const std::int64_t heads = a ? a->num_heads : 0;
    const ParallelRules& par = engine_profile(tr.base.engine).parallel;
    for (int n = 1; n <= max_gpus; ++n) {
        Scenario t = tr.base;
        t.gpus = n;
        t.nodes = 1;
        if (par.tensor_parallel) {
            // Prefer tensor parallel within a node (<= 8); pipeline parallel for the rest.
            int tp = 1;
            for (int c = std::min(n, 8); c >= 1; --c)
                if (n % c == 0 && (heads == 0 || !par.heads_divide_tp || heads % c == 0)) { tp = c; break; }
            t.tp = tp;
            t.pp = par.pipeline_parallel ? n / tp : 1;
            t.nodes = (n + 7) / 8;
        } else {
            t.tp = 1;
            t.pp = 1;
        }
        if (fits_trial(tr, t)) return handed_out(tr, t);
    }
    return std::nullopt;
}

std::optional<std::string> best_fitting_format_in(const Trials& tr) {
    for (const auto& id : formats_by_quality(tr.base.engine)) {
        Scenario t = tr.base;
        t.weights = id;
        if (fits_trial(tr, t)) return id;
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

std::vector<Suggestion> suggestions(const Scenario& original) {
    std::vector<Suggestion> out;
    const Trials tr = trials_of(original);
    const Scenario& s = tr.base;
    Estimate base = estimate_trial(tr, s);
    if (!base.ok || base.fits) return out;

    if (auto f = best_fitting_format_in(tr); f && *f != s.weights) {
        Scenario t = s;
        t.weights = *f;
        out.push_back({upper(*f) + " instead of " + upper(s.weights), handed_out(tr, t)});
    }
    if (auto ctx = largest_context_in(tr); ctx && *ctx >= 512 && *ctx < context_per_sequence(s)) {
        // Round down to a friendly number so the suggestion still fits.
        std::int64_t c = *ctx >= 4096 ? *ctx / 1024 * 1024 : *ctx / 256 * 256;
        out.push_back({"context " + short_tokens(c) + " instead of " + short_tokens(context_per_sequence(s)),
                       handed_out(tr, with_context(s, c))});
    }
    const EngineProfile& profile = engine_profile(s.engine);
    if (const std::int64_t now = profile.workload.concurrency(s); now > 1) {
        if (auto n = largest_concurrency_in(tr))
            out.push_back({std::to_string(*n) + " concurrent sequences instead of " + std::to_string(now),
                           handed_out(tr, with_concurrency(s, *n))});
    }
    if (auto g = fewest_gpus_in(tr, 64); g && g->gpus != s.gpus) {
        std::string label = std::to_string(g->gpus) + " GPUs";
        if (g->tp > 1 || g->pp > 1) label += " (tp " + std::to_string(g->tp) + (g->pp > 1 ? ", pp " + std::to_string(g->pp) : "") + ")";
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

}  // namespace vramcalc
