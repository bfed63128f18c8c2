#include "wasm/input_web.h"

#include <emscripten.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_internal.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bounded_json.h"
#include "web/app_state.h"
#include "web/input.h"

namespace {

vramcalc::web::AppState* g_state = nullptr;
void (*g_wake)() = nullptr;
std::vector<int> g_pressed_this_frame;  // keys that went down since the last frame
std::vector<int> g_release_after_frame;  // ... and already up again: released after one frame
int g_typing_waits = 0;  // frames that keys typed after a mouse press still wait (see on_char)
struct TypedEvent {  // a key or a character typed after that press
    bool is_char;
    unsigned int c;
    int key, scancode, action, mods;
};
std::vector<TypedEvent> g_typed_after_frame;
std::string g_out;

// WEB: Emscripten's GLFW hands scroll callbacks the raw WheelEvent.deltaY (positive = down) that
// ImGui reads as "wheel up" units of five text lines: one notch jumped to the end of a list, the
// wrong way. We read the event ourselves, with its deltaMode, and let the page scroll by pixels.
// Touches: Emscripten's GLFW makes a touch a mouse press, so a swipe dragged whatever it started
// on; the page turns touches into scrolls, taps and long presses (web/input.cpp).
EM_JS(void, js_install_input, (), {
    var canvas = Module["canvas"];
    var call = function(name) {
        var args = Array.prototype.slice.call(arguments, 1);
        Module["_" + name].apply(null, args);
    };
    var pos = function(touch) {
        var r = canvas.getBoundingClientRect();
        return [touch.clientX - r.left, touch.clientY - r.top];
    };
    window.addEventListener("wheel", function(e) {
        if (e.target !== canvas || e.ctrlKey) return;  // Ctrl + wheel (and pinch) zooms the browser
        e.preventDefault();
        call("vramcalc_input_wheel", e.deltaX, e.deltaY, e.deltaMode, e.shiftKey ? 1 : 0);
    }, {capture: true, passive: false});
    var touch = function(kind) {
        return function(e) {
            if (e.target !== canvas) return;
            e.preventDefault();       // no emulated mouse events, no browser scrolling or zoom
            e.stopPropagation();      // keep them from Emscripten's GLFW
            var t = e.changedTouches[0];
            if (!t) return;
            var p = pos(t);
            call("vramcalc_input_touch", kind, p[0], p[1], performance.now());
        };
    };
    window.addEventListener("touchstart", touch(0), {capture: true, passive: false});
    window.addEventListener("touchmove", touch(1), {capture: true, passive: false});
    window.addEventListener("touchend", touch(2), {capture: true, passive: false});
    window.addEventListener("touchcancel", touch(2), {capture: true, passive: false});
    window.addEventListener("pointermove", function(e) {
        if (e.pointerType === "mouse") call("vramcalc_input_mouse");
    }, true);
    var api = window["vramcalc"] || (window["vramcalc"] = {});
    api["getInput"] = function() { return JSON.parse(UTF8ToString(Module["_vramcalc_input_state"]())); };
});

void on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
    if (g_typing_waits > 0) {  // see on_char
        g_typed_after_frame.push_back({false, 0, key, scancode, action, mods});
        return;
    }
    if (action == GLFW_PRESS) g_pressed_this_frame.push_back(key);
    if (action == GLFW_RELEASE) {
        for (int k : g_pressed_this_frame) {
            if (k != key) continue;
            // WEB: ImGui 1.86 samples keys once per frame; a press shorter than a frame (a quick
            // tap while the page was idle) would be lost. It stays down for one frame.
            g_release_after_frame.push_back(key);
            return;
        }
    }
    ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

void on_mouse_button(GLFWwindow* window, int button, int action, int mods) {
    if (action == GLFW_PRESS) g_typing_waits = 2;
    ImGui_ImplGlfw_MouseButtonCallback(window, button, action, mods);
}

// WEB: a click shorter than a frame is seen pressed in one frame and released (clicked) in the next,
// where it opens a picker whose box takes the keyboard in the frame after. Keys typed right after the
// click would reach the earlier frames and be dropped (or an Enter would find no box), so keys and
// characters typed after a press wait, in order, for the frame after the click.
void on_char(GLFWwindow* window, unsigned int c) {
    if (g_typing_waits > 0) {
        g_typed_after_frame.push_back({true, c, 0, 0, 0, 0});
        return;
    }
    ImGui_ImplGlfw_CharCallback(window, c);
}

nlohmann::json window_json(const ImGuiWindow* w) {
    return {{"name", w->Name}, {"scrollY", w->Scroll.y}, {"scrollMaxY", w->ScrollMax.y}, {"scrollX", w->Scroll.x},
            {"scrollMaxX", w->ScrollMax.x}, {"x", w->Pos.x}, {"y", w->Pos.y}, {"w", w->Size.x}, {"h", w->Size.y},
            {"innerH", w->InnerRect.GetHeight()}, {"popup", (w->Flags & ImGuiWindowFlags_Popup) != 0}};
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void vramcalc_input_wheel(double dx, double dy, int mode, int shift) {
    if (!g_state) return;
    vramcalc::web::on_wheel(*g_state, dx, dy, mode, shift != 0);
    if (g_wake) g_wake();
}

EMSCRIPTEN_KEEPALIVE void vramcalc_input_touch(int kind, double x, double y, double now_ms) {
    if (!g_state) return;
    const float fx = static_cast<float>(x), fy = static_cast<float>(y);
    if (kind == 0) vramcalc::web::on_touch_start(*g_state, fx, fy, now_ms);
    else if (kind == 1) vramcalc::web::on_touch_move(*g_state, fx, fy, now_ms);
    else vramcalc::web::on_touch_end(*g_state, now_ms);
    if (g_wake) g_wake();
}

EMSCRIPTEN_KEEPALIVE void vramcalc_input_mouse() {
    if (g_state) vramcalc::web::on_mouse_moved(*g_state);
}

// For tests: every window that can scroll (device pixels), the focused control's rectangle and
// whether its focus ring shows, the open popups and what the pickers' boxes hold.
EMSCRIPTEN_KEEPALIVE const char* vramcalc_input_state() {
    if (!g_state || !GImGui) return "null";
    const ImGuiContext& g = *GImGui;
    nlohmann::json windows = nlohmann::json::array();
    for (const ImGuiWindow* w : g.Windows)
        if (w->WasActive && (w->ScrollMax.y > 0 || w->ScrollMax.x > 0)) windows.push_back(window_json(w));
    nlohmann::json focus = nullptr;
    if (g.NavId != 0 && g.NavWindow) {
        ImGuiWindow* nw = g.NavWindow;
        const ImRect r = ImGui::WindowRectRelToAbs(nw, nw->NavRectRel[0]);
        focus = {{"id", g.NavId}, {"window", nw->Name}, {"x", r.Min.x}, {"y", r.Min.y},
                 {"w", r.GetWidth()}, {"h", r.GetHeight()}, {"ringVisible", !g.NavDisableHighlight}};
    }
    nlohmann::json popups = nlohmann::json::array();
    for (const auto& p : g.OpenPopupStack)
        if (p.Window) popups.push_back(p.Window->Name);
    const auto& st = *g_state;
    nlohmann::json j = {{"windows", windows}, {"focus", focus}, {"activeId", g.ActiveId}, {"popups", popups},
                        {"pickers", {{"model", st.model_picker.filter}, {"gpu", st.gpu_picker.filter}, {"weights", st.weights_picker.filter}}},
                        {"pointerIsTouch", st.input.pointer_is_touch},
                        {"touch", static_cast<int>(st.input.touch)}, {"flinging", st.input.flinging}, {"velocityY", st.input.velocity_y}, {"uiScale", st.ui_scale}};
    g_out = vramcalc::dump_json(j);
    return g_out.c_str();
}

}  // extern "C"

namespace vramcalc::wasm {

void install_input(GLFWwindow* window, web::AppState* state, void (*wake)()) {
    g_state = state;
    g_wake = wake;
    glfwSetScrollCallback(window, nullptr);  // the page reads wheel events itself (above)
    glfwSetKeyCallback(window, on_key);
    glfwSetMouseButtonCallback(window, on_mouse_button);
    glfwSetCharCallback(window, on_char);
    js_install_input();
}

void input_frame_done() {
    g_pressed_this_frame.clear();
    GLFWwindow* window = glfwGetCurrentContext();
    for (int key : g_release_after_frame) ImGui_ImplGlfw_KeyCallback(window, key, 0, GLFW_RELEASE, 0);
    g_release_after_frame.clear();
    if (g_typing_waits == 0) return;
    if (!g_typed_after_frame.empty() && g_wake) g_wake();  // the frames must come to read them
    if (--g_typing_waits > 0) return;
    const std::vector<TypedEvent> typed = std::move(g_typed_after_frame);
    g_typed_after_frame.clear();
    for (const TypedEvent& t : typed) {
        if (t.is_char) on_char(window, t.c);
        else on_key(window, t.key, t.scancode, t.action, t.mods);
    }
}

}  // namespace vramcalc::wasm
