// `vramcalc reconcile LOGFILE` and `vramcalc estimate --log LOGFILE`: read an engine's start-up log,
// estimate the scenario it describes, print the log's figures beside ours.
#pragma once
#include <functional>
#include <string>

#include "cli/options.h"
#include "core/estimate.h"

namespace vramcalc::cli {

// Prints the reconciliation (text, or JSON with --json); returns the exit code. `fail` prints an error.
// The error bands of an estimate's figures: one line of text, or "" when the engine has none.
std::string error_bands_line(const std::string& engine, const Estimate& e);
// The same for a scenario: its kind of model's bands, a calibration's own band where a knob replaced a figure.
std::string error_bands_line(const Scenario& s, const Estimate& e);

int run_reconcile(const Options& o, const std::function<int(const std::string&)>& fail);

}  // namespace vramcalc::cli
