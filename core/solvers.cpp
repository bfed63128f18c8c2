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

// Concurrency is spelled differently per engine: llama.cpp shares n_ctx among -np sequences.
Scenario with_concurrency(Scenario s, std::int64_t n) {
    if (s.engine == Engine::LlamaCpp) {
        const std::int64_t per_seq = std::max<std::int64_t>(1, s.context / std::max(1, s.parallel));
        s.parallel = static_cast<int>(n);
        s.context = per_seq * n;
    } else {
        s.batch = n;
    }
    return s;
}

Scenario with_context(Scenario s, std::int64_t ctx) {
    if (s.engine == Engine::LlamaCpp) s.context = ctx * std::max(1, s.parallel);
    else if (s.engine == Engine::Transformers) {
        // keep the generated length, grow the prompt
        s.output_tokens = std::min(s.output_tokens, ctx);
        s.input_tokens = ctx - s.output_tokens;
        s.context = ctx;
    } else s.context = ctx;
    return s;
}

std::int64_t context_per_sequence(const Scenario& s) {
    return s.engine == Engine::LlamaCpp ? s.context / std::max(1, s.parallel) : s.context;
}

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

std::vector<std::string> formats_by_quality(Engine engine) {
    switch (engine) {
        case Engine::LlamaCpp:
            return {"gguf-bf16", "gguf-q8_0", "gguf-q6_k", "gguf-q5_k_m", "gguf-q5_k_s", "gguf-q4_k_m", "gguf-q4_k_s",
                    "gguf-iq4_xs", "gguf-q3_k_m", "gguf-q2_k", "gguf-iq2_m", "gguf-iq2_xxs", "gguf-iq1_m"};
        case Engine::Transformers:
            return {"bf16", "fp8", "bnb-int8", "gptq-int8", "awq", "gptq-int4", "nf4"};
        case Engine::Vllm:
        case Engine::Sglang:
            return {"bf16", "fp8", "int8", "gptq-int8", "awq", "gptq-int4", "nf4"};
        case Engine::Simple:
            return {"bf16", "fp8", "int8", "int6", "awq", "int4", "gguf-q3_k_m", "gguf-q2_k"};
    }
    return {"bf16"};
}

// A model known only by its parameter count has no KV cache to size: context and concurrency
// answers would be unbounded, so none are given.
static bool weights_only(const Scenario& s) { return s.custom_config.empty() && s.custom_params > 0; }

std::optional<std::int64_t> largest_context(const Scenario& s) {
    if (weights_only(s)) return std::nullopt;
    auto ok = [&](std::int64_t ctx) { return fits(with_context(s, ctx)); };
    std::int64_t lo = s.engine == Engine::Transformers ? std::max<std::int64_t>(1, s.output_tokens) : 1;
    if (!ok(lo)) return std::nullopt;
    // Past the model's trained context the answer means nothing (and vLLM refuses it).
    std::int64_t limit = 100'000'000;
    std::string err;
    if (auto r = resolve(s, err); r && !r->model.params_only && r->model.arch.max_context > 0)
        limit = r->model.arch.max_context;
    if (ok(limit)) return limit;
    std::int64_t hi = std::min<std::int64_t>(16, limit);
    while (hi < limit && ok(hi)) { lo = hi; hi = std::min(hi * 2, limit); }
    return search_largest(lo, hi - 1, ok);
}

std::optional<std::int64_t> largest_concurrency(const Scenario& s) {
    if (weights_only(s)) return std::nullopt;
    auto ok = [&](std::int64_t n) { return fits(with_concurrency(s, n)); };
    if (!ok(1)) return std::nullopt;
    if (s.engine == Engine::Vllm || s.engine == Engine::Sglang) {
        // The engine reports it directly: KV tokens / max_model_len.
        Estimate e = estimate(s);
        if (e.ok && e.max_concurrency) return std::max<std::int64_t>(1, static_cast<std::int64_t>(*e.max_concurrency));
    }
    std::int64_t lo = 1, hi = 2;
    while (hi < 1'000'000 && ok(hi)) { lo = hi; hi *= 2; }
    if (hi >= 1'000'000 && ok(hi)) return hi;
    return search_largest(lo, hi - 1, ok);
}

std::optional<Scenario> fewest_gpus(const Scenario& s, int max_gpus) {
    std::string err;
    auto r = resolve(s, err);
    const std::int64_t heads = (r && !r->model.params_only) ? r->model.arch.num_heads : 0;
    for (int n = 1; n <= max_gpus; ++n) {
        Scenario t = s;
        t.gpus = n;
        t.nodes = 1;
        if (s.engine == Engine::Vllm || s.engine == Engine::Sglang) {
            // Prefer tensor parallel within a node (<= 8); pipeline parallel for the rest.
            int tp = 1;
            for (int c = std::min(n, 8); c >= 1; --c)
                if (n % c == 0 && (heads == 0 || heads % c == 0)) { tp = c; break; }
            t.tp = tp;
            t.pp = n / tp;
            t.nodes = (n + 7) / 8;
        } else {
            t.tp = 1;
            t.pp = 1;
        }
        if (fits(t)) return t;
    }
    return std::nullopt;
}

std::optional<std::string> best_fitting_format(const Scenario& s) {
    for (const auto& id : formats_by_quality(s.engine)) {
        Scenario t = s;
        t.weights = id;
        if (fits(t)) return id;
    }
    return std::nullopt;
}

std::vector<Suggestion> suggestions(const Scenario& s) {
    std::vector<Suggestion> out;
    if (fits(s)) return out;
    Estimate base = estimate(s);
    if (!base.ok) return out;

    if (auto f = best_fitting_format(s); f && *f != s.weights) {
        Scenario t = s;
        t.weights = *f;
        out.push_back({upper(*f) + " instead of " + upper(s.weights), t});
    }
    if (auto ctx = largest_context(s); ctx && *ctx >= 512 && *ctx < context_per_sequence(s)) {
        // Round down to a friendly number so the suggestion still fits.
        std::int64_t c = *ctx >= 4096 ? *ctx / 1024 * 1024 : *ctx / 256 * 256;
        Scenario t = with_context(s, c);
        out.push_back({"context " + short_tokens(c) + " instead of " + short_tokens(context_per_sequence(s)), t});
    }
    if (s.batch > 1 || s.parallel > 1) {
        if (auto n = largest_concurrency(s)) {
            Scenario t = with_concurrency(s, *n);
            out.push_back({std::to_string(*n) + " concurrent sequences instead of " +
                               std::to_string(s.engine == Engine::LlamaCpp ? s.parallel : s.batch), t});
        }
    }
    if (auto g = fewest_gpus(s); g && g->gpus != s.gpus) {
        std::string label = std::to_string(g->gpus) + " GPUs";
        if (g->tp > 1 || g->pp > 1) label += " (tp " + std::to_string(g->tp) + (g->pp > 1 ? ", pp " + std::to_string(g->pp) : "") + ")";
        out.push_back({label, *g});
    }
    if (s.engine == Engine::LlamaCpp) {
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
    if (s.engine == Engine::Vllm && base.headroom_bytes < 0) {
        Scenario t = s;
        const double short_gib = static_cast<double>(-base.headroom_bytes) / kGiB;
        t.cpu_offload_gib = std::ceil(short_gib + 0.5);
        if (fits(t)) out.push_back({"--cpu-offload-gb " + std::to_string(static_cast<int>(t.cpu_offload_gib)) + " (slower: weights stream from RAM)", t});
    }
    return out;
}

}  // namespace vramcalc
