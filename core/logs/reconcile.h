// Reconciling a log with our estimate: the scenario the log describes (scenario_from_log), our
// estimate of it, and each figure the log printed beside ours with the difference and the error band
// the published measurements give that figure.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/estimate.h"
#include "core/logs/error_bands.h"
#include "core/logs/log_reading.h"
#include "core/scenario.h"

namespace vramcalc {

struct Difference {
    std::string name;             // the figure (log_reading.h names)
    std::string device;
    int device_index = 0;
    bool tokens = false;          // a token count, not bytes
    double measured = 0;          // bytes or tokens (or the value, for ratios)
    double estimated = 0;
    double relative = 0;          // (estimated - measured) / measured; 0 when measured is 0
    std::optional<ErrorBand> band;
    bool within_band = false;     // the measured figure lies in the band around our estimate
};

struct Reconciliation {
    bool ok = false;
    std::string error;                     // the scenario could not be estimated (names what to give)
    Scenario scenario;                     // what was estimated
    std::vector<std::string> lacking;      // what the log did not state (a default or the caller's value used)
    Estimate estimate;
    std::vector<Difference> differences;   // figures we estimate too; the others stay in the reading
    std::string explanation;               // the biggest difference in one line, when a known cause applies
};

// The scenario a log describes: the log's values over `base` (the caller's scenario: flags, a config
// for a model the catalog lacks). What the log does not state stays `base`'s and is listed in `lacking`.
Scenario scenario_from_log(const LogReading& r, const Scenario& base, std::vector<std::string>& lacking);

// The machine-specific figures the log measured, kept as a calibration that later what-ifs on the same
// machine use (another context, utilization, quantization or model): vLLM's non-torch memory and
// activation peak, llama.cpp's compute buffer (GPU 0). Sets Scenario's cal_* fields; returns how many.
int apply_calibration(const LogReading& r, Scenario& s);

// Estimates `s` (usually scenario_from_log's) and sets each measured figure beside ours.
Reconciliation reconcile(const LogReading& r, const Scenario& s, std::vector<std::string> lacking = {});

}  // namespace vramcalc
