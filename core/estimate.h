// The estimator's entry: resolve a scenario's ids against the catalogs and the engine profiles, then
// ask the engine's profile for its accounting. The answer's structs are in result.h, the resolved
// scenario in resolved_scenario.h, the profiles in engine_profile.h.
#pragma once
#include <optional>
#include <string>

#include "engine_profile.h"
#include "formats.h"
#include "resolved_scenario.h"
#include "result.h"
#include "scenario.h"

namespace vramcalc {

// Resolves ids and validates every field; on failure the Estimate carries the error.
std::optional<ResolvedScenario> resolve(const Scenario& s, std::string& error);
// The two halves of resolve(), for many variants of one scenario (the answers in solvers.h): the
// model is parsed once, and each variant, which must name the same model (its formats, engine, GPU,
// layout, workload or knobs may differ; its custom_config and custom_tensors are not read), reuses it.
std::optional<ResolvedModel> resolve_model(const Scenario& s, std::string& error);
std::optional<ResolvedScenario> resolve_with_model(const ResolvedModel& model, const Scenario& s, std::string& error);

// The main entry: resolve + the engine's accounting (its profile's estimate for the chosen release).
Estimate estimate(const Scenario& s);
Estimate estimate(const ResolvedScenario& r);
// resolve()'s outcome answered: its estimate, or the not-ok Estimate naming resolve's error.
Estimate estimate_resolved(const std::optional<ResolvedScenario>& r, const std::string& error);

}  // namespace vramcalc
