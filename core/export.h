// Exports of the current answer and of the fit matrix: Markdown (to paste into an issue or a wiki,
// like seed 000's table), CSV (sizes with units plus raw byte columns, for spreadsheets) and JSON
// (estimate_to_json plus the scenario and its share link). Plain strings: the page copies or
// downloads them, the CLI prints them.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "estimate.h"
#include "fit_matrix.h"
#include "scenario.h"

namespace vramcalc {

// One answer. `e` should be estimate(s); both are needed because an error estimate names no model.
std::string result_markdown(const Scenario& s, const Estimate& e);
// Long format, one figure a line: section,item,value,raw,how (raw = bytes for sizes, a count otherwise).
std::string result_csv(const Scenario& s, const Estimate& e);
// estimate_to_json(e, explain) + "scenario" (scenario_to_json) + "link" (the share fragment, '#' first).
nlohmann::json result_json(const Scenario& s, const Estimate& e, bool explain = true);

// The matrix: Markdown with a coloured mark per cell and a legend; CSV with one line per cell
// (model,format,fit,required,required_bytes,per_gpu_total,per_gpu_total_bytes,headroom,headroom_bytes,
// gpu_memory_bytes,error). Markdown cells show FitCell::required_bytes.
std::string fit_matrix_markdown(const FitMatrix& m);
std::string fit_matrix_csv(const FitMatrix& m);
nlohmann::json fit_matrix_json(const FitMatrix& m);

// RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + @ (or - before a
// non-digit) gets a ' so spreadsheets do not run a shared model name as a formula.
std::string csv_field(std::string_view text);
// A Markdown table cell: | and \ escaped, < > as entities, line breaks as spaces.
std::string markdown_cell(std::string_view text);

}  // namespace vramcalc
