// The ready command for the scenario (core/command.h) with a Copy button.
#include "web/copy.h"
#include "web/panels.h"
#include "web/ui.h"

namespace vramcalc::web {

void draw_command_panel(AppState& st) {
    if (st.command.empty()) return;
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("Run it");
    ImGui::SameLine();
    if (ImGui::SmallButton("Copy command")) {
        copy_text(st, st.command, "Command copied");
    }
    ImGui::PushFont(mono_font());  // commands in monospace, as in a terminal
    int lines = 1;
    for (char c : st.command) lines += c == '\n';
    const float h = ImGui::GetTextLineHeight() * static_cast<float>(std::min(lines, 9)) + ImGui::GetStyle().FramePadding.y * 2 + px(st, 2);
    // Read-only, but selectable so a part can be copied with the keyboard.
    ImGui::InputTextMultiline("##command", st.command.data(), st.command.size() + 1, ImVec2(-1, h), ImGuiInputTextFlags_ReadOnly);
    ImGui::PopFont();
}

}  // namespace vramcalc::web
