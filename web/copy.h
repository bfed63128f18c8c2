// Copying what the page shows: every copy goes through AppState::platform.copy_text (the browser's
// clipboard in wasm/platform_web.cpp), and any figure or table row offers "Copy value / Copy row"
// on a right-click or a long press.
#pragma once
#include <string>

#include "web/app_state.h"

namespace vramcalc::web {

// Puts text on the clipboard and confirms it with a short toast ("Command copied").
void copy_text(AppState& st, const std::string& text, const std::string& toast);

// After a figure's item: a right-click (a long press on a phone) on it opens the copy menu for
// `value` and its `row` (the row's cells joined by tabs, so it pastes into a spreadsheet).
void copyable(AppState& st, const std::string& what, const std::string& value, const std::string& row = "");

// The copy menu itself, drawn once per frame after the panels.
void draw_copy_menu(AppState& st);

}  // namespace vramcalc::web
