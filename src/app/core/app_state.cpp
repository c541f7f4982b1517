#include "app/core/app_state.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "app/core/model_library.h"
#include "core/input/preprocess.h"
#include "interpret/stats_file.h"
#include "interpret/units.h"

namespace lens {

const char* tab_name(Tab t) {
  switch (t) {
    case Tab::Explore: return "explore";
    case Tab::Neuron: return "neuron";
    case Tab::Outputs: return "outputs";
    case Tab::Network: return "network";
    case Tab::Train: return "train";
  }
  return "explore";
}

bool tab_from_name(const std::string& name, Tab& out) {
  for (Tab t : {Tab::Explore, Tab::Neuron, Tab::Outputs, Tab::Network, Tab::Train})
    if (name == tab_name(t)) { out = t; return true; }
  return false;
}

// A model's analysis: from its statistics sidecar when it has one (read here when the file is
// at hand, as natively; fetched by the page otherwise, the analysis waiting for it), else
// measured on the test digits (asked for now).
static void start_analysis(AppState& s, int index, double now_ms) {
  LoadedModel& m = s.models[std::size_t(index)];
  auto& a = s.analyses[std::size_t(index)];
  a = std::make_unique<ModelAnalysis>();
  const bool images = m.bundle.net.inputs() == kPixels;
  if (images && s.use_sidecars && m.sidecar == LoadedModel::Sidecar::Listed) {
    analysis_start(*a, m.bundle, nullptr, now_ms);  // replaced when the sidecar is in
    m.sidecar = LoadedModel::Sidecar::Fetching;
    if (!file_readable(m.stats_path)) {
      asset_want(s.assets, AssetKind::Stats, m.bundle.info.id);
      return;
    }
    auto bytes = file_read(m.stats_path, std::size_t(64) << 20);
    if (bytes) app_stats_arrived(s, index, *bytes, now_ms);
    else app_stats_failed(s, index, bytes.error, now_ms);
    return;
  }
  if (images) app_need_test_set(s);
  analysis_start(*a, m.bundle, s.test.size() ? &s.test : nullptr, now_ms);
}

std::string app_stats_arrived(AppState& s, int index, const Bytes& bytes, double now_ms) {
  if (index < 0 || index >= int(s.models.size()) || s.models[std::size_t(index)].sidecar != LoadedModel::Sidecar::Fetching)
    return "no model is waiting for its statistics there";
  LoadedModel& m = s.models[std::size_t(index)];
  auto file = stats_file_read(bytes, m.bundle);
  if (!file) {
    app_stats_failed(s, index, file.error, now_ms);
    return file.error;
  }
  m.sidecar = LoadedModel::Sidecar::Used;
  asset_settle(s.assets, AssetKind::Stats, m.bundle.info.id);
  if (s.analyses.size() != s.models.size()) s.analyses.resize(s.models.size());
  auto& a = s.analyses[std::size_t(index)];
  if (!a) a = std::make_unique<ModelAnalysis>();
  const bool shapes_scored = !file->shapes.empty();
  analysis_start_from_file(*a, m.bundle, std::move(*file), now_ms);
  if (!shapes_scored) app_need_test_set(s);  // the shapes' explanation scores are measured on test digits (concepts.h)
  return "";
}

void app_stats_failed(AppState& s, int index, const std::string& why, double now_ms) {
  if (index < 0 || index >= int(s.models.size()) || s.models[std::size_t(index)].sidecar != LoadedModel::Sidecar::Fetching) return;
  LoadedModel& m = s.models[std::size_t(index)];
  m.sidecar = LoadedModel::Sidecar::Failed;
  asset_settle(s.assets, AssetKind::Stats, m.bundle.info.id);
  notice_error(s.notice, "The statistics file of " + m.bundle.info.id + " could not be used (" + why +
                            "): measuring on the test digits instead.");
  std::fprintf(stderr, "MNIST Lens: %s\n", s.notice.text.c_str());  // the page's console
  if (s.analyses.size() != s.models.size()) s.analyses.resize(s.models.size());
  start_analysis(s, index, now_ms);
}

bool app_need_test_set(AppState& s) {
  if (s.test.size()) return true;
  if (s.test_error.empty()) asset_want(s.assets, AssetKind::TestDigits);
  return false;
}

bool app_test_set_loading(const AppState& s) { return !s.test.size() && asset_awaited(s.assets, AssetKind::TestDigits); }

bool app_analysis_waiting(const AppState& s) {
  const LoadedModel* m = s.model();
  const ModelAnalysis* a = s.current >= 0 && std::size_t(s.current) < s.analyses.size() ? s.analyses[std::size_t(s.current)].get() : nullptr;
  if (!m || !a) return false;
  if (m->sidecar == LoadedModel::Sidecar::Fetching) return true;
  const bool needs_test = m->bundle.net.inputs() == kPixels && !a->stats_from_file && !a->test;
  const bool shapes_need_test = a->phase == ModelAnalysis::Phase::Concepts && !a->shape_test && a->shape_scores_from_file.empty() &&
                                m->bundle.net.inputs() == kPixels;
  return (needs_test || shapes_need_test) && app_test_set_loading(s);
}

const AblationScorer* app_ablation_scorer(AppState& s) {
  ModelAnalysis* a = s.analysis();
  if (!a || !a->has_stats) return nullptr;
  if (!a->scorer && app_need_test_set(s)) analysis_attach_scorer(*a, s.test);
  if (a->scorer && !a->scorer->ready()) a->scorer->prepare(500);  // a convnet's kept maps, a slice a frame
  return a->scorer && a->scorer->ready() ? a->scorer.get() : nullptr;
}

// Above this, a re-score is spread over frames: every MLP's is far below (mlp128's: 1.3e7).
constexpr double kAblationAtOnceMultiplyAdds = 1e8;

bool app_ablation_scored(AppState& s, double budget_ms, double (*now_ms)()) {
  if (s.scored_version == s.ablation_version) return true;
  const AblationScorer* scorer = app_ablation_scorer(s);
  if (!scorer) return false;
  if (s.scoring_version != s.ablation_version) {
    s.scoring_version = s.ablation_version;
    s.scoring_image = 0;
    s.scoring_correct = Eigen::VectorXi();
  }
  const bool at_once = scorer->rescore_multiply_adds(s.ablation.lowest_layer()) <= kAblationAtOnceMultiplyAdds;
  const double t0 = now_ms();
  constexpr int kSlice = 100;  // test digits a step: cnn's are 2.7e7 multiply-adds
  do {
    scorer->count_correct(s.ablation, s.scoring_image, kSlice, s.scoring_correct);
    s.scoring_image += kSlice;
  } while (s.scoring_image < scorer->size() && (at_once || now_ms() - t0 < budget_ms));
  if (s.scoring_image < scorer->size()) return false;
  s.ablation_score = scorer->score_from(s.scoring_correct);
  s.scored_version = s.ablation_version;
  return true;
}

float app_ablation_scoring_progress(const AppState& s) {
  const int n = s.test.size();
  return s.scoring_version == s.ablation_version && n > 0 ? std::min(1.f, float(s.scoring_image) / float(n)) : 0.f;
}

bool app_ablation_scoring(const AppState& s) { return s.ablation.any() && s.scored_version != s.ablation_version && s.test.size() > 0; }

void app_select_model(AppState& s, int index, double now_ms) {
  if (index < 0 || index >= int(s.models.size())) return;
  if (LoadedModel& m = s.models[std::size_t(index)]; m.pending) {  // fetched first (model_library_arrived selects it)
    s.model_wanted = index;
    m.fetch_error.clear();
    asset_want(s.assets, AssetKind::Model, m.bundle.info.id);
    return;
  }
  if (!app_norm_settle(s, index)) {  // measured once the test digits arrive (app_set_test_set selects it then)
    s.model_wanted = index;
    return;
  }
  const bool changed = index != s.current;
  s.model_wanted = -1;  // a model picked since wins over one still on its way
  s.current = index;
  if (s.analyses.size() != s.models.size()) s.analyses.resize(s.models.size());
  if (!s.analyses[std::size_t(index)]) start_analysis(s, index, now_ms);
  if (changed) {
    const Mlp& net = s.models[std::size_t(index)].bundle.net;
    app_ablation_reset(s);  // sized for the new model
    s.sel_layer = 0;
    s.sel_unit = -1;
    s.explain_class = -1;
    if (net.inputs() != s.live.x.size()) {  // XOR and MNIST inputs differ: start blank
      s.live.x = Eigen::VectorXf::Zero(net.inputs());
      if (net.inputs() == kPixels && s.source == InputSource::Drawing) app_set_input_from_drawing(s);
    }
    s.live_dirty = true;
  }
}

void app_set_test_set(AppState& s, DataSet test, double now_ms) {
  // Analyses started before the data arrived had nothing to measure (and point at the
  // old set): start them again, the current one at once, the others when next selected.
  // Analyses from a sidecar keep going (they need no test set), unless it was measured on
  // other digits than these; one still fetching its sidecar waits for it.
  const std::uint32_t identity = stats_data_identity(test);
  for (std::size_t i = 0; i < s.analyses.size(); ++i) {
    auto& a = s.analyses[i];
    LoadedModel& m = s.models[i];
    if (m.sidecar == LoadedModel::Sidecar::Fetching) continue;
    if (a && a->stats_from_file && a->stats_data_identity == identity) {
      a->scorer.reset();  // made again from these digits when next needed
      continue;
    }
    if (a && a->stats_from_file) {
      notice_info(s.notice, "The statistics file of " + m.bundle.info.id + " was measured on other test digits than these: measuring again.");
      std::fprintf(stderr, "MNIST Lens: %s\n", s.notice.text.c_str());
      m.sidecar = LoadedModel::Sidecar::Failed;
    }
    a.reset();
  }
  s.test = std::move(test);
  asset_settle(s.assets, AssetKind::TestDigits);
  s.test_error.clear();
  if (s.analyses.size() != s.models.size()) s.analyses.resize(s.models.size());
  if (s.current >= 0 && !s.analyses[std::size_t(s.current)]) start_analysis(s, s.current, now_ms);  // the view stays as it is
  if (s.pending_test_index >= 0) app_show_test_digit(s, s.pending_test_index);  // a link named it
  s.pending_test_index = -1;
  if (s.pending_mistake) app_next_mistake(s);
  s.pending_mistake = false;
  if (s.model_wanted >= 0 && s.models[std::size_t(s.model_wanted)].norm.origin == NormOrigin::Pending)
    app_select_model(s, s.model_wanted, now_ms);  // measured now, then shown
}

void app_test_set_failed(AppState& s, const std::string& why, double now_ms) {
  asset_settle(s.assets, AssetKind::TestDigits);
  s.pending_mistake = false;
  s.pending_test_index = -1;
  s.test_error = why.empty() ? "unknown error" : why;
  notice_error(s.notice, "The MNIST test digits could not be loaded (" + s.test_error + "): statistics are unavailable.");
  if (s.model_wanted >= 0 && s.models[std::size_t(s.model_wanted)].norm.origin == NormOrigin::Pending) {
    const int wanted = s.model_wanted;
    app_select_model(s, wanted, now_ms);  // on raw pixels (app_norm_unmeasurable)
    notice_error(s.notice, "The MNIST test digits could not be loaded (" + s.test_error + "), so the input normalization of " +
                               s.models[std::size_t(wanted)].bundle.info.name + " could not be measured: it sees raw pixels.");
  }
}

void app_work(AppState& s, double budget_ms, double (*now_ms)()) {
  // A model waiting to be shown is measured first (it may be shown by the end of it).
  const double t0 = now_ms();
  app_norm_work(s, budget_ms, now_ms);
  const double left = std::max(0.0, budget_ms - (now_ms() - t0));
  ModelAnalysis* a = s.analysis();
  if (a && !a->shape_test && s.test.size() && a->bundle && a->bundle->net.inputs() == s.test.images.rows()) a->shape_test = &s.test;
  if (a) a->shape_test_coming = !a->shape_test && app_test_set_loading(s);
  // A convnet's late layers take a step of every convolution per slice (the PyTorch example's:
  // about 10 ms), more than a frame spares while a stroke is being drawn: they wait for the pen.
  const bool pen_first = a && a->actmax_late_round && s.drawing.stroke_open;
  if (a && !app_analysis_waiting(s) && left > 0 && !pen_first) analysis_work(*a, left, now_ms);
  if (app_ablation_scoring(s)) app_ablation_scored(s, std::max(1.0, budget_ms - (now_ms() - t0)), now_ms);
}

void app_set_input_from_drawing(AppState& s) {
  const Digit d = preprocess_canvas(s.drawing.canvas);
  s.live.x = Eigen::Map<const Eigen::VectorXf>(d.data(), kPixels);
  s.source = InputSource::Drawing;
  s.test_index = -1;
  s.pending_test_index = -1;
  s.live_dirty = true;
}

void app_set_input(AppState& s, const Eigen::VectorXf& x, InputSource source, int test_index) {
  if (source != InputSource::Drawing) drawing_clear(s.drawing);
  s.pending_test_index = -1;
  s.live.x = x;
  s.source = source;
  s.test_index = test_index;
  s.live_dirty = true;
}

void app_clear_input(AppState& s) {
  drawing_clear(s.drawing);
  s.live.x = Eigen::VectorXf::Zero(s.model() ? s.model()->bundle.net.inputs() : kPixels);
  s.source = InputSource::Drawing;
  s.test_index = -1;
  s.live_dirty = true;
}

void app_undo(AppState& s) {
  drawing_undo(s.drawing);
  app_set_input_from_drawing(s);
}

void app_draw_stroke(AppState& s, const std::vector<float>& xy) {
  if (s.source != InputSource::Drawing) drawing_clear(s.drawing);  // a shown test digit is not drawn over
  drawing_add_stroke(s.drawing, xy);
  app_set_input_from_drawing(s);
}

static bool ablation_has(const Ablation& ab, int layer, int unit) {
  return layer >= 0 && layer < int(ab.clamp.size()) && unit >= 0 && unit < ab.clamp[std::size_t(layer)].size();
}

bool app_neuron_off(const AppState& s, int layer, int unit) {
  return ablation_has(s.ablation, layer, unit) && !std::isnan(s.ablation.clamp[std::size_t(layer)](unit));
}

std::vector<std::pair<int, int>> app_neurons_off(const AppState& s) {
  std::vector<std::pair<int, int>> off;
  for (int l = 0; l < int(s.ablation.clamp.size()); ++l)
    for (int u = 0; u < int(s.ablation.clamp[std::size_t(l)].size()); ++u)
      if (app_neuron_off(s, l, u)) off.emplace_back(l, u);
  return off;
}

void app_set_neuron_off(AppState& s, int layer, int unit, bool off) {
  if (!ablation_has(s.ablation, layer, unit)) return;
  s.ablation.clamp[std::size_t(layer)](unit) = off ? 0.f : std::nanf("");
  ++s.ablation_version;
  s.live_dirty = true;
}

void app_ablation_reset(AppState& s) {
  if (!s.model()) return;
  s.ablation = Ablation::none(s.model()->bundle.net);
  ++s.ablation_version;
  s.live_dirty = true;
}

bool canvas_pointer_event(AppState& s, PointerPhase phase, float x, float y) {
  const AppState::Rect& r = s.canvas_rect;
  const AppState::Rect& h = s.help_rect;
  const bool on_help = s.show_help && x >= h.x && y >= h.y && x <= h.x + h.w && y <= h.y + h.h;
  const bool canvas_shown = s.canvas_visible_frame >= s.frame - 1 && r.w > 0 && !on_help && !s.canvas_covered;
  const float cx = (x - r.x) / r.w * kCanvasSide, cy = (y - r.y) / r.h * kCanvasSide;
  switch (phase) {
    case PointerPhase::Down:
      if (!canvas_shown || x < r.x || y < r.y || x > r.x + r.w || y > r.y + r.h) return false;
      s.show_help = false;  // drawing is what the help asks for: it steps aside
      pen_put_away(s.pen, s.drawing);  // a pointer takes over from the keyboard pen
      if (s.source != InputSource::Drawing) drawing_clear(s.drawing);
      drawing_begin(s.drawing, cx, cy);
      break;
    case PointerPhase::Move: {
      if (!s.drawing.stroke_open) return false;
      const int before = s.drawing.version;
      drawing_extend(s.drawing, cx, cy);
      if (s.drawing.version == before) return false;
      break;
    }
    case PointerPhase::Up:
      if (!s.drawing.stroke_open) return false;
      drawing_end(s.drawing);
      return true;
  }
  app_set_input_from_drawing(s);
  return true;
}

void app_refresh_live(AppState& s) {
  if (!s.live_dirty || !s.model()) return;
  live_update(s.live, s.model()->bundle.net, s.ablation, s.explain_class);
  s.live_dirty = false;
}

// Before the test digits are here, the digit asked for is shown when they arrive.
void app_show_test_digit(AppState& s, int index) {
  if (!s.is_image_model() || index < 0) return;
  if (!app_need_test_set(s)) {
    if (index < kMnistTestDigits && s.test_error.empty()) s.pending_test_index = index;
    return;
  }
  if (index >= s.test.size()) return;
  app_set_input(s, s.test.images.col(index), InputSource::TestImage, index);
}

void app_random_test_digit(AppState& s) {
  if (!s.is_image_model()) return;
  // The shipped test set's size when it is not here yet: the same pick either way.
  const int n = s.test.size() ? s.test.size() : kMnistTestDigits;
  app_show_test_digit(s, int(s.picker.below(std::uint32_t(n))));
}

void app_next_mistake(AppState& s) {
  if (!s.is_image_model()) return;
  if (!app_need_test_set(s)) {
    s.pending_mistake = s.test_error.empty();
    return;
  }
  const Mlp& net = s.model()->bundle.net;
  const int N = s.test.size();
  for (int k = 1; k <= N; ++k) {
    const int i = (std::max(s.test_index, -1) + k) % N;
    const Eigen::VectorXf logits = mlp_forward(net, s.test.images.col(i));
    if (head_predict(net.head, logits)[0] != s.test.labels[std::size_t(i)]) return app_show_test_digit(s, i);
  }
}

// The next or previous hidden neuron, across layers (the inspector's arrows).
static void step_neuron(AppState& s, int by) {
  const int H = s.hidden_layers();
  if (H < 1) return;
  std::vector<std::pair<int, int>> all;
  for (int l = 0; l < H; ++l)
    for (int u = 0; u < layer_units(s.model()->bundle.net.layers[std::size_t(l)]); ++u) all.emplace_back(l, u);
  int at = 0;
  for (int i = 0; i < int(all.size()); ++i)
    if (all[std::size_t(i)] == std::make_pair(s.sel_layer, s.sel_unit)) at = i;
  if (s.sel_unit < 0) at = by > 0 ? -1 : 0;
  const int n = int(all.size()), next = ((at + by) % n + n) % n;
  s.sel_layer = all[std::size_t(next)].first;
  s.sel_unit = all[std::size_t(next)].second;
}

// The text sizes of the scale menu, 100% to 300%.
static bool step_scale(AppState& s, int by) {
  int at = 0;
  for (int i = 0; i < kTextScaleCount; ++i) if (s.ui_scale >= kTextScales[i] - 0.01f) at = i;
  const int next = std::clamp(at + by, 0, kTextScaleCount - 1);
  if (kTextScales[next] == s.ui_scale) return false;
  s.ui_scale = kTextScales[next];
  return true;
}

// The keyboard pen works where one draws: the Explore tab of a model of images.
static bool pen_here(const AppState& s) { return s.model() && s.is_image_model() && s.tab == Tab::Explore; }

// An arrow moves the pen; with it down, the new ink is the input at once (as a pointer's is).
static bool pen_arrow(AppState& s, int dx, int dy, bool fine) {
  if (pen_move(s.pen, s.drawing, dx, dy, fine)) app_set_input_from_drawing(s);
  return true;
}

// Space puts the pen down (on a test digit shown, a new drawing starts, as with a pointer) or lifts it.
static bool pen_space(AppState& s) {
  if (!s.pen.down && s.source != InputSource::Drawing) drawing_clear(s.drawing);
  pen_toggle(s.pen, s.drawing);
  app_set_input_from_drawing(s);
  return true;
}

// The arrows: the keyboard pen where one draws; the previous or next neuron in the Neuron tab.
static bool arrow_key(AppState& s, Key key, bool shift) {
  const int dx = key == Key::Left ? -1 : key == Key::Right ? 1 : 0, dy = key == Key::Up ? -1 : key == Key::Down ? 1 : 0;
  if (pen_here(s)) return pen_arrow(s, dx, dy, shift);
  if (s.tab != Tab::Neuron) return false;
  step_neuron(s, dx + dy);
  return true;
}

bool app_key(AppState& s, Key key, char c, double now_ms, bool shift) {
  const int models = int(s.models.size());
  if (s.pen.down && !s.drawing.stroke_open) s.pen.down = false;  // undone or cleared under it
  switch (key) {
    case Key::Backspace: pen_put_away(s.pen, s.drawing); app_undo(s); return true;
    case Key::Delete: pen_put_away(s.pen, s.drawing); app_clear_input(s); return true;
    case Key::Space: return pen_here(s) && pen_space(s);
    case Key::Escape:
      if (s.pen.shown) {
        pen_put_away(s.pen, s.drawing);
        return true;
      }
      if (s.show_help && !s.embed) {
        s.show_help = false;
        return true;
      }
      if (!s.embed || !app_away_from_drawing(s)) return false;
      app_back_to_drawing(s);
      return true;
    case Key::Left: case Key::Right: case Key::Up: case Key::Down: return arrow_key(s, key, shift);
    case Key::Char: break;
  }
  if (!s.shortcuts) return false;
  switch (c) {
    case 'z': case 'Z': pen_put_away(s.pen, s.drawing); app_undo(s); return true;
    case 'c': case 'C': pen_put_away(s.pen, s.drawing); app_clear_input(s); return true;
    case 'r': case 'R': app_random_test_digit(s); return true;
    case 'm': case 'M': app_next_mistake(s); return true;
    case 'n': case 'N': step_neuron(s, 1); s.tab = Tab::Neuron; return true;
    case 'p': case 'P': step_neuron(s, -1); s.tab = Tab::Neuron; return true;
    case '[': if (models > 0) app_select_model(s, model_library_step(s, s.current, -1), now_ms); return models > 0;
    case ']': if (models > 0) app_select_model(s, model_library_step(s, s.current, 1), now_ms); return models > 0;
    case '?': if (s.embed) return false; s.show_help = !s.show_help; return true;
    case 'f': case 'F': s.fullscreen_wanted = true; return true;
    case '+': case '=': return step_scale(s, 1);
    case '-': return step_scale(s, -1);
    default: break;
  }
  if (c >= '1' && c < '1' + kTabCount) {
    s.tab = Tab(c - '1');
    return true;
  }
  return false;
}

// A model of the plane shows its plane on every tab but Train (panel_page.cpp).
bool app_away_from_drawing(const AppState& s) {
  if (!s.model()) return false;
  return s.is_image_model() ? s.tab != Tab::Explore : s.tab == Tab::Train;
}

void app_back_to_drawing(AppState& s) { s.tab = Tab::Explore; }

}  // namespace lens
