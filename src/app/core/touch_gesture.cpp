#include "app/core/touch_gesture.h"

#include <algorithm>
#include <cmath>

namespace lens {

static TouchGesture::Finger* finger(TouchGesture& g, std::int64_t id) {
  for (TouchGesture::Finger& f : g.fingers)
    if (f.id == id) return &f;
  return nullptr;
}

static float pinch_distance(const TouchGesture& g) {
  const float dx = g.fingers[1].x - g.fingers[0].x, dy = g.fingers[1].y - g.fingers[0].y;
  return std::max(1.f, std::hypot(dx, dy));
}

static TouchPointer pressed_at(float x, float y) { return {true, true, true, x, y}; }
static TouchPointer released_at(float x, float y) { return {true, false, true, x, y}; }
static TouchPointer released_nowhere() { return {true, false, false, 0, 0}; }

static void note_sample(TouchGesture& g, double t, float y) {
  g.samples.push_back({t, y});
  const double keep_from = t - 2 * kReleaseSpeedWindowMs;
  std::size_t old = 0;  // the last two stay whatever their age (release_speed on a slow screen)
  while (old + 2 < g.samples.size() && g.samples[old].t < keep_from) ++old;
  g.samples.erase(g.samples.begin(), g.samples.begin() + std::ptrdiff_t(old));
}

// px/ms at the swipe's end: over its last kReleaseSpeedWindowMs of moves, or its last two moves
// if they are further apart (a slow screen); none when the finger rested before it lifted.
static float release_speed(const TouchGesture& g, double up_ms) {
  if (g.samples.size() < 2) return 0;
  const TouchGesture::Sample& last = g.samples.back();
  if (up_ms - last.t > kRestBeforeLiftMs) return 0;
  std::size_t from = g.samples.size() - 2;
  while (from > 0 && g.samples[from - 1].t >= last.t - kReleaseSpeedWindowMs) --from;
  const TouchGesture::Sample& first = g.samples[from];
  return last.t - first.t >= 1 ? float((last.y - first.y) / (last.t - first.t)) : 0.f;
}

// The innermost window that can scroll the way the finger goes (dy < 0: up), else the innermost.
static std::uint32_t swipe_target(const std::vector<TouchScroller>& chain, float dy) {
  for (const TouchScroller& w : chain)
    if (dy < 0 ? w.below : w.above) return w.id;
  return chain.front().id;
}

StrokeStep touch_down(TouchGesture& g, std::int64_t id, float x, float y, double t_ms, const TouchScene& scene) {
  if (finger(g, id)) return {};  // a repeated down: the browser lost an up
  g.touched = true;
  g.fingers.push_back({id, x, y});
  if (g.fingers.size() == 2) {  // a pinch: whatever the first finger started is taken back
    const TouchMode was = g.mode;
    g.mode = TouchMode::Pinching;
    g.pinch_start = g.pinch_now = pinch_distance(g);
    ++g.pinch_serial;
    g.samples.clear();
    if (was == TouchMode::Drawing) {
      g.queued.push_back(released_nowhere());
      return {StrokeStep::TakeBack};
    }
    if (was == TouchMode::Pressing) {  // released off every item: nothing clicks
      if (!g.press_shown) g.queued.clear();
      else g.queued.push_back(released_nowhere());
    }
    return {};
  }
  if (g.fingers.size() > 2) return {};  // a third finger changes nothing
  g.caught_glide = g.mode == TouchMode::Gliding;
  g.start_x = x, g.start_y = y, g.last_y = y;
  g.samples.clear();
  note_sample(g, t_ms, y);
  g.press_shown = false;
  const TouchArea* under = nullptr;
  for (const TouchArea& a : scene.areas)
    if (a.rect.contains(x, y)) {
      under = &a;
      break;
    }
  if (scene.input.contains(x, y) && (!under || under->input)) {
    g.mode = TouchMode::Drawing;
    return {StrokeStep::Down, x, y};
  }
  g.scrollers = under ? under->scrollers : std::vector<TouchScroller>{};
  g.scroll_id = 0;
  g.mode = g.scrollers.empty() ? TouchMode::Pressing : TouchMode::Pending;
  return {};
}

StrokeStep touch_move(TouchGesture& g, std::int64_t id, float x, float y, double t_ms) {
  TouchGesture::Finger* f = finger(g, id);
  if (!f) return {};
  f->x = x, f->y = y;
  switch (g.mode) {
    case TouchMode::Pinching:
      if (g.fingers.size() >= 2) g.pinch_now = pinch_distance(g);
      return {};
    case TouchMode::Drawing:
      return {StrokeStep::Move, x, y};
    case TouchMode::Pending: {
      const float dx = x - g.start_x, dy = y - g.start_y;
      if (std::hypot(dx, dy) <= kTouchSlopPx) return {};
      if (std::abs(dy) > std::abs(dx)) {  // the panel follows the finger from where it went down
        g.mode = TouchMode::Scrolling;
        g.scroll_id = swipe_target(g.scrollers, dy);
        g.pending_dy += y - g.last_y;
        g.last_y = y;
        note_sample(g, t_ms, y);
      } else {  // across: a slider's drag, from where the finger went down
        g.mode = TouchMode::Pressing;
        g.queued.push_back(pressed_at(g.start_x, g.start_y));
      }
      return {};
    }
    case TouchMode::Scrolling:
      g.pending_dy += y - g.last_y;
      g.last_y = y;
      note_sample(g, t_ms, y);
      return {};
    default:
      return {};
  }
}

StrokeStep touch_up(TouchGesture& g, std::int64_t id, float x, float y, double t_ms) {
  TouchGesture::Finger* f = finger(g, id);
  if (!f) return {};
  const bool lead = f == &g.fingers.front();
  g.fingers.erase(g.fingers.begin() + (f - g.fingers.data()));
  if (g.mode == TouchMode::Pinching) {
    if (g.fingers.empty()) g.mode = TouchMode::Idle;
    return {};
  }
  if (!lead) return {};
  const TouchMode was = g.mode;
  g.mode = TouchMode::Idle;
  switch (was) {
    case TouchMode::Drawing:
    case TouchMode::Pressing:
      // A press that no frame showed yet (down and up between two frames) is shown first.
      if (!g.press_shown && g.queued.empty()) g.queued.push_back(pressed_at(g.start_x, g.start_y));
      g.queued.push_back(released_at(x, y));
      return was == TouchMode::Drawing ? StrokeStep{StrokeStep::Up, x, y} : StrokeStep{};
    case TouchMode::Pending:  // a tap: a press and a release where it went down, over two frames
      if (!g.caught_glide) {
        g.queued.push_back(pressed_at(g.start_x, g.start_y));
        g.queued.push_back(released_at(g.start_x, g.start_y));
      }
      return {};
    case TouchMode::Scrolling: {
      g.pending_dy += y - g.last_y;
      const float v = release_speed(g, t_ms);
      if (std::abs(v) >= kFlingMinSpeed) {
        g.mode = TouchMode::Gliding;
        g.glide_t0 = t_ms;
        g.glide_v0 = v;
        g.glide_done = 0;
      }
      return {};
    }
    default:
      return {};
  }
}

void touch_mouse_used(TouchGesture& g) {
  if (g.fingers.empty()) g.touched = false;
}

bool touch_busy(const TouchGesture& g) { return g.mode == TouchMode::Gliding || !g.queued.empty() || g.pending_dy != 0; }

void touch_scroll_blocked(TouchGesture& g) {
  if (g.mode == TouchMode::Gliding) g.mode = TouchMode::Idle;
}

static float glide_step(TouchGesture& g, double now_ms) {
  const double t = std::max(0.0, now_ms - g.glide_t0);
  const double fade = std::exp(-t / kFlingTimeConstantMs);
  const float travelled = float(g.glide_v0 * kFlingTimeConstantMs * (1 - fade));  // speed integrated over t
  const float step = travelled - g.glide_done;
  g.glide_done = travelled;
  if (std::abs(g.glide_v0) * fade < kGlideStopSpeed) g.mode = TouchMode::Idle;
  return step;
}

TouchFrame touch_frame(TouchGesture& g, double now_ms) {
  TouchFrame f;
  if (!g.queued.empty()) {
    f.pointer = g.queued.front();
    g.queued.erase(g.queued.begin());
    g.press_shown |= f.pointer.down;
  } else if ((g.mode == TouchMode::Drawing || g.mode == TouchMode::Pressing) && !g.fingers.empty()) {
    f.pointer = pressed_at(g.fingers.front().x, g.fingers.front().y);
    g.press_shown = true;
  } else {
    f.pointer = released_nowhere();
    f.pointer.own = g.touched;
  }
  if (g.mode == TouchMode::Gliding) g.pending_dy += glide_step(g, now_ms);
  if (g.pending_dy != 0) {
    f.scroll_id = g.scroll_id;
    f.scroll_dy = g.pending_dy;
    g.pending_dy = 0;
  }
  if (g.mode == TouchMode::Pinching) f.pinch_ratio = g.pinch_now / g.pinch_start;
  f.pinch_serial = g.pinch_serial;
  return f;
}

float pinch_text_scale(float start_scale, float ratio, const float* steps, int count) {
  if (count <= 0 || !(ratio > 0)) return start_scale;
  auto nearest = [&](float v) {
    int best = 0;
    for (int i = 1; i < count; ++i)
      if (std::abs(std::log(steps[i] / v)) < std::abs(std::log(steps[best] / v))) best = i;
    return best;
  };
  const int at = nearest(start_scale * ratio);
  return at == nearest(start_scale) ? start_scale : steps[at];  // fingers that barely moved change nothing
}

}  // namespace lens
