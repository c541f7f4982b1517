// Turns a drawn canvas into an MNIST-like 28x28 image, the way MNIST itself
// was made: crop to the ink's bounding box, scale the longer side to 20 px
// (aspect ratio kept, area-averaged so strokes stay anti-aliased), then place
// the image so its center of mass sits at the center of the 28x28 field.
#pragma once
#include <array>

#include "core/input/canvas.h"
#include "core/constants.h"

namespace lens {

using Digit = std::array<float, kPixels>;  // row-major 28x28, values in [0,1]

constexpr float kInkThreshold = 0.02f;  // fainter pixels do not count towards the bounding box

struct InkBox {
  int x0 = 0, y0 = 0, x1 = -1, y1 = -1;  // inclusive; empty when x1 < x0
  bool empty() const { return x1 < x0; }
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

InkBox ink_bounding_box(const Canvas& c, float threshold = kInkThreshold);
// An empty canvas gives an all-zero digit.
Digit preprocess_canvas(const Canvas& c);

// Center of mass of a 28x28 image in pixel units (pixel centers at +0.5, so the
// field's center is (14, 14)); returns false for a blank image.
bool digit_center_of_mass(const Digit& d, float& cx, float& cy);

}  // namespace lens
