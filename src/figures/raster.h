// A canvas for raster figures: a figure is laid out in units (CSS pixels at 100% text
// size) and drawn at `scale` device pixels a unit, so a figure at scale 4 is exactly four
// times as wide and high as at scale 1, with text rasterised at that size (never blurred up).
#pragma once
#include <cstdint>
#include <string>

#include "figures/font.h"
#include "figures/png.h"
#include "figures/colormap.h"

namespace lens {

struct Colour {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
};
Colour colour_hex(const char* hex);  // "#e08214"
Colour colour_rgb(const Rgb& c);

enum class Align { Left, Centre, Right };

struct Raster {
  int scale = 1;
  RgbaImage image;
};

// width x height units, filled with bg (opaque).
Raster raster_make(int width, int height, int scale, Colour bg);
// Blends c (with its alpha) over the rectangle; edges round to whole device pixels.
void raster_rect(Raster& c, float x, float y, float w, float h, Colour colour);
// Draws a small image into the rectangle, nearest neighbour (pixels stay square).
void raster_image(Raster& c, const RgbImage& image, float x, float y, float w, float h);
// Text with its baseline at y; x is its left end, centre or right end.
void raster_text(Raster& c, const Font& font, const std::string& text, float x, float y, float size, Colour colour,
                 Align align = Align::Left);
// Text turned a quarter anticlockwise (reading upwards), centred on (x, y): for a y-axis title.
void raster_text_up(Raster& c, const Font& font, const std::string& text, float x, float y, float size, Colour colour);

}  // namespace lens
