#include "figures/raster.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace lens {

Colour colour_hex(const char* hex) {
  const unsigned long v = std::strtoul(hex + (hex[0] == '#'), nullptr, 16);
  return {std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v), 255};
}

Colour colour_rgb(const Rgb& c) { return {c[0], c[1], c[2], 255}; }

Raster raster_make(int width, int height, int scale, Colour bg) {
  Raster c;
  c.scale = scale;
  c.image.width = width * scale;
  c.image.height = height * scale;
  c.image.pixels.resize(std::size_t(c.image.width) * std::size_t(c.image.height) * 4);
  for (std::size_t i = 0; i < c.image.pixels.size(); i += 4) {
    c.image.pixels[i] = bg.r;
    c.image.pixels[i + 1] = bg.g;
    c.image.pixels[i + 2] = bg.b;
    c.image.pixels[i + 3] = 255;
  }
  return c;
}

// Blends colour at device pixel (x, y) with coverage a in [0, 255]; outside the canvas: nothing.
static void blend(Raster& c, int x, int y, Colour colour, int a) {
  if (x < 0 || y < 0 || x >= c.image.width || y >= c.image.height || a <= 0) return;
  std::uint8_t* p = &c.image.pixels[(std::size_t(y) * std::size_t(c.image.width) + std::size_t(x)) * 4];
  const int t = a * colour.a / 255;
  p[0] = std::uint8_t((p[0] * (255 - t) + colour.r * t + 127) / 255);
  p[1] = std::uint8_t((p[1] * (255 - t) + colour.g * t + 127) / 255);
  p[2] = std::uint8_t((p[2] * (255 - t) + colour.b * t + 127) / 255);
}

static int device(const Raster& c, float units) { return int(std::lround(units * float(c.scale))); }

void raster_rect(Raster& c, float x, float y, float w, float h, Colour colour) {
  const int x0 = std::max(0, device(c, x)), x1 = std::min(c.image.width, device(c, x + w));
  const int y0 = std::max(0, device(c, y)), y1 = std::min(c.image.height, device(c, y + h));
  for (int py = y0; py < y1; ++py)
    for (int px = x0; px < x1; ++px) blend(c, px, py, colour, 255);
}

void raster_image(Raster& c, const RgbImage& image, float x, float y, float w, float h) {
  const int x0 = device(c, x), x1 = device(c, x + w), y0 = device(c, y), y1 = device(c, y + h);
  if (image.width <= 0 || image.height <= 0 || x1 <= x0 || y1 <= y0) return;
  for (int py = std::max(0, y0); py < std::min(c.image.height, y1); ++py) {
    const int sy = (py - y0) * image.height / (y1 - y0);
    for (int px = std::max(0, x0); px < std::min(c.image.width, x1); ++px) {
      const int sx = (px - x0) * image.width / (x1 - x0);
      const std::uint8_t* s = &image.pixels[(std::size_t(sy) * std::size_t(image.width) + std::size_t(sx)) * 3];
      blend(c, px, py, {s[0], s[1], s[2], 255}, 255);
    }
  }
}

static float aligned_left(const Font& font, const std::string& text, float x, float px, Align align) {
  const float w = font.width(text, px);
  return align == Align::Left ? x : align == Align::Centre ? x - w / 2 : x - w;
}

void raster_text(Raster& c, const Font& font, const std::string& text, float x, float y, float size, Colour colour,
                 Align align) {
  const float px = size * float(c.scale);
  const float left = aligned_left(font, text, x * float(c.scale), px, align);
  const int base = device(c, y);
  font.layout(text, px, [&](const GlyphBitmap& g, float pen) {
    const int ox = int(std::floor(left)) + int(pen) + g.x, oy = base + g.y;
    for (int gy = 0; gy < g.height; ++gy)
      for (int gx = 0; gx < g.width; ++gx)
        blend(c, ox + gx, oy + gy, colour, g.coverage[std::size_t(gy) * std::size_t(g.width) + std::size_t(gx)]);
  });
}

void raster_text_up(Raster& c, const Font& font, const std::string& text, float x, float y, float size, Colour colour) {
  const float px = size * float(c.scale);
  const float w = font.width(text, px);
  // Text runs upwards: pen position p along the text goes to device row (centre + w/2 - p);
  // glyph rows (below/above the baseline) go to columns right/left of the baseline column.
  const int bottom = int(std::lround(y * float(c.scale) + w / 2)), base_x = device(c, x) + int(std::lround(px * 0.35f));
  font.layout(text, px, [&](const GlyphBitmap& g, float pen) {
    for (int gy = 0; gy < g.height; ++gy)
      for (int gx = 0; gx < g.width; ++gx)
        blend(c, base_x + g.y + gy, bottom - (int(pen) + g.x + gx), colour,
              g.coverage[std::size_t(gy) * std::size_t(g.width) + std::size_t(gx)]);
  });
}

}  // namespace lens
