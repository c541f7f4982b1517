#include "app/core/app_state.h"

#include <cmath>

#include "core/preprocess.h"

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

void app_select_model(AppState& s, int index, double now_ms) {
  if (index < 0 || index >= int(s.models.size())) return;
  const bool changed = index != s.current;
  s.current = index;
  if (s.analyses.size() != s.models.size()) s.analyses.resize(s.models.size());
  auto& a = s.analyses[std::size_t(index)];
  if (!a) {
    a = std::make_unique<ModelAnalysis>();
    analysis_start(*a, s.models[std::size_t(index)].bundle, s.test.size() ? &s.test : nullptr, now_ms);
  }
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
  for (auto& a : s.analyses) a.reset();
  s.test = std::move(test);
  s.test_pending = false;
  s.test_error.clear();
  app_select_model(s, s.current, now_ms);
}

void app_test_set_failed(AppState& s, const std::string& why) {
  s.test_pending = false;
  s.test_error = why.empty() ? "unknown error" : why;
  s.notice = "The MNIST test digits could not be loaded (" + s.test_error + "): statistics are unavailable.";
}

void app_work(AppState& s, double budget_ms, double (*now_ms)()) {
  if (ModelAnalysis* a = s.analysis(); a && !s.test_pending) analysis_work(*a, budget_ms, now_ms);
}

void app_set_input_from_drawing(AppState& s) {
  const Digit d = preprocess_canvas(s.drawing.canvas);
  s.live.x = Eigen::Map<const Eigen::VectorXf>(d.data(), kPixels);
  s.source = InputSource::Drawing;
  s.test_index = -1;
  s.live_dirty = true;
}

void app_set_input(AppState& s, const Eigen::VectorXf& x, InputSource source, int test_index) {
  if (source != InputSource::Drawing) drawing_clear(s.drawing);
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
  const bool canvas_shown = s.canvas_visible_frame >= s.frame - 1 && r.w > 0 && !s.show_help && !s.canvas_covered;
  const float cx = (x - r.x) / r.w * kCanvasSide, cy = (y - r.y) / r.h * kCanvasSide;
  switch (phase) {
    case PointerPhase::Down:
      if (!canvas_shown || x < r.x || y < r.y || x > r.x + r.w || y > r.y + r.h) return false;
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

}  // namespace lens
