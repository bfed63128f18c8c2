#include "core/logs/reconcile_json.h"

#include <cmath>

#include "core/estimate_json.h"
#include "core/scenario_json.h"
#include "core/text.h"

namespace vramcalc {

namespace {

nlohmann::json figure_json(const LogFigure& f) {
    nlohmann::json j{{"name", f.name}, {"device", f.device.empty() ? (f.device_index < 0 ? "host" : "GPU0") : f.device}};
    if (f.bytes) j["bytes"] = *f.bytes;
    if (f.tokens) j["tokens"] = *f.tokens;
    if (f.value) j["value"] = *f.value;
    j["line"] = f.line;
    return j;
}

// Bytes and tokens as integers; ratios as they are.
nlohmann::json number(double x, const std::string& name) {
    if (name == "max_concurrency" || !(x >= 0) || x > 9e18) return x;
    return static_cast<std::int64_t>(std::llround(x));
}

// What a band says besides its numbers: the rows it comes from (its kind, or the engine-wide stand-in).
void describe(nlohmann::json& j, const ErrorBand& b) {
    j["kind"] = b.kind.empty() ? "all" : b.kind;
    if (!b.asked_kind.empty()) j["asked_kind"] = b.asked_kind, j["kind_rows"] = b.kind_rows;
    j["label"] = band_label(b);
}

nlohmann::json band_json(const Difference& d) {
    const BandRange range = measured_range(d.estimated, *d.band);
    const char* unit = d.tokens ? "tokens" : "bytes";
    nlohmann::json j{{"low", d.band->low}, {"high", d.band->high}, {"rows", d.band->rows}, {"text", band_text(*d.band)},
                     {std::string("measured_low_") + unit, number(range.low, d.name)}, {std::string("measured_high_") + unit, number(range.high, d.name)},
                     {"within", d.within_band}};
    describe(j, *d.band);
    return j;
}

using BandLookup = std::optional<ErrorBand> (*)(const void* ctx, const std::string& metric);

nlohmann::json bands_json(const std::string& engine, const Estimate& e, const void* ctx, BandLookup lookup) {
    nlohmann::json j = nlohmann::json::object();
    const bool buffers = engine == "llamacpp";  // llama.cpp's figures are its buffers
    const std::pair<const char*, Bytes> figures[] = {
        {buffers ? "model_buffer" : "weights", e.per_gpu.weights.bytes},
        {buffers ? "kv_buffer" : "kv_cache", e.per_gpu.kv_cache.bytes},
        {buffers ? "compute_buffer" : "activation", e.per_gpu.activation.bytes},
    };
    for (const auto& [metric, bytes] : figures) {
        const auto band = lookup(ctx, metric);
        if (!band) continue;
        const BandRange range = measured_range(static_cast<double>(bytes), *band);
        j[metric] = {{"low", band->low}, {"high", band->high}, {"rows", band->rows}, {"text", band_text(*band)},
                     {"low_bytes", number(range.low, metric)}, {"high_bytes", number(range.high, metric)}};
        describe(j[metric], *band);
    }
    if (e.kv_cache_tokens)
        if (const auto band = lookup(ctx, "kv_tokens")) {
            const BandRange range = measured_range(static_cast<double>(*e.kv_cache_tokens), *band);
            j["kv_tokens"] = {{"low", band->low}, {"high", band->high}, {"rows", band->rows}, {"text", band_text(*band)},
                              {"low_tokens", number(range.low, "kv_tokens")}, {"high_tokens", number(range.high, "kv_tokens")}};
            describe(j["kv_tokens"], *band);
        }
    return j;
}

struct ScenarioBands {
    const Scenario* s;
    const Estimate* e;
    std::string kind;
};

}  // namespace

nlohmann::json error_bands_json(const std::string& engine, const Estimate& e) {
    return bands_json(engine, e, &engine, [](const void* ctx, const std::string& metric) {
        return error_band(*static_cast<const std::string*>(ctx), metric);
    });
}

nlohmann::json error_bands_json(const Scenario& s, const Estimate& e) {
    const ScenarioBands ctx{&s, &e, band_kind(s)};
    return bands_json(s.engine, e, &ctx, [](const void* c, const std::string& metric) {
        const auto* sb = static_cast<const ScenarioBands*>(c);
        return estimate_band(*sb->s, *sb->e, metric, sb->kind);
    });
}

nlohmann::json log_reading_to_json(const LogReading& r) {
    if (!r.ok) return {{"ok", false}, {"error", r.error}};
    nlohmann::json settings{{"weights", r.weights}, {"quantization", r.quantization}, {"dtype", r.dtype},
                            {"kv_dtype", r.kv_dtype}, {"gpu_name", r.gpu_name}, {"gpu_memory_gib", r.gpu_memory_gib},
                            {"gpus", r.gpus}, {"tp", r.tp}, {"pp", r.pp}, {"context", r.context},
                            {"max_num_seqs", r.max_num_seqs}, {"parallel", r.parallel}, {"gpu_mem_util", r.gpu_mem_util},
                            {"gpu_layers", r.gpu_layers}, {"n_batch", r.n_batch}, {"n_ubatch", r.n_ubatch},
                            {"flash_attn", r.flash_attn}, {"backend", r.backend}, {"bits_per_weight", r.bits_per_weight},
                            {"head_bits", r.head_bits}, {"gpu_split", r.gpu_split}, {"partial_offload", r.partial_offload}};
    nlohmann::json measured = nlohmann::json::array();
    for (const LogFigure& f : r.figures) measured.push_back(figure_json(f));
    return {{"ok", true}, {"engine", r.engine}, {"engine_flavour", r.engine_flavour}, {"engine_version", r.engine_version},
            {"model", r.model}, {"model_file", r.model_file}, {"architecture", r.architecture}, {"settings", settings},
            {"measured", measured}, {"notes", r.notes}, {"runs", r.runs}, {"lines", r.lines_read}};
}

nlohmann::json reconciliation_to_json(const LogReading& r, const Reconciliation& rc) {
    nlohmann::json j = log_reading_to_json(r);
    j["scenario"] = scenario_to_json(rc.scenario);
    j["lacking"] = rc.lacking;
    if (!rc.ok) {
        j["error"] = rc.error;
        return j;
    }
    j["estimate"] = estimate_to_json(rc.estimate);
    nlohmann::json diffs = nlohmann::json::array();
    for (const Difference& d : rc.differences) {
        const char* unit = d.tokens ? "tokens" : d.name == "max_concurrency" ? "value" : "bytes";
        nlohmann::json x{{"name", d.name}, {"device", d.device.empty() ? (d.device_index < 0 ? "host" : "GPU0") : d.device},
                         {std::string("measured_") + unit, number(d.measured, d.name)}, {std::string("estimated_") + unit, number(d.estimated, d.name)},
                         {"relative", d.relative}};
        if (d.band) x["band"] = band_json(d);
        diffs.push_back(x);
    }
    j["differences"] = diffs;
    Scenario calibrated = rc.scenario;
    nlohmann::json cal = nlohmann::json::object();
    if (apply_calibration(r, calibrated) > 0) {
        for (const char* k : {"cal_non_torch_gib", "cal_activation_gib", "cal_compute_mib"}) {
            const nlohmann::json sj = scenario_to_json(calibrated);
            if (sj.contains(k) && sj[k].is_number() && sj[k].get<double>() > 0) cal[k] = sj[k];
        }
    }
    j["calibration"] = cal;
    // The bands later what-ifs on this machine show: a calibrated figure's band is the log's print precision.
    if (!cal.empty()) {
        const Estimate after = estimate(calibrated);
        if (after.ok) j["calibrated_error_bands"] = error_bands_json(calibrated, after);
    }
    j["explanation"] = rc.explanation;
    return j;
}

}  // namespace vramcalc
