// Fingers on the page (app/core/touch_gesture.h): a tap clicks, a vertical swipe over a panel
// scrolls it and clicks nothing, a drag across presses (sliders), a stroke on the canvas
// draws, a fling glides on and slows down, two fingers pinch the text size and take back what
// the first finger began (stroke_take_back.h: the drawing exactly as it was).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "app/core/app_state.h"
#include "app/core/stroke_take_back.h"
#include "app/core/touch_gesture.h"
#include "app_fixture.h"

namespace lens {
namespace {

constexpr std::uint32_t kPanel = 7;  // the scrolling panel's window
// A 390x844 phone: the canvas at the top, a scrolling panel below it, a header that does not scroll.
TouchScene phone() {
  TouchScene s;
  s.input = {20, 150, 300, 300};
  s.areas = {{{0, 140, 390, 704}, {{kPanel, true, true}}, true}, {{0, 0, 390, 140}, {}, false}};
  return s;
}

// Every frame's pointer and scroll, one frame every 16 ms from t.
struct Frames {
  std::vector<TouchFrame> seen;
  float scrolled = 0;
  bool pressed = false;
  void run(TouchGesture& g, double t, int n = 1) {
    for (int i = 0; i < n; ++i) {
      seen.push_back(touch_frame(g, t + 16.0 * i));
      scrolled += seen.back().scroll_dy;
      pressed |= seen.back().pointer.down;
    }
  }
};

// A finger from (x0, y0) to (x1, y1) in `steps` moves `dt` ms apart, a frame after each.
double swipe(TouchGesture& g, Frames& f, float x0, float y0, float x1, float y1, int steps, double t, double dt = 16) {
  touch_down(g, 1, x0, y0, t, phone());
  f.run(g, t);
  for (int i = 1; i <= steps; ++i) {
    t += dt;
    touch_move(g, 1, x0 + (x1 - x0) * float(i) / float(steps), y0 + (y1 - y0) * float(i) / float(steps), t);
    f.run(g, t);
  }
  return t;
}

TEST(TouchGesture, TapPressesThenReleasesWhereTheFingerWentDownOverTwoFrames) {
  TouchGesture g;
  EXPECT_EQ(touch_down(g, 1, 200, 600, 0, phone()).kind, StrokeStep::None);
  EXPECT_EQ(g.mode, TouchMode::Pending);
  const TouchFrame held = touch_frame(g, 16);
  EXPECT_TRUE(held.pointer.own);
  EXPECT_FALSE(held.pointer.down) << "a finger on a scrolling panel is held back";
  touch_move(g, 1, 203, 605, 30);  // within the slop
  touch_up(g, 1, 203, 605, 40);
  const TouchFrame press = touch_frame(g, 48), release = touch_frame(g, 64), after = touch_frame(g, 80);
  EXPECT_TRUE(press.pointer.down && press.pointer.visible);
  EXPECT_EQ(press.pointer.x, 200.f);
  EXPECT_EQ(press.pointer.y, 600.f);
  EXPECT_TRUE(!release.pointer.down && release.pointer.visible);
  EXPECT_EQ(release.pointer.y, 600.f);
  EXPECT_TRUE(after.pointer.own && !after.pointer.down && !after.pointer.visible) << "no hover left behind";
  EXPECT_EQ(press.scroll_dy + release.scroll_dy, 0.f);
  EXPECT_FALSE(touch_busy(g));
  touch_mouse_used(g);
  EXPECT_FALSE(touch_frame(g, 96).pointer.own) << "the mouse has ImGui's pointer again";
}

TEST(TouchGesture, QuickTapBetweenTwoFramesStillPressesForAFrame) {
  TouchGesture g;
  touch_down(g, 1, 30, 50, 0, phone());  // the header: nothing scrolls there, the press is at once
  EXPECT_EQ(g.mode, TouchMode::Pressing);
  touch_up(g, 1, 30, 50, 5);
  EXPECT_TRUE(touch_busy(g));
  EXPECT_TRUE(touch_frame(g, 16).pointer.down);
  EXPECT_FALSE(touch_frame(g, 32).pointer.down);
}

TEST(TouchGesture, VerticalSwipeScrollsByTheFingersPathAndPressesNothing) {
  TouchGesture g;
  Frames f;
  double t = swipe(g, f, 200, 700, 200, 460, 12, 0);
  EXPECT_EQ(g.mode, TouchMode::Scrolling);
  EXPECT_FLOAT_EQ(f.scrolled, -240.f) << "the content follows the finger from where it went down";
  for (const TouchFrame& fr : f.seen)
    if (fr.scroll_dy != 0) {
      EXPECT_EQ(fr.scroll_id, kPanel);
    }
  // Held still, then lifted: no glide, and no click where it ends.
  t += 200;
  touch_up(g, 1, 200, 460, t);
  f.run(g, t, 5);
  EXPECT_EQ(g.mode, TouchMode::Idle);
  EXPECT_FLOAT_EQ(f.scrolled, -240.f);
  EXPECT_FALSE(f.pressed);
}

// Cards in a window of their own inside the panel, scrolled to their top: a swipe down on them
// scrolls the panel (they cannot go that way), a swipe up scrolls the cards.
TEST(TouchGesture, SwipeScrollsTheInnermostWindowThatCanGoItsWay) {
  constexpr std::uint32_t kCards = 9;
  TouchScene s = phone();
  s.areas.insert(s.areas.begin(), TouchArea{{20, 500, 350, 340}, {{kCards, false, true}, {kPanel, true, true}}, false});
  for (const float to : {700.f, 500.f}) {
    TouchGesture g;
    touch_down(g, 1, 200, 600, 0, s);
    touch_move(g, 1, 200, to, 16);
    const TouchFrame f = touch_frame(g, 20);
    EXPECT_EQ(f.scroll_id, to > 600 ? kPanel : kCards);
    EXPECT_EQ(f.scroll_dy, to - 600);
  }
}

TEST(TouchGesture, FlingGlidesOnSlowingWithItsTimeConstant) {
  TouchGesture g;
  Frames f;
  const double t = swipe(g, f, 200, 800, 200, 500, 10, 0, 30);  // 1 px/ms upwards
  touch_up(g, 1, 200, 490, t + 10);
  ASSERT_EQ(g.mode, TouchMode::Gliding);
  EXPECT_TRUE(touch_busy(g));
  f.run(g, t + 10);  // the release frame: the finger's last 10 px, no glide yet
  const float by_finger = f.scrolled;
  EXPECT_FLOAT_EQ(by_finger, -310.f);
  // Speed at t after the release: v e^(-t/tau). Steps of one frame at 0 and at tau.
  const float early = touch_frame(g, t + 10 + 16).scroll_dy;
  EXPECT_NEAR(early, -16.f * std::exp(-8.f / 300.f), 0.5f);
  const float at_tau = touch_frame(g, t + 10 + 300).scroll_dy;  // from 16 ms to 300 ms
  EXPECT_LT(at_tau, 0.f);
  const float later = touch_frame(g, t + 10 + 316).scroll_dy;
  EXPECT_NEAR(later / early, std::exp(-300.f / 300.f), 0.02f);
  float glide = early + at_tau + later;
  for (int i = 1; i < 200 && g.mode == TouchMode::Gliding; ++i) glide += touch_frame(g, t + 10 + 316 + 16.0 * i).scroll_dy;
  EXPECT_EQ(g.mode, TouchMode::Idle) << "a glide ends";
  // In all v tau = 300 px, less the last few pixels below the stop speed.
  EXPECT_LE(glide, -300.f + 300.f * kGlideStopSpeed * 1.01f);
  EXPECT_GE(glide, -300.f);
  EXPECT_FALSE(f.pressed);
}

// Touch events 100 ms apart (a slow phone or a busy page): the last two moves give the speed.
TEST(TouchGesture, FlingOnASlowScreenStillGlides) {
  TouchGesture g;
  Frames f;
  const double t = swipe(g, f, 200, 700, 200, 400, 3, 0, 100);  // 100 px every 100 ms
  touch_up(g, 1, 200, 400, t + 5);
  ASSERT_EQ(g.mode, TouchMode::Gliding);
  EXPECT_FLOAT_EQ(g.glide_v0, -1.f);
}

TEST(TouchGesture, FingerDownStopsAGlideAndThatTapClicksNothing) {
  TouchGesture g;
  Frames f;
  const double t = swipe(g, f, 200, 800, 200, 500, 10, 0, 10);
  touch_up(g, 1, 200, 500, t + 5);
  ASSERT_EQ(g.mode, TouchMode::Gliding);
  touch_down(g, 2, 150, 600, t + 50, phone());
  touch_up(g, 2, 150, 600, t + 60);
  Frames after;
  after.run(g, t + 70, 4);
  EXPECT_FALSE(after.pressed);
  EXPECT_EQ(after.scrolled, 0.f);
}

TEST(TouchGesture, DragAcrossPressesAtItsStartThenFollowsTheFinger) {
  TouchGesture g;
  Frames f;
  swipe(g, f, 100, 480, 250, 484, 10, 0);
  EXPECT_EQ(g.mode, TouchMode::Pressing);
  EXPECT_EQ(f.scrolled, 0.f);
  // The first press ImGui sees is where the finger went down (the slider takes that value), then the finger.
  const TouchFrame* first = nullptr;
  for (const TouchFrame& fr : f.seen)
    if (fr.pointer.down && !first) first = &fr;
  ASSERT_TRUE(first);
  EXPECT_EQ(first->pointer.x, 100.f);
  EXPECT_EQ(f.seen.back().pointer.x, 250.f);
  EXPECT_TRUE(f.seen.back().pointer.down);
  touch_up(g, 1, 250, 484, 300);
  const TouchFrame release = touch_frame(g, 316);
  EXPECT_FALSE(release.pointer.down);
  EXPECT_EQ(release.pointer.x, 250.f);
}

TEST(TouchGesture, StrokeOnTheCanvasDrawsAndNeverScrolls) {
  TouchGesture g;
  const StrokeStep down = touch_down(g, 1, 170, 200, 0, phone());
  EXPECT_EQ(down.kind, StrokeStep::Down);
  EXPECT_EQ(down.y, 200.f);
  Frames f;
  for (int i = 1; i <= 10; ++i) {
    const StrokeStep m = touch_move(g, 1, 170, 200 + 20.f * float(i), 16.0 * i);
    EXPECT_EQ(m.kind, StrokeStep::Move);
    f.run(g, 16.0 * i);
  }
  EXPECT_EQ(touch_up(g, 1, 170, 400, 200).kind, StrokeStep::Up);
  f.run(g, 200, 3);
  EXPECT_EQ(f.scrolled, 0.f);
  EXPECT_TRUE(f.pressed) << "ImGui sees the canvas pressed, as with a mouse";
}

TEST(TouchGesture, CanvasUnderAPopupIsNoPlaceToDraw) {
  TouchScene s = phone();
  s.areas.insert(s.areas.begin(), TouchArea{{0, 100, 390, 400}, {}, false});  // a model list open over the canvas
  TouchGesture g;
  EXPECT_EQ(touch_down(g, 1, 170, 200, 0, s).kind, StrokeStep::None);
  EXPECT_EQ(g.mode, TouchMode::Pressing);
}

TEST(TouchGesture, SecondFingerTakesBackTheStrokeAndPinches) {
  TouchGesture g;
  touch_down(g, 1, 170, 200, 0, phone());
  touch_move(g, 1, 170, 210, 10);
  touch_frame(g, 16);
  EXPECT_EQ(touch_down(g, 2, 270, 210, 20, phone()).kind, StrokeStep::TakeBack);
  EXPECT_EQ(g.mode, TouchMode::Pinching);
  const TouchFrame dropped = touch_frame(g, 32);
  EXPECT_TRUE(!dropped.pointer.down && !dropped.pointer.visible) << "the press ends off every item";
  const int serial = dropped.pinch_serial;
  EXPECT_EQ(touch_move(g, 2, 370, 210, 40).kind, StrokeStep::None);  // 100 px apart -> 200 px
  const TouchFrame spread = touch_frame(g, 48);
  EXPECT_NEAR(spread.pinch_ratio, 2.f, 1e-5f);
  EXPECT_EQ(spread.pinch_serial, serial);
  EXPECT_EQ(touch_up(g, 1, 170, 210, 60).kind, StrokeStep::None);
  EXPECT_EQ(g.mode, TouchMode::Pinching) << "nothing else until every finger is up";
  touch_up(g, 2, 370, 210, 70);
  EXPECT_EQ(g.mode, TouchMode::Idle);
  EXPECT_EQ(touch_frame(g, 80).pinch_ratio, 0.f);
}

TEST(TouchGesture, SecondFingerDropsAHeldPressAndStopsAScroll) {
  TouchGesture g;
  touch_down(g, 1, 200, 600, 0, phone());
  touch_down(g, 2, 300, 600, 10, phone());
  Frames f;
  f.run(g, 16, 3);
  touch_up(g, 1, 200, 600, 60);
  touch_up(g, 2, 300, 600, 60);
  f.run(g, 70, 3);
  EXPECT_FALSE(f.pressed);
  TouchGesture h;
  Frames s;
  swipe(h, s, 200, 700, 200, 600, 5, 0);
  touch_down(h, 2, 300, 600, 100, phone());
  touch_move(h, 1, 200, 500, 110);
  s.run(h, 120, 2);
  EXPECT_FLOAT_EQ(s.scrolled, -100.f) << "the second finger stopped the scroll where it was";
}

TEST(TouchGesture, PinchSnapsToTheNearestTextScaleStep) {
  const float* k = kTextScales;
  const int n = kTextScaleCount;
  EXPECT_EQ(pinch_text_scale(1.f, 1.05f, k, n), 1.f);
  EXPECT_EQ(pinch_text_scale(1.f, 1.2f, k, n), 1.25f);
  EXPECT_EQ(pinch_text_scale(1.f, 2.f, k, n), 2.f);
  EXPECT_EQ(pinch_text_scale(1.f, 9.f, k, n), 3.f);
  EXPECT_EQ(pinch_text_scale(2.f, 0.5f, k, n), 1.f);
  EXPECT_EQ(pinch_text_scale(2.f, 0.2f, k, n), 1.f);
  EXPECT_EQ(pinch_text_scale(2.f, 1.2f, k, n), 2.5f);  // 2.4: nearer 2.5 than 2 as a ratio
  EXPECT_EQ(pinch_text_scale(1.75f, 1.f, k, n), 1.75f) << "a size between steps stays until the fingers spread";
  EXPECT_EQ(pinch_text_scale(1.5f, 0.f, k, n), 1.5f);
}

// The drawing after a taken-back stroke is the drawing before it: pixels, strokes, input and prediction.
TEST(StrokeTakeBack, RestoresTheDrawingAndPredictionExactly) {
  auto s = test::app_with_models("mlp32");
  s->canvas_rect = {100.f, 50.f, 280.f, 280.f};
  s->canvas_visible_frame = s->frame;
  app_draw_stroke(*s, {140, 40, 140, 240});
  app_refresh_live(*s);
  const std::vector<float> pixels = s->drawing.canvas.pixels;
  const Eigen::VectorXf input = s->live.x, probs = s->live.probs;
  const int predicted = s->live.predicted, version = s->drawing.version;

  StrokeTakeBack back = stroke_snapshot(*s);
  ASSERT_TRUE(canvas_pointer_event(*s, PointerPhase::Down, 150, 100));
  canvas_pointer_event(*s, PointerPhase::Move, 250, 120);
  app_refresh_live(*s);
  ASSERT_NE(s->drawing.canvas.pixels, pixels);
  stroke_take_back(*s, back);
  app_refresh_live(*s);
  EXPECT_EQ(s->drawing.canvas.pixels, pixels);
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
  EXPECT_FALSE(s->drawing.stroke_open);
  EXPECT_GT(s->drawing.version, version) << "the canvas texture is redrawn";
  EXPECT_EQ(s->live.x, input);
  EXPECT_EQ(s->live.probs, probs);
  EXPECT_EQ(s->live.predicted, predicted);
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Move, 260, 130)) << "the finger draws no more";
  stroke_take_back(*s, back);  // twice: nothing more to take back
  EXPECT_EQ(s->drawing.canvas.pixels, pixels);
}

}  // namespace
}  // namespace lens
