// The C side of window.lens (web/lens-api.js validates arguments and wraps these).
// Every function that can fail returns "" on success or an error message, and
// changes nothing on failure.
#include "app/js_api.h"

#include <emscripten.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "app/core/model_library.h"
#include "core/constants.h"
#include "core/bundle.h"
#include "core/idx.h"
#include "interpret/prose.h"

namespace lens {

// Exported C functions cannot take the state as an argument: this is the one
// place that keeps a pointer to it, set once by main.
static AppState* g_state = nullptr;
static std::string g_reply;  // storage for the last string returned to JS

void js_api_bind(AppState& state) { g_state = &state; }

void js_api_announce_ready(AppState& state) {
  if (state.ready_announced || !state.model() || state.test_pending) return;
  state.ready_announced = true;
  EM_ASM({ if (Module['onLensReady']) Module['onLensReady'](); });
}

static const char* reply(std::string s) {
  g_reply = std::move(s);
  return g_reply.c_str();
}

static nlohmann::json vec(const Eigen::Ref<const Eigen::VectorXf>& v) {
  return std::vector<float>(v.data(), v.data() + v.size());
}

static std::string check_values(const float* v, int n, float lo, float hi, const char* what) {
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(v[i]) || v[i] < lo || v[i] > hi)
      return std::string(what) + " value " + std::to_string(i) + " is " + (std::isfinite(v[i]) ? std::to_string(v[i]) : "not a finite number") +
             " (must be in [" + std::to_string(int(lo)) + ", " + std::to_string(int(hi)) + "])";
  return "";
}

// layer counts hidden layers from 0; the output layer is number hidden_layers().
static std::string check_neuron(const AppState& s, int layer, int neuron) {
  const int L = int(s.model()->bundle.net.layers.size());
  if (layer < 0 || layer >= L)
    return "layer " + std::to_string(layer) + " does not exist (this model has " + std::to_string(L - 1) +
           " hidden layer(s), numbered from 0, and the output layer is " + std::to_string(L - 1) + ")";
  const int U = s.model()->bundle.net.layers[std::size_t(layer)].outputs();
  if (neuron < 0 || neuron >= U)
    return "neuron " + std::to_string(neuron) + " does not exist in layer " + std::to_string(layer) + " (it has " +
           std::to_string(U) + ", numbered from 0)";
  return "";
}

}  // namespace lens

using namespace lens;

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* lens_models_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const LoadedModel& m : g_state->models)
    out.push_back({{"id", m.bundle.info.id}, {"name", m.bundle.info.name}, {"layers", m.bundle.net.sizes()},
                   {"accuracy", m.bundle.info.test_accuracy >= 0 ? nlohmann::json(m.bundle.info.test_accuracy) : nlohmann::json(nullptr)}});
  return reply(out.dump());
}

EMSCRIPTEN_KEEPALIVE const char* lens_model_id() { return reply(g_state->model() ? g_state->model()->bundle.info.id : ""); }

EMSCRIPTEN_KEEPALIVE const char* lens_select_model(const char* id) {
  const int i = model_library_find(*g_state, id ? id : "");
  if (i < 0) {
    std::string known;
    for (const LoadedModel& m : g_state->models) known += (known.empty() ? "" : ", ") + m.bundle.info.id;
    return reply(std::string("unknown model id \"") + (id ? id : "") + "\" (known: " + known + ")");
  }
  app_select_model(*g_state, i, emscripten_get_now());
  app_refresh_live(*g_state);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_input(const float* v, int n) {
  AppState& s = *g_state;
  const int I = s.model()->bundle.net.inputs();
  if (n != I) return reply("setInput: expected " + std::to_string(I) + " values for model " + s.model()->bundle.info.id + ", got " + std::to_string(n));
  if (std::string e = check_values(v, n, 0.f, 1.f, "setInput:"); !e.empty()) return reply(e);
  app_set_input(s, Eigen::Map<const Eigen::VectorXf>(v, n), InputSource::Script);
  app_refresh_live(s);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_clear() {
  app_clear_input(*g_state);
  app_refresh_live(*g_state);
}

// xy: n points in [0,1] canvas coordinates, drawn with the current brush like a pointer stroke.
EMSCRIPTEN_KEEPALIVE const char* lens_draw_stroke(const float* xy, int n) {
  AppState& s = *g_state;
  if (!s.is_image_model()) return reply("drawStroke: model " + s.model()->bundle.info.id + " does not take a drawn digit");
  if (n < 1) return reply("drawStroke: need at least one point");
  if (std::string e = check_values(xy, 2 * n, 0.f, 1.f, "drawStroke: coordinate"); !e.empty()) return reply(e);
  if (s.source != InputSource::Drawing) drawing_clear(s.drawing);
  std::vector<float> pts(std::size_t(2 * n));
  for (int i = 0; i < 2 * n; ++i) pts[std::size_t(i)] = xy[i] * float(kCanvasSide);
  drawing_add_stroke(s.drawing, pts);
  app_set_input_from_drawing(s);
  app_refresh_live(s);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_state_json() {
  AppState& s = *g_state;
  app_refresh_live(s);
  const LiveInput& L = s.live;
  nlohmann::json layers = nlohmann::json::array(), dead = nlohmann::json::array();
  for (int l = 0; l + 1 < int(L.trace.layers.size()); ++l) layers.push_back(vec(L.trace.layers[std::size_t(l)].a.col(0)));
  ModelAnalysis* a = s.analysis();
  for (int l = 0; l < s.hidden_layers(); ++l)
    dead.push_back(a && a->has_stats ? nlohmann::json(a->stats.layers[std::size_t(l)].dead) : nlohmann::json::array());
  nlohmann::json out = {{"model", s.model()->bundle.info.id}, {"input", vec(L.x)}, {"probs", vec(L.probs)},
                        {"predicted", L.predicted}, {"layers", layers}, {"dead", dead}, {"tab", tab_name(s.tab)},
                        {"selected", {{"layer", s.sel_layer}, {"neuron", s.sel_unit}}},
                        {"analysis", a ? a->progress() : 0.f}, {"statsReady", a && a->has_stats}, {"analysisDone", a && a->done()}};
  return reply(out.dump());
}

static nlohmann::json facts_json(const NeuronFacts& f) {
  const char* status = f.status == NeuronStatus::Dead ? "dead" : f.status == NeuronStatus::NearlyDead ? "nearly dead"
                       : f.status == NeuronStatus::Constant ? "constant" : "alive";
  auto finite = [](float v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"layer", f.layer}, {"neuron", f.unit}, {"status", status}, {"activation", activation_name(f.activation)},
                      {"activeRate", finite(f.active_rate)}, {"maxActivation", finite(f.max_activation)},
                      {"selectivity", finite(f.selectivity)}, {"strong", f.strong}, {"moderate", f.moderate},
                      {"weakest", f.weakest}, {"topImages", f.top}, {"pushesUp", f.pushes_up}, {"pushesDown", f.pushes_down}};
  if (f.top_disagrees) j["topMostly"] = {{"digit", f.top_common_class}, {"count", f.top_common_count}};
  if (f.importance_known) j["importance"] = finite(f.importance);
  if (f.hurt_visible) j["hurt"] = {{"digit", f.hurt_class}, {"before", f.hurt_before}, {"after", f.hurt_after}};
  if (f.status == NeuronStatus::Constant) j["constantValue"] = finite(f.constant_value);
  if (f.status == NeuronStatus::Dead)
    j["dead"] = {{"bestPreactivation", finite(f.best_preactivation)}, {"bias", finite(f.bias)},
                 {"maximizedPreactivation", finite(f.actmax_preactivation)}};
  return j;
}

// {summary, facts, score} of a hidden neuron: the summary is the sentence lens-report prints for it.
EMSCRIPTEN_KEEPALIVE const char* lens_explain_json(int layer, int neuron) {
  AppState& s = *g_state;
  if (!s.is_image_model()) return reply("{\"error\":\"explain: model " + s.model()->bundle.info.id + " does not take an image\"}");
  if (std::string e = check_neuron(s, layer, neuron); !e.empty()) return reply(nlohmann::json{{"error", "explain: " + e}}.dump());
  if (layer >= s.hidden_layers())
    return reply(nlohmann::json{{"error", "explain: layer " + std::to_string(layer) + " is the output layer; explanations are for hidden neurons"}}.dump());
  const ModelAnalysis* a = s.analysis();
  const NeuronFacts* f = a ? a->neuron(layer, neuron) : nullptr;
  if (!f) return reply(nlohmann::json{{"pending", a ? a->progress() : 0.f}}.dump());
  return reply(nlohmann::json{{"summary", render_plain(neuron_summary(*f))}, {"facts", facts_json(*f)},
                              {"score", f->score_defined ? nlohmann::json(f->score) : nlohmann::json(nullptr)}}.dump());
}

// Writes the maximization image (784 values in [0,1]) of a neuron into out.
EMSCRIPTEN_KEEPALIVE const char* lens_actmax(int layer, int neuron, float* out) {
  AppState& s = *g_state;
  if (!s.is_image_model()) return reply("actmax: model " + s.model()->bundle.info.id + " does not take an image");
  if (std::string e = check_neuron(s, layer, neuron); !e.empty()) return reply("actmax: " + e);
  const Eigen::VectorXf img = analysis_actmax_single(*s.analysis(), layer, neuron);
  std::copy(img.data(), img.data() + img.size(), out);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_select(int layer, int neuron) {
  AppState& s = *g_state;
  if (std::string e = check_neuron(s, layer, neuron); !e.empty()) return reply("select: " + e);
  if (layer >= s.hidden_layers()) return reply("select: the inspector shows hidden neurons; layer " + std::to_string(layer) + " is the output layer");
  s.sel_layer = layer;
  s.sel_unit = neuron;
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_tab(const char* name) {
  Tab t;
  if (!tab_from_name(name ? name : "", t)) return reply(std::string("setTab: unknown tab \"") + (name ? name : "") + "\" (explore, neuron, outputs, network)");
  g_state->tab = t;
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_canvas_rect_json() {
  const AppState::Rect& r = g_state->canvas_rect;
  return reply(nlohmann::json{{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}.dump());
}

EMSCRIPTEN_KEEPALIVE void lens_set_view(int dark, float scale, int help) {
  if (dark >= 0) g_state->dark = dark != 0;
  if (scale >= 1.f && scale <= 2.f) g_state->ui_scale = scale;
  if (help >= 0) g_state->show_help = help != 0;
}

EMSCRIPTEN_KEEPALIVE void lens_notice(const char* text) { g_state->notice = text ? text : ""; }

// The MNIST test set the page shows, as decompressed IDX bytes (the page decompresses the .gz).
EMSCRIPTEN_KEEPALIVE const char* lens_load_test_set(const std::uint8_t* images, int n_images, const std::uint8_t* labels, int n_labels) {
  AppState& s = *g_state;
  s.test_pending = false;
  const auto im = idx_parse(Bytes(images, images + n_images));
  const auto lb = idx_parse(Bytes(labels, labels + n_labels));
  if (!im || !lb) return reply(s.test_error = "test images: " + (im ? lb.error : im.error));
  auto d = mnist_from_idx(*im, *lb);
  if (!d) return reply(s.test_error = "test images: " + d.error);
  s.test = std::move(*d);
  // Analyses started before the data arrived had nothing to measure: start them again.
  for (auto& a : s.analyses) a.reset();
  if (s.current >= 0) { const int c = s.current; s.current = -1; app_select_model(s, c, emscripten_get_now()); }
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_test_set_failed(const char* why) {
  g_state->test_pending = false;
  g_state->test_error = why ? why : "unknown error";
  g_state->notice = "The MNIST test digits could not be loaded (" + g_state->test_error + "): statistics are unavailable.";
}

// A .lens bundle dropped on the page (or passed to lens.loadBundle): validated, added
// to the models and selected. Returns "" and the new id via lens_model_id, or the error.
EMSCRIPTEN_KEEPALIVE const char* lens_add_bundle(const std::uint8_t* bytes, int n) {
  AppState& s = *g_state;
  auto b = bundle_read(Bytes(bytes, bytes + std::max(0, n)));
  if (!b) return reply(b.error);
  const Mlp& net = b->net;
  const bool image = net.inputs() == kPixels && net.outputs() == kClasses && net.head == Head::Softmax;
  const bool plane = net.inputs() == 2 && net.outputs() == 1 && net.head == Head::Sigmoid;
  if (!image && !plane)
    return reply("bundle: the page shows models with 784 inputs and 10 softmax outputs (MNIST), or 2 inputs and one "
                 "sigmoid output (like XOR); this one has " + std::to_string(net.inputs()) + " inputs and " +
                 std::to_string(net.outputs()) + " outputs");
  // Keep ids unique, so links and the picker stay unambiguous.
  const std::string base = b->info.id;
  for (int k = 2; model_library_find(s, b->info.id) >= 0; ++k) b->info.id = base + "-" + std::to_string(k);
  s.models.push_back(LoadedModel{std::move(*b), "(dropped)"});
  app_select_model(s, int(s.models.size()) - 1, emscripten_get_now());
  app_refresh_live(s);
  return reply("");
}

// Figures for the browser benchmark.
EMSCRIPTEN_KEEPALIVE const char* lens_perf_json() {
  AppState& s = *g_state;
  ModelAnalysis* a = s.analysis();
  return reply(nlohmann::json{{"frameMs", s.frame_ms}, {"workMs", s.work_ms}, {"renderMs", s.render_ms}, {"strokeMs", s.live.compute_ms},
                              {"analysisDone", a && a->done()}, {"analysisCpuS", a ? a->seconds_spent : 0.0},
                              {"analysisWallMs", a && a->done() ? a->finished_at - a->started_at : -1.0},
                              {"statsActmaxWallMs", a && a->stats_actmax_ms > 0 ? a->stats_actmax_ms - a->started_at : -1.0},
                              {"frame", s.frame}}.dump());
}

}  // extern "C"
