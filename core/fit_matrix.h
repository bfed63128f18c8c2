// The model x weight-format fit matrix (seed 000's table, with real estimates instead of
// params x bytes x 1.2): one estimate() per cell over a base scenario. The page draws it and
// export.h writes it as Markdown, CSV or JSON.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "estimate.h"
#include "scenario.h"
#include "units.h"

namespace vramcalc {

// Fits: green. Tight: fits with less than kTightHeadroomFraction of the GPU's memory to spare
// (amber: a longer prompt or a driver update may tip it over). NoFit: red. Error: the estimator
// refused the combination (format the engine cannot load, tp not dividing heads, ...).
enum class FitLevel { Fits, Tight, NoFit, Error };
inline constexpr double kTightHeadroomFraction = 0.10;

const char* fit_level_id(FitLevel level);  // "fits", "tight", "no-fit", "error"
FitLevel fit_level(const Estimate& e);

struct FitCell {
    FitLevel level = FitLevel::Error;
    bool fits = false;
    std::int64_t headroom_bytes = 0;   // per GPU, most loaded; negative = shortfall
    Bytes per_gpu_total_bytes = 0;     // the most loaded GPU's total (vLLM/SGLang: the pool they fill)
    // What the cell asks of each GPU: gpu_memory - headroom. Comparable across engines (vLLM and
    // SGLang fill their memory fraction with KV cache, so their total alone is always ~90%);
    // for them it includes the share of memory the fraction leaves unused.
    Bytes required_bytes = 0;
    // What the cell's context x concurrency needs on the most loaded GPU: Estimate::needed_per_gpu
    // for engines that reserve a budget, else the GPU's total. The page's verdict, chart and matrix
    // all show this "needs" figure.
    Bytes needed_bytes = 0;
    Bytes gpu_memory_bytes = 0;        // what each GPU reports
    double params = 0;                 // the model's parameters (same along a row)
    std::string error;                 // set when level == Error
};

struct FitMatrix {
    Scenario base;
    std::vector<std::string> rows;             // model ids
    std::vector<std::string> cols;             // weight format ids
    std::vector<std::vector<FitCell>> cells;   // cells[row][col]
};

// The matrix's columns: the engine's formats best quality first, and before them the native
// checkpoint format of any row model that has one the engine loads (MXFP4 for gpt-oss).
std::vector<std::string> matrix_formats(const Scenario& base, const std::vector<std::string>& model_ids);

// Each cell is `base` with model = rows[r] (custom config and parameter count cleared) and
// weights = cols[c]. A row id "custom" keeps base's custom model, so a pasted config can sit in the
// matrix beside the catalog.
FitMatrix fit_matrix(const Scenario& base, const std::vector<std::string>& model_ids,
                     const std::vector<std::string>& format_ids);

}  // namespace vramcalc
