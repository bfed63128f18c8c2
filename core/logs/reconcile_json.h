// JSON of a log reading and of a reconciliation: the CLI's `reconcile --json` and the page's
// readLog(text). Byte counts are integers; "GB" figures of vLLM and SGLang were read as GiB.
#pragma once
#include <nlohmann/json.hpp>

#include "core/logs/log_reading.h"
#include "core/logs/reconcile.h"

namespace vramcalc {

nlohmann::json log_reading_to_json(const LogReading& r);
// engine, engine_version, model, scenario, measured, estimate, differences, lacking, notes, calibration
// (the cal_* knobs) and calibrated_error_bands (error_bands_json of the calibrated scenario).
nlohmann::json reconciliation_to_json(const LogReading& r, const Reconciliation& rc);
// The error band of each per-GPU figure of an estimate: {"weights": {"low", "high", "rows", "text",
// "low_bytes", "high_bytes"}, ...}, for the figures the published measurements give a band.
// Each band also says its rows: "kind" ("all" or dense, moe, hybrid, vision, partial_offload,
// calibrated), "label", and "asked_kind"/"kind_rows" when too few rows of the kind left the engine-wide band.
nlohmann::json error_bands_json(const std::string& engine, const Estimate& e);
// The bands of a scenario's figures: its kind of model (or partial offload), and a calibration's own
// band for a figure a cal_* knob replaced (error_bands.h scenario_band).
nlohmann::json error_bands_json(const Scenario& s, const Estimate& e);

}  // namespace vramcalc
