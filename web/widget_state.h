// What the page's own widgets remember between frames: the type-ahead pickers (web/picker.cpp) and
// the "Copy value / Copy row" menu (web/copy.cpp). Plain data, held in AppState.
#pragma once
#include <map>
#include <string>

namespace vramcalc::web {

struct PickerState {
    std::string filter;                 // what the user typed in the picker's box
    int highlight = 0;                  // row the arrows moved to (index into the filtered rows)
    bool opening = false;               // opened this frame: focus the box, start at the current row
    bool scroll_to_highlight = false;
};

// Why each format is refused for the current scenario: computed when a combo opens (not every
// frame), kept until the scenario changes.
struct Refusals {
    std::string key;                    // scenario_key the reasons belong to
    std::map<std::string, std::string> reason;  // format id -> why not ("" = allowed)
};

struct CopyMenuState {
    bool open_request = false;          // a right-click or long press on a figure this frame
    std::string value;                  // "20.3 GiB"
    std::string row;                    // "weights\t20.3 GiB\t40.6 GiB\t..." (tab-separated, pastes into a sheet)
    std::string what;                   // "weights" (named in the toast)
};

}  // namespace vramcalc::web
