// Input that works like the rest of the web, on top of ImGui 1.86: the page scrolls the panel under
// the pointer by the browser's own distance (wheel in pixel, line and page modes, a finger's swipe
// with momentum), a tap is a click and a long press a right-click, Tab walks every control, Enter
// activates like Space. The platform (wasm/input_web.cpp) feeds the events; these run each frame.
#pragma once
#include "web/app_state.h"

struct ImGuiIO;

namespace vramcalc::web {

// Events from the platform, in CSS pixels and milliseconds (performance.now()).
// delta_mode: 0 pixels, 1 lines, 2 pages (WheelEvent.deltaMode).
void on_wheel(AppState& st, double dx, double dy, int delta_mode, bool shift);
void on_touch_start(AppState& st, float x, float y, double now_ms);
void on_touch_move(AppState& st, float x, float y, double now_ms);
void on_touch_end(AppState& st, double now_ms);
void on_mouse_moved(AppState& st);  // a real mouse: stop driving the pointer from touches

// Before ImGui::NewFrame (after the platform backend's NewFrame): the pointer and buttons a touch
// stands for, long presses, flings, Enter as "activate".
void input_before_new_frame(AppState& st, ImGuiIO& io, double now_ms);
// After ImGui::NewFrame: scrolls the panel under the pointer, makes Tab reach every control.
void input_after_new_frame(AppState& st);

// One wheel line in CSS pixels (WheelEvent.DOM_DELTA_LINE). Browsers scroll three lines per notch
// and the page's text line is ~19 px; 40 px per line matches what Chromium scrolls for a notch
// (100 px) within a line's height, as normalize-wheel (facebook/fixed-data-table) settled on.
constexpr double kWheelLinePx = 40.0;
// One wheel page (DOM_DELTA_PAGE) is this share of the scrolled panel's height: Blink pages by
// max(0.875 x length, length - 40 px) (PaintLayerScrollableArea::PageStep with
// MinFractionToStepWhenPaging), keeping a strip of context.
constexpr double kWheelPageFraction = 0.875;

}  // namespace vramcalc::web
