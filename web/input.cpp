#include "web/input.h"

#include <cfloat>
#include <cmath>

#include <imgui.h>
#include <imgui_internal.h>

namespace vramcalc::web {

namespace {

// A finger that moved less than this (CSS px) is still a tap; held this long, a long press.
constexpr float kTapSlopPx = 8.0f;
constexpr double kLongPressMs = 500.0;
// A scroll gesture stays on its panel while events keep coming this often (ms).
constexpr double kLatchMs = 300.0;
// Momentum: the speed decays with this time constant, as iOS's scroll views do (~325 ms, measured
// by Ariya Hidayat, "Kinetic scrolling with JavaScript"), and stops under this speed (px/ms).
constexpr double kFlingTauMs = 325.0;
constexpr float kFlingStopPxPerMs = 0.02f;

bool can_scroll(const ImGuiWindow* w, float dx, float dy) {
    if (w->Flags & (ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoMouseInputs)) return false;
    const bool y = (dy > 0 && w->Scroll.y < w->ScrollMax.y - 0.5f) || (dy < 0 && w->Scroll.y > 0.5f);
    const bool x = (dx > 0 && w->Scroll.x < w->ScrollMax.x - 0.5f) || (dx < 0 && w->Scroll.x > 0.5f);
    return x || y;
}

// The innermost panel under the pointer that can still scroll this way; a child at its end hands
// the scroll to its parent (scroll chaining, as nested scrollers on a web page do). A popup does not
// pass it on to the page behind it.
ImGuiWindow* scroll_target(ImGuiWindow* w, float dx, float dy) {
    while (w) {
        if (can_scroll(w, dx, dy)) return w;
        if (!(w->Flags & ImGuiWindowFlags_ChildWindow)) return nullptr;
        w = w->ParentWindow;
    }
    return nullptr;
}

void apply_scroll(AppState& st) {
    InputState& in = st.input;
    ImGuiContext& g = *GImGui;
    const double now = g.Time * 1000.0;
    const bool pending = in.scroll_x_px != 0 || in.scroll_y_px != 0 || in.scroll_x_pages != 0 || in.scroll_y_pages != 0;
    if (!pending) return;
    const ImVec2 mouse = g.IO.MousePos;
    ImGuiWindow* w = nullptr;
    const bool latched = in.latched_window != 0 && now - in.latched_at_ms < kLatchMs &&
                         std::fabs(mouse.x - in.latched_mouse_x) < 6 * st.ui_scale && std::fabs(mouse.y - in.latched_mouse_y) < 6 * st.ui_scale;
    if (latched || in.touch == TouchMode::Scroll || in.flinging) w = ImGui::FindWindowByID(in.latched_window);
    if (!w) {
        // the direction decides which panel takes the gesture; pages count as "some" in that direction
        const float dx = static_cast<float>(in.scroll_x_px + in.scroll_x_pages);
        const float dy = static_cast<float>(in.scroll_y_px + in.scroll_y_pages);
        w = scroll_target(g.HoveredWindow, dx, dy);
    }
    if (w) {
        const float page_h = static_cast<float>(std::fmax(w->InnerRect.GetHeight() * kWheelPageFraction, w->InnerRect.GetHeight() - 40.0f * st.ui_scale));
        const float page_w = static_cast<float>(std::fmax(w->InnerRect.GetWidth() * kWheelPageFraction, w->InnerRect.GetWidth() - 40.0f * st.ui_scale));
        const float dy = static_cast<float>(in.scroll_y_px * st.ui_scale + in.scroll_y_pages * page_h);
        const float dx = static_cast<float>(in.scroll_x_px * st.ui_scale + in.scroll_x_pages * page_w);
        // A pending target (two events in one frame) is where this one starts from.
        const float from_y = w->ScrollTarget.y < FLT_MAX ? w->ScrollTarget.y : w->Scroll.y;
        const float from_x = w->ScrollTarget.x < FLT_MAX ? w->ScrollTarget.x : w->Scroll.x;
        if (dy != 0) ImGui::SetScrollY(w, ImClamp(from_y + dy, 0.0f, w->ScrollMax.y));
        if (dx != 0) ImGui::SetScrollX(w, ImClamp(from_x + dx, 0.0f, w->ScrollMax.x));
        in.latched_window = w->ID;
        in.latched_at_ms = now;
        in.latched_mouse_x = mouse.x;
        in.latched_mouse_y = mouse.y;
    }
    in.scroll_x_px = in.scroll_y_px = in.scroll_x_pages = in.scroll_y_pages = 0;
}

void fling(AppState& st, double now_ms) {
    InputState& in = st.input;
    if (!in.flinging) return;
    const double dt = std::fmin(50.0, now_ms - in.fling_ms);
    in.fling_ms = now_ms;
    in.scroll_x_px += in.velocity_x * dt;
    in.scroll_y_px += in.velocity_y * dt;
    const float decay = static_cast<float>(std::exp(-dt / kFlingTauMs));
    in.velocity_x *= decay;
    in.velocity_y *= decay;
    if (std::fabs(in.velocity_x) < kFlingStopPxPerMs && std::fabs(in.velocity_y) < kFlingStopPxPerMs) in.flinging = false;
}

// What a finger stands for this frame: the pointer where it is, a press while it drags a widget,
// a click after a tap, a right-click after a long press.
void touch_pointer(AppState& st, ImGuiIO& io, double now_ms) {
    InputState& in = st.input;
    const float s = st.ui_scale;
    if (in.touch == TouchMode::Undecided && now_ms - in.start_ms >= kLongPressMs) {
        in.touch = TouchMode::LongPressed;
        in.right_click_frames = 2;
    }
    // A scrolling finger keeps the pointer where it went down: the gesture stays on its panel and
    // nothing under the moving finger lights up.
    const bool at_start = in.press_at_start || in.touch == TouchMode::Scroll;
    in.press_at_start = false;
    const float x = at_start ? in.start_x : in.touch_x;
    const float y = at_start ? in.start_y : in.touch_y;
    io.MousePos = ImVec2(x * s, y * s);
    io.MouseDown[0] = in.touch == TouchMode::Drag || in.click_frames > 1;
    io.MouseDown[1] = in.right_click_frames > 1;
    if (in.click_frames > 0) --in.click_frames;
    if (in.right_click_frames > 0) --in.right_click_frames;
    if (in.touch == TouchMode::None && in.click_frames == 0 && in.right_click_frames == 0) {
        // after a tap, the pointer leaves: no hover highlight or tooltip stays behind
        if (in.release_mouse) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        in.release_mouse = true;
    }
}

// Enter activates the focused control as Space does (opens a picker, presses a button), as on a web
// form; ImGui 1.86 maps Enter only to "text input". A text field being edited keeps its Enter, and
// an Enter that closed a list does not reopen it while held. A control focused by a click takes
// Enter and Space too (then its focus ring shows), as a clicked button on a web page does.
void keyboard_activation(AppState& st, ImGuiIO& io) {
    ImGuiContext& g = *GImGui;
    const int enter = io.KeyMap[ImGuiKey_Enter], space = io.KeyMap[ImGuiKey_Space];
    const bool enter_down = io.KeysDown[enter], enter_new = enter_down && io.KeysDownDuration[enter] < 0.0f;
    const bool space_new = io.KeysDown[space] && io.KeysDownDuration[space] < 0.0f;
    if (enter_new) st.input.enter_activates = g.ActiveId == 0;
    if (!enter_down) st.input.enter_activates = false;
    if (st.input.enter_activates) io.NavInputs[ImGuiNavInput_Activate] = 1.0f;
    if ((enter_new || space_new) && g.ActiveId == 0 && g.NavId != 0 && g.NavDisableHighlight) {
        g.NavDisableHighlight = false;
        g.NavDisableMouseHover = true;
    }
}

}  // namespace

void on_wheel(AppState& st, double dx, double dy, int delta_mode, bool shift) {
    InputState& in = st.input;
    if (shift && dx == 0) std::swap(dx, dy);  // Shift + wheel scrolls sideways (Windows, Linux)
    in.flinging = false;
    if (delta_mode == 2) {
        in.scroll_x_pages += dx;
        in.scroll_y_pages += dy;
    } else {
        const double unit = delta_mode == 1 ? kWheelLinePx : 1.0;
        in.scroll_x_px += dx * unit;
        in.scroll_y_px += dy * unit;
    }
}

void on_touch_start(AppState& st, float x, float y, double now_ms) {
    InputState& in = st.input;
    in.pointer_is_touch = true;
    in.touch_stopped_fling = in.flinging;
    in.flinging = false;
    in.touch = TouchMode::Undecided;
    in.touch_x = in.start_x = x;
    in.touch_y = in.start_y = y;
    in.start_ms = in.last_move_ms = now_ms;
    in.velocity_x = in.velocity_y = 0;
    in.release_mouse = false;
}

void on_touch_move(AppState& st, float x, float y, double now_ms) {
    InputState& in = st.input;
    const float dx = x - in.touch_x, dy = y - in.touch_y;
    if (in.touch == TouchMode::Undecided && std::hypot(x - in.start_x, y - in.start_y) > kTapSlopPx) {
        // Sideways on a widget (a slider, a drag field): drag it. Otherwise the panel scrolls.
        const bool sideways = std::fabs(x - in.start_x) > std::fabs(y - in.start_y);
        const bool on_widget = GImGui && GImGui->HoveredId != 0;
        in.touch = sideways && on_widget ? TouchMode::Drag : TouchMode::Scroll;
        in.press_at_start = in.touch == TouchMode::Drag;
        in.latched_window = 0;
    }
    if (in.touch == TouchMode::Scroll) {
        // content follows the finger: a finger moving up scrolls down
        in.scroll_x_px -= dx;
        in.scroll_y_px -= dy;
        const double dt = std::fmax(1.0, now_ms - in.last_move_ms);
        in.velocity_x = static_cast<float>(0.8 * (-dx / dt) + 0.2 * in.velocity_x);
        in.velocity_y = static_cast<float>(0.8 * (-dy / dt) + 0.2 * in.velocity_y);
    }
    in.touch_x = x;
    in.touch_y = y;
    in.last_move_ms = now_ms;
}

void on_touch_end(AppState& st, double now_ms) {
    InputState& in = st.input;
    // down this frame, up the next; a touch that only stopped a glide clicks nothing
    if (in.touch == TouchMode::Undecided && !in.touch_stopped_fling) in.click_frames = 2;
    if (in.touch == TouchMode::Scroll && now_ms - in.last_move_ms < 100) {
        in.flinging = true;
        in.fling_ms = now_ms;
    }
    in.touch = TouchMode::None;
}

void on_mouse_moved(AppState& st) { st.input.pointer_is_touch = false; }

void input_before_new_frame(AppState& st, ImGuiIO& io, double now_ms) {
    InputState& in = st.input;
    // The page scrolls by itself (input_after_new_frame); ImGui's own wheel step is 5 text lines
    // per unit, whatever the browser says a notch is.
    io.MouseWheel = io.MouseWheelH = 0.0f;
    fling(st, now_ms);
    if (in.pointer_is_touch) touch_pointer(st, io, now_ms);
    in.busy = in.flinging || in.touch != TouchMode::None || in.click_frames > 0 || in.right_click_frames > 0;
    keyboard_activation(st, io);
}

void input_after_new_frame(AppState& st) {
    apply_scroll(st);
    // Tab walks every control (ImGui 1.86 stops only at text fields and sliders): its tabbing
    // request, made in NewFrame, also takes the items that are not text inputs, as SetKeyboardFocusHere does.
    ImGuiContext& g = *GImGui;
    if (g.NavMoveSubmitted && (g.NavMoveFlags & ImGuiNavMoveFlags_Tabbing)) {
        g.NavMoveFlags |= ImGuiNavMoveFlags_FocusApi;
        // From the focused control (a clicked one too), not back to the first: ImGui starts over
        // when no text field is being edited.
        if (g.NavTabbingDir == 0 && g.NavId != 0) g.NavTabbingDir = +1;
    }
}

}  // namespace vramcalc::web
