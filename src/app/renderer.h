// Draws Dear ImGui's output with WebGL2. It owns every piece of GL state it uses and
// sets it before drawing, so it never reads state back: each glGet* is a round trip
// that waits for the GPU (with software WebGL, most of a frame).
#pragma once
#include <imgui.h>

#include <vector>

#include "app/damage.h"

namespace lens {

struct Renderer {
  unsigned program = 0, vao = 0, vbo = 0, ebo = 0, font = 0;
  int projection = -1, sampler = -1, white = -1;
};

bool renderer_init(Renderer& r);             // shaders and buffers; false when WebGL refuses them
void renderer_build_font(Renderer& r);       // (re)uploads ImGui's font atlas
// Draws the whole frame over what the bound framebuffer holds (an export's offscreen buffer).
void renderer_draw(const Renderer& r, const ImDrawData* data);
// Draws the frame only inside `regions` of the screen (damage.h), each cleared to `clear_rgb`
// first: the pixels come out exactly as drawing everything would leave them there.
void renderer_draw_regions(const Renderer& r, const ImDrawData* data, const std::vector<PixelRect>& regions, const float clear_rgb[3]);
// Draw-list callbacks around pictures that cover their rectangles with opaque pixels: no
// blending between them, which software WebGL fills about twice as fast.
void renderer_opaque_begin(const ImDrawList*, const ImDrawCmd*);
void renderer_opaque_end(const ImDrawList*, const ImDrawCmd*);

}  // namespace lens
