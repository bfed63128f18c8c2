// The page's entry: a GLFW window on the canvas, Dear ImGui on WebGL 2, and a main loop that draws
// only after input or a change (an idle tab costs no CPU). The page itself is web/app.cpp; this file
// wires it to the browser: share links in the address, localStorage, the JS API, saving the page.
#include <emscripten.h>
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/bounded_json.h"
#include "core/scenario_json.h"
#include "wasm/input_web.h"
#include "wasm/js_api.h"
#include "wasm/model_files_glue.h"
#include "wasm/platform_web.h"
#include "wasm/share_glue.h"
#include "web/app.h"
#include "web/compute.h"
#include "web/log_paste.h"
#include "web/input.h"
#include "web/fonts.h"
#include "web/ui.h"

namespace {

// Frames to draw after an event: ImGui needs a couple to settle (auto-sized windows and popups
// measure themselves in their first frame and draw in the next).
constexpr int kFramesAfterEvent = 4;
// The address bar and localStorage follow the scenario at most this often (a dragged slider changes
// it every frame; Chromium throttles history.replaceState past ~100 calls in 10 s).
constexpr double kLinkWriteIntervalMs = 300.0;

GLFWwindow* g_window = nullptr;
vramcalc::web::AppState g_state;
double g_font_dpr = 0.0;
bool g_style_dark = true;
int g_frames_left = kFramesAfterEvent;
int g_frames_drawn = 0;
bool g_paused = false;
std::uint64_t g_saved_revision = 0;
bool g_saved_dark = true;                 // the view (theme, unit) last written to localStorage
vramcalc::SizeUnit g_saved_unit = vramcalc::SizeUnit::GiB;
std::uint64_t g_saved_calibrations = 0;  // LogPanelState::stored_revision last written to localStorage
double g_saved_at_ms = 0.0;

EM_JS(char*, js_storage_get, (const char* key), {
    var value = null;
    try { value = window.localStorage.getItem(UTF8ToString(key)); } catch (e) { value = null; }
    if (value === null) return 0;
    var bytes = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(bytes);
    stringToUTF8(value, ptr, bytes);
    return ptr;
});

// WEB: file:// pages may have no localStorage (or a full one): keeping the last state is a comfort.
EM_JS(void, js_storage_set, (const char* key, const char* value), {
    try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
});

// WEB: the page's own HTML as it was before any script ran (captured by shell.html right after the
// Emscripten script), so "Save for offline use" writes the whole single-file page again.
EM_JS(void, js_save_page, (), {
    var html = window["vramcalcPageSource"];
    if (!html) return;
    var blob = new Blob([html], {type: "text/html;charset=utf-8"});
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = "vramcalc.html";
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function() { URL.revokeObjectURL(url); }, 1000);
});

// Start-up timing for the tests: when the first frame was on screen (performance.now()).
EM_JS(void, js_mark_ready, (), { window["vramcalc"]["readyAt"] = performance.now(); });

// For tests: how long the page's own work took in the last frame (draw_app: answers, matrix cells,
// widgets), and the longest since the test last reset it.
EM_JS(void, js_publish_draw_ms, (double ms), {
    var api = window["vramcalc"];
    api["drawMs"] = ms;
    api["maxDrawMs"] = Math.max(api["maxDrawMs"] || 0, ms);
});

std::string storage_get(const char* key) {
    char* p = js_storage_get(key);
    if (!p) return "";
    std::string s = p;
    std::free(p);
    return s;
}

// Rebuilds the font atlas at the screen's pixel density, so text is rasterised for device pixels
// instead of being stretched (ImGui's display size is in device pixels, scale 1), and the style.
void apply_pixel_ratio(double dpr) {
    vramcalc::web::load_fonts(*ImGui::GetIO().Fonts, static_cast<float>(dpr));
    if (g_font_dpr > 0.0) {  // before the first frame, the backend's NewFrame uploads the atlas
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    g_font_dpr = dpr;
}

void apply_style() {
    vramcalc::web::build_style(ImGui::GetStyle(), g_state.dark, static_cast<float>(g_font_dpr));
    g_style_dark = g_state.dark;
}

void wake() {
    g_frames_left = kFramesAfterEvent;
    if (g_paused) {
        g_paused = false;
        emscripten_resume_main_loop();
    }
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
    return out;
}

// A link (at start-up or pasted into the address bar of the open page) replaces the scenario.
void apply_link(const vramcalc::DecodedLink& link) {
    vramcalc::web::open_link(g_state, link.scenario, link.missing_model, link.missing_model_near);
    std::vector<std::string> parts = link.warnings;
    if (!link.ignored.empty()) parts.insert(parts.begin(), "ignored " + join_lines(link.ignored));
    g_state.notice = parts.empty() ? "" : "This link was opened with changes: " + join_lines(parts);
    g_state.notice_until = 0.0;
}

void on_link_changed() {
    if (auto link = vramcalc::wasm::link_from_location()) apply_link(*link);
    wake();
}

void restore_state() {
    if (auto link = vramcalc::wasm::link_from_location()) {
        apply_link(*link);
    } else if (std::string saved = storage_get("vramcalc.scenario"); !saved.empty()) {
        nlohmann::json j = vramcalc::parse_json(saved, vramcalc::kScenarioJsonLimits).value;
        if (j.is_object()) vramcalc::web::apply_state_json(g_state, j);  // a stale field is simply skipped
    }
    // Calibrations kept on this device (the figures only): offered again for the same engine and GPU.
    // (A first visit keeps nothing: no parse, whose error message would cost the first frame.)
    const auto stored_json = [](const char* key) {
        const std::string text = storage_get(key);
        return text.empty() ? nlohmann::json() : vramcalc::parse_json(text, vramcalc::kScenarioJsonLimits).value;
    };
    g_state.log.stored = vramcalc::web::calibrations_from_json(stored_json("vramcalc.calibrations"));
    nlohmann::json view = stored_json("vramcalc.view");
    if (view.is_object()) {
        if (view.contains("dark") && view["dark"].is_boolean()) g_state.dark = view["dark"].get<bool>();
        if (view.contains("unit") && view["unit"].is_string())
            g_state.unit = view["unit"].get<std::string>() == "GB" ? vramcalc::SizeUnit::GB : vramcalc::SizeUnit::GiB;
    }
}

// The address bar and localStorage follow the scenario (rate-limited, see kLinkWriteIntervalMs).
bool save_state(double now_ms) {
    if (g_state.dark != g_saved_dark || g_state.unit != g_saved_unit) {
        g_saved_dark = g_state.dark;
        g_saved_unit = g_state.unit;
        nlohmann::json view = {{"dark", g_state.dark}, {"unit", g_state.unit == vramcalc::SizeUnit::GB ? "GB" : "GiB"}};
        js_storage_set("vramcalc.view", view.dump().c_str());
    }
    if (g_state.log.stored_revision != g_saved_calibrations) {
        g_saved_calibrations = g_state.log.stored_revision;
        js_storage_set("vramcalc.calibrations", vramcalc::dump_json(vramcalc::web::calibrations_to_json(g_state.log.stored)).c_str());
    }
    if (g_state.revision == g_saved_revision) return false;
    if (g_state.revision == g_state.link_revision) return false;  // the address bar holds this link already
    if (now_ms - g_saved_at_ms < kLinkWriteIntervalMs) return true;  // pending: draw again soon
    g_saved_revision = g_state.revision;
    g_saved_at_ms = now_ms;
    vramcalc::wasm::write_link_to_location(g_state.scenario);
    js_storage_set("vramcalc.scenario", vramcalc::dump_json(vramcalc::scenario_to_json(g_state.scenario)).c_str());
    return false;
}

void frame() {
    if (g_frames_left <= 0) {
        // WEB: nothing changed since the last frames: stop the requestAnimationFrame loop until an
        // event listener calls wake().
        g_paused = true;
        emscripten_pause_main_loop();
        return;
    }
    --g_frames_left;

    const vramcalc::wasm::CanvasSize canvas = vramcalc::wasm::sync_canvas_size();
    if (canvas.device_pixel_ratio != g_font_dpr) {
        apply_pixel_ratio(canvas.device_pixel_ratio);
        apply_style();
    }
    if (g_state.dark != g_style_dark) apply_style();
    g_state.ui_scale = static_cast<float>(canvas.device_pixel_ratio);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // WEB: GLFW's window size is the canvas's first size; the display is the canvas in device
    // pixels, where Emscripten's GLFW also reports the mouse.
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(canvas.width_px), static_cast<float>(canvas.height_px));
    io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
    vramcalc::web::input_before_new_frame(g_state, io, emscripten_get_now());
    ImGui::NewFrame();
    vramcalc::web::input_after_new_frame(g_state);

    const double draw_start_ms = emscripten_get_now();
    vramcalc::web::draw_app(g_state);
    js_publish_draw_ms(emscripten_get_now() - draw_start_ms);
    vramcalc::wasm::pump_model_files(g_state);  // a click on "Choose files" or "Fetch" acts in this frame

    ImGui::Render();
    glViewport(0, 0, canvas.width_px, canvas.height_px);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    const bool save_pending = save_state(emscripten_get_now());
    // Pending work (answers, matrix cells, a rate-limited link write) keeps the loop running.
    if (g_state.want_frames || save_pending || g_state.input.busy) g_frames_left = std::max(g_frames_left, 2);
    vramcalc::wasm::input_frame_done();

    vramcalc::wasm::publish_frame_drawn(++g_frames_drawn);
    if (g_frames_drawn == 1) js_mark_ready();
}

}  // namespace

int main() {
    if (!glfwInit()) {
        std::fprintf(stderr, "vramcalc: glfwInit failed\n");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    const vramcalc::wasm::CanvasSize canvas = vramcalc::wasm::sync_canvas_size();
    g_window = glfwCreateWindow(canvas.width_px, canvas.height_px, "vramcalc", nullptr, nullptr);
    if (!g_window) {
        std::fprintf(stderr, "vramcalc: no WebGL 2 context\n");
        return 1;
    }
    glfwMakeContextCurrent(g_window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini: the page keeps no layout between visits
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    // WEB: no idle frames, so a blinking cursor would freeze half the time; keep it solid.
    io.ConfigInputTextCursorBlink = false;

    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    vramcalc::wasm::install_clipboard();
    vramcalc::wasm::install_input(g_window, &g_state, wake);
    vramcalc::wasm::install_file_drop(g_window, [](const std::string& name, const std::string& contents) {
        vramcalc::web::on_file_dropped(g_state, name, contents);
        wake();
    });
    vramcalc::wasm::install_wake_listeners(wake);

    g_state.platform.share_url = [](const vramcalc::Scenario& s) { return vramcalc::wasm::share_url(s); };
    g_state.platform.download = [](const std::string& name, const std::string& mime, const std::string& text) {
        vramcalc::wasm::download_text(name, mime, text);
    };
    g_state.platform.save_page = [] { js_save_page(); };
    g_state.platform.copy_text = [](const std::string& text) { vramcalc::wasm::copy_text(text); };
    restore_state();
    vramcalc::wasm::install_link_listener(on_link_changed);
    vramcalc::wasm::install_js_api(&g_state, wake);
    vramcalc::wasm::install_model_files(&g_state, wake);

    emscripten_set_main_loop(frame, 0, 1);
    return 0;
}
