// What fingers on the page mean. The page is one canvas drawn by ImGui, which knows only a
// mouse; this decides, finger by finger, whether a touch is a stroke on the input surface, a
// tap, a press that drags (a slider), a swipe that scrolls the panel under it (gliding on
// after the finger lifts), or a two-finger pinch that sets the text size.
// Pure logic in CSS pixels and milliseconds: main.cpp feeds it SDL's finger events and the
// windows of the last frame, and applies what it says to ImGui, the drawing and the scroll.
// Not here: mouse and pen, which reach ImGui and the canvas as they always did.
#pragma once
#include <cstdint>
#include <vector>

namespace lens {

constexpr float kTouchSlopPx = 8.f;              // a finger that moves less than this is still a tap
constexpr double kFlingTimeConstantMs = 300.0;   // a glide's speed falls to 1/e in this time
constexpr float kFlingMinSpeed = 0.05f;          // px/ms at release (50 px/s): slower lifts just stop
constexpr float kGlideStopSpeed = 0.01f;         // px/ms: a glide ends below this (3 px short of its end)
constexpr double kReleaseSpeedWindowMs = 80.0;   // the speed at release is measured over this much of the swipe's end
constexpr double kRestBeforeLiftMs = 50.0;       // a finger still for this long before it lifts flings nothing

struct TouchRect {
  float x = 0, y = 0, w = 0, h = 0;
  bool contains(float px, float py) const { return w > 0 && h > 0 && px >= x && py >= y && px <= x + w && py <= y + h; }
};

// A window a swipe may scroll, and which ways it still can.
struct TouchScroller {
  std::uint32_t id = 0;
  bool above = false;  // content above the view: a finger moving down scrolls it
  bool below = false;  // content below the view: a finger moving up scrolls it
};

// A window a finger may land on, and the windows a vertical swipe there may scroll, innermost
// first: the swipe scrolls the first that can go its way (at the cards' end, the panel around them).
struct TouchArea {
  TouchRect rect;
  std::vector<TouchScroller> scrollers;
  bool input = false;  // the window that shows the input surface (a popup over it does not)
};

// The page as the last frame laid it out.
struct TouchScene {
  TouchRect input;               // the drawing canvas or the XOR plane: a finger there draws (empty: none)
  std::vector<TouchArea> areas;  // front-most first: the first that holds a point is the one under it
};

enum class TouchMode {
  Idle,
  Drawing,    // a finger on the input surface: a stroke, and ImGui sees it pressed, as a mouse
  Pending,    // a finger on a panel that can scroll, within the slop: its press is held back
  Pressing,   // ImGui sees the finger pressed and following it (a drag across, a place that does not scroll)
  Scrolling,  // a vertical swipe: the panel follows the finger, ImGui sees nothing
  Gliding,    // the swipe's fling after the finger lifted
  Pinching,   // two fingers: the text size; nothing else happens until every finger is up
};

// What a finger event means for the drawing (canvas_pointer_event and the take-back).
struct StrokeStep {
  enum Kind { None, Down, Move, Up, TakeBack } kind = None;
  float x = 0, y = 0;
};

// What ImGui sees of the finger this frame, in place of SDL's synthetic mouse.
struct TouchPointer {
  bool own = false;      // false: leave ImGui's mouse to the backend (no touch since the mouse moved)
  bool down = false;
  bool visible = false;  // false: no pointer at all (nothing hovered, no tooltip)
  float x = 0, y = 0;
};

// What to apply in one frame.
struct TouchFrame {
  TouchPointer pointer;
  std::uint32_t scroll_id = 0;  // the window to scroll, by scroll_dy (content moves down for > 0)
  float scroll_dy = 0;
  float pinch_ratio = 0;        // while pinching: the fingers' distance over their distance at the start
  int pinch_serial = 0;         // counts pinches: a new one starts from the text size of its start
};

struct TouchGesture {
  struct Finger {
    std::int64_t id = 0;
    float x = 0, y = 0;
  };
  struct Sample {
    double t;
    float y;
  };
  TouchMode mode = TouchMode::Idle;
  std::vector<Finger> fingers;   // on the screen now (the first one leads)
  float start_x = 0, start_y = 0;
  float last_y = 0;
  std::vector<TouchScroller> scrollers;  // what a swipe from the start may scroll
  std::uint32_t scroll_id = 0;   // what this swipe scrolls
  bool caught_glide = false;     // this finger stopped a glide: a tap only stops it
  std::vector<Sample> samples;   // the swipe's recent positions, for the speed at release
  float pending_dy = 0;          // scroll not yet handed to a frame
  double glide_t0 = 0;
  float glide_v0 = 0, glide_done = 0;
  float pinch_start = 0, pinch_now = 0;
  int pinch_serial = 0;
  std::vector<TouchPointer> queued;  // pointer states still to show ImGui, one a frame
  bool press_shown = false;      // ImGui has seen the current press for a frame
  bool touched = false;          // a finger was the last pointer: ImGui's mouse is ours
};

StrokeStep touch_down(TouchGesture& g, std::int64_t id, float x, float y, double t_ms, const TouchScene& scene);
StrokeStep touch_move(TouchGesture& g, std::int64_t id, float x, float y, double t_ms);
StrokeStep touch_up(TouchGesture& g, std::int64_t id, float x, float y, double t_ms);
// The mouse moved or pressed: ImGui's pointer is the mouse's again (unless a finger is down).
void touch_mouse_used(TouchGesture& g);
// Once a frame, before ImGui's frame begins: the pointer, the scroll and the pinch to apply.
TouchFrame touch_frame(TouchGesture& g, double now_ms);
// Frames to draw without new events: a glide, a scroll or pointer states still to show.
// (A finger resting on the screen needs none: its moves arrive as events.)
bool touch_busy(const TouchGesture& g);
// The scrolled window reached its end: a glide stops there.
void touch_scroll_blocked(TouchGesture& g);

// The text scale a pinch asks for: the step (of `steps`, ascending) nearest to start x ratio,
// nearest as a ratio (so the middle between 2 and 2.5 is their geometric mean).
float pinch_text_scale(float start_scale, float ratio, const float* steps, int count);

}  // namespace lens
