// Drawn strokes come out MNIST-like: longer side 20 px, center of mass at (14, 14).
#include <gtest/gtest.h>

#include <cmath>

#include "core/input/preprocess.h"

namespace lens {
namespace {

struct DigitBox { int x0 = 99, y0 = 99, x1 = -1, y1 = -1; };
DigitBox digit_box(const Digit& d) {
  DigitBox b;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x)
      if (d[std::size_t(y * kSide + x)] > 0.f) {
        b.x0 = std::min(b.x0, x); b.x1 = std::max(b.x1, x);
        b.y0 = std::min(b.y0, y); b.y1 = std::max(b.y1, y);
      }
  return b;
}

// An ellipse ("0") of the given size drawn anywhere on a canvas of any size.
Canvas ring(int w, int h, float cx, float cy, float rx, float ry, float brush) {
  Canvas c(w, h);
  std::vector<float> xy;
  for (int i = 0; i <= 64; ++i) {
    const float t = 6.2831853f * float(i) / 64;
    xy.push_back(cx + rx * std::cos(t));
    xy.push_back(cy + ry * std::sin(t));
  }
  canvas_draw_polyline(c, xy, brush);
  return c;
}

void expect_mnist_like(const Canvas& c, bool tall) {
  const Digit d = preprocess_canvas(c);
  float cx = 0, cy = 0;
  ASSERT_TRUE(digit_center_of_mass(d, cx, cy));
  EXPECT_NEAR(cx, 14.f, 1.f);
  EXPECT_NEAR(cy, 14.f, 1.f);
  const DigitBox b = digit_box(d);
  const int w = b.x1 - b.x0 + 1, h = b.y1 - b.y0 + 1;
  EXPECT_EQ(std::max(w, h), 20) << "box " << w << " x " << h;
  EXPECT_EQ(tall, h >= w);
  for (float v : d) {
    EXPECT_GE(v, 0.f);
    EXPECT_LE(v, 1.f);
  }
}

TEST(Preprocess, OffCenterSmallRing) { expect_mnist_like(ring(400, 300, 60, 50, 15, 25, 3), true); }
TEST(Preprocess, LargeRingFillingTheCanvas) { expect_mnist_like(ring(280, 280, 140, 140, 120, 100, 12), false); }
TEST(Preprocess, TinyCanvas) { expect_mnist_like(ring(40, 40, 30, 12, 5, 8, 1.5f), true); }

TEST(Preprocess, VerticalStrokeKeepsItsAspectRatio) {
  Canvas c(300, 300);
  canvas_draw_segment(c, 250, 20, 250, 200, 6);  // off to the right, 12 px wide, ~192 tall
  const Digit d = preprocess_canvas(c);
  const DigitBox b = digit_box(d);
  EXPECT_EQ(b.y1 - b.y0 + 1, 20);
  EXPECT_LE(b.x1 - b.x0 + 1, 3);
  float cx = 0, cy = 0;
  ASSERT_TRUE(digit_center_of_mass(d, cx, cy));
  EXPECT_NEAR(cx, 14.f, 1.f);
  EXPECT_NEAR(cy, 14.f, 1.f);
}

TEST(Preprocess, BlankCanvasGivesBlankDigit) {
  const Digit d = preprocess_canvas(Canvas(50, 80));
  for (float v : d) EXPECT_EQ(v, 0.f);
  float cx, cy;
  EXPECT_FALSE(digit_center_of_mass(d, cx, cy));
}

// The brush is anti-aliased: the stroke's edge has intermediate values.
TEST(Canvas, BrushEdgesAreSoft) {
  Canvas c(20, 20);
  canvas_draw_segment(c, 10, 2, 10, 18, 3.2f);
  EXPECT_FLOAT_EQ(c.at(9, 10), 1.f);
  EXPECT_GT(c.at(13, 10), 0.f);
  EXPECT_LT(c.at(13, 10), 1.f);
  EXPECT_EQ(c.at(16, 10), 0.f);
}

TEST(Canvas, IgnoresNonFinitePoints) {
  Canvas c(10, 10);
  canvas_draw_segment(c, NAN, 1, 5, 5, 2);
  for (float v : c.pixels) EXPECT_EQ(v, 0.f);
}

}  // namespace
}  // namespace lens
