// MNIST Lens in the browser: SDL2 + Dear ImGui on WebGL2, compiled with Emscripten.
// Steps: 1. SDL window and WebGL2 context  2. Dear ImGui and fonts  3. models
// 4. main loop: events, live input, background analysis within a budget, panels.
#include <SDL.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_internal.h>  // the windows' scroll ranges (scrollable_windows)
#include <GLES3/gl3.h>

#include <algorithm>
#include <cfloat>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#include "app/core/a11y.h"
#include "app/core/app_state.h"
#include "app/core/link.h"
#include "app/core/app_training.h"
#include "app/core/glyph_set.h"
#include "app/core/stroke_take_back.h"
#include "app/core/touch_gesture.h"
#include "app/damage.h"
#include "app/gfx.h"
#include "app/js_api.h"
#include "app/core/model_library.h"
#include "app/export_shell.h"
#include "app/panels.h"
#include "app/renderer.h"
#include "app/ui.h"

namespace lens {

constexpr double kWorkBudgetMs = 9.0;  // background analysis per frame: with the UI's ~2 ms, still under 16.7 ms
constexpr double kMaxWorkBudgetMs = 30.0;

// When rendering blocks on the GPU (the render call waits for the previous frame, as with
// software WebGL), the analysis can use that time instead: the work runs before the render
// call, while the GPU is still busy, so it does not lengthen the frame.
static double work_budget(double last_render_ms) {
  return std::clamp(last_render_ms - 2.0, kWorkBudgetMs, kMaxWorkBudgetMs);
}

// Training may also use half of the time the page waited for its last frame: where the browser
// paces frames slowly (software WebGL: ~17 a second, 15 ms of work and 40 ms of waiting), a
// slice sized for 60 frames a second left the CPU idle most of the time and training crawled
// in wall-clock time. Capped so a frame stays under ~40 ms (the UI keeps answering).
constexpr double kMaxTrainBudgetMs = 36.0;
static double train_budget(double work_budget_ms, double interval_ms, double last_frame_ms) {
  const double idle = std::max(0.0, interval_ms - last_frame_ms);
  return std::min(kMaxTrainBudgetMs, work_budget_ms + 0.5 * idle);
}

struct Platform {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
};

// After anything changes (input, a JS call, analysis or training progress) the page draws
// this many more frames, so hover states and the last results settle; then it stops
// drawing until something changes again, and an idle page costs almost nothing.
constexpr int kSettleFrames = 20;

struct App {
  Platform platform;
  AppState state;
  Gfx gfx;
  Renderer renderer;
  Damage damage;
  ui::FrameRecord seen;  // what the last frame drew, for the browser tests (lens._test) and the accessible mirror
  A11yInbox a11y_inbox;  // what the DOM mirror asked for (web/a11y.js, js_api.cpp): presses, slider values
  std::string a11y_sent; // the mirror's nodes as last handed to web/a11y.js
  bool buffer_preserved = false;  // the browser keeps the canvas's pixels between frames
  float device_pixel_ratio = 1.f;
  float applied_scale = 0.f;  // the scale the fonts were last built at
  bool applied_dark = true, applied_contrast = false;
  std::string last_hash;
  int frames_to_draw = kSettleFrames;  // frames still to draw before the page goes idle
  double notice_timer_for = -1;         // shown_ms of the notice a fade timer was set for
  double last_frame_start = 0;          // ms, for the time the page waits between frames
  TouchGesture touch;                   // what the fingers are doing (touch_gesture.h)
  TouchScene touch_scene;               // where they may land, as the last frame laid it out
  StrokeTakeBack stroke_back;           // the input before a finger's stroke, should a pinch take it back
  int pinch_serial = 0;                 // the pinch the text scale below belongs to
  float pinch_base_scale = 1.f;         // the text scale when that pinch began
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
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);  // 2D only: no depth buffer to keep or clear
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

// Rasterises the font at device resolution for the current scale, so text is crisp on hi-DPI screens;
// `sharpen` times finer still for a capture of the view drawn that many times larger (capture.cpp).
static void fonts_build(App& app, float sharpen = 1.f) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float scale = app.state.ui_scale, dpr = app.device_pixel_ratio * sharpen;
  // The glyphs the page uses: the same list the font subset keeps (app/core/glyph_set.h).
  static_assert(std::is_same_v<ImWchar, std::uint16_t>, "ImGui reads the glyph ranges as they are");
  if (io.Fonts->AddFontFromFileTTF("/fonts/DejaVuSans.ttf", 16.f * scale * dpr, nullptr, kPageGlyphRanges)) {
    io.FontGlobalScale = 1.f / dpr;
  } else {
    std::fprintf(stderr, "font /fonts/DejaVuSans.ttf missing, using the built-in font\n");
    io.Fonts->AddFontDefault();
    io.FontGlobalScale = scale;
  }
  app.applied_scale = scale;
}

static void imgui_init(App& app) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout comes from code, not from a file
  io.UserData = &app.seen;   // ui::track and ui::rich_text note what they draw there
  ImGui_ImplSDL2_InitForOpenGL(app.platform.window, app.platform.gl);
  if (!renderer_init(app.renderer)) std::fprintf(stderr, "WebGL2 refused the page's shaders\n");
  app.device_pixel_ratio = float(emscripten_get_device_pixel_ratio());
  fonts_build(app);
  renderer_build_font(app.renderer);
  ui::apply_theme(app.state.dark, app.state.contrast, app.state.ui_scale);
}

// Keeps the SDL window (and so the drawing buffer) the size the page lays the canvas out at.
static void follow_canvas_size(const Platform& p) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  int w = 0, h = 0;
  SDL_GetWindowSize(p.window, &w, &h);
  if (css_w >= 1 && css_h >= 1 && (int(css_w) != w || int(css_h) != h)) SDL_SetWindowSize(p.window, int(css_w), int(css_h));
}

static void apply_presentation(App& app) {
  AppState& s = app.state;
  if (app.applied_scale != s.ui_scale) {  // a crisp atlas at the new size, not a stretched one
    fonts_build(app);
    renderer_build_font(app.renderer);
    app.applied_dark = !s.dark;  // the style's sizes scale with the text: apply it again below
  }
  if (app.applied_dark != s.dark || app.applied_contrast != s.contrast) {
    ui::apply_theme(s.dark, s.contrast, s.ui_scale);
    app.applied_dark = s.dark;
    app.applied_contrast = s.contrast;
    EM_ASM({ document.body.classList.toggle('light', $0 == 0); }, s.dark ? 1 : 0);
  }
  if (s.fullscreen_wanted) {  // within the click's or key's user activation, as browsers require
    s.fullscreen_wanted = false;
    EM_ASM({
      const d = document;
      if (d.fullscreenElement) d.exitFullscreen();
      else if (d.documentElement.requestFullscreen) d.documentElement.requestFullscreen().catch(function () {});
    });
  }
}

// A capture of the view (Export, lens.figure('view')) is drawn in the theme asked for, with
// the font rasterised at the capture's scale; the next frame is the page as it was.
struct CaptureFrame {
  bool active = false, dark = false, sharpened = false;
};

static CaptureFrame capture_begin(App& app) {
  AppState& s = app.state;
  if (s.exports.view_scale <= 0) return {};
  const CaptureFrame c{true, s.dark, s.exports.view_scale > 1};
  s.dark = s.exports.view_dark;
  if (c.sharpened) {
    fonts_build(app, float(s.exports.view_scale));
    renderer_build_font(app.renderer);
  }
  return c;
}

static void capture_end(App& app, const CaptureFrame& c) {
  if (!c.active) return;
  app.state.dark = c.dark;
  if (!c.sharpened) return;
  fonts_build(app);
  renderer_build_font(app.renderer);
}

// The keys the help lists (app_key), unless a text field has the keyboard.
static void key_event(AppState& s, const SDL_Event& e) {
  if (ImGui::GetIO().WantTextInput) return;
  if (e.type == SDL_TEXTINPUT) {  // what was typed, whatever the layout: '?', '[', ']'
    const char c = e.text.text[0];
    if (e.text.text[1] == 0 && (c == '?' || c == '[' || c == ']' || c == '+' || c == '-' || c == '='))
      app_key(s, Key::Char, c, emscripten_get_now());
    return;
  }
  if (e.type != SDL_KEYDOWN || (e.key.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI))) return;
  const SDL_Keycode k = e.key.keysym.sym;
  const double now = emscripten_get_now();
  const bool shift = (e.key.keysym.mod & KMOD_SHIFT) != 0;
  switch (k) {
    case SDLK_BACKSPACE: app_key(s, Key::Backspace, 0, now); return;
    case SDLK_DELETE: app_key(s, Key::Delete, 0, now); return;
    case SDLK_ESCAPE: app_key(s, Key::Escape, 0, now); return;
    case SDLK_LEFT: app_key(s, Key::Left, 0, now, shift); return;
    case SDLK_RIGHT: app_key(s, Key::Right, 0, now, shift); return;
    case SDLK_UP: app_key(s, Key::Up, 0, now, shift); return;
    case SDLK_DOWN: app_key(s, Key::Down, 0, now, shift); return;
    case SDLK_SPACE: app_key(s, Key::Space, 0, now); return;
    default: break;
  }
  if ((k >= SDLK_a && k <= SDLK_z) || (k >= SDLK_1 && k <= SDLK_9)) app_key(s, Key::Char, char(k), now);
}

// Mouse and pen: SDL turns pen input into mouse events. Fingers go through finger_event.
static void canvas_event(AppState& s, const SDL_Event& e) {
  if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT)
    canvas_pointer_event(s, PointerPhase::Down, float(e.button.x), float(e.button.y));
  else if (e.type == SDL_MOUSEMOTION)
    canvas_pointer_event(s, PointerPhase::Move, float(e.motion.x), float(e.motion.y));
  else if (e.type == SDL_MOUSEBUTTONUP && e.button.button == SDL_BUTTON_LEFT)
    canvas_pointer_event(s, PointerPhase::Up, float(e.button.x), float(e.button.y));
}

// SDL's mouse copy of the first finger: the finger's own events drive the page (finger_event).
static bool finger_as_mouse(const SDL_Event& e) {
  return (e.type == SDL_MOUSEMOTION && e.motion.which == SDL_TOUCH_MOUSEID) ||
         ((e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) && e.button.which == SDL_TOUCH_MOUSEID);
}

static void stroke_step(AppState& s, StrokeTakeBack& back, const StrokeStep& step) {
  switch (step.kind) {
    case StrokeStep::Down:  // on the canvas or the XOR plane (whose input ImGui's press sets)
      back = stroke_snapshot(s);
      canvas_pointer_event(s, PointerPhase::Down, step.x, step.y);
      break;
    case StrokeStep::Move: canvas_pointer_event(s, PointerPhase::Move, step.x, step.y); break;
    case StrokeStep::Up:
      canvas_pointer_event(s, PointerPhase::Up, step.x, step.y);
      back.held = false;
      break;
    case StrokeStep::TakeBack: stroke_take_back(s, back); break;
    case StrokeStep::None: break;
  }
}

// A finger: the touch gesture says what it means (a stroke, a tap, a swipe, a pinch).
static void finger_event(App& app, const SDL_Event& e) {
  if (e.type != SDL_FINGERDOWN && e.type != SDL_FINGERMOTION && e.type != SDL_FINGERUP) return;
  int w = 0, h = 0;
  SDL_GetWindowSize(app.platform.window, &w, &h);  // CSS pixels, as the layout
  const float x = e.tfinger.x * float(w), y = e.tfinger.y * float(h);
  const double t = double(e.tfinger.timestamp);  // SDL_GetTicks: the clock touch_frame is given
  const std::int64_t id = std::int64_t(e.tfinger.fingerId);
  TouchGesture& g = app.touch;
  const StrokeStep step = e.type == SDL_FINGERDOWN ? touch_down(g, id, x, y, t, app.touch_scene)
                          : e.type == SDL_FINGERMOTION ? touch_move(g, id, x, y, t)
                                                       : touch_up(g, id, x, y, t);
  stroke_step(app.state, app.stroke_back, step);
}

// The finger's pointer for ImGui in place of the backend's (SDL's mouse copy of the finger),
// after ImGui_ImplSDL2_NewFrame and before ImGui::NewFrame.
static void touch_pointer(const TouchPointer& p) {
  if (!p.own) return;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseDown[0] = p.down;
  io.MousePos = p.visible ? ImVec2(p.x, p.y) : ImVec2(-FLT_MAX, -FLT_MAX);
}

// The accessible mirror: the nodes the frame declared go to web/a11y.js when they changed (a
// frame that changed nothing on screen costs a string compare). Not while a stroke is drawn:
// nothing a reader acts on changes then (the status waits for the stroke's end anyway), and on
// the Explore tab each update costs the page about 1 ms (measured: 26 updates in a 24-move stroke).
static void a11y_publish(App& app) {
  if (app.state.drawing.stroke_open) return;
  std::string json = a11y_json(app.seen.a11y);
  if (json == app.a11y_sent) return;
  app.a11y_sent = std::move(json);
  EM_ASM({ if (Module['lensA11y']) Module['lensA11y'](UTF8ToString($0)); }, app.a11y_sent.c_str());
}

// Esc closes the open list or menu (a combo's list, Share, Export), as it does in a browser's own.
static void a11y_close_popups(A11yInbox& in) {
  if (!in.close_popups) return;
  in.close_popups = false;
  if (ImGui::GetCurrentContext()->OpenPopupStack.Size > 0) ImGui::ClosePopupToLevel(0, true);
}

// A swipe moves the window's content with the finger (after ImGui::NewFrame: Begin applies it).
static void touch_scroll(TouchGesture& g, const TouchFrame& f) {
  if (!f.scroll_id || f.scroll_dy == 0) return;
  ImGuiWindow* w = ImGui::FindWindowByID(f.scroll_id);
  if (!w) return touch_scroll_blocked(g);
  const float from = w->ScrollTarget.y < FLT_MAX ? w->ScrollTarget.y : w->Scroll.y;
  const float to = std::clamp(from - f.scroll_dy, 0.f, w->ScrollMax.y);
  if (to == from) return touch_scroll_blocked(g);  // at its end: a glide stops there
  ImGui::SetScrollY(w, to);
}

// A pinch sets the text size: the step nearest to the size at its start times its spread.
static void touch_pinch(App& app, const TouchFrame& f) {
  if (!(f.pinch_ratio > 0)) return;
  if (f.pinch_serial != app.pinch_serial) {
    app.pinch_serial = f.pinch_serial;
    app.pinch_base_scale = app.state.ui_scale;
  }
  app.state.ui_scale = pinch_text_scale(app.pinch_base_scale, f.pinch_ratio, kTextScales, kTextScaleCount);
}

// The windows a vertical swipe over w may scroll, innermost first: w and its child-window
// ancestors that can scroll (a popup scrolls itself or nothing, never the window behind it).
static std::vector<TouchScroller> swipe_chain(const ImGuiWindow* w) {
  std::vector<TouchScroller> chain;
  for (; w; w = (w->Flags & ImGuiWindowFlags_ChildWindow) && !(w->Flags & ImGuiWindowFlags_Popup) ? w->ParentWindow : nullptr)
    if (w->ScrollMax.y > 0) chain.push_back({w->ID, w->Scroll.y > 0.5f, w->Scroll.y < w->ScrollMax.y - 0.5f});
  return chain;
}

// Where fingers may land next: the windows front-most first (ImGui keeps them back to front,
// each child after its parent), and the input surface with the window that shows it.
static void touch_scene_update(App& app) {
  TouchScene& t = app.touch_scene;
  const AppState::Rect& in = app.state.input_rect;
  t.input = {in.x, in.y, in.w, in.h};
  t.areas.clear();
  bool input_owner_found = false;
  const ImVector<ImGuiWindow*>& windows = ImGui::GetCurrentContext()->Windows;
  for (int i = windows.Size - 1; i >= 0; --i) {
    const ImGuiWindow* w = windows[i];
    if (!w->Active || w->Hidden || (w->Flags & ImGuiWindowFlags_NoMouseInputs)) continue;
    const ImRect& r = w->OuterRectClipped;
    TouchArea a{{r.Min.x, r.Min.y, r.GetWidth(), r.GetHeight()}, swipe_chain(w)};
    const bool overlay = w->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Modal);
    if (!overlay && !input_owner_found && in.w > 0 && r.Min.x <= in.x && r.Min.y <= in.y && r.Max.x >= in.x + in.w - 0.5f &&
        r.Max.y >= in.y + in.h - 0.5f)
      a.input = input_owner_found = true;
    t.areas.push_back(a);
  }
}

// The reader's actions (a pointer going down, a key): each one takes the notice on screen away
// (notice.h). Moves, wheels and key releases are no actions: reading is not acting.
static bool reader_action(const SDL_Event& e) {
  return e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_FINGERDOWN || e.type == SDL_KEYDOWN;
}

// A success or info notice goes by itself: the page, asleep by then, is woken when it is due.
static void notice_fade(App& app, double now_ms) {
  const double left = notice_tick(app.state.notice, now_ms);
  if (left <= 0 || app.notice_timer_for == app.state.notice.shown_ms) return;
  app.notice_timer_for = app.state.notice.shown_ms;
  EM_ASM({ setTimeout(function () { if (Module['lensPage']) Module['lensPage'].wake(); }, $0); }, left + 1);
}

// Keeps the address bar a deep link to what is on screen (replaceState: no history spam,
// and no hashchange event, so it never fights the links it came from).
// Not while a stroke is being drawn: each replaceState costs the browser a few ms of its own
// main thread (most of a software-WebGL frame's budget); the stroke is in the link when it ends.
static void sync_url_hash(const AppState& s, std::string& last) {
  if (!s.ready_announced || s.drawing.stroke_open) return;
  const std::string h = link_format(s);
  if (h.empty() || h == last) return;
  last = h;
  EM_ASM({ history.replaceState(null, document.title, UTF8ToString($0)); }, h.c_str());
}

// Where the wheel scrolls something: windows (cards, text, popups) whose content overflows.
// Content that overflows where the window shows no scrollbar is cut off: a reader cannot know it
// is there (the browser tests look for it at every size the README promises).
static void scrollable_windows(AppState& s, ui::FrameRecord& seen) {
  s.scroll_rects.clear();
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (!w->Active || w->Hidden || (w->ScrollMax.y <= 0 && w->ScrollMax.x <= 0)) continue;
    s.scroll_rects.push_back({w->Pos.x, w->Pos.y, w->Size.x, w->Size.y});
    const float below = w->ScrollbarY ? 0.f : w->ScrollMax.y, right = w->ScrollbarX ? 0.f : w->ScrollMax.x;
    if (below < 1.f && right < 1.f) continue;
    char what[256];
    std::snprintf(what, sizeof what, "%s: %.0f px cut at the bottom, %.0f px at the right", w->Name, double(below), double(right));
    seen.cut_off.push_back(what);
  }
}

// The Share menu's requests, carried out by lens-api.js while the click still counts as one.
static void share(AppState& s) {
  if (s.share_wanted == ShareRequest::None) return;
  const int kind = int(s.share_wanted);
  s.share_wanted = ShareRequest::None;
  const std::string hash = link_format(s);
  EM_ASM({ if (Module['lensPage']) Module['lensPage'].share($0, UTF8ToString($1)); }, kind, hash.c_str());
}

// What the app asked for since the last frame (app/core/assets.h): the page takes the queue
// (lens_assets_take) and answers each want with lens_asset_arrived or lens_asset_failed.
static void hand_over_wants(const AppState& s) {
  if (s.assets.queued.empty()) return;
  EM_ASM({ if (Module['lensAssetsWanted']) Module['lensAssetsWanted'](); });
}

static void frame(void* arg) {
  App& app = *static_cast<App*>(arg);
  AppState& s = app.state;
  js_api_frame_hook();
  const double t0 = emscripten_get_now();
  follow_canvas_size(app.platform);
  SDL_Event event;
  bool changed = false;
  while (SDL_PollEvent(&event)) {
    if (reader_action(event)) notice_action(s.notice);  // before the action, which may set one
    changed = true;
    if (finger_as_mouse(event)) continue;
    if (event.type == SDL_MOUSEMOTION || event.type == SDL_MOUSEBUTTONDOWN) touch_mouse_used(app.touch);
    ImGui_ImplSDL2_ProcessEvent(&event);
    canvas_event(s, event);
    finger_event(app, event);
    key_event(s, event);
    if (event.type == SDL_KEYDOWN && event.key.keysym.sym == SDLK_ESCAPE) app.a11y_inbox.close_popups = true;
  }
  changed |= touch_busy(app.touch);  // a glide, or a tap's release still to show
  changed |= a11y_press_busy(app.a11y_inbox.press) || !app.a11y_inbox.values.empty() || !app.a11y_inbox.reveal.empty();  // from the DOM mirror
  // lens-api.js marks every call into the app (the JS API, links, dropped files, downloads).
  changed |= EM_ASM_INT({ const t = Module['lensTouched']; Module['lensTouched'] = false; return t ? 1 : 0; }) != 0;
  const ModelAnalysis* analysis = s.analysis();
  changed |= s.live_dirty || s.model_wanted >= 0 || app_ablation_scoring(s) || s.training.running() || app_prior_pending(s) || (analysis && !analysis->done() && !app_analysis_waiting(s));
  changed |= !s.assets.queued.empty();  // a fetch to ask for
  if (changed) app.frames_to_draw = kSettleFrames;
  const bool hidden = EM_ASM_INT({ return Module['lensHidden'] ? 1 : 0; }) != 0;  // a hidden tab or off-screen iframe
  if ((app.frames_to_draw <= 0 || hidden) && s.ready_announced) {
    // Idle: the canvas keeps its last picture and the loop sleeps until lens-api.js wakes it
    // (any pointer, key, wheel, resize or visibility event, or any call into the app).
    emscripten_pause_main_loop();
    EM_ASM({ Module['lensSleeping'] = true; });
    return;
  }
  --app.frames_to_draw;
  const CaptureFrame capture = capture_begin(app);
  apply_presentation(app);

  const double w0 = emscripten_get_now(), budget = work_budget(s.render_ms);
  const double interval = app.last_frame_start > 0 ? t0 - app.last_frame_start : 0;
  app.last_frame_start = t0;
  if (s.training.running())  // takes its share of the budget
    app_train_work(s, train_budget(budget, std::min(interval, 200.0), s.frame_ms), &emscripten_get_now);
  app_work(s, std::max(2.0, budget - (emscripten_get_now() - w0)), &emscripten_get_now);
  // The digit-prior images of the layers on screen, in a few steps at a time within what is left.
  while (emscripten_get_now() - w0 < budget && app_prior_busy(s, 2)) {}
  s.work_ms = emscripten_get_now() - w0;
  hand_over_wants(s);
  app_refresh_live(s);
  gfx_refresh(s, app.gfx, emscripten_get_now());
  notice_fade(app, t0);

  ImGui_ImplSDL2_NewFrame();
  const TouchFrame touch = touch_frame(app.touch, double(SDL_GetTicks()));
  touch_pointer(touch.pointer);
  touch_pointer(a11y_press_frame(app.a11y_inbox.press));  // a DOM control pressed: its item, the way a finger's tap goes
  touch_pinch(app, touch);  // the new size from the next frame on (apply_presentation)
  ImGui::NewFrame();
  touch_scroll(app.touch, touch);
  a11y_close_popups(app.a11y_inbox);
  if (capture.active) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover highlight or tooltip in a figure
  app.seen = {};
  app.seen.inbox = &app.a11y_inbox;
  s.input_rect = {};  // the panel that shows an input surface this frame sets it
  panel_page(s, app.gfx, t0);
  ImGui::Render();
  if (capture.active) capture_view(s, app.renderer, ImGui::GetDrawData());
  app_refresh_live(s);  // panels may have changed the input: the next frame shows it
  share(s);
  scrollable_windows(s, app.seen);
  touch_scene_update(app);
  app.a11y_inbox.values.clear();  // a value for a slider no longer drawn is dropped, not applied later
  app.a11y_inbox.reveal.clear();
  a11y_publish(app);

  // Only what changed since the last frame is drawn again (damage.h); a frame that changed
  // nothing draws nothing, and the browser keeps showing the last one.
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  const float clear[3] = {bg.x, bg.y, bg.z};
  s.redraw_all |= EM_ASM_INT({ const r = Module['lensRedrawAll']; Module['lensRedrawAll'] = false; return r ? 1 : 0; }) != 0;
  if (s.redraw_all) damage_invalidate(app.damage);
  s.redraw_all = false;
  const double r0 = emscripten_get_now();
  const std::vector<PixelRect> regions = damage_update(app.damage, ImGui::GetDrawData(), clear, app.buffer_preserved);
  if (!regions.empty()) {
    renderer_draw_regions(app.renderer, ImGui::GetDrawData(), regions, clear);
    s.redrawn = app.damage.redrawn;
    s.dirty = app.damage.dirty;
    s.regions = app.damage.regions;
  }
  SDL_GL_SwapWindow(app.platform.window);
  capture_end(app, capture);

  s.render_ms = emscripten_get_now() - r0;
  s.frame_ms = emscripten_get_now() - t0;
  ++s.frame;
  // The first frame is on screen: the page takes strokes now, and fetches what the statistics need.
  if (s.frame == 1) EM_ASM({ if (Module['onLensFirstFrame']) Module['onLensFirstFrame'](); });
  if (s.frame >= 2) js_api_announce_ready(s);
  sync_url_hash(s, app.last_hash);
}

}  // namespace lens

int main(int, char**) {
  static lens::App app;  // lives for the page's lifetime; the main loop never returns
  if (!lens::platform_init(app.platform)) {
    EM_ASM({ if (Module['onLensFatal']) Module['onLensFatal']('Could not start WebGL2 (see the console).'); });
    return 1;
  }
  lens::imgui_init(app);
  // shell.js makes the context with preserveDrawingBuffer where it can (damage.h).
  app.buffer_preserved = EM_ASM_INT({
    const gl = Module['canvas'].getContext('webgl2');
    return gl && gl.getContextAttributes().preserveDrawingBuffer ? 1 : 0;
  }) != 0;
  // "?stats=measure": every model is measured on the test digits, as without sidecars (the
  // browser test compares both ways).
  app.state.use_sidecars = EM_ASM_INT({ return location.search.split(/[?&]/).indexOf('stats=measure') >= 0 ? 0 : 1; }) != 0;
  lens::model_library_load(app.state, "/models");
  for (const std::string& e : app.state.load_errors) std::fprintf(stderr, "model load: %s\n", e.c_str());
  const int first = app.state.current;
  app.state.current = -1;
  lens::app_select_model(app.state, first, emscripten_get_now());
  lens::js_api_bind(app.state, app.seen);
  // The page fetches what the app asks for from now on (hand_over_wants).
  EM_ASM({ if (Module['onLensStarted']) Module['onLensStarted'](); });
  emscripten_set_main_loop_arg(lens::frame, &app, 0, true);
  return 0;
}
