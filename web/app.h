// The page: one AppState and the function that draws it with ImGui. Knows the core and ImGui,
// nothing of the browser: wasm/ owns the canvas, the main loop and the browser glue, and calls in here.
#pragma once
#include <string>

#include "web/app_state.h"

namespace vramcalc::web {

// Draws one frame of the page, filling the whole display; recomputes cached answers first when the
// scenario changed. Sets state.want_frames when work is pending (answers, the fit matrix).
void draw_app(AppState& state);

// A file dropped on the page (a config.json, a scenario); its bytes, as read by the browser.
void on_file_dropped(AppState& state, const std::string& name, const std::string& contents);

}  // namespace vramcalc::web
