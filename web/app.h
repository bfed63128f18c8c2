// The page's state and the function that draws it with ImGui. Knows the core and ImGui, nothing of
// the browser: wasm/ owns the canvas, the main loop and the browser glue, and calls in here.
#pragma once
#include <string>

#include "core/estimate.h"
#include "core/scenario.h"

namespace vramcalc::web {

struct AppState {
    Scenario scenario;
    Estimate result;
    bool dirty = true;             // scenario changed since `result` was computed
    std::string dropped_file;      // name of the last file dropped on the page
    std::string dropped_contents;
};

// Draws one frame of the page: the model picker and the answer, filling the whole display.
void draw_app(AppState& state);

// A file dropped on the page (a config.json, a scenario); its bytes, as read by the browser.
void on_file_dropped(AppState& state, const std::string& name, const std::string& contents);

}  // namespace vramcalc::web
