// The one state struct of the page: panels read and write it, the JS API and
// the URL hash change it, nothing else holds UI state. Plain data: no ImGui, SDL
// or GL types (the shell keeps its textures in Gfx), so the unit tests drive it.
#pragma once
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/core/app_norm.h"
#include "app/core/app_prior.h"
#include "app/core/assets.h"
#include "app/core/drawing.h"
#include "app/core/keyboard_pen.h"
#include "app/core/live_input.h"
#include "app/core/notice.h"
#include "app/core/training_session.h"
#include "interpret/model_analysis.h"
#include "core/formats/bundle.h"
#include "core/constants.h"
#include "core/formats/mnist.h"
#include "core/numerics/rng.h"
#include "interpret/actmax.h"

namespace lens {

struct LoadedModel {
  Bundle bundle;
  std::string path;  // where it was read from (in the page's virtual file system)
  // Listed but not fetched yet (the page loads a bundle when it is picked): the bundle holds
  // the header's facts and the layers' shapes, with zero weights.
  bool pending = false;
  // Its statistics sidecar (interpret/stats_file.h): Listed = shipped with one, not read yet;
  // Fetching = the page is fetching it; Used = its analysis started from it; Failed = missing,
  // damaged or made for other weights (the analysis measures on the test digits instead).
  enum class Sidecar { None, Listed, Fetching, Used, Failed };
  Sidecar sidecar = Sidecar::None;
  std::string stats_path;  // where the sidecar is (in the page: fetched from the server instead)
  std::string fetch_error;  // why its bundle (a pending model's) could not be fetched; picked again, it is asked for again
  bool shipped = false;     // listed in the page's models.json: it stays (model_library_remove refuses it)
  // Removed (model_library_remove): weights and analysis freed, skipped by every list and look-up.
  // Its slot stays, so no index other parts of the page hold (analyses, textures) ever moves.
  bool removed = false;
  std::uint64_t source_key = 0;  // loaded from bytes: a hash of them and their options (0: shipped or trained)
  ModelNorm norm;                // where its input normalization came from (app_norm.h)

  LoadedModel() = default;
  LoadedModel(Bundle b, std::string from) : bundle(std::move(b)), path(std::move(from)) {}
};

enum class Tab { Explore, Neuron, Outputs, Network, Train };
constexpr int kTabCount = 5;
const char* tab_name(Tab t);  // "explore", "neuron", "outputs", "network", "train" (URL and JS API names)
bool tab_from_name(const std::string& name, Tab& out);

enum class InputSource { Drawing, TestImage, Script };
// What the Share menu asked for; the shell does it in the same frame (the browser allows the
// clipboard and new tabs only during a click).
enum class ShareRequest { None, Link, EmbedCode, OpenFullPage };

struct AppState {
  // Models and what is known about them.
  std::deque<LoadedModel> models;     // a deque: adding a dropped model never moves the others (analyses point into them)
  std::vector<std::unique_ptr<ModelAnalysis>> analyses;  // one per model, made on first use
  int current = -1;                    // index into models, -1 before any model loads
  PriorState prior;                    // the digit prior (fetched when first needed) and its images
  AssetQueue assets;                   // what the page should fetch, and what it is fetching (assets.h)
  int model_wanted = -1;               // a pending model picked: selected once its bundle arrives
  std::vector<std::string> load_errors;  // bundles that failed to load, with the reason
  DataSet test;                        // MNIST test set shipped with the page (empty until loaded)
  DataSet test_probe;                  // its first images, measured on while a model trains
  DataSet train_subset;                // MNIST training images for the Train tab (fetched when training starts)
  TrainingSession training;
  TrainConfig train_form = train_config_of(train_preset_healthy());  // the Train tab's recipe
  TrainConfig xor_form = train_config_of(train_preset_xor());        // the XOR lesson's
  // The test digits are fetched only when a view needs the images (a test digit, the Neuron
  // tab's strongest digits, switching neurons off, the report, training, or a model without a
  // statistics sidecar): app_need_test_set asks for them.
  std::string test_error;              // why they could not be loaded (then they are not asked for again)
  bool use_sidecars = true;            // false: every model is measured on the test digits (tests compare)
  bool pending_mistake = false;        // "next mistake" asked for before the test digits arrived

  // The input.
  Drawing drawing;
  KeyboardPen pen;          // drawing with the arrows and Space (keyboard_pen.h)
  bool shortcuts = true;    // single-character keys (Z, C, R, 1-5, ?, ...); off for WCAG 2.1.4
  InputSource source = InputSource::Drawing;
  int test_index = -1;                 // shown test image, when source == TestImage
  int pending_test_index = -1;         // a link's test digit, shown once the test set arrives
  Rng picker{20261128};                // "random test digit": seeded, like every random choice here
  LiveInput live;
  bool live_dirty = true;
  int explain_class = -1;              // class the attribution explains; -1 = predicted
  Ablation ablation;                   // for the current model
  int ablation_version = 0;            // bumps whenever `ablation` changes
  int scored_version = -1;             // the version ablation_score belongs to
  Score ablation_score;                // the test set re-scored with `ablation` (cached: a few ms for an MLP)
  // A convnet's re-score goes on over frames (app_ablation_scored): the version being scored, how
  // far it got and its correct answers so far.
  int scoring_version = -1, scoring_image = 0;
  Eigen::VectorXi scoring_correct;

  // Navigation.
  Tab tab = Tab::Explore;
  int sel_layer = 0, sel_unit = -1;    // selected neuron (layer counts hidden layers; last = output)
  bool sort_by_activation = false;
  ActmaxConfig inspector_config;       // the inspector's regularizer controls
  // The Network tab's input normalization control (app_norm.h): the map typed as "custom", for
  // which model, and why the last one typed was refused.
  struct NormForm {
    int model = -1;
    bool custom = false;
    float mean = 0.f, std = 1.f;
    std::string error;
  } norm_form;
  bool show_actmax_settings = false;

  // Presentation.
  bool dark = true;
  bool contrast = false;               // high-contrast theme (black on white), for projectors
  float ui_scale = 1.f;                // 1 = laptop; 1.5 to 3 for a projector
  bool embed = false;                  // embed mode: minimal chrome, for an iframe in a post or slides
  bool fullscreen_wanted = false;      // the shell asks the browser for full screen, then clears it
  ShareRequest share_wanted = ShareRequest::None;
  bool show_help = false;
  bool show_saliency = false;
  Notice notice;                       // what just happened, in a word: an error, a success, news (notice.h)
  // Export (app/core/export.h): the menu's choices, and a capture of the whole view, which
  // the shell reads back from WebGL in the next frame it draws.
  struct Export {
    bool dark = false;                 // figures for print: light by default
    int scale = 4;                     // 4x the on-screen size
    int view_scale = 0;                // a view capture is asked for at this scale (0: none)
    bool view_dark = false, view_download = false;  // its theme; download it (menu) or keep it (JS)
    bool view_done = false;            // view_png (or view_error) holds the last capture
    std::vector<std::uint8_t> view_png;
    std::string view_error;
  } exports;

  struct Rect { float x = 0, y = 0, w = 0, h = 0; };
  Rect canvas_rect;                    // where the drawing canvas was last laid out (CSS pixels)
  Rect input_rect;                     // the input surface last laid out: the canvas, or a plane model's square (lens.canvasRect)
  Rect help_rect;                      // where the help overlay was last drawn
  std::vector<Rect> scroll_rects;      // windows of the last frame that can scroll (the wheel is theirs)
  bool canvas_covered = false;         // a popup lies over the canvas
  int canvas_visible_frame = -1;       // the last frame the canvas was laid out

  // Bookkeeping.
  int frame = 0;
  bool ready_announced = false;        // window.lens.ready resolved
  double frame_ms = 0, work_ms = 0;    // last frame's CPU time and analysis time
  double render_ms = 0;                // last frame's render call, including any wait for the GPU
  double redrawn = 1;                  // fraction of the screen the last drawn frame drew again (damage.h)
  double dirty = 1;                    // fraction of the screen that changed in it
  int regions = 0;                     // rectangles it changed in
  bool redraw_all = false;             // the next frame draws the whole screen (tests compare it with partial redraws)

  const LoadedModel* model() const { return current >= 0 ? &models[std::size_t(current)] : nullptr; }
  ModelAnalysis* analysis() { return current >= 0 ? analyses[std::size_t(current)].get() : nullptr; }
  int hidden_layers() const { return model() ? int(model()->bundle.net.layers.size()) - 1 : 0; }
  bool is_image_model() const { return model() && model()->bundle.net.inputs() == kPixels; }
};

// Switches model: resets ablation and selection, starts its analysis if needed. A model listed but
// not fetched, or whose normalization is still to be measured (app_norm.h), is shown once it can
// be (s.model_wanted until then).
void app_select_model(AppState& s, int index, double now_ms);
// The MNIST test set arrived (the page fetches it while starting): analyses that
// started without it start again, now measuring on it.
void app_set_test_set(AppState& s, DataSet test, double now_ms);
// Says so in the notice; a model waiting to have its normalization measured is shown on raw pixels.
void app_test_set_failed(AppState& s, const std::string& why, double now_ms);
// A view needs the test digits: true when they are here, else asks the page for them (once).
bool app_need_test_set(AppState& s);
bool app_test_set_loading(const AppState& s);  // asked for, not here yet
// The current model's analysis cannot proceed yet: its sidecar or the test digits are on the way.
bool app_analysis_waiting(const AppState& s);
// The sidecar of model `index` arrived (bytes) or could not be fetched (why): the analysis
// starts from it, or (saying why in the notice and the console) measures on the test digits.
// Returns the reason a sidecar was refused, empty when it was used.
std::string app_stats_arrived(AppState& s, int index, const Bytes& bytes, double now_ms);
void app_stats_failed(AppState& s, int index, const std::string& why, double now_ms);
// The current model's ablation scorer (made from the test digits when first needed), or null
// while they load.
const AblationScorer* app_ablation_scorer(AppState& s);
// One frame's share of the current model's analysis, until budget_ms has passed on
// the given clock; waits while the test set is still loading.
void app_work(AppState& s, double budget_ms, double (*now_ms)());

// Marks the input changed (prediction recomputed before the next frame is drawn).
void app_set_input_from_drawing(AppState& s);
void app_set_input(AppState& s, const Eigen::VectorXf& x, InputSource source, int test_index = -1);
void app_clear_input(AppState& s);
// Takes back the last stroke; the input is the drawing again.
void app_undo(AppState& s);
// A whole stroke at once (the JS drawStroke API), points in canvas pixels.
void app_draw_stroke(AppState& s, const std::vector<float>& xy);

// A digit of the MNIST test set as the input; a random one (seeded); the next one after the
// shown one that the model gets wrong.
void app_show_test_digit(AppState& s, int index);
void app_random_test_digit(AppState& s);
void app_next_mistake(AppState& s);

// The keyboard, as the help lists it. Keys are what they type ('z', 'c', 'r', 'm', '1'-'5'
// for the tabs, '[' and ']' for the previous/next model, 'f' full screen, '+' and '-' the
// text size) or these named keys; returns true when the key did something.
// The text sizes the page offers (the scale menu, the + and - keys): 100% to 300%.
constexpr float kTextScales[] = {1.f, 1.25f, 1.5f, 2.f, 2.5f, 3.f};
constexpr int kTextScaleCount = int(sizeof kTextScales / sizeof kTextScales[0]);

// In embed mode Esc goes back to the drawing (app_back_to_drawing) and '?' does nothing (an
// embed shows no help).
enum class Key { Char, Backspace, Delete, Escape, Left, Right, Up, Down, Space };
// shift: the arrows move the keyboard pen a quarter step. With s.shortcuts off, Key::Char does
// nothing (the named keys still work).
bool app_key(AppState& s, Key key, char c, double now_ms, bool shift = false);

// Embed mode shows no tabs, so every view but the drawing (the plane, for a model of the
// plane) offers a way back to it, and Esc takes it: an embed never shows a view it cannot leave.
bool app_away_from_drawing(const AppState& s);
void app_back_to_drawing(AppState& s);

// Ablation of the current model: hidden neurons switched off (held at 0).
bool app_neuron_off(const AppState& s, int layer, int unit);
// Every switched-off neuron as (layer, unit), layer by layer (links, the JS API).
std::vector<std::pair<int, int>> app_neurons_off(const AppState& s);
void app_set_neuron_off(AppState& s, int layer, int unit, bool off);
void app_ablation_reset(AppState& s);

// The current ablation's score on the test digits: true once s.ablation_score is for it. An MLP's
// re-score (milliseconds) is done at once; a convnet's (about 1e8 multiply-adds and more) a slice
// at a time within budget_ms, frame after frame; progress() says how far it got.
bool app_ablation_scored(AppState& s, double budget_ms, double (*now_ms)());
float app_ablation_scoring_progress(const AppState& s);
// A re-score is under way (the page keeps drawing until it is done).
bool app_ablation_scoring(const AppState& s);

// Pointer input for the drawing canvas, in CSS pixels (mouse, pen and touch all arrive
// as these); returns true if the event drew.
enum class PointerPhase { Down, Move, Up };
bool canvas_pointer_event(AppState& s, PointerPhase phase, float x, float y);
// Recomputes the live results when dirty.
void app_refresh_live(AppState& s);

}  // namespace lens
