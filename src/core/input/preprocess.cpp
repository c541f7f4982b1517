#include "core/input/preprocess.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lens {

InkBox ink_bounding_box(const Canvas& c, float threshold) {
  InkBox b{c.width, c.height, -1, -1};
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x)
      if (c.at(x, y) > threshold) {
        b.x0 = std::min(b.x0, x); b.x1 = std::max(b.x1, x);
        b.y0 = std::min(b.y0, y); b.y1 = std::max(b.y1, y);
      }
  if (b.x1 < 0) return InkBox{};
  return b;
}

// Box-filter resampling of the source rectangle `box` by `scale` (output pixels per
// source pixel, the same on both axes so the aspect ratio is exact): each output pixel
// averages the source area it covers. The last row/column may be only partly covered
// and comes out fainter, which keeps the result continuous as the stroke moves.
static Canvas resample_area(const Canvas& c, const InkBox& box, float scale) {
  const int out_w = std::clamp(int(std::ceil(box.width() * scale - 1e-3f)), 1, kDigitBox);
  const int out_h = std::clamp(int(std::ceil(box.height() * scale - 1e-3f)), 1, kDigitBox);
  Canvas out(out_w, out_h);
  const float step = 1.f / scale;  // source pixels per output pixel
  for (int oy = 0; oy < out_h; ++oy) {
    const float ya = oy * step, yb = std::min((oy + 1) * step, float(box.height()));
    for (int ox = 0; ox < out_w; ++ox) {
      const float xa = ox * step, xb = std::min((ox + 1) * step, float(box.width()));
      float sum = 0.f;
      for (int y = int(ya); y < int(std::ceil(yb)) && y < box.height(); ++y) {
        const float wy = std::min(yb, float(y + 1)) - std::max(ya, float(y));
        for (int x = int(xa); x < int(std::ceil(xb)) && x < box.width(); ++x) {
          const float wx = std::min(xb, float(x + 1)) - std::max(xa, float(x));
          sum += wx * wy * c.at(box.x0 + x, box.y0 + y);
        }
      }
      out.at(ox, oy) = std::clamp(sum / (step * step), 0.f, 1.f);
    }
  }
  return out;
}

Digit preprocess_canvas(const Canvas& c) {
  Digit d{};
  const InkBox box = ink_bounding_box(c);
  if (box.empty()) return d;
  const float scale = float(kDigitBox) / float(std::max(box.width(), box.height()));
  const Canvas small = resample_area(c, box, scale);
  const int w = small.width, h = small.height;

  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double v = small.at(x, y);
      mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  if (mass <= 0) return d;
  // Whole-pixel shift keeps the strokes sharp; clamping keeps every stroke on the field
  // when the mass sits far to one side of the box (the center is then off by the excess).
  const int ox = std::clamp(int(std::lround(kSide / 2.0 - mx / mass)), 0, kSide - w);
  const int oy = std::clamp(int(std::lround(kSide / 2.0 - my / mass)), 0, kSide - h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) d[std::size_t((oy + y) * kSide + ox + x)] = small.at(x, y);
  return d;
}

bool digit_center_of_mass(const Digit& d, float& cx, float& cy) {
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const double v = d[std::size_t(y * kSide + x)];
      mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  if (mass <= 0) return false;
  cx = float(mx / mass);
  cy = float(my / mass);
  return true;
}

}  // namespace lens
