#include "web/app.h"

#include <algorithm>
#include <string>

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

// The views under the answers. Each has a short title for a narrow screen (a phone): a tab bar
// whose full titles do not fit uses the short ones, so no title is cut or scrolled out of sight.
struct View {
    const char* title;
    const char* short_title;
    Tab tab;
    void (*draw)(AppState&);
};
constexpr View kViews[] = {
    {"Breakdown", "Breakdown", Tab::Breakdown, draw_breakdown_panel},
    {"Fit matrix", "Matrix", Tab::FitMatrix, draw_fit_matrix_panel},
    {"Memory vs context", "Chart", Tab::Chart, draw_chart_panel},
    {"Several models", "Sharing", Tab::Colocation, draw_colocation_panel},
    {"Your log", "Log", Tab::Log, draw_log_panel},
};

// Whether the tab bar holds every view under its full title (ImGui's tab: label + 2 x FramePadding,
// ItemInnerSpacing between tabs).
bool full_titles_fit() {
    const ImGuiStyle& style = ImGui::GetStyle();
    float w = 0;
    for (const View& v : kViews) w += ImGui::CalcTextSize(v.title).x + style.FramePadding.x * 2 + style.ItemInnerSpacing.x;
    return w <= ImGui::GetContentRegionAvail().x;
}

void draw_tabs(AppState& st) {
    const bool full = full_titles_fit();
    // FittingPolicyScroll: tabs never shrink into "Memo..." (scroll arrows if even the short titles
    // overflow, which the look test would report as cut text).
    if (!ImGui::BeginTabBar("views", ImGuiTabBarFlags_FittingPolicyScroll)) return;
    for (const View& v : kViews) {
        ImGuiTabItemFlags flags = 0;
        if (st.tab_request && st.requested_tab == v.tab) flags |= ImGuiTabItemFlags_SetSelected;
        // "###" + the full title: the tab keeps its id (and selection) when its title shortens.
        const std::string label = std::string(full ? v.title : v.short_title) + "###" + v.title;
        if (ImGui::BeginTabItem(label.c_str(), nullptr, flags)) {
            st.tab = v.tab;
            v.draw(st);
            ImGui::EndTabItem();
        }
    }
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
    if (current_scenario_key(st) != st.scenario_key) st.want_frames = true;
}

void on_file_dropped(AppState& state, const std::string& name, const std::string& contents) {
    load_text_file(state, name, contents);
}

}  // namespace vramcalc::web
