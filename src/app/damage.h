// Which parts of the screen a frame changes. Each frame's triangles (with their texture, the
// texture's contents version, clip rectangle and blending) are hashed per screen tile and
// compared with the previous frame's: only the tiles that differ are drawn again, over a
// drawing buffer the browser keeps between frames (preserveDrawingBuffer). On software
// WebGL, where filling pixels is what a frame costs, a stroke then redraws the canvas, the
// bars and the numbers that moved instead of the whole page; a frame that changes nothing
// draws nothing.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace lens {

// Framebuffer pixels in GL's orientation (origin bottom left), as glScissor takes them.
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  bool empty() const { return w <= 0 || h <= 0; }
};
PixelRect intersect(const PixelRect& a, const PixelRect& b);

// The scissor box of a draw command's clip rectangle (the rounding every draw uses).
PixelRect clip_pixels(const ImVec4& clip, const ImDrawData* data);

struct Damage {
  static constexpr int kTile = 16;  // framebuffer pixels a side
  int fb_w = 0, fb_h = 0, cols = 0, rows = 0;
  std::uint64_t frame_key = 0;  // what every tile depends on: sizes, scale, clear colour
  std::vector<std::uint64_t> tiles, previous;
  bool previous_valid = false;  // the buffer holds what `previous` describes
  double redrawn = 1;           // fraction of the screen the last drawn frame redrew
  double dirty = 1;             // fraction of the screen that changed in it
  int regions = 0;              // rectangles it changed in
};

// Hashes the frame's tiles and returns the rectangles to draw again: none when nothing
// changed, the whole screen when the buffer was not kept (`preserved` false) or nothing is
// known about it. A whole-screen answer is one rectangle.
std::vector<PixelRect> damage_update(Damage& d, const ImDrawData* data, const float clear_rgb[3], bool preserved);

// Forgets what the buffer holds: the next frame is drawn whole.
inline void damage_invalidate(Damage& d) { d.previous_valid = false; }

}  // namespace lens
