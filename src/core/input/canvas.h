// A grayscale drawing surface (0 = paper, 1 = ink) and an anti-aliased round
// brush, shared by the page's pointer strokes, the JS drawStroke API and tests,
// so that a script and a person drawing the same path see the same pixels.
#pragma once
#include <vector>

namespace lens {

// The page's drawing surface and its brush (the shape concepts draw with them too).
constexpr int kCanvasSide = 280;            // ten canvas pixels per MNIST pixel
constexpr float kDefaultBrushRadius = 10.f;  // about 2 MNIST pixels wide after scaling, like MNIST strokes

struct Canvas {
  int width = 0, height = 0;
  std::vector<float> pixels;  // row-major, width * height
  Canvas() = default;
  Canvas(int w, int h) : width(w), height(h), pixels(std::size_t(w) * std::size_t(h), 0.f) {}
  float& at(int x, int y) { return pixels[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
  float at(int x, int y) const { return pixels[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
  void clear() { std::fill(pixels.begin(), pixels.end(), 0.f); }
};

// Draws a capsule from (x0,y0) to (x1,y1) (pixel units, pixel centers at +0.5)
// of the given radius; edges are anti-aliased over one pixel, ink only grows.
void canvas_draw_segment(Canvas& c, float x0, float y0, float x1, float y1, float radius);
// A polyline of points (pixel units); a single point draws a dot.
void canvas_draw_polyline(Canvas& c, const std::vector<float>& xy, float radius);

}  // namespace lens
