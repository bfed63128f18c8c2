// The page's entry: a GLFW window on the canvas, Dear ImGui on WebGL 2, and a main loop that draws
// only after input or a change (an idle tab costs no CPU). The page itself is web/app.cpp.
#include <emscripten.h>
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>
#include <cstdio>

#include "wasm/platform_web.h"
#include "web/app.h"

namespace {

// Frames to draw after an event: ImGui needs a couple to settle (auto-sized windows and popups
// measure themselves in their first frame and draw in the next).
constexpr int kFramesAfterEvent = 4;

GLFWwindow* g_window = nullptr;
vramcalc::web::AppState g_state;
ImGuiStyle g_base_style;
double g_font_dpr = 0.0;
int g_frames_left = kFramesAfterEvent;
int g_frames_drawn = 0;
bool g_paused = false;

// Rebuilds the font atlas at the screen's pixel density, so text is rasterised for device pixels
// instead of being stretched (ImGui's display size is in device pixels, scale 1).
void apply_pixel_ratio(double dpr) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig config;
    // ProggyClean, built into imgui_draw.cpp, is a 13 px pixel font: whole multiples stay sharp.
    config.SizePixels = std::round(13.0 * dpr);
    io.Fonts->AddFontDefault(&config);
    if (g_font_dpr > 0.0) {  // before the first frame, the backend's NewFrame uploads the atlas
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }

    ImGui::GetStyle() = g_base_style;
    ImGui::GetStyle().ScaleAllSizes(static_cast<float>(dpr));
    g_font_dpr = dpr;
}

void wake() {
    g_frames_left = kFramesAfterEvent;
    if (g_paused) {
        g_paused = false;
        emscripten_resume_main_loop();
    }
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
    if (canvas.device_pixel_ratio != g_font_dpr) apply_pixel_ratio(canvas.device_pixel_ratio);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // WEB: GLFW's window size is the canvas's first size; the display is the canvas in device
    // pixels, where Emscripten's GLFW also reports the mouse.
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(canvas.width_px), static_cast<float>(canvas.height_px));
    io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
    ImGui::NewFrame();

    vramcalc::web::draw_app(g_state);

    ImGui::Render();
    glViewport(0, 0, canvas.width_px, canvas.height_px);
    glClearColor(0.08f, 0.09f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    vramcalc::wasm::publish_frame_drawn(++g_frames_drawn);
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
    // WEB: no idle frames, so a blinking cursor would freeze half the time; keep it solid.
    io.ConfigInputTextCursorBlink = false;
    ImGui::StyleColorsDark();
    g_base_style = ImGui::GetStyle();

    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    vramcalc::wasm::install_clipboard();
    vramcalc::wasm::install_file_drop(g_window, [](const std::string& name, const std::string& contents) {
        vramcalc::web::on_file_dropped(g_state, name, contents);
        wake();
    });
    vramcalc::wasm::install_wake_listeners(wake);

    emscripten_set_main_loop(frame, 0, 1);
    return 0;
}
