#include "wasm/platform_web.h"

#include <emscripten.h>
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace {

// WEB: Emscripten's GLFW ignores devicePixelRatio, so the canvas would keep its CSS size and text
// would be blurry on high-DPI screens. We size the backing store ourselves (not through
// glfwSetWindowSize, which requests fullscreen when the size equals the screen's).
EM_JS(void, js_sync_canvas, (int* out), {
    var canvas = Module["canvas"];
    var dpr = window.devicePixelRatio || 1;
    var rect = canvas.getBoundingClientRect();
    var w = Math.max(1, Math.round(rect.width * dpr));
    var h = Math.max(1, Math.round(rect.height * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    HEAP32[out >> 2] = w;
    HEAP32[(out >> 2) + 1] = h;
    HEAP32[(out >> 2) + 2] = Math.round(dpr * 1000);
});

EM_JS(void, js_install_wake_listeners, (), {
    var fire = function() { Module["_vramcalc_wake"](); };
    var events = ["mousemove", "mousedown", "mouseup", "wheel", "keydown", "keyup", "keypress",
                  "touchstart", "touchmove", "touchend", "pointerdown", "pointerup", "pointermove",
                  "resize", "focus", "blur", "paste", "drop", "dragover", "visibilitychange"];
    events.forEach(function(name) { window.addEventListener(name, fire, true); });
    // A devicePixelRatio change without a resize (moving the window to another screen).
    var watchDpr = function() {
        var query = window.matchMedia("(resolution: " + (window.devicePixelRatio || 1) + "dppx)");
        var onChange = function() { query.removeEventListener("change", onChange); fire(); watchDpr(); };
        query.addEventListener("change", onChange);
    };
    if (window.matchMedia) watchDpr();
});

// WEB: glfwSetClipboardString/glfwGetClipboardString are empty stubs in Emscripten. Copy goes to
// navigator.clipboard (allowed: it runs within a frame of the user"s key press); paste reads the
// text of the browser"s "paste" event, which arrives before the frame that handles Ctrl+V.
EM_JS(void, js_install_paste_listener, (), {
    Module["vramcalcPaste"] = "";
    window.addEventListener("paste", function(event) {
        var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
        Module["vramcalcPaste"] = text || "";
    }, true);
});

// The page's one way to the clipboard: ImGui's Ctrl+C in a text field and every "Copy" button and
// menu (AppState::platform.copy_text) come here. window.vramcalc.lastCopied lets tests read it.
EM_JS(void, js_copy_text, (const char* text), {
    var value = UTF8ToString(text);
    Module["vramcalcPaste"] = value;
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    api["lastCopied"] = value;
    if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(value).catch(function() {});
    }
});

EM_JS(char*, js_paste_text, (), {
    var value = Module["vramcalcPaste"] || "";
    var bytes = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(value, ptr, bytes);
    return ptr;
});

EM_JS(void, js_publish_frame, (int frames_drawn), {
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    api["framesDrawn"] = frames_drawn;
    api["ready"] = true;
});

void (*g_wake)() = nullptr;
std::string g_clipboard;
std::function<void(const std::string&, const std::string&)> g_drop_handler;

void set_clipboard_text(void*, const char* text) {
    js_copy_text(text);
}

const char* get_clipboard_text(void*) {
    char* text = js_paste_text();
    g_clipboard = text;
    free(text);
    return g_clipboard.c_str();
}

std::string read_file(const char* path) {
    std::string contents;
    if (FILE* f = std::fopen(path, "rb")) {
        char buffer[4096];
        std::size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) contents.append(buffer, n);
        std::fclose(f);
    }
    return contents;
}

// WEB: ImGui 1.86's GLFW backend does not install a drop callback. Emscripten's GLFW writes each
// dropped file to /.glfw_dropped_files/NAME in the in-memory file system before calling us.
void on_drop(GLFWwindow*, int count, const char** paths) {
    if (!g_drop_handler) return;
    for (int i = 0; i < count; ++i) {
        std::string path = paths[i];
        const std::string::size_type slash = path.find_last_of('/');
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        g_drop_handler(name, read_file(paths[i]));
        std::remove(paths[i]);
    }
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void vramcalc_wake() {
    if (g_wake) g_wake();
}

namespace vramcalc::wasm {

CanvasSize sync_canvas_size() {
    int out[3] = {1, 1, 1000};
    js_sync_canvas(out);
    return CanvasSize{out[0], out[1], out[2] / 1000.0};
}

void install_wake_listeners(void (*wake)()) {
    g_wake = wake;
    js_install_wake_listeners();
}

void install_clipboard() {
    js_install_paste_listener();
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = set_clipboard_text;
    io.GetClipboardTextFn = get_clipboard_text;
    io.ClipboardUserData = nullptr;
}

void copy_text(const std::string& text) {
    js_copy_text(text.c_str());
}

void install_file_drop(GLFWwindow* window, std::function<void(const std::string&, const std::string&)> handler) {
    g_drop_handler = std::move(handler);
    glfwSetDropCallback(window, on_drop);
}

void publish_frame_drawn(int frames_drawn) {
    js_publish_frame(frames_drawn);
}

}  // namespace vramcalc::wasm
