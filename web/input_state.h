// What the page's own input handling remembers between frames (web/input.cpp): wheel and touch
// scrolling, a touch turned into taps, drags and long presses, and a fling after a swipe.
// Plain data: AppState holds it; nothing here knows ImGui or the browser.
#pragma once
#include <cstdint>

namespace vramcalc::web {

enum class TouchMode { None, Undecided, Scroll, Drag, LongPressed };

struct InputState {
    // Scroll waiting for the next frame, in CSS pixels (wheel in pixel or line mode, a finger's
    // move) and in pages (wheel in page mode: the target's height decides how far).
    double scroll_x_px = 0, scroll_y_px = 0;
    double scroll_x_pages = 0, scroll_y_pages = 0;
    // The scroll gesture sticks to the panel it started on (as browsers latch a wheel gesture),
    // until it pauses or the pointer moves.
    std::uint32_t latched_window = 0;   // ImGui window id (0 = none)
    double latched_at_ms = -1e9;
    float latched_mouse_x = 0, latched_mouse_y = 0;

    // ---- touch (CSS pixels, milliseconds)
    bool pointer_is_touch = false;      // the last pointer was a finger: the page drives ImGui's mouse
    TouchMode touch = TouchMode::None;
    float touch_x = 0, touch_y = 0;     // where the finger is
    float start_x = 0, start_y = 0;     // where it went down
    double start_ms = 0;
    double last_move_ms = 0;
    float velocity_x = 0, velocity_y = 0;  // CSS px per ms, smoothed over the last moves
    bool press_at_start = false;        // a drag presses the mouse where the finger went down
    int click_frames = 0;               // left button held for this many more frames (a tap)
    int right_click_frames = 0;         // right button (a long press)
    bool release_mouse = false;         // after a tap: leave hover so nothing stays highlighted
    bool flinging = false;              // momentum after a swipe
    bool touch_stopped_fling = false;   // this touch stopped a fling: lifting it is not a tap (as in browsers)
    double fling_ms = 0;

    bool enter_activates = false;       // Enter went down with no text field active: it acts as Space

    bool busy = false;                  // a fling or a tap in progress: draw more frames
};

}  // namespace vramcalc::web
