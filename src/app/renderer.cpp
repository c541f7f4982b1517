#include "app/renderer.h"

#include "app/textures.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace lens {

// ImGui's untextured shapes (rectangles, bars, fills, lines) sample the font atlas at its
// white pixel, which always gives 1: software WebGL pays for that sample at every pixel, about
// half of what a frame costs it. Their vertices carry exactly the white pixel's uv, so the
// vertex shader flags them and the fragment shader skips the sample (the same pixels: the
// colour times 1). `white` is (-1, -1), which no vertex has, for the other textures.
static const char* kVertexShader = R"(#version 300 es
uniform mat4 projection;
uniform vec2 white;
layout(location = 0) in vec2 position;
layout(location = 1) in vec2 uv;
layout(location = 2) in vec4 color;
out vec2 frag_uv;
out vec4 frag_color;
flat out int solid;
void main() {
  frag_uv = uv;
  frag_color = color;
  solid = uv == white ? 1 : 0;
  gl_Position = projection * vec4(position, 0.0, 1.0);
})";

// The page's textures have no mipmaps and the same filter for minifying and magnifying, so an
// explicit level 0 samples exactly what texture() would, and is well defined inside the branch.
static const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D tex;
in vec2 frag_uv;
in vec4 frag_color;
flat in int solid;
out vec4 out_color;
void main() {
  if (solid == 1) out_color = frag_color;
  else out_color = frag_color * textureLod(tex, frag_uv, 0.0);
})";

static unsigned compile(unsigned type, const char* source) {
  const unsigned s = glCreateShader(type);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);  // once, at start-up
  if (!ok) {
    char log[512];
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    std::fprintf(stderr, "shader: %s\n", log);
  }
  return s;
}

bool renderer_init(Renderer& r) {
  const unsigned vs = compile(GL_VERTEX_SHADER, kVertexShader), fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  r.program = glCreateProgram();
  glAttachShader(r.program, vs);
  glAttachShader(r.program, fs);
  glLinkProgram(r.program);
  GLint ok = 0;
  glGetProgramiv(r.program, GL_LINK_STATUS, &ok);
  glDeleteShader(vs);
  glDeleteShader(fs);
  if (!ok) return false;
  r.projection = glGetUniformLocation(r.program, "projection");
  r.sampler = glGetUniformLocation(r.program, "tex");
  r.white = glGetUniformLocation(r.program, "white");
  glGenVertexArrays(1, &r.vao);
  glGenBuffers(1, &r.vbo);
  glGenBuffers(1, &r.ebo);
  glBindVertexArray(r.vao);
  glBindBuffer(GL_ARRAY_BUFFER, r.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r.ebo);  // recorded in the vertex array
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  const GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  ImGui::GetIO().BackendRendererName = "mnist-lens-webgl2";
  return true;
}

void renderer_build_font(Renderer& r) {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  if (!r.font) glGenTextures(1, &r.font);
  glBindTexture(GL_TEXTURE_2D, r.font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  texture_changed(r.font);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(r.font)));
}

void renderer_opaque_begin(const ImDrawList*, const ImDrawCmd*) { glDisable(GL_BLEND); }
void renderer_opaque_end(const ImDrawList*, const ImDrawCmd*) { glEnable(GL_BLEND); }

// One frame's draw calls: per region a clear (when asked), then ImGui's commands with the
// region's part of their clip rectangle and only the triangles that reach into it. All
// vertices go to the GPU once, and all the indices (32-bit, into that one buffer) once.
struct Op {
  enum Kind { Clear, Blend, Opaque, Draw } kind = Draw;
  PixelRect scissor;
  unsigned texture = 0;
  std::size_t first = 0, count = 0;
};

static std::vector<ImDrawVert> g_vertices;
static std::vector<std::uint32_t> g_indices;
static std::vector<PixelRect> g_boxes;  // per triangle, in draw order: the pixels it may touch
static std::vector<Op> g_ops;

static bool covers(const PixelRect& outer, const PixelRect& inner) {
  return outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.w >= inner.x + inner.w && outer.y + outer.h >= inner.y + inner.h;
}

// The triangles' pixel boxes, only needed when a region leaves some of the screen out.
static void triangle_boxes(const ImDrawData* data) {
  g_boxes.clear();
  const ImVec2 off = data->DisplayPos, scale = data->FramebufferScale;
  const float fb_h = data->DisplaySize.y * scale.y;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) continue;
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
        for (unsigned k = 0; k < 3; ++k) {
          const ImVec2 p = vtx[idx[i + k]].pos;
          const float px = (p.x - off.x) * scale.x, py = fb_h - (p.y - off.y) * scale.y;
          x0 = std::min(x0, px), x1 = std::max(x1, px), y0 = std::min(y0, py), y1 = std::max(y1, py);
        }
        g_boxes.push_back({int(std::floor(x0)) - 1, int(std::floor(y0)) - 1, int(std::ceil(x1) - std::floor(x0)) + 3,
                           int(std::ceil(y1) - std::floor(y0)) + 3});
      }
    }
  }
}

static void plan(const ImDrawData* data, const std::vector<PixelRect>& regions, bool clear) {
  g_vertices.clear();
  g_indices.clear();
  g_ops.clear();
  const PixelRect screen{0, 0, int(data->DisplaySize.x * data->FramebufferScale.x), int(data->DisplaySize.y * data->FramebufferScale.y)};
  bool partial = false;
  for (const PixelRect& region : regions) partial |= !covers(region, screen);
  if (partial) triangle_boxes(data);
  std::vector<std::size_t> list_base;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    list_base.push_back(g_vertices.size());
    g_vertices.insert(g_vertices.end(), list->VtxBuffer.Data, list->VtxBuffer.Data + list->VtxBuffer.Size);
  }
  for (const PixelRect& region : regions) {
    if (clear) g_ops.push_back({Op::Clear, region, 0, 0, 0});
    const bool whole = covers(region, screen);
    std::size_t box = 0;
    for (int n = 0; n < data->CmdListsCount; ++n) {
      const ImDrawList* list = data->CmdLists[n];
      for (const ImDrawCmd& cmd : list->CmdBuffer) {
        if (cmd.UserCallback) {  // renderer_opaque_*; ImGui's own reset request needs nothing here
          if (cmd.UserCallback == renderer_opaque_begin) g_ops.push_back({Op::Opaque, {}, 0, 0, 0});
          if (cmd.UserCallback == renderer_opaque_end) g_ops.push_back({Op::Blend, {}, 0, 0, 0});
          continue;
        }
        const std::size_t triangles = cmd.ElemCount / 3, first_box = box;
        box += triangles;
        const PixelRect scissor = intersect(clip_pixels(cmd.ClipRect, data), region);
        if (scissor.empty()) continue;
        const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
        const std::uint32_t base = std::uint32_t(list_base[std::size_t(n)] + cmd.VtxOffset);
        const std::size_t first = g_indices.size();
        for (std::size_t t = 0; t < triangles; ++t) {
          if (!whole && intersect(g_boxes[first_box + t], scissor).empty()) continue;
          for (std::size_t k = 0; k < 3; ++k) g_indices.push_back(base + idx[3 * t + k]);
        }
        if (g_indices.size() == first) continue;
        g_ops.push_back({Op::Draw, scissor, unsigned(reinterpret_cast<std::intptr_t>(cmd.GetTexID())), first, g_indices.size() - first});
      }
    }
  }
}

static void draw(const Renderer& r, const ImDrawData* data, const std::vector<PixelRect>& regions, const float* clear_rgb) {
  const float fb_w = data->DisplaySize.x * data->FramebufferScale.x, fb_h = data->DisplaySize.y * data->FramebufferScale.y;
  if (fb_w <= 0 || fb_h <= 0 || regions.empty()) return;
  plan(data, regions, clear_rgb != nullptr);
  // The whole state ImGui's triangles need, set rather than saved and restored.
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glViewport(0, 0, GLsizei(fb_w), GLsizei(fb_h));
  if (clear_rgb) glClearColor(clear_rgb[0], clear_rgb[1], clear_rgb[2], 1.f);
  const float L = data->DisplayPos.x, R = L + data->DisplaySize.x, T = data->DisplayPos.y, B = T + data->DisplaySize.y;
  const float projection[16] = {2 / (R - L), 0, 0, 0, 0, 2 / (T - B), 0, 0, 0, 0, -1, 0, (R + L) / (L - R), (T + B) / (B - T), 0, 1};
  glUseProgram(r.program);
  glUniformMatrix4fv(r.projection, 1, GL_FALSE, projection);
  glUniform1i(r.sampler, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(r.vao);
  glBindBuffer(GL_ARRAY_BUFFER, r.vbo);
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(g_vertices.size() * sizeof(ImDrawVert)), g_vertices.data(), GL_STREAM_DRAW);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(g_indices.size() * sizeof(std::uint32_t)), g_indices.data(), GL_STREAM_DRAW);
  const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
  unsigned bound = ~0u;
  for (const Op& op : g_ops) {
    switch (op.kind) {
      case Op::Clear:
        glScissor(op.scissor.x, op.scissor.y, op.scissor.w, op.scissor.h);
        glClear(GL_COLOR_BUFFER_BIT);
        glEnable(GL_BLEND);
        break;
      case Op::Opaque: renderer_opaque_begin(nullptr, nullptr); break;
      case Op::Blend: renderer_opaque_end(nullptr, nullptr); break;
      case Op::Draw:
        if (op.texture != bound) {
          bound = op.texture;
          glBindTexture(GL_TEXTURE_2D, bound);
          if (bound == r.font) glUniform2f(r.white, white.x, white.y);
          else glUniform2f(r.white, -1.f, -1.f);
        }
        glScissor(op.scissor.x, op.scissor.y, op.scissor.w, op.scissor.h);
        glDrawElements(GL_TRIANGLES, GLsizei(op.count), GL_UNSIGNED_INT, reinterpret_cast<void*>(op.first * sizeof(std::uint32_t)));
        break;
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
}

void renderer_draw(const Renderer& r, const ImDrawData* data) {
  glEnable(GL_BLEND);
  const PixelRect all{0, 0, int(data->DisplaySize.x * data->FramebufferScale.x), int(data->DisplaySize.y * data->FramebufferScale.y)};
  draw(r, data, {all}, nullptr);
}

void renderer_draw_regions(const Renderer& r, const ImDrawData* data, const std::vector<PixelRect>& regions, const float clear_rgb[3]) {
  draw(r, data, regions, clear_rgb);
}

}  // namespace lens
