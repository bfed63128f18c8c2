#include "web/picker.h"

#include <algorithm>
#include <map>

#include <imgui.h>
#include <imgui_internal.h>

#include "web/ui.h"

namespace vramcalc::web {

namespace {

// The next enabled row from `from` going `step` (+1/-1), or `from` when there is none.
int next_enabled(const std::vector<PickerRow>& rows, const std::vector<int>& order, int from, int step) {
    for (int i = from + step; i >= 0 && i < static_cast<int>(order.size()); i += step)
        if (!rows[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])].disabled) return i;
    return from;
}

int first_enabled(const std::vector<PickerRow>& rows, const std::vector<int>& order) {
    for (std::size_t i = 0; i < order.size(); ++i)
        if (!rows[static_cast<std::size_t>(order[i])].disabled) return static_cast<int>(i);
    return 0;
}

// The button: the current choice, left-aligned, with a combo's arrow on the right. A choice wider
// than the button (a long GPU name on a phone) ends in "..." before the arrow, and its hover box
// gives the whole name.
bool picker_button(const std::string& label, const char* id) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgActive));
    const bool pressed = ImGui::Button((std::string("##") + id).c_str(), ImVec2(-1, ImGui::GetFrameHeight()));
    ImGui::PopStyleColor(3);
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    const float h = ImGui::GetFrameHeight();
    const float text_right = max.x - h;  // the arrow's square
    const ImVec2 size = ImGui::CalcTextSize(label.c_str());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGui::RenderTextEllipsis(draw, ImVec2(min.x + pad.x, min.y + pad.y), ImVec2(text_right, max.y), text_right, text_right,
                              label.c_str(), nullptr, &size);
    if (min.x + pad.x + size.x > text_right) item_tooltip(label);
    draw->AddTriangleFilled(ImVec2(max.x - h * 0.65f, max.y - h * 0.62f), ImVec2(max.x - h * 0.35f, max.y - h * 0.62f),
                            ImVec2(max.x - h * 0.5f, max.y - h * 0.38f), ImGui::GetColorU32(ImGuiCol_Text));
    return pressed;
}

// Keys the filter box gives to the list: the arrows and paging move the highlight.
void keep_list_keys() {
    ImGuiContext& g = *GImGui;
    g.ActiveIdUsingNavDirMask |= (1 << ImGuiDir_Up) | (1 << ImGuiDir_Down);
    g.ActiveIdUsingKeyInputMask |= (1ull << ImGuiKey_PageUp) | (1ull << ImGuiKey_PageDown);
}

bool key_pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key)); }

void draw_rows(AppState& st, PickerState& ps, const PickerSpec& spec, const std::vector<PickerRow>& rows,
               const std::vector<int>& order, PickerResult& result) {
    if (!ImGui::BeginTable("rows", static_cast<int>(spec.columns.size()), ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) return;
    for (const PickerColumn& c : spec.columns) ImGui::TableSetupColumn(c.title, ImGuiTableColumnFlags_WidthFixed, px(st, c.width_css));
    std::string group = "\x01";
    const ImVec4 accent = palette(st.dark).accent;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const int idx = order[i];
        const PickerRow& row = rows[static_cast<std::size_t>(idx)];
        if (row.group != group) {
            group = row.group;
            if (!group.empty()) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextDisabled("%s", group.c_str());
            }
        }
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::PushID(idx);
        const bool hl = static_cast<int>(i) == ps.highlight;
        if (row.current) ImGui::PushStyleColor(ImGuiCol_Text, accent);
        const int flags = ImGuiSelectableFlags_SpanAllColumns | (row.disabled ? ImGuiSelectableFlags_Disabled : 0);
        if (ImGui::Selectable(("  " + row.cells[0]).c_str(), hl, flags)) result.picked = idx;
        if (row.current) ImGui::PopStyleColor();
        if (hl && ps.scroll_to_highlight) {
            // keep the highlighted row in view (scrolled only as far as needed)
            const float top = ImGui::GetItemRectMin().y, bottom = ImGui::GetItemRectMax().y;
            const ImGuiWindow* w = ImGui::GetCurrentWindow();
            if (top < w->InnerRect.Min.y) ImGui::SetScrollHereY(0.0f);
            else if (bottom > w->InnerRect.Max.y) ImGui::SetScrollHereY(1.0f);
            ps.scroll_to_highlight = false;
        }
        item_tooltip(row.tooltip);
        ImGui::PopID();
        for (std::size_t c = 1; c < row.cells.size() && c < spec.columns.size(); ++c) {
            ImGui::TableSetColumnIndex(static_cast<int>(c));
            ImGui::TextDisabled("%s", row.cells[c].c_str());
        }
    }
    ImGui::EndTable();
}

}  // namespace

std::vector<int> picker_order(const std::vector<PickerRow>& rows, const std::string& filter) {
    std::vector<int> order;
    std::vector<int> score(rows.size(), -1);
    std::map<std::string, int> group_best;
    std::map<std::string, int> group_first;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        score[i] = search_score(rows[i].search, filter);
        if (score[i] < 0) continue;
        order.push_back(static_cast<int>(i));
        group_first.emplace(rows[i].group, static_cast<int>(i));
        group_best[rows[i].group] = std::max(group_best[rows[i].group], score[i]);
    }
    if (filter.empty()) return order;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const std::string& ga = rows[static_cast<std::size_t>(a)].group;
        const std::string& gb = rows[static_cast<std::size_t>(b)].group;
        if (ga != gb) {
            if (group_best[ga] != group_best[gb]) return group_best[ga] > group_best[gb];
            return group_first[ga] < group_first[gb];
        }
        return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)];
    });
    return order;
}

PickerResult picker(AppState& st, PickerState& ps, const PickerSpec& spec, const std::function<std::vector<PickerRow>()>& rows_fn,
                    const std::function<void(const PickerResult&)>& footer) {
    PickerResult result;
    const ImVec2 button_pos = ImGui::GetCursorScreenPos();
    const float button_w = ImGui::GetContentRegionAvail().x;
    if (picker_button(spec.label, spec.id)) {
        ImGui::OpenPopup(spec.id);
        ps.filter.clear();
        ps.opening = true;
    }
    const float view_w = ImGui::GetMainViewport()->WorkSize.x;
    ImGui::SetNextWindowPos(ImVec2(std::min(button_pos.x, std::max(0.0f, view_w - px(st, spec.list_width_css + 30))),
                                   ImGui::GetItemRectMax().y + px(st, 2)), ImGuiCond_Appearing);
    ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(button_w, view_w), 0), ImVec2(view_w, px(st, spec.list_height_css + 120)));
    if (!ImGui::BeginPopup(spec.id)) return result;
    result.open = true;
    const std::vector<PickerRow> rows = rows_fn();

    ImGuiIO& io = ImGui::GetIO();
    if (ps.opening) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(std::min(px(st, spec.list_width_css), view_w - px(st, 40)));
    const ImGuiID box_id = ImGui::GetID("##filter");
    bool typed_ahead = false;
    if (ImGui::GetActiveID() != box_id && !io.InputQueueCharacters.empty()) {
        // WEB: the box gets the keyboard a frame or two after the click that opened the list;
        // what was typed in between goes into it instead of being dropped.
        for (ImWchar c : io.InputQueueCharacters)
            if (c >= 32 && c < 127) ps.filter += static_cast<char>(c);
        io.InputQueueCharacters.resize(0);
        ImGui::SetKeyboardFocusHere();
        typed_ahead = true;  // the highlight follows the typed filter, as for keys typed into the box
    }
    const bool changed = input_text("##filter", ps.filter, 0, spec.hint) || typed_ahead;
    if (ImGui::IsItemActivated()) {
        // Focusing the box selects its text (ImGui), and the next key would replace what was
        // already typed: put the cursor at the end instead.
        if (ImGuiInputTextState* text = ImGui::GetInputTextState(box_id)) {
            text->Stb.cursor = text->CurLenW;
            text->ClearSelection();
        }
    }
    const bool box_active = ImGui::IsItemActive();
    if (box_active) keep_list_keys();
    const bool box_done = ImGui::IsItemDeactivated();

    const std::vector<int> order = picker_order(rows, ps.filter);
    result.matches = static_cast<int>(order.size());
    if (ps.opening || changed) {
        // opening: the current choice; typing: the best match
        ps.highlight = first_enabled(rows, order);
        if (ps.opening)
            for (std::size_t i = 0; i < order.size(); ++i)
                if (rows[static_cast<std::size_t>(order[i])].current) ps.highlight = static_cast<int>(i);
        ps.scroll_to_highlight = true;
        ps.opening = false;
    }
    const int last = std::max(0, result.matches - 1);
    const int page = 8;
    if (box_active || box_done) {
        int h = ps.highlight;
        if (key_pressed(ImGuiKey_DownArrow)) h = next_enabled(rows, order, h, +1);
        if (key_pressed(ImGuiKey_UpArrow)) h = next_enabled(rows, order, h, -1);
        if (key_pressed(ImGuiKey_PageDown)) for (int i = 0; i < page; ++i) h = next_enabled(rows, order, h, +1);
        if (key_pressed(ImGuiKey_PageUp)) for (int i = 0; i < page; ++i) h = next_enabled(rows, order, h, -1);
        if (h != ps.highlight) ps.scroll_to_highlight = true;
        ps.highlight = h;
    }
    ps.highlight = std::clamp(ps.highlight, 0, last);
    const bool enter = (box_active || box_done) && (key_pressed(ImGuiKey_Enter) || key_pressed(ImGuiKey_KeyPadEnter));
    if (enter && result.matches > 0 && !rows[static_cast<std::size_t>(order[static_cast<std::size_t>(ps.highlight)])].disabled)
        result.picked = order[static_cast<std::size_t>(ps.highlight)];
    if (enter && result.matches == 0) {
        result.enter_on_no_match = true;
        ps.opening = false;
    }
    // Enter on nothing (or a disabled row) leaves the box: give it the keyboard back.
    if (box_done && result.picked < 0 && !key_pressed(ImGuiKey_Escape)) ImGui::SetKeyboardFocusHere(-1);

    const float row_h = ImGui::GetTextLineHeightWithSpacing();
    int groups = 0;
    for (std::size_t i = 0; i < order.size(); ++i)
        if (i == 0 || rows[static_cast<std::size_t>(order[i])].group != rows[static_cast<std::size_t>(order[i - 1])].group) ++groups;
    const float list_h = std::min(px(st, spec.list_height_css), row_h * static_cast<float>(result.matches + groups) + px(st, 8));
    const float list_w = std::min(px(st, spec.list_width_css), view_w - px(st, 40));
    if (result.matches > 0) {
        ImGui::BeginChild("list", ImVec2(list_w, list_h), false, ImGuiWindowFlags_HorizontalScrollbar);
        draw_rows(st, ps, spec, rows, order, result);
        ImGui::EndChild();
    }
    if (footer) footer(result);
    if (result.picked >= 0 || key_pressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return result;
}

}  // namespace vramcalc::web
