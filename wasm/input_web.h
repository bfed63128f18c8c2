// Browser input the page handles itself instead of Emscripten's GLFW (see web/input.h for what the
// page does with it): wheel events with their deltaMode, touches, key presses shorter than a frame,
// and window.vramcalc.getInput() for tests (scroll positions, focus, open popups, pickers).
#pragma once

struct GLFWwindow;

namespace vramcalc::web { struct AppState; }

namespace vramcalc::wasm {

// After ImGui_ImplGlfw_InitForOpenGL: takes over the wheel, touches and the key callback.
void install_input(GLFWwindow* window, web::AppState* state, void (*wake)());
// After each frame: releases keys that went down and up between two frames (seen down once).
void input_frame_done();

}  // namespace vramcalc::wasm
