// A type-ahead picker, as search boxes on the web work: a button showing the current choice opens a
// list with a filter box that has the keyboard at once. Typing filters (core/search.h ranks the
// rows, best first); ArrowUp/ArrowDown/PageUp/PageDown move the highlight without leaving the box;
// Enter picks the highlighted row and never picks anything when nothing matches; one Escape closes.
// The model, GPU and weight-format pickers are this one widget.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/search.h"
#include "web/app_state.h"

namespace vramcalc::web {

struct PickerColumn {
    const char* title;
    float width_css;
};

struct PickerRow {
    std::string group;                  // shown above the group's first row
    std::vector<std::string> cells;     // cells[0] is the row's name
    std::string tooltip;
    SearchText search;
    bool disabled = false;              // shown dim, never picked (say why in the tooltip)
    bool current = false;               // the choice the button shows
};

struct PickerResult {
    int picked = -1;                    // index into the rows, or -1
    int matches = 0;                    // rows the filter matches (while open)
    bool enter_on_no_match = false;     // Enter with an empty list: nothing was picked
    bool open = false;
};

struct PickerSpec {
    const char* id;                     // ImGui id of the popup ("model_picker")
    std::string label;                  // the button's text
    const char* hint;                   // the filter box's placeholder
    std::vector<PickerColumn> columns;
    float list_width_css = 470;
    float list_height_css = 420;
};

// `rows` is called only while the list is open. `footer` draws below the list (inside the popup).
PickerResult picker(AppState& st, PickerState& ps, const PickerSpec& spec, const std::function<std::vector<PickerRow>()>& rows,
                    const std::function<void(const PickerResult&)>& footer = {});

// The rows that match the filter, in the order the list shows them: best group first, best row
// first within it; with an empty filter, the rows' own order.
std::vector<int> picker_order(const std::vector<PickerRow>& rows, const std::string& filter);

}  // namespace vramcalc::web
