// MNIST Lens in the browser: SDL2 + Dear ImGui on WebGL2, compiled with Emscripten.
// Steps: 1. SDL window and WebGL2 context  2. Dear ImGui  3. models  4. main loop.
#include <SDL.h>
#include <SDL_opengles2.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <cstdio>

#include "app/app_state.h"
#include "app/js_api.h"
#include "app/model_library.h"
#include "app/panels.h"

namespace lens {

struct Platform {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
};

struct App {
  Platform platform;
  AppState state;
};

static bool platform_init(Platform& p) {
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    std::fprintf(stderr, "SDL_Init failed: %s\n", SDL_GetError());
    return false;
  }
  // WebGL2 is OpenGL ES 3.0.
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  double css_w = 1280, css_h = 800;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  p.window = SDL_CreateWindow("MNIST Lens", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, int(css_w), int(css_h),
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!p.window) {
    std::fprintf(stderr, "SDL_CreateWindow failed: %s\n", SDL_GetError());
    return false;
  }
  p.gl = SDL_GL_CreateContext(p.window);
  if (!p.gl) {
    std::fprintf(stderr, "WebGL2 context creation failed: %s\n", SDL_GetError());
    return false;
  }
  SDL_GL_SetSwapInterval(1);
  return true;
}

static void imgui_init(const Platform& p, AppState& s) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout comes from code, not from a file
  ImGui::StyleColorsDark();
  ImGui_ImplSDL2_InitForOpenGL(p.window, p.gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");

  s.device_pixel_ratio = float(emscripten_get_device_pixel_ratio());
  // Rasterise the font at device resolution and scale back, so text is crisp on hi-DPI screens.
  const float px = 17.f * s.ui_scale * s.device_pixel_ratio;
  if (!io.Fonts->AddFontFromFileTTF("/fonts/DejaVuSans.ttf", px)) {
    std::fprintf(stderr, "font /fonts/DejaVuSans.ttf missing, using the built-in font\n");
    io.Fonts->AddFontDefault();
  } else {
    io.FontGlobalScale = 1.f / s.device_pixel_ratio;
  }
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 6.f;
  style.FrameRounding = 4.f;
  style.ScaleAllSizes(s.ui_scale);
}

// Keeps the SDL window (and so the drawing buffer) the size the page lays the canvas out at.
static void follow_canvas_size(const Platform& p) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  int w = 0, h = 0;
  SDL_GetWindowSize(p.window, &w, &h);
  if (css_w >= 1 && css_h >= 1 && (int(css_w) != w || int(css_h) != h)) SDL_SetWindowSize(p.window, int(css_w), int(css_h));
}

static void frame(void* arg) {
  App& app = *static_cast<App*>(arg);
  follow_canvas_size(app.platform);
  SDL_Event event;
  while (SDL_PollEvent(&event)) ImGui_ImplSDL2_ProcessEvent(&event);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  panel_model(app.state);
  ImGui::Render();

  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.09f, 0.10f, 0.12f, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(app.platform.window);

  ++app.state.frame;
  if (app.state.frame >= 2) js_api_announce_ready(app.state);
}

}  // namespace lens

int main(int, char**) {
  static lens::App app;  // lives for the page's lifetime; the main loop never returns
  if (!lens::platform_init(app.platform)) {
    EM_ASM({ if (Module['onLensFatal']) Module['onLensFatal']('Could not start WebGL2 (see the console).'); });
    return 1;
  }
  lens::imgui_init(app.platform, app.state);
  lens::model_library_load(app.state, "/models");
  for (const std::string& e : app.state.load_errors) std::fprintf(stderr, "model load: %s\n", e.c_str());
  lens::js_api_bind(app.state);
  emscripten_set_main_loop_arg(lens::frame, &app, 0, true);
  return 0;
}
