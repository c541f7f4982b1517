#include "figures/font.h"

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>

namespace lens {

struct Font::Impl {
  Bytes ttf;  // stbtt_fontinfo points into it
  stbtt_fontinfo info{};
};

Result<Font> Font::from_bytes(Bytes ttf) {
  auto impl = std::make_shared<Impl>();
  impl->ttf = std::move(ttf);
  const int offset = impl->ttf.size() >= 12 ? stbtt_GetFontOffsetForIndex(impl->ttf.data(), 0) : -1;
  if (offset < 0 || !stbtt_InitFont(&impl->info, impl->ttf.data(), offset))
    return Result<Font>::fail("not a TrueType font");
  Font f;
  f.impl_ = std::move(impl);
  return Result<Font>::ok(std::move(f));
}

Result<Font> Font::load(const std::string& path) {
  auto bytes = file_read(path, std::size_t(64) << 20);
  if (!bytes) return Result<Font>::fail(bytes.error);
  auto f = from_bytes(std::move(*bytes));
  if (!f) return Result<Font>::fail(path + ": " + f.error);
  return f;
}

std::vector<int> utf8_codepoints(const std::string& s) {
  std::vector<int> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = std::uint8_t(s[i]);
    const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + std::size_t(extra) >= s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    int cp = extra == 0 ? c : c & (0x3F >> extra);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      const auto d = std::uint8_t(s[i + std::size_t(k)]);
      ok = ok && (d >> 6) == 2;
      cp = (cp << 6) | (d & 0x3F);
    }
    out.push_back(ok ? cp : 0xFFFD);
    i += ok ? std::size_t(extra) + 1 : 1;
  }
  return out;
}

float Font::advance(int codepoint, int next, float pixel_height) const {
  const float scale = stbtt_ScaleForPixelHeight(&impl_->info, pixel_height);
  int advance = 0, lsb = 0;
  stbtt_GetCodepointHMetrics(&impl_->info, codepoint, &advance, &lsb);
  const int kern = next ? stbtt_GetCodepointKernAdvance(&impl_->info, codepoint, next) : 0;
  return scale * float(advance + kern);
}

GlyphBitmap Font::glyph(int codepoint, float pixel_height, float shift_x) const {
  const float scale = stbtt_ScaleForPixelHeight(&impl_->info, pixel_height);
  GlyphBitmap g;
  int x1 = 0, y1 = 0;
  stbtt_GetCodepointBitmapBoxSubpixel(&impl_->info, codepoint, scale, scale, shift_x, 0, &g.x, &g.y, &x1, &y1);
  g.width = x1 - g.x;
  g.height = y1 - g.y;
  if (g.width <= 0 || g.height <= 0) return GlyphBitmap{0, 0, g.x, g.y, {}};
  g.coverage.resize(std::size_t(g.width) * std::size_t(g.height));
  stbtt_MakeCodepointBitmapSubpixel(&impl_->info, g.coverage.data(), g.width, g.height, g.width, scale, scale, shift_x,
                                    0, codepoint);
  return g;
}

float Font::width(const std::string& utf8, float pixel_height) const {
  const std::vector<int> cps = utf8_codepoints(utf8);
  float w = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) w += advance(cps[i], i + 1 < cps.size() ? cps[i + 1] : 0, pixel_height);
  return w;
}

float Font::ascent(float pixel_height) const {
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&impl_->info, &ascent, &descent, &gap);
  return stbtt_ScaleForPixelHeight(&impl_->info, pixel_height) * float(ascent);
}

}  // namespace lens
