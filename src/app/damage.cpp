#include "app/damage.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/renderer.h"
#include "app/textures.h"

namespace lens {

// Past these the rectangles cost more than the pixels they save (each one submits its
// triangles again): one redraw of the whole screen instead.
constexpr std::size_t kMaxRects = 160;
constexpr double kMaxDirtyFraction = 0.7;
constexpr int kMaxGapTiles = 3;

static std::uint64_t fmix(std::uint64_t k) {  // a 64-bit finaliser: every input bit moves every output bit
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}
static std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return fmix(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6))); }
static std::uint64_t bits(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

PixelRect intersect(const PixelRect& a, const PixelRect& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  return {x0, y0, x1 - x0, y1 - y0};
}

PixelRect clip_pixels(const ImVec4& clip, const ImDrawData* data) {
  const ImVec2 off = data->DisplayPos, scale = data->FramebufferScale;
  const float fb_h = data->DisplaySize.y * scale.y;
  const float x0 = (clip.x - off.x) * scale.x, y0 = (clip.y - off.y) * scale.y;
  const float x1 = (clip.z - off.x) * scale.x, y1 = (clip.w - off.y) * scale.y;
  if (x1 <= x0 || y1 <= y0) return {};
  return {int(x0), int(fb_h - y1), int(x1 - x0), int(y1 - y0)};  // GL's origin is bottom left
}

// What a command's triangles look like besides their vertices: texture and its contents, clip, blending.
static std::uint64_t command_key(const ImDrawCmd& cmd, const PixelRect& clip, bool blend) {
  const unsigned tex = unsigned(reinterpret_cast<std::intptr_t>(cmd.GetTexID()));
  std::uint64_t h = mix(tex, texture_generation(tex));
  h = mix(h, (std::uint64_t(std::uint32_t(clip.x)) << 32) | std::uint32_t(clip.y));
  h = mix(h, (std::uint64_t(std::uint32_t(clip.w)) << 32) | std::uint32_t(clip.h));
  return mix(h, blend ? 1 : 2);
}

static void resize(Damage& d, int fb_w, int fb_h) {
  if (d.fb_w == fb_w && d.fb_h == fb_h) return;
  d.fb_w = fb_w;
  d.fb_h = fb_h;
  d.cols = (fb_w + Damage::kTile - 1) / Damage::kTile;
  d.rows = (fb_h + Damage::kTile - 1) / Damage::kTile;
  d.previous.assign(std::size_t(d.cols) * std::size_t(d.rows), 0);
  d.previous_valid = false;
}

// Folds every triangle into the tiles its bounding box (within its clip) touches, in draw order.
static void hash_tiles(Damage& d, const ImDrawData* data) {
  const ImVec2 off = data->DisplayPos, scale = data->FramebufferScale;
  const float fb_h = float(d.fb_h);
  const PixelRect screen{0, 0, d.fb_w, d.fb_h};
  d.tiles.assign(std::size_t(d.cols) * std::size_t(d.rows), 0x243f6a8885a308d3ULL);
  bool blend = true;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback == renderer_opaque_begin) blend = false;
        if (cmd.UserCallback == renderer_opaque_end) blend = true;
        continue;
      }
      const PixelRect clip = intersect(clip_pixels(cmd.ClipRect, data), screen);
      if (clip.empty()) continue;
      const std::uint64_t key = command_key(cmd, clip, blend);
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
        std::uint64_t h = key;
        for (int k = 0; k < 3; ++k) {
          const ImDrawVert& v = vtx[idx[i + unsigned(k)]];
          const float px = (v.pos.x - off.x) * scale.x, py = fb_h - (v.pos.y - off.y) * scale.y;
          x0 = std::min(x0, px), x1 = std::max(x1, px), y0 = std::min(y0, py), y1 = std::max(y1, py);
          h = mix(h, (bits(v.pos.x) << 32) | bits(v.pos.y));
          h = mix(h, (bits(v.uv.x) << 32) | bits(v.uv.y));
          h = mix(h, v.col);
        }
        // A pixel is drawn when its centre is inside: a pixel's margin either side is plenty.
        const PixelRect box = intersect(clip, {int(std::floor(x0)) - 1, int(std::floor(y0)) - 1,
                                               int(std::ceil(x1) - std::floor(x0)) + 3, int(std::ceil(y1) - std::floor(y0)) + 3});
        if (box.empty()) continue;
        const int tx0 = box.x / Damage::kTile, tx1 = (box.x + box.w - 1) / Damage::kTile;
        const int ty0 = box.y / Damage::kTile, ty1 = (box.y + box.h - 1) / Damage::kTile;
        for (int ty = ty0; ty <= ty1; ++ty)
          for (int tx = tx0; tx <= tx1; ++tx) {
            std::uint64_t& t = d.tiles[std::size_t(ty) * std::size_t(d.cols) + std::size_t(tx)];
            t = mix(t, h);
          }
      }
    }
  }
}

// The changed tiles as rectangles: runs along each row, stacked while rows repeat the same run.
static std::vector<PixelRect> dirty_rects(const Damage& d) {
  struct Open { int c0, c1, r0; bool seen; };
  std::vector<Open> open;
  std::vector<PixelRect> out;
  const int T = Damage::kTile;
  auto close = [&](const Open& o, int r1) {
    const int x = o.c0 * T, y = o.r0 * T;
    out.push_back({x, y, std::min(o.c1 * T, d.fb_w) - x, std::min(r1 * T, d.fb_h) - y});
  };
  for (int r = 0; r <= d.rows; ++r) {
    for (Open& o : open) o.seen = false;
    std::vector<Open> next;
    const std::size_t i = std::size_t(r) * std::size_t(d.cols);
    auto dirty = [&](int c) { return d.tiles[i + std::size_t(c)] != d.previous[i + std::size_t(c)]; };
    for (int c = 0; r < d.rows && c < d.cols;) {
      if (!dirty(c)) { ++c; continue; }
      const int c0 = c;
      // A run goes on over short gaps: drawing a few clean tiles again costs less than another rectangle.
      for (int clean = 0; c < d.cols && clean <= kMaxGapTiles; ++c) clean = dirty(c) ? 0 : clean + 1;
      while (!dirty(c - 1)) --c;
      auto same = std::find_if(open.begin(), open.end(), [&](const Open& o) { return o.c0 == c0 && o.c1 == c; });
      if (same != open.end()) {
        same->seen = true;
        next.push_back(*same);
      } else {
        next.push_back({c0, c, r, true});
      }
    }
    for (const Open& o : open)
      if (!o.seen) close(o, r);
    open = std::move(next);
  }
  return out;
}

std::vector<PixelRect> damage_update(Damage& d, const ImDrawData* data, const float clear_rgb[3], bool preserved) {
  const int fb_w = int(data->DisplaySize.x * data->FramebufferScale.x), fb_h = int(data->DisplaySize.y * data->FramebufferScale.y);
  if (fb_w <= 0 || fb_h <= 0) return {};
  resize(d, fb_w, fb_h);
  std::uint64_t key = mix(mix(bits(data->DisplayPos.x), bits(data->DisplayPos.y)), mix(bits(data->DisplaySize.x), bits(data->DisplaySize.y)));
  key = mix(key, mix(bits(data->FramebufferScale.x), bits(data->FramebufferScale.y)));
  key = mix(key, mix(mix(bits(clear_rgb[0]), bits(clear_rgb[1])), bits(clear_rgb[2])));
  hash_tiles(d, data);
  const bool known = d.previous_valid && key == d.frame_key;
  const std::vector<PixelRect> full{{0, 0, fb_w, fb_h}};
  std::vector<PixelRect> rects;
  if (known) rects = dirty_rects(d);
  d.regions = int(rects.size());
  d.frame_key = key;
  d.previous_valid = true;  // after this frame is drawn, the buffer holds `tiles`
  std::swap(d.previous, d.tiles);
  if (known && rects.empty()) return {};
  double area = 0;
  for (const PixelRect& r : rects) area += double(r.w) * double(r.h);
  const double screen = double(fb_w) * double(fb_h);
  if (!known || !preserved || rects.size() > kMaxRects || area > kMaxDirtyFraction * screen) {
    d.redrawn = 1;
    d.dirty = known ? area / screen : 1;
    return full;
  }
  d.redrawn = d.dirty = area / screen;
  return rects;
}

}  // namespace lens
