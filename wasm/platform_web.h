// Browser glue under the page: canvas size and devicePixelRatio, clipboard, file drop, waking the
// main loop on input, and the window.vramcalc object. Everything here exists because Emscripten's
// built-in GLFW leaves it out (see /work/shared/TOOLCHAIN.md); nothing here knows the calculator.
#pragma once
#include <functional>
#include <string>

struct GLFWwindow;

namespace vramcalc::wasm {

struct CanvasSize {
    int width_px = 1;          // device pixels: CSS size x devicePixelRatio
    int height_px = 1;
    double device_pixel_ratio = 1.0;
};

// Sets the canvas's pixel size to its CSS size x devicePixelRatio and returns it.
CanvasSize sync_canvas_size();

// Calls `wake` (from a browser event handler) on every input, resize, focus change or paste.
void install_wake_listeners(void (*wake)());

// Routes ImGui's copy to navigator.clipboard and its paste to the page's last 'paste' event.
void install_clipboard();

// Puts text on the clipboard (navigator.clipboard, within the user's gesture): the page's one copy path.
void copy_text(const std::string& text);

// Calls `handler(name, contents)` for each file dropped on the canvas.
void install_file_drop(GLFWwindow* window, std::function<void(const std::string&, const std::string&)> handler);

// Publishes window.vramcalc.framesDrawn, and ready = true after the first frame.
void publish_frame_drawn(int frames_drawn);

}  // namespace vramcalc::wasm
