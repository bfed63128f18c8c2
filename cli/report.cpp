#include "report.h"

#include <cstdio>
#include <iostream>

#include "core/bounded_json.h"
#include "core/logs/tight_verdict.h"
#include "core/catalog.h"
#include "core/engine_profile_json.h"
#include "core/export.h"
#include "core/fit_matrix.h"
#include "core/formats.h"
#include "core/solvers.h"
#include "core/tensors.h"
#include "core/text.h"

namespace vramcalc::cli {

using nlohmann::json;

void print_models(bool as_json) {
    if (as_json) {
        json arr = json::array();
        for (const auto& m : model_catalog()) {
            ParamCount p = count_params(m.arch);
            arr.push_back({{"id", m.id}, {"name", m.name}, {"hf_id", m.hf_id}, {"family", m.family},
                           {"license", m.license}, {"params", p.total + m.arch.extra_params},
                           {"active_params", p.active + m.arch.extra_params}, {"max_context", m.arch.max_context},
                           {"year", m.year}});
        }
        std::cout << dump_json(arr, 2) << "\n";
        return;
    }
    std::printf("%-40s %-10s %-9s %s\n", "id", "params", "context", "hf_id");
    for (const auto& m : model_catalog()) {
        ParamCount p = count_params(m.arch);
        std::printf("%-40s %-10s %-9s %s\n", m.id.c_str(), format_params(p.total + m.arch.extra_params).c_str(),
                    format_tokens(m.arch.max_context).c_str(), m.hf_id.c_str());
    }
}

void print_gpus(bool as_json) {
    if (as_json) {
        json arr = json::array();
        for (const auto& g : gpu_catalog())
            arr.push_back({{"id", g.id}, {"name", g.name}, {"vendor", g.vendor}, {"memory", g.memory_marketed},
                           {"memory_unit", g.memory_unit}, {"memory_bytes", g.memory_bytes},
                           {"bandwidth_gbps", g.bandwidth_gbps}, {"unified_memory", g.unified_memory}});
        std::cout << dump_json(arr, 2) << "\n";
        return;
    }
    std::printf("%-22s %-12s %-12s %s\n", "id", "marketed", "usable", "name");
    for (const auto& g : gpu_catalog())
        std::printf("%-22s %-12s %-12s %s\n", g.id.c_str(),
                    (format_fixed(g.memory_marketed, g.memory_marketed == static_cast<int>(g.memory_marketed) ? 0 : 1) + " " + g.memory_unit).c_str(),
                    format_size(g.memory_bytes, SizeUnit::GiB, 2).c_str(), g.name.c_str());
}

void print_formats(bool as_json) {
    if (as_json) {
        json w = json::array(), k = json::array();
        for (const auto& f : weight_formats())
            w.push_back({{"id", f.id}, {"name", f.name}, {"kind", f.kind}, {"bits_per_weight", f.bits_per_weight},
                         {"description", f.description}});
        for (const auto& f : kv_formats())
            k.push_back({{"id", f.id}, {"name", f.name}, {"bits_per_value", f.bits_per_value}, {"description", f.description}});
        std::cout << dump_json(json{{"weights", w}, {"kv", k}}, 2) << "\n";
        return;
    }
    std::printf("weight formats\n");
    for (const auto& f : weight_formats())
        std::printf("  %-16s %6s bits  %s\n", f.id.c_str(), format_fixed(f.bits_per_weight, 2).c_str(), f.description.c_str());
    std::printf("KV-cache formats\n");
    for (const auto& f : kv_formats())
        std::printf("  %-16s %6s bits  %s\n", f.id.c_str(), format_fixed(f.bits_per_value, 2).c_str(), f.description.c_str());
}

void print_engines(bool as_json) {
    if (as_json) {
        std::cout << engine_profiles_json().dump(2) << "\n";
        return;
    }
    for (const EngineProfile* p : engine_profiles()) {
        std::printf("%s (%s): %s\n", p->id, p->name, p->blurb);
        std::printf("  versions: %s; default: the newest, %s\n", p->version_forms, newest_release(*p).id);
        for (const EngineRelease& r : p->releases)
            std::printf("  %-8s %-8s %s%s%s\n", r.id, r.date, r.label, *r.changed ? "\n                    changed: " : "", r.changed);
        for (const KnobUse& k : p->knobs) std::printf("  knob %-20s %s\n", k.knob, k.help);
    }
}

namespace {

void row(const char* label, const Figure& f, bool explain) {
    std::printf("  %-22s %12s\n", label, format_size(f.bytes, SizeUnit::GiB, 2).c_str());
    if (explain && !f.how.empty()) std::printf("  %-22s   %s\n", "", f.how.c_str());
}

}  // namespace

void print_estimate(const Scenario& s, const Estimate& e, bool explain) {
    // Engines that reserve a memory fraction fill it with KV cache: their headroom is KV cache to spare.
    const bool fills_budget = engine_profile(s.engine).reserved_fraction != nullptr;
    std::printf("%s: %s per GPU of %s (%s %s)\n", e.fits ? "FITS" : "DOES NOT FIT",
                format_size(e.per_gpu.total_bytes, SizeUnit::GiB, 2).c_str(),
                format_size(e.gpu_memory_bytes, SizeUnit::GiB, 2).c_str(),
                e.headroom_bytes >= 0 ? (fills_budget ? "KV cache to spare" : "headroom") : "short by",
                format_size(static_cast<Bytes>(e.headroom_bytes >= 0 ? e.headroom_bytes : -e.headroom_bytes), SizeUnit::GiB, 2).c_str());
    if (const TightVerdict t = tight_verdict(s, e); t.tight) std::printf("tight: %s\n", t.text.c_str());
    std::printf("accounting: %s\n", e.engine_version.c_str());
    std::printf("params: %s total, %s active; KV cache %s per token\n", format_params(e.params).c_str(),
                format_params(e.active_params).c_str(), format_size(e.kv_bytes_per_token, SizeUnit::GiB).c_str());
    std::printf("per GPU (most loaded)%s\n", e.per_gpu.role.empty() ? "" : (": " + e.per_gpu.role).c_str());
    row("weights", e.per_gpu.weights, explain);
    row("KV cache", e.per_gpu.kv_cache, explain);
    row("activations", e.per_gpu.activation, explain);
    row("overhead", e.per_gpu.overhead, explain);
    std::printf("  %-22s %12s\n", "total", format_size(e.per_gpu.total_bytes, SizeUnit::GiB, 2).c_str());
    if (e.gpus.size() > 1)
        std::printf("all %zu GPUs: %s\n", e.gpus.size(), format_size(e.total.total_bytes, SizeUnit::GiB, 2).c_str());
    if (e.kv_cache_tokens) std::printf("KV cache holds %lld tokens\n", static_cast<long long>(*e.kv_cache_tokens));
    if (e.max_concurrency) std::printf("max concurrency at %lld tokens: %.2fx\n", static_cast<long long>(s.context), *e.max_concurrency);
    if (e.model_buffer) row("model buffer (dev 0)", *e.model_buffer, explain);
    if (e.kv_buffer) row("KV buffer (dev 0)", *e.kv_buffer, explain);
    if (e.compute_buffer) row("compute buffer (dev 0)", *e.compute_buffer, explain);
    if (e.cpu.bytes > 0) row("CPU RAM", e.cpu, explain);
    row("startup peak", e.startup_peak, explain);
    row("rule of thumb x1.2", e.rule_of_thumb, explain);
    for (const auto& w : e.warnings) std::printf("note: %s\n", w.c_str());
    json a = answers_json(s);
    if (a.contains("largest_context")) std::printf("largest context that fits: %s tokens\n", a["largest_context"].dump().c_str());
    if (a.contains("largest_concurrency")) std::printf("largest concurrency that fits: %s\n", a["largest_concurrency"].dump().c_str());
    if (a.contains("best_weights")) std::printf("best weight format that fits: %s\n", a["best_weights"].get<std::string>().c_str());
    if (a.contains("fewest_gpus")) std::printf("fewest GPUs that fit: %s\n", a["fewest_gpus"]["gpus"].dump().c_str());
    for (const auto& sug : a["suggestions"]) std::printf("to fit: %s\n", sug["label"].get<std::string>().c_str());
}

json answers_json(const Scenario& s) {
    json a = json::object();
    const Answers found = answers(s);  // one parse of the model; the suggestions reuse the answers
    if (auto c = found.largest_context) a["largest_context"] = *c;
    if (auto n = found.largest_concurrency) a["largest_concurrency"] = *n;
    if (auto f = found.best_weights) a["best_weights"] = *f;
    if (auto g = found.fewest_gpus) {
        const ParallelLayout l = layout_of(*g);
        a["fewest_gpus"] = {{"gpus", g->gpus}, {"tp", l.tp}, {"pp", l.pp}};
    }
    a["suggestions"] = json::array();
    for (const auto& sug : found.suggestions) a["suggestions"].push_back({{"label", sug.label}});
    return a;
}

std::string matrix_error(const Options& o) {
    std::string err;
    if (!resolve(o.scenario, err)) return err;
    for (const auto& f : o.matrix_formats)
        if (!find_weight_format(f)) return "--formats: unknown format '" + f + "'";
    for (const auto& m : o.matrix_models)
        if (!find_model(m)) return "--models: unknown model '" + m + "'";
    return "";
}

bool print_matrix(const Options& o) {
    if (!matrix_error(o).empty()) return false;
    std::vector<std::string> models = o.matrix_models;
    if (models.empty()) {
        // The chosen model's family, as the page's matrix starts.
        std::string err;
        auto r = resolve(o.scenario, err);
        for (const auto& m : model_catalog())
            if (r && m.family == r->model.family) models.push_back(m.id);
        if (models.empty()) models.push_back(o.scenario.model);
    }
    std::vector<std::string> formats = o.matrix_formats;
    if (formats.empty()) formats = formats_by_quality(o.scenario.engine);
    FitMatrix m = fit_matrix(o.scenario, models, formats);
    if (o.export_format == "csv") std::cout << fit_matrix_csv(m);
    else if (o.export_format == "json" || o.json) std::cout << dump_json(fit_matrix_json(m), 2) << "\n";
    else std::cout << fit_matrix_markdown(m);
    return true;
}

}  // namespace vramcalc::cli
