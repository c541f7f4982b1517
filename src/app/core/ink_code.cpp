#include "app/core/ink_code.h"

#include <cmath>
#include <cstdint>

namespace lens {

static const char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_varint(std::vector<std::uint8_t>& out, std::uint32_t v) {
  while (v >= 0x80) { out.push_back(std::uint8_t(v | 0x80)); v >>= 7; }
  out.push_back(std::uint8_t(v));
}
static std::uint32_t zigzag(int v) { return v >= 0 ? std::uint32_t(v) << 1 : (std::uint32_t(-(v + 1)) << 1) | 1u; }
static int unzigzag(std::uint32_t v) { return (v & 1u) ? -int(v >> 1) - 1 : int(v >> 1); }

static std::string base64url(const std::vector<std::uint8_t>& b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); i += 3) {
    const std::uint32_t n = std::uint32_t(b[i]) << 16 | (i + 1 < b.size() ? std::uint32_t(b[i + 1]) << 8 : 0u) |
                            (i + 2 < b.size() ? std::uint32_t(b[i + 2]) : 0u);
    const std::size_t chars = std::min<std::size_t>(4, (b.size() - i) * 4 / 3 + 1);
    for (std::size_t k = 0; k < chars; ++k) s += kBase64Url[(n >> (18 - 6 * k)) & 63];
  }
  return s;
}

static Result<std::vector<std::uint8_t>> from_base64url(std::string_view s) {
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    if (v < 0) return Result<std::vector<std::uint8_t>>::fail("it has a character that is not base64url");
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) { bits -= 8; out.push_back(std::uint8_t(acc >> bits)); acc &= (1u << bits) - 1; }
  }
  return Result<std::vector<std::uint8_t>>::ok(std::move(out));
}

std::string ink_encode(const std::vector<Stroke>& strokes) {
  std::vector<std::uint8_t> b;
  for (const Stroke& s : strokes) {
    put_varint(b, std::uint32_t(std::lround(s.radius * 2)));  // the brush in half pixels
    put_varint(b, std::uint32_t(s.xy.size() / 2));
    int px = 0, py = 0;
    for (std::size_t i = 0; i + 1 < s.xy.size(); i += 2) {
      const int x = int(std::lround(s.xy[i])), y = int(std::lround(s.xy[i + 1]));
      put_varint(b, zigzag(x - px));
      put_varint(b, zigzag(y - py));
      px = x, py = y;
    }
  }
  return base64url(b);
}

// Reads the bytes in order; every read says whether the bytes held out.
struct VarintReader {
  const std::vector<std::uint8_t>& b;
  std::size_t at = 0;
  bool next(std::uint32_t& v) {
    v = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (at >= b.size()) return false;
      const std::uint8_t c = b[at++];
      v |= std::uint32_t(c & 0x7f) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;  // more than 5 bytes: not a varint this code writes
  }
};

Result<std::vector<Stroke>> ink_decode(std::string_view text) {
  using R = Result<std::vector<Stroke>>;
  const auto bytes = from_base64url(text);
  if (!bytes) return R::fail(bytes.error);
  VarintReader r{*bytes};
  std::vector<Stroke> strokes;
  int points = 0;
  while (r.at < bytes->size()) {
    if (int(strokes.size()) == kInkMaxStrokes) return R::fail("it has more than " + std::to_string(kInkMaxStrokes) + " strokes");
    std::uint32_t radius2 = 0, n = 0;
    if (!r.next(radius2) || !r.next(n)) return R::fail("it ends in the middle of a stroke");
    if (radius2 < 2 || radius2 > 100) return R::fail("a stroke has a brush radius outside 1 to 50 pixels");
    if (n == 0 || n > std::uint32_t(kInkMaxPoints - points))
      return R::fail(n == 0 ? "a stroke has no points" : "it has more than " + std::to_string(kInkMaxPoints) + " points");
    points += int(n);
    Stroke s{radius2 / 2.f, {}};
    long x = 0, y = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t dx = 0, dy = 0;
      if (!r.next(dx) || !r.next(dy)) return R::fail("it ends in the middle of a stroke");
      x += unzigzag(dx), y += unzigzag(dy);
      if (std::labs(x) > kInkCoordinateLimit || std::labs(y) > kInkCoordinateLimit)
        return R::fail("a point lies far outside the canvas");
      s.xy.push_back(float(x));
      s.xy.push_back(float(y));
    }
    strokes.push_back(std::move(s));
  }
  return R::ok(std::move(strokes));
}

}  // namespace lens
