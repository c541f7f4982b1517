#include "app/textures.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>

namespace lens {

static std::vector<std::uint32_t> g_generations;  // by GL texture id (WebGL's ids are small counters)
static std::uint32_t g_generation = 0;

std::uint32_t texture_generation(unsigned id) { return id < g_generations.size() ? g_generations[id] : 0; }

void texture_changed(unsigned id) {
  if (id >= g_generations.size()) g_generations.resize(std::size_t(id) + 1, 0);
  g_generations[id] = ++g_generation;
}

void texture_upload_rgba(Texture& t, int width, int height, const std::uint8_t* rgba) {
  if (!t.id) {
    GLuint id = 0;
    glGenTextures(1, &id);
    t.id = id;
  }
  glBindTexture(GL_TEXTURE_2D, t.id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (t.width == width && t.height == height)
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  else
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  t.width = width;
  t.height = height;
  texture_changed(t.id);
}

void texture_upload(Texture& t, const RgbImage& image) {
  std::vector<std::uint8_t> rgba(std::size_t(image.width) * std::size_t(image.height) * 4, 255);
  for (std::size_t i = 0, n = std::size_t(image.width) * std::size_t(image.height); i < n; ++i)
    std::copy_n(&image.pixels[3 * i], 3, &rgba[4 * i]);
  texture_upload_rgba(t, image.width, image.height, rgba.data());
}

void texture_release(Texture& t) {
  if (t.id) {
    GLuint id = t.id;
    glDeleteTextures(1, &id);
    texture_changed(id);  // a texture made later may get the same id
  }
  t = Texture{};
}

void Atlas::uv(int i, ImVec2& uv0, ImVec2& uv1) const {
  const int cx = i % columns, cy = i / columns;
  const float W = float(texture.width), H = float(texture.height);
  uv0 = ImVec2(float(cx * tile_w) / W, float(cy * tile_h) / H);
  uv1 = ImVec2(float((cx + 1) * tile_w) / W, float((cy + 1) * tile_h) / H);
}

void atlas_image(const Atlas* a, int i, ImVec2 size) {
  if (!a || i < 0 || i >= a->count) return ImGui::Dummy(size);
  ImVec2 uv0, uv1;
  a->uv(i, uv0, uv1);
  ImGui::Image(a->texture.imgui_id(), size, uv0, uv1);
}

void atlas_upload_ink(Atlas& a, const float* columns, int count, int width, int height, bool dark) {
  a.tile_w = width;
  a.tile_h = height;
  a.count = count;
  a.columns = std::max(1, int(std::ceil(std::sqrt(double(std::max(count, 1))))));
  const int rows = (count + a.columns - 1) / a.columns;
  const int W = a.columns * width, H = std::max(1, rows) * height;
  std::vector<std::uint8_t> rgba(std::size_t(W) * std::size_t(H) * 4, 255);
  for (int i = 0; i < count; ++i) {
    const float* img = columns + std::size_t(i) * std::size_t(width * height);
    const int ox = (i % a.columns) * width, oy = (i / a.columns) * height;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const float v = std::clamp(img[y * width + x], 0.f, 1.f);
        // Dark theme: light ink on a dark ground (like a lit pixel); light theme: dark ink on paper.
        const std::uint8_t g = std::uint8_t(std::lround(255.f * (dark ? v : 1.f - v)));
        std::uint8_t* p = &rgba[(std::size_t(oy + y) * std::size_t(W) + std::size_t(ox + x)) * 4];
        p[0] = p[1] = p[2] = g;
      }
  }
  texture_upload_rgba(a.texture, W, H, rgba.data());
}

}  // namespace lens
