// The ready command for the scenario (core/command.h) with a Copy button.
#include <algorithm>
#include <string>

#include "web/command_wrap.h"
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
    // A narrow box (a phone) shows the comment lines wrapped; Copy takes the command as it is.
    const float inner = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2 - px(st, 4);
    const float column = ImGui::CalcTextSize("M").x;
    std::string shown = wrap_comment_lines(st.command, column > 0 ? static_cast<std::size_t>(std::max(0.0f, inner / column)) : 0);
    int lines = 1;
    for (char c : shown) lines += c == '\n';
    const float h = ImGui::GetTextLineHeight() * static_cast<float>(std::min(lines, 9)) + ImGui::GetStyle().FramePadding.y * 2 + px(st, 2);
    // Read-only, but selectable so a part can be copied with the keyboard.
    ImGui::InputTextMultiline("##command", shown.data(), shown.size() + 1, ImVec2(-1, h), ImGuiInputTextFlags_ReadOnly);
    ImGui::PopFont();
}

}  // namespace vramcalc::web
