// The whole view as PNG: the frame ImGui just built is drawn a second time into an
// offscreen framebuffer at scale x the canvas's CSS size, in the same frame (the canvas's
// own drawing buffer has device pixels rather than the scale and theme asked for), then read
// back with glReadPixels. It leaves the canvas's buffer as it was (damage.h relies on that).
#include <GLES3/gl3.h>

#include <algorithm>

#include "app/export_shell.h"
#include "app/js_api.h"
#include "figures/png.h"

namespace lens {

static const char* kViewName = "view";

void capture_view(AppState& s, const Renderer& r, ImDrawData* data) {
  AppState::Export& e = s.exports;
  const int scale = e.view_scale;
  e.view_scale = 0;
  const int w = int(data->DisplaySize.x) * scale, h = int(data->DisplaySize.y) * scale;
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);  // once per capture, not per frame
  if (w <= 0 || h <= 0 || w > max_size || h > max_size) {
    e.view_error = std::string(kViewName) + ": " + std::to_string(w) + "x" + std::to_string(h) +
                   " is more than this browser's WebGL can draw (at most " + std::to_string(max_size) + " pixels a side)";
    e.view_done = true;
    if (e.view_download) notice_error(s.notice, "Export: " + e.view_error);
    return;
  }
  GLuint fbo = 0, colour = 0;
  glGenFramebuffers(1, &fbo);
  glGenRenderbuffers(1, &colour);
  glBindRenderbuffer(GL_RENDERBUFFER, colour);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour);
  const ImVec2 screen_scale = data->FramebufferScale;
  data->FramebufferScale = ImVec2(float(scale), float(scale));
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glViewport(0, 0, w, h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(bg.x, bg.y, bg.z, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  renderer_draw(r, data);
  RgbaImage img{w, h, std::vector<std::uint8_t>(std::size_t(w) * std::size_t(h) * 4)};
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, img.pixels.data());
  data->FramebufferScale = screen_scale;
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteRenderbuffers(1, &colour);
  glDeleteFramebuffers(1, &fbo);
  // GL's rows run bottom to top; PNG's top to bottom. Opaque, whatever the blending left in alpha.
  const std::size_t row = std::size_t(w) * 4;
  for (int y = 0; y < h / 2; ++y)
    std::swap_ranges(img.pixels.begin() + std::ptrdiff_t(row * std::size_t(y)),
                     img.pixels.begin() + std::ptrdiff_t(row * std::size_t(y + 1)),
                     img.pixels.begin() + std::ptrdiff_t(row * std::size_t(h - 1 - y)));
  for (std::size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 255;
  e.view_png = png_encode(img);
  e.view_done = true;
  if (e.view_png.empty()) e.view_error = std::string(kViewName) + ": the PNG could not be encoded";
  if (e.view_download && e.view_png.empty()) notice_error(s.notice, "Export: " + e.view_error);
  if (e.view_download && !e.view_png.empty()) {  // the menu's: saved, then not kept (it can be 100 MB)
    const std::string id = s.model() ? s.model()->bundle.info.id : "mnist-lens";
    const std::string file = id + "-view-" + (e.view_dark ? "dark" : "light") + "-" + std::to_string(scale) + "x.png";
    js_download(file, e.view_png);
    notice_success(s.notice, "Saved " + file + " (in your downloads).");
    e.view_png = {};
    e.view_done = false;
  }
}

}  // namespace lens
