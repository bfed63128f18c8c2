#include "solvers.h"

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

std::optional<std::int64_t> largest_context(const Scenario& s) {
    if (weights_only(s)) return std::nullopt;
    auto ok = [&](std::int64_t ctx) { return fits(with_context(s, ctx)); };
    const WorkloadMap& w = workload(s);
    std::int64_t lo = w.min_sequence_context ? std::max<std::int64_t>(1, w.min_sequence_context(s)) : 1;
    if (!ok(lo)) return std::nullopt;
    // Past the model's trained context the answer means nothing (and vLLM refuses it).
    std::int64_t limit = 100'000'000;
    std::string err;
    if (auto r = resolve(s, err); r && !r->model.params_only && r->model.arch.max_context > 0)
        limit = r->model.arch.max_context;
    // An engine that computes the longest context itself for its KV budget (vLLM
    // estimate_max_model_len, Estimate::engine_max_context) gives the answer for one sequence.
    if (!w.concurrency || w.concurrency(s) <= 1)
        if (Estimate e = estimate(with_context(s, limit)); e.ok && e.engine_max_context && *e.engine_max_context >= lo)
            return *e.engine_max_context;
    if (ok(limit)) return limit;
    std::int64_t hi = std::min<std::int64_t>(16, limit);
    while (hi < limit && ok(hi)) { lo = hi; hi = std::min(hi * 2, limit); }
    return search_largest(lo, hi - 1, ok);
}

std::optional<std::int64_t> largest_concurrency(const Scenario& s) {
    if (weights_only(s)) return std::nullopt;
    auto ok = [&](std::int64_t n) { return fits(with_concurrency(s, n)); };
    if (!ok(1)) return std::nullopt;
    // Engines with a KV pool report it directly: KV tokens / max_model_len.
    if (Estimate e = estimate(s); e.ok && e.max_concurrency)
        return std::max<std::int64_t>(1, static_cast<std::int64_t>(*e.max_concurrency));
    std::int64_t lo = 1, hi = 2;
    while (hi < 1'000'000 && ok(hi)) { lo = hi; hi *= 2; }
    if (hi >= 1'000'000 && ok(hi)) return hi;
    return search_largest(lo, hi - 1, ok);
}

std::optional<Scenario> fewest_gpus(const Scenario& s, int max_gpus) {
    // 1-8 GPUs in one node, then whole nodes of 8 (what deployments use; odd counts past 8 would be
    // long pipelines of 9, 11, 13... stages that nobody runs and that cost an estimate each).
    for (int n = 1; n <= max_gpus; n += n < 8 ? 1 : 8) {
        // n GPUs serving one copy, pooled by the engine's rule (parallel_layout.h); a node holds 8.
        Scenario t = s;
        t.gpus = n;
        t.nodes = (n + 7) / 8;
        t.tp = 0;
        t.pp = 0;
        t.replicas = 1;
        if (fits(t)) return t;
    }
    return std::nullopt;
}

ParallelLayout layout_of(const Scenario& s) {
    std::string err;
    if (auto r = resolve(s, err)) return {r->scenario.tp, r->scenario.pp, r->scenario.replicas, 0};
    return {std::max(1, s.tp), std::max(1, s.pp), std::max(1, s.replicas), 0};
}

std::string native_format(const Scenario& s) {
    std::string err;
    const auto r = resolve(s, err);
    if (!r || r->model.default_format.empty()) return "";
    const auto f = find_weight_format(r->model.default_format);
    const auto kv = find_kv_format("auto");
    const EngineProfile& p = engine_profile(s.engine);
    if (!f || !kv || (p.load_error && !p.load_error(*f, *kv).empty())) return "";
    return f->id;
}

std::vector<std::string> formats_to_try(const Scenario& s) {
    std::vector<std::string> out = formats_by_quality(s.engine);
    // The checkpoint as published (MXFP4 for gpt-oss, FP8 for DeepSeek-V3) loses nothing: first.
    if (const std::string native = native_format(s); !native.empty()) {
        out.erase(std::remove(out.begin(), out.end(), native), out.end());
        out.insert(out.begin(), native);
    }
    return out;
}

std::optional<std::string> best_fitting_format(const Scenario& s) {
    for (const auto& id : formats_to_try(s)) {
        Scenario t = s;
        t.weights = id;
        if (fits(t)) return id;
    }
    return std::nullopt;
}

std::optional<Suggestion> expert_offload(const Scenario& s) {
    if (!uses_knob(engine_profile(s.engine), "n_cpu_moe") || s.cpu_moe || !s.override_tensor.empty()) return std::nullopt;
    std::string err;
    const auto r = resolve(s, err);
    if (!r || r->model.params_only || !r->model.arch.is_moe()) return std::nullopt;
    const std::int64_t layers = r->model.arch.num_layers;
    auto with = [&](std::int64_t n) { Scenario t = s; t.n_cpu_moe = static_cast<int>(n); return t; };
    if (!fits(with(layers))) return std::nullopt;
    std::int64_t lo = std::max<std::int64_t>(0, s.n_cpu_moe), hi = layers;  // fits(with(hi)) holds
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (fits(with(mid))) hi = mid;
        else lo = mid + 1;
    }
    if (hi == s.n_cpu_moe) return std::nullopt;
    const Scenario t = with(hi);
    const Estimate e = estimate(t);
    // Decode reads each token's active experts from RAM: a rough band, not a measurement.
    return Suggestion{"experts of " + std::to_string(hi) + " layers in system RAM (--n-cpu-moe " + std::to_string(hi) + "): needs " +
                          gib_text(static_cast<double>(e.cpu.bytes)) + " of RAM; expect roughly 2-5x slower decoding (rough)",
                      t};
}

std::vector<Suggestion> suggestions(const Scenario& s) {
    std::vector<Suggestion> out;
    if (fits(s)) return out;
    Estimate base = estimate(s);
    if (!base.ok) return out;

    // MoE on llama.cpp: what people do first is keep expert tensors in system RAM (--n-cpu-moe).
    if (auto moe = expert_offload(s)) out.push_back(std::move(*moe));
    if (uses_knob(engine_profile(s.engine), "n_cpu_moe") && s.kv_dtype != "q8_0" && s.kv_dtype != "q4_0") {
        Scenario t = s;
        t.kv_dtype = "q8_0";
        if (fits(t)) out.push_back({"KV cache q8_0 (-ctk q8_0 -ctv q8_0): half the KV memory", t});
    }
    if (auto f = best_fitting_format(s); f && *f != s.weights) {
        Scenario t = s;
        t.weights = *f;
        out.push_back({upper(*f) + " instead of " + upper(s.weights), t});
    }
    // An 8-bit KV cache halves a 16-bit one: fp8 where the engine has it (vLLM, SGLang), q8_0 in llama.cpp.
    if (s.kv_dtype == "auto" || s.kv_dtype == "fp16" || s.kv_dtype == "bf16") {
        for (const char* kv : {"fp8", "q8_0"}) {
            Scenario t = s;
            t.kv_dtype = kv;
            const Estimate e = estimate(t);
            if (!e.ok) continue;  // the engine does not cache K/V in this format
            if (e.fits) out.push_back({"KV cache " + upper(kv) + " instead of " + upper(s.kv_dtype), t});
            break;
        }
    }
    if (auto ctx = largest_context(s); ctx && *ctx >= 512 && *ctx < context_per_sequence(s)) {
        // Round down to a friendly number so the suggestion still fits.
        std::int64_t c = *ctx >= 4096 ? *ctx / 1024 * 1024 : *ctx / 256 * 256;
        Scenario t = with_context(s, c);
        out.push_back({"context " + short_tokens(c) + " instead of " + short_tokens(context_per_sequence(s)), t});
    }
    const EngineProfile& profile = engine_profile(s.engine);
    if (const std::int64_t now = profile.workload.concurrency(s); now > 1) {
        if (auto n = largest_concurrency(s)) {
            Scenario t = with_concurrency(s, *n);
            out.push_back({std::to_string(*n) + " concurrent sequences instead of " + std::to_string(now), t});
        }
    }
    if (auto g = fewest_gpus(s); g && g->gpus != s.gpus) {
        std::string label = std::to_string(g->gpus) + (g->gpus == 1 ? " GPU" : " GPUs");
        const ParallelLayout l = layout_of(*g);
        if (l.tp > 1 || l.pp > 1) label += " (" + layout_text(l) + ")";
        out.push_back({label, *g});
    }
    // Engines that keep some layers in CPU RAM (llama.cpp -ngl): the most layers that fit on the GPUs.
    if (uses_knob(profile, "gpu_layers")) {
        std::string err;
        if (auto r = resolve(s, err); r && !r->model.params_only) {
            const std::int64_t layers = r->model.arch.num_layers;
            auto ok = [&](std::int64_t ngl) { Scenario t = s; t.gpu_layers = static_cast<int>(ngl); return fits(t); };
            if (ok(0)) {
                std::int64_t ngl = search_largest(0, layers, ok);
                Scenario t = s;
                t.gpu_layers = static_cast<int>(ngl);
                out.push_back({"offload " + std::to_string(layers - ngl) + " layers to CPU RAM (-ngl " + std::to_string(ngl) + ")", t});
            }
        }
    }
    // Engines that stream part of the weights from CPU RAM (vLLM --cpu-offload-gb).
    if (uses_knob(profile, "cpu_offload_gib") && base.headroom_bytes < 0) {
        Scenario t = s;
        const double short_gib = static_cast<double>(-base.headroom_bytes) / kGiB;
        t.cpu_offload_gib = std::ceil(short_gib + 0.5);
        if (fits(t)) out.push_back({"--cpu-offload-gb " + std::to_string(static_cast<int>(t.cpu_offload_gib)) + " (slower: weights stream from RAM)", t});
    }
    return out;
}

}  // namespace vramcalc
