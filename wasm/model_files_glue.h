// Browser glue for models given as files or fetched from the Hub (web/model_files.h holds the logic):
// local files are read in place with File.slice (the header only; never the weights, never uploaded),
// and the Hub is asked with fetch() only after the user's click.
#pragma once

#include "web/app_state.h"

namespace vramcalc::wasm {

// Installs the drop listener, the hidden file input and window.vramcalc.pickModelFiles / modelFiles /
// fetchFromHub / setHubSettings; `wake` redraws after each file or answer.
void install_model_files(web::AppState* state, void (*wake)());

// Once per frame: opens the file picker when the panel asked, sends the next Hub request.
void pump_model_files(web::AppState& state);

// Between the two glue files (file_reader.cpp: local files; hub_fetch_web.cpp: the Hub).
void install_file_reader(web::AppState* state, void (*wake)());
void pick_files_if_asked(web::AppState& state);  // "Choose model files..." / "Choose a log file..."

}  // namespace vramcalc::wasm
