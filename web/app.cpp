#include "web/app.h"

#include <algorithm>

#include <imgui.h>

#include "web/compute.h"
#include "web/copy.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

namespace {

// Below this width (CSS px) the two columns stack, the verdict first.
constexpr float kNarrowCssWidth = 900.0f;

void draw_inputs(AppState& st) {
    draw_model_panel(st);
    draw_precision_panel(st);
    draw_hardware_panel(st);
    draw_workload_panel(st);
}

void draw_tabs(AppState& st) {
    // Tabs keep their full titles on a phone (scrolling the bar) instead of shrinking into "Memo...".
    if (!ImGui::BeginTabBar("views", ImGuiTabBarFlags_FittingPolicyScroll)) return;
    auto tab = [&](const char* label, Tab t, void (*draw)(AppState&)) {
        ImGuiTabItemFlags flags = 0;
        if (st.tab_request && st.requested_tab == t) flags |= ImGuiTabItemFlags_SetSelected;
        if (ImGui::BeginTabItem(label, nullptr, flags)) {
            st.tab = t;
            draw(st);
            ImGui::EndTabItem();
        }
    };
    tab("Breakdown", Tab::Breakdown, draw_breakdown_panel);
    tab("Fit matrix", Tab::FitMatrix, draw_fit_matrix_panel);
    tab("Memory vs context", Tab::Chart, draw_chart_panel);
    tab("Several models", Tab::Colocation, draw_colocation_panel);
    tab("Your log", Tab::Log, draw_log_panel);
    st.tab_request = false;
    ImGui::EndTabBar();
    compute_fit_matrix_ahead(st);
}

void draw_answers(AppState& st) {
    draw_verdict_panel(st);
    ImGui::Spacing();
    draw_command_panel(st);
    ImGui::Spacing();
    draw_tabs(st);
}

void draw_toast(AppState& st) {
    if (st.toast.empty()) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y - px(st, 24)),
                            ImGuiCond_Always, ImVec2(0.5f, 1.0f));
    ImGui::SetNextWindowBgAlpha(0.92f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs;
    if (ImGui::Begin("##toast", nullptr, flags)) ImGui::TextUnformatted(st.toast.c_str());
    ImGui::End();
}

}  // namespace

void draw_app(AppState& st) {
    st.want_frames = false;
    st.now = ImGui::GetTime();
    refresh(st);

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    st.narrow = viewport->WorkSize.x / st.ui_scale < kNarrowCssWidth;
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("vramcalc", nullptr, st.narrow ? flags & ~ImGuiWindowFlags_NoScrollbar : flags);
    draw_toolbar(st);
    draw_calibration_offer(st);
    ImGui::Spacing();

    if (st.narrow) {
        // Phone: one scrolling column, the verdict first.
        draw_verdict_panel(st);
        draw_command_panel(st);
        draw_inputs(st);
        ImGui::Spacing();
        draw_tabs(st);
    } else {
        const float left_w = std::clamp(ImGui::GetContentRegionAvail().x * 0.34f, px(st, 340), px(st, 460));
        // NavFlattened: Tab and the arrows walk from the inputs into the answers as one page.
        ImGui::BeginChild("inputs", ImVec2(left_w, 0), true, ImGuiWindowFlags_NavFlattened);
        draw_inputs(st);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("answers", ImVec2(0, 0), true, ImGuiWindowFlags_NavFlattened);
        draw_answers(st);
        ImGui::EndChild();
    }
    ImGui::End();
    draw_copy_menu(st);
    draw_toast(st);
    // A widget changed the scenario this frame: recompute before the next one.
    if (scenario_key(st.scenario) != st.scenario_key) st.want_frames = true;
}

void on_file_dropped(AppState& state, const std::string& name, const std::string& contents) {
    load_text_file(state, name, contents);
}

}  // namespace vramcalc::web
