// Colour maps for neuron figures, shared by the page and the report, so a
// figure means the same thing everywhere.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace lens {

using Rgb = std::array<std::uint8_t, 3>;

// Diverging, colour-blind safe (blue for negative, light grey at 0, orange for positive,
// after the PuOr family): t in [-1, 1].
Rgb colormap_diverging(float t);
// Ink on paper: 0 = white, 1 = black (how MNIST digits are printed in papers).
Rgb colormap_ink(float v);

struct RgbImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major RGB
};

// A width x height image from row-major values, each pixel scaled up `scale` times (nearest).
RgbImage image_ink(const float* values, int width, int height, int scale);
// Signed values mapped with colormap_diverging, symmetric around 0 at +-limit (limit <= 0: max |v|).
RgbImage image_diverging(const float* values, int width, int height, int scale, float limit = 0.f);
// Places images in a grid with a gap (white background).
RgbImage image_grid(const std::vector<RgbImage>& tiles, int columns, int gap);

}  // namespace lens
