// Text and JSON listings for the CLI.
#pragma once
#include <nlohmann/json.hpp>

#include "core/estimate.h"

namespace vramcalc::cli {

void print_models(bool json);
void print_gpus(bool json);
void print_formats(bool json);
void print_estimate(const Scenario& s, const Estimate& e, bool explain);
// The solver answers (largest context/concurrency, fewest GPUs, best format, suggestions).
nlohmann::json answers_json(const Scenario& s);

}  // namespace vramcalc::cli
