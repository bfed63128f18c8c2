#include "fit_matrix.h"

#include <algorithm>

#include "solvers.h"

namespace vramcalc {

namespace {

// A row's scenario: `base` with the catalog model `id` ("custom" keeps base's custom model).
Scenario row_scenario(const Scenario& base, const std::string& id) {
    Scenario s = base;
    if (id != "custom") {
        s.model = id;
        s.custom_config.clear();
        s.custom_params = 0;
        s.custom_name.clear();
    }
    return s;
}

}  // namespace

std::vector<std::string> matrix_formats(const Scenario& base, const std::vector<std::string>& model_ids) {
    std::vector<std::string> natives;
    for (const std::string& id : model_ids) {
        const Scenario s = row_scenario(base, id);
        if (std::string n = native_format(s); !n.empty() && std::find(natives.begin(), natives.end(), n) == natives.end())
            natives.push_back(n);
    }
    std::vector<std::string> out = natives;
    for (const std::string& f : formats_by_quality(base.engine))
        if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    return out;
}

const char* fit_level_id(FitLevel level) {
    switch (level) {
        case FitLevel::Fits: return "fits";
        case FitLevel::Tight: return "tight";
        case FitLevel::NoFit: return "no-fit";
        case FitLevel::Error: return "error";
    }
    return "error";
}

FitLevel fit_level(const Estimate& e) {
    if (!e.ok) return FitLevel::Error;
    if (!e.fits) return FitLevel::NoFit;
    const double margin = kTightHeadroomFraction * static_cast<double>(e.gpu_memory_bytes);
    return static_cast<double>(e.headroom_bytes) < margin ? FitLevel::Tight : FitLevel::Fits;
}

FitMatrix fit_matrix(const Scenario& base, const std::vector<std::string>& model_ids,
                     const std::vector<std::string>& format_ids) {
    FitMatrix m;
    m.base = base;
    m.rows = model_ids;
    m.cols = format_ids;
    m.cells.reserve(model_ids.size());
    for (const std::string& id : model_ids) {
        Scenario s = row_scenario(base, id);
        std::vector<FitCell> row;
        row.reserve(format_ids.size());
        for (const std::string& format : format_ids) {
            s.weights = format;
            const Estimate e = estimate(s);
            FitCell c;
            c.level = fit_level(e);
            c.fits = e.ok && e.fits;
            c.headroom_bytes = e.headroom_bytes;
            c.per_gpu_total_bytes = e.per_gpu.total_bytes;
            c.gpu_memory_bytes = e.gpu_memory_bytes;
            const double required = static_cast<double>(e.gpu_memory_bytes) - static_cast<double>(e.headroom_bytes);
            c.required_bytes = e.ok ? bytes_from(required) : 0;
            c.needed_bytes = !e.ok ? 0 : e.needed_per_gpu ? e.needed_per_gpu->total_bytes : e.per_gpu.total_bytes;
            c.params = e.params;
            if (!e.ok) c.error = e.error;
            row.push_back(std::move(c));
        }
        m.cells.push_back(std::move(row));
    }
    return m;
}

}  // namespace vramcalc
