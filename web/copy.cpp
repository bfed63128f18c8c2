#include "web/copy.h"

#include <imgui.h>

#include "web/compute.h"

namespace vramcalc::web {

void copy_text(AppState& st, const std::string& text, const std::string& toast) {
    if (st.platform.copy_text) st.platform.copy_text(text);
    if (!toast.empty()) show_toast(st, toast);
}

void copyable(AppState& st, const std::string& what, const std::string& value, const std::string& row) {
    if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByPopup) || !ImGui::IsMouseReleased(ImGuiMouseButton_Right)) return;
    CopyMenuState& m = st.copy_menu;
    m.open_request = true;
    m.what = what;
    m.value = value;
    m.row = row;
}

void draw_copy_menu(AppState& st) {
    CopyMenuState& m = st.copy_menu;
    if (m.open_request) {
        ImGui::OpenPopup("##copy_menu");
        m.open_request = false;
    }
    if (!ImGui::BeginPopup("##copy_menu")) return;
    ImGui::TextDisabled("%s", m.what.c_str());
    if (ImGui::MenuItem("Copy value", m.value.c_str())) copy_text(st, m.value, "Copied " + m.value);
    if (!m.row.empty() && ImGui::MenuItem("Copy row")) copy_text(st, m.row, "Copied the " + m.what + " row");
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace vramcalc::web
