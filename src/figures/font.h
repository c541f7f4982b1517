// Text for raster figures: a TrueType font rasterised with stb_truetype (Debian's
// libstb-dev). The page passes the DejaVu Sans subset it ships, lens-report and the
// tests Debian's DejaVu Sans; the glyph outlines are the same, so is the text.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/formats/bytes.h"
#include "core/result.h"

namespace lens {

// One glyph's coverage bitmap, placed relative to the pen position on the baseline.
struct GlyphBitmap {
  int width = 0, height = 0, x = 0, y = 0;  // y < 0: above the baseline
  std::vector<std::uint8_t> coverage;
};

class Font {
 public:
  static Result<Font> from_bytes(Bytes ttf);
  static Result<Font> load(const std::string& path);
  // Width in pixels of UTF-8 text at a pixel height (ascent to descent, as ImGui sizes fonts).
  float width(const std::string& utf8, float pixel_height) const;
  float ascent(float pixel_height) const;  // baseline below the top of a line
  // Calls draw(glyph, pen x) for each character; pen x starts at 0.
  template <class F> void layout(const std::string& utf8, float pixel_height, F&& draw) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  float advance(int codepoint, int next, float pixel_height) const;
  GlyphBitmap glyph(int codepoint, float pixel_height, float shift_x) const;
  friend std::vector<int> utf8_codepoints(const std::string& s);
};

std::vector<int> utf8_codepoints(const std::string& s);  // invalid bytes become U+FFFD

template <class F> void Font::layout(const std::string& utf8, float pixel_height, F&& draw) const {
  const std::vector<int> cps = utf8_codepoints(utf8);
  float pen = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const float shift = pen - float(int(pen));
    draw(glyph(cps[i], pixel_height, shift), float(int(pen)));
    pen += advance(cps[i], i + 1 < cps.size() ? cps[i + 1] : 0, pixel_height);
  }
}

}  // namespace lens
