// The yardstick for scripts/bench: a bare Dear ImGui page (GLFW + WebGL 2, ImGui's default font, a
// window of ordinary widgets) built with the page's compile and link flags and shell. The page's
// ready time, per-frame cost and size are reported beside this one's.
#include <emscripten.h>
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

namespace {

GLFWwindow* g_window = nullptr;
int g_frames = 0;
float g_value = 0.5f;
bool g_flag = true;

EM_JS(void, js_bare_size, (int* out), {
    var canvas = Module["canvas"];
    var dpr = window.devicePixelRatio || 1;
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(rect.width * dpr));
    canvas.height = Math.max(1, Math.round(rect.height * dpr));
    HEAP32[out >> 2] = canvas.width;
    HEAP32[(out >> 2) + 1] = canvas.height;
});
EM_JS(void, js_bare_ready, (int frames), {
    var api = window["vramcalc"];
    api["framesDrawn"] = frames;
    if (frames === 1) { api["ready"] = true; api["readyAt"] = performance.now(); }
});

void frame() {
    int size[2];
    js_bare_size(size);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::GetIO().DisplaySize = ImVec2(static_cast<float>(size[0]), static_cast<float>(size[1]));
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("bare", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::TextUnformatted("A bare Dear ImGui page");
    ImGui::SliderFloat("value", &g_value, 0.0f, 1.0f);
    ImGui::Checkbox("flag", &g_flag);
    if (ImGui::BeginTable("t", 3, ImGuiTableFlags_Borders)) {
        for (int r = 0; r < 20; ++r) {
            ImGui::TableNextRow();
            for (int c = 0; c < 3; ++c) {
                ImGui::TableSetColumnIndex(c);
                ImGui::Text("cell %d,%d", r, c);
            }
        }
        ImGui::EndTable();
    }
    ImGui::End();
    ImGui::Render();
    glViewport(0, 0, size[0], size[1]);
    glClearColor(0.1f, 0.1f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    js_bare_ready(++g_frames);
}

}  // namespace

int main() {
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    g_window = glfwCreateWindow(800, 600, "bare", nullptr, nullptr);
    if (!g_window) return 1;
    glfwMakeContextCurrent(g_window);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    emscripten_set_main_loop(frame, 0, 1);
    return 0;
}
