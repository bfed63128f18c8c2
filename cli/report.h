// Text and JSON listings for the CLI.
#pragma once
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "core/estimate.h"

namespace vramcalc::cli {

void print_models(bool json);
void print_gpus(bool json);
void print_formats(bool json);
void print_engines(bool json);
void print_estimate(const Scenario& s, const Estimate& e, bool explain);
// The solver answers (largest context/concurrency, fewest GPUs, best format, suggestions).
nlohmann::json answers_json(const Scenario& s);
// The model x format fit matrix; false when the scenario does not resolve (matrix_error says why).
bool print_matrix(const Options& o);
std::string matrix_error(const Options& o);

}  // namespace vramcalc::cli
