#include "core/logs/error_bands.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/estimate.h"
#include "core/text.h"

namespace vramcalc {

// The generated table (error_band_table.cpp).
const std::vector<ErrorBandRow>& error_band_table();

namespace {

ErrorBand band_of(const ErrorBandRow& row) {
    return ErrorBand{row.engine, row.metric, row.rows, row.low, row.high, row.kind, "", 0, "", ""};
}

}  // namespace

std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric) {
    for (const ErrorBandRow& b : error_band_table())
        if (b.engine == engine && b.metric == metric && b.kind[0] == 0) return band_of(b);
    return std::nullopt;
}

std::optional<ErrorBand> error_band(const std::string& engine, const std::string& metric, const std::string& kind) {
    int kind_rows = 0;
    if (!kind.empty())
        for (const ErrorBandRow& b : error_band_table())
            if (b.engine == engine && b.metric == metric && b.kind == kind) {
                if (b.rows >= kMinKindRows) return band_of(b);
                kind_rows = b.rows;
            }
    auto all = error_band(engine, metric);
    if (all && !kind.empty()) {
        all->asked_kind = kind;
        all->kind_rows = kind_rows;
    }
    return all;
}

std::string model_kind(const ModelInfo& m) {
    const Architecture& a = m.arch;
    const bool linear = std::any_of(a.layer_attention.begin(), a.layer_attention.end(),
                                    [](LayerAttention x) { return x == LayerAttention::Linear; });
    if (linear || a.linear_state_bytes_per_layer > 0) return "hybrid";
    if (m.modality == "vision" || a.vision_params > 0) return "vision";
    return a.is_moe() ? "moe" : "dense";
}

bool partial_offload(const Scenario& s, const ModelInfo& m) {
    if (s.engine != "llamacpp") return false;
    return (s.gpu_layers >= 0 && s.gpu_layers < m.arch.num_layers + 1) || s.n_cpu_moe > 0 || !s.override_tensor.empty();
}

std::string band_kind(const Scenario& s) {
    std::string error;
    const auto r = resolve(s, error);
    if (!r) return "";
    return partial_offload(r->scenario, r->model) ? "partial_offload" : model_kind(r->model);
}

std::optional<ErrorBand> calibrated_band(const Scenario& s, const std::string& metric) {
    double value = 0, half_digit = 0;
    const char* how = "";
    if (s.engine == "vllm" && metric == "activation" && s.cal_activation_gib > 0)
        value = s.cal_activation_gib, half_digit = 0.005, how = "your log's activation peak, printed to 0.01 GiB: +-0.005 GiB";
    else if (s.engine == "llamacpp" && metric == "compute_buffer" && s.cal_compute_mib > 0)
        value = s.cal_compute_mib, half_digit = 0.005, how = "your log's compute buffer, printed to 0.01 MiB: +-0.005 MiB";
    if (value <= 0) return std::nullopt;
    const double rel = half_digit / value;
    ErrorBand b{s.engine, metric, 1, -rel, rel, "calibrated", "", 0, how, ""};
    return b;
}

std::optional<ErrorBand> scenario_band(const Scenario& s, const std::string& metric, const std::string& kind) {
    if (auto c = calibrated_band(s, metric)) return c;
    return error_band(s.engine, metric, kind);
}

std::optional<ErrorBand> estimate_band(const Scenario& s, const Estimate& e, const std::string& metric, const std::string& kind) {
    auto b = scenario_band(s, metric, kind);
    const double graphs = static_cast<double>(e.kv_budget_graph_estimate), kv = static_cast<double>(e.per_gpu.kv_cache.bytes);
    if (!b || graphs <= 0 || kv <= 0 || (metric != "kv_cache" && metric != "kv_tokens")) return b;
    // The real pool lies in kv - graphs .. kv + graphs: our figure then runs high by graphs / (kv - graphs)
    // (an error of 900% where the estimate could take the whole pool) or low by graphs / (kv + graphs).
    b->low -= graphs / (kv + graphs);
    b->high += kv > graphs * 1.1 ? graphs / (kv - graphs) : 9.0;
    b->widened = "widened by +-" + format_size(e.kv_budget_graph_estimate, SizeUnit::GiB, 2) + ": this vLLM release takes its own CUDA-graph estimate out of the KV budget; ours stands in, vLLM's may be anywhere from none to "
                 "twice it, and no published measurement of this release checks it";
    return b;
}

std::string band_label(const ErrorBand& b) {
    if (!b.widened.empty()) {
        ErrorBand measured = b;
        measured.widened.clear();
        return band_label(measured) + "; " + b.widened;
    }
    if (!b.note.empty()) return b.note;
    const auto name = [](const std::string& k) {
        return k == "moe" ? std::string("MoE") : k == "partial_offload" ? std::string("partial-offload") : k;
    };
    if (!b.asked_kind.empty())
        return "all " + std::to_string(b.rows) + " rows of the engine (" + std::to_string(b.kind_rows) + " " + name(b.asked_kind) +
               " rows: too few for their own band)";
    if (b.kind.empty()) return "all " + std::to_string(b.rows) + " rows of the engine";
    return name(b.kind) + (b.kind == "partial_offload" ? " runs, " : " models, ") + std::to_string(b.rows) + " rows";
}

BandRange measured_range(double estimate, const ErrorBand& band) {
    // An error of -100% or worse would mean a figure of zero or less: clamp so the division stays finite.
    const double lo = std::max(band.low, -0.9), hi = std::max(band.high, -0.9);
    BandRange r{estimate / (1.0 + hi), estimate / (1.0 + lo)};
    if (!std::isfinite(r.low) || r.low < 0) r.low = 0;
    if (!std::isfinite(r.high) || r.high < 0) r.high = 0;
    return r;
}

std::string band_text(const ErrorBand& band) {
    const BandRange r = measured_range(1.0, band);
    return "+" + format_fixed(100.0 * (r.high - 1.0), 1) + "% / -" + format_fixed(100.0 * (1.0 - r.low), 1) + "%";
}

}  // namespace vramcalc
