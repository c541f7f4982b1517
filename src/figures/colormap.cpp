#include "figures/colormap.h"

#include <algorithm>
#include <cmath>

namespace lens {

static Rgb mix(const Rgb& a, const Rgb& b, float t) {
  Rgb out;
  for (int i = 0; i < 3; ++i) out[std::size_t(i)] = std::uint8_t(std::lround(a[std::size_t(i)] + (b[std::size_t(i)] - a[std::size_t(i)]) * t));
  return out;
}

Rgb colormap_diverging(float t) {
  // Anchors from the ColorBrewer PuOr scheme (purple-blue to orange), reversed so positive is warm.
  static const Rgb neg_far{45, 0, 75}, neg{84, 39, 136}, neg_near{178, 171, 210}, mid{247, 247, 247},
      pos_near{253, 184, 99}, pos{224, 130, 20}, pos_far{127, 59, 8};
  if (!std::isfinite(t)) t = 0.f;
  t = std::clamp(t, -1.f, 1.f);
  const float a = std::abs(t);
  const Rgb& near = t < 0 ? neg_near : pos_near;
  const Rgb& mid_c = t < 0 ? neg : pos;
  const Rgb& far = t < 0 ? neg_far : pos_far;
  if (a < 1.f / 3) return mix(mid, near, a * 3);
  if (a < 2.f / 3) return mix(near, mid_c, a * 3 - 1);
  return mix(mid_c, far, a * 3 - 2);
}

Rgb colormap_ink(float v) {
  if (!std::isfinite(v)) v = 0.f;
  const std::uint8_t g = std::uint8_t(std::lround(255.f * (1.f - std::clamp(v, 0.f, 1.f))));
  return {g, g, g};
}

template <class F> static RgbImage image_map(int width, int height, int scale, F&& colour) {
  RgbImage img{width * scale, height * scale, {}};
  img.pixels.resize(std::size_t(img.width) * std::size_t(img.height) * 3);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const Rgb c = colour((y / scale) * width + x / scale);
      std::copy(c.begin(), c.end(), img.pixels.begin() + (std::ptrdiff_t(y) * img.width + x) * 3);
    }
  return img;
}

RgbImage image_ink(const float* values, int width, int height, int scale) {
  return image_map(width, height, scale, [&](int i) { return colormap_ink(values[i]); });
}

RgbImage image_diverging(const float* values, int width, int height, int scale, float limit) {
  if (limit <= 0.f)
    for (int i = 0; i < width * height; ++i) limit = std::max(limit, std::abs(values[i]));
  if (limit <= 0.f) limit = 1.f;
  return image_map(width, height, scale, [&](int i) { return colormap_diverging(values[i] / limit); });
}

RgbImage image_grid(const std::vector<RgbImage>& tiles, int columns, int gap) {
  if (tiles.empty() || columns <= 0) return {};
  const int tw = tiles[0].width, th = tiles[0].height;
  const int rows = (int(tiles.size()) + columns - 1) / columns, cols = std::min(columns, int(tiles.size()));
  RgbImage g{cols * tw + (cols - 1) * gap, rows * th + (rows - 1) * gap, {}};
  g.pixels.assign(std::size_t(g.width) * std::size_t(g.height) * 3, 255);
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const int ox = int(t % std::size_t(columns)) * (tw + gap), oy = int(t / std::size_t(columns)) * (th + gap);
    for (int y = 0; y < std::min(th, tiles[t].height); ++y)
      std::copy_n(tiles[t].pixels.begin() + std::ptrdiff_t(y) * tiles[t].width * 3, std::min(tw, tiles[t].width) * 3,
                  g.pixels.begin() + (std::ptrdiff_t(oy + y) * g.width + ox) * 3);
  }
  return g;
}

}  // namespace lens
