// Keeps AppState's cached answers in step with its scenario: the estimate, the command and the
// solvers' answers are recomputed only when the scenario changed (solvers cost ~10 ms each in wasm).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/engine_profile.h"
#include "web/app_state.h"

namespace vramcalc::web {

std::string scenario_key(const Scenario& s);
// scenario_key(state.scenario), built again only when the scenario changed since the last call.
const std::string& current_scenario_key(AppState& state);

// Recomputes the estimate and command when the scenario changed, then advances the answers by
// one step (sets state.want_frames while answers are pending).
void refresh(AppState& state);
// Runs every pending answer step now (the JS API's getResult, tests).
void finish_answers(AppState& state);

// Replaces the scenario (a suggestion, a matrix cell, a link) and keeps the custom-model form in step.
void set_scenario(AppState& state, const Scenario& s);
// Opens a share link's scenario: the address bar keeps the link until the user changes something,
// and a model the catalog does not know (`missing_model`, with did-you-mean ids) is shown as missing.
void open_link(AppState& state, const Scenario& s, const std::string& missing_model, const std::vector<std::string>& near);
// The answer while a link's model is missing: not ok, the error names it and the nearest ids.
Estimate missing_model_estimate(const MissingModel& m);
// The user named a model (picker, setState): a link's "model not found" state ends, and the page
// answers again even for the model shown in its place.
void end_missing_model(AppState& state);
// The user picked another engine: its newest release, the nearest weight format it loads, and no
// TP/PP left set (unseen) for an engine that places layers itself (it has no such fields).
void choose_engine(Scenario& s, const EngineProfile& engine);
// Applies JSON fields onto the scenario; returns the problems (unknown or bad fields).
std::vector<std::string> apply_state_json(AppState& state, const nlohmann::json& j);

// getResult(): estimate_to_json(estimate, true) plus "answers" as `vramcalc estimate --json` gives.
nlohmann::json result_json_with_answers(AppState& state);

void show_toast(AppState& state, const std::string& text);

// Reads a dropped or pasted file: a config.json becomes the custom model, a scenario JSON is applied.
void load_text_file(AppState& state, const std::string& name, const std::string& contents);

// Sets the custom form from a model's architecture (when the user switches to "Custom").
void custom_form_from_model(AppState& state, const ModelInfo& m);
// The config.json the typed numbers describe (a Llama-style decoder).
std::string config_from_form(const CustomModelForm& f);

}  // namespace vramcalc::web
