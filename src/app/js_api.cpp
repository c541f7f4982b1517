// The C side of window.lens (web/lens-api.js checks JS types and wraps these): the
// Emscripten boundary. The values are checked (app/core/api_args.h) and acted on by the
// app core; here only strings, pointers and JSON cross over. Every function that can
// fail returns "" on success or an error message, and changes nothing on failure.
#include "app/js_api.h"

#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/core/api_args.h"
#include "app/core/link.h"
#include "app/core/model_library.h"
#include "core/idx.h"
#include "interpret/prose.h"
#include "core/json_depth.h"
#include "app/core/app_training.h"
#include "app/export_shell.h"
#include "report/report.h"

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

// The reply for a failed check: "function: message" (lens-api.js names the JS function instead).
template <class T> static const char* refuse(const char* function, const Result<T>& r) {
  return reply(std::string(function) + ": " + r.error);
}

void js_download(const std::string& filename, const Bytes& bytes) {
  EM_ASM({
    const blob = new Blob([HEAPU8.slice($1, $1 + $2)], {type: 'application/octet-stream'});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString($0);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }, filename.c_str(), bytes.data(), int(bytes.size()));
}

}  // namespace lens

using namespace lens;

extern "C" {

// Resumes the main loop after it went idle (main.cpp): lens-api.js calls this on any input.
EMSCRIPTEN_KEEPALIVE void lens_wake() { emscripten_resume_main_loop(); }

EMSCRIPTEN_KEEPALIVE const char* lens_models_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const LoadedModel& m : g_state->models)
    out.push_back({{"id", m.bundle.info.id}, {"name", m.bundle.info.name}, {"layers", m.bundle.net.sizes()},
                   {"accuracy", m.bundle.info.test_accuracy >= 0 ? nlohmann::json(m.bundle.info.test_accuracy) : nlohmann::json(nullptr)}});
  return reply(out.dump());
}

EMSCRIPTEN_KEEPALIVE const char* lens_model_id() { return reply(g_state->model() ? g_state->model()->bundle.info.id : ""); }

EMSCRIPTEN_KEEPALIVE const char* lens_select_model(const char* id) {
  const auto i = check_model_id(*g_state, id ? id : "");
  if (!i) return refuse("selectModel", i);
  app_select_model(*g_state, *i, emscripten_get_now());
  app_refresh_live(*g_state);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_input(const float* v, int n) {
  AppState& s = *g_state;
  const auto x = check_input(*s.model(), v, n);
  if (!x) return refuse("setInput", x);
  app_set_input(s, *x, InputSource::Script);
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
  const auto pixels = check_stroke(*s.model(), xy, n);
  if (!pixels) return refuse("drawStroke", pixels);
  app_draw_stroke(s, *pixels);
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
                        {"analysis", a ? a->progress() : 0.f}, {"statsReady", a && a->has_stats}, {"analysisDone", a && a->done()}, {"help", s.show_help}};
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
  if (auto r = check_image_model(*s.model()); !r) return reply(nlohmann::json{{"error", "explain: " + r.error}}.dump());
  if (auto r = check_hidden_neuron(*s.model(), layer, neuron); !r) return reply(nlohmann::json{{"error", "explain: " + r.error}}.dump());
  const ModelAnalysis* a = s.analysis();
  const NeuronFacts* f = a ? a->neuron(layer, neuron) : nullptr;
  if (!f) return reply(nlohmann::json{{"pending", a ? a->progress() : 0.f}}.dump());
  return reply(nlohmann::json{{"summary", render_plain(neuron_summary(*f))}, {"facts", facts_json(*f)},
                              {"score", f->score_defined ? nlohmann::json(f->score) : nlohmann::json(nullptr)}}.dump());
}

// Writes the maximization image (784 values in [0,1]) of a neuron into out.
EMSCRIPTEN_KEEPALIVE const char* lens_actmax(int layer, int neuron, float* out) {
  AppState& s = *g_state;
  if (auto r = check_image_model(*s.model()); !r) return refuse("actmax", r);
  if (auto r = check_neuron(*s.model(), layer, neuron); !r) return refuse("actmax", r);
  const Eigen::VectorXf img = analysis_actmax_single(*s.analysis(), layer, neuron);
  std::copy(img.data(), img.data() + img.size(), out);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_select(int layer, int neuron) {
  AppState& s = *g_state;
  const auto n = check_hidden_neuron(*s.model(), layer, neuron);
  if (!n) return refuse("select", n);
  s.sel_layer = n->layer;
  s.sel_unit = n->unit;
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_tab(const char* name) {
  const auto t = check_tab(name ? name : "");
  if (!t) return refuse("setTab", t);
  g_state->tab = *t;
  return reply("");
}

EMSCRIPTEN_KEEPALIVE const char* lens_canvas_rect_json() {
  const AppState::Rect& r = g_state->canvas_rect;
  return reply(nlohmann::json{{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}.dump());
}

// The first-visit help overlay (lens-api.js remembers the visit in localStorage).
EMSCRIPTEN_KEEPALIVE void lens_show_help() { g_state->show_help = true; }

// Opens a deep link (the URL hash; app/core/link.h). The text arrives as bytes in the
// heap, so any length is safe (ccall copies string arguments onto the small wasm stack);
// an over-long or bad link changes nothing but the notice, which says why.
// Returns {"applied": bool, "help": true | false | null (the link does not say)}.
EMSCRIPTEN_KEEPALIVE const char* lens_apply_hash(const char* text, int n) {
  AppState& s = *g_state;
  const auto link = link_open(s, std::string_view(text, std::size_t(std::max(0, n))), emscripten_get_now());
  if (link) app_refresh_live(s);
  return reply(nlohmann::json{{"applied", bool(link)},
                              {"help", link && link->help ? nlohmann::json(*link->help) : nlohmann::json(nullptr)}}.dump());
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
  app_set_test_set(s, std::move(*d), emscripten_get_now());
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_test_set_failed(const char* why) { app_test_set_failed(*g_state, why ? why : ""); }

// Where the button with this label was drawn in the last frame (CSS pixels), or null: for
// browser tests that click like a person.
EMSCRIPTEN_KEEPALIVE const char* lens_button_rect_json(const char* label) {
  for (const auto& [name, r] : g_state->button_rects)
    if (label && name == label) return reply(nlohmann::json{{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}.dump());
  return reply("null");
}

// --- training (lens.train, lens.trainingState, lens.stopTraining) ---

// A recipe as JSON text (through the heap: any length is safe). Returns "" or the error.
EMSCRIPTEN_KEEPALIVE const char* lens_train(const char* text, int n) {
  AppState& s = *g_state;
  const std::string_view body(text, std::size_t(std::max(0, n)));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(body.data());
  if (json_nesting_depth(bytes, bytes + body.size()) > kBundleMaxJsonDepth) return reply("recipe: nested too deep");
  const nlohmann::json recipe = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (recipe.is_discarded()) return reply("recipe: not valid JSON");
  auto request = train_request_from_recipe(recipe);
  if (!request) return reply(request.error);
  const bool xor_lesson = request->dataset == "xor";
  (xor_lesson ? s.xor_form : s.train_form) = request->config;  // the controls show the recipe being trained
  app_train_start(s, std::move(*request), emscripten_get_now());
  s.tab = xor_lesson ? Tab::Explore : Tab::Train;
  app_refresh_live(s);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_stop_training() { app_train_stop(*g_state, emscripten_get_now()); }

EMSCRIPTEN_KEEPALIVE void lens_training_control(int what) {  // 0 pause, 1 resume, 2 one step
  AppState& s = *g_state;
  if (what == 0) app_train_pause(s);
  else if (what == 1) app_train_resume(s);
  else if (what == 2) app_train_step_once(s, emscripten_get_now());
}

static nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

EMSCRIPTEN_KEEPALIVE const char* lens_training_state_json() {
  const AppState& s = *g_state;
  const TrainingSession& t = s.training;
  nlohmann::json curve = nlohmann::json::array(), died = nlohmann::json::array(), dead = nlohmann::json::array();
  for (const TrainingPoint& p : t.curve)
    curve.push_back({{"epoch", p.epoch}, {"loss", finite_or_null(p.loss)}, {"valLoss", finite_or_null(p.val_loss)},
                     {"valAccuracy", finite_or_null(p.val_accuracy)}, {"samples", p.samples}, {"computeMs", p.compute_ms}});
  for (const auto& layer : t.died_at) {
    nlohmann::json at = nlohmann::json::array(), units = nlohmann::json::array();
    for (std::size_t u = 0; u < layer.size(); ++u) {
      at.push_back(finite_or_null(layer[u]));
      if (!std::isnan(layer[u])) units.push_back(u);
    }
    died.push_back(at);
    dead.push_back(units);
  }
  nlohmann::json out = {{"status", training_status_name(t.status)}, {"curve", curve}, {"diedAt", died}, {"dead", dead},
                        {"epoch", t.epoch()}, {"epochs", t.request.config.epochs}, {"samplesPerSecond", t.samples_per_second()},
                        {"samples", t.run ? t.run->samples_seen() : 0L},
                        {"model", t.model >= 0 ? nlohmann::json(s.models[std::size_t(t.model)].bundle.info.id) : nlohmann::json(nullptr)},
                        {"testAccuracy", t.test_accuracy >= 0 ? nlohmann::json(t.test_accuracy) : nlohmann::json(nullptr)},
                        {"recipe", t.request.recipe}};
  return reply(out.dump());
}

// The training subset (decompressed IDX bytes), fetched when training first needs it.
EMSCRIPTEN_KEEPALIVE const char* lens_load_train_set(const std::uint8_t* images, int n_images, const std::uint8_t* labels, int n_labels) {
  AppState& s = *g_state;
  const auto im = idx_parse(Bytes(images, images + std::max(0, n_images)));
  const auto lb = idx_parse(Bytes(labels, labels + std::max(0, n_labels)));
  if (!im || !lb) { app_train_set_failed(s, "training images: " + (im ? lb.error : im.error)); return reply(s.notice); }
  auto d = mnist_from_idx(*im, *lb);
  if (!d) { app_train_set_failed(s, "training images: " + d.error); return reply(s.notice); }
  app_set_train_set(s, std::move(*d), emscripten_get_now());
  app_refresh_live(s);
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_train_set_failed(const char* why) { app_train_set_failed(*g_state, why ? why : ""); }

// The current model as .lens bytes (for a download): writes the size to *n and returns a
// pointer into a buffer that stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const std::uint8_t* lens_model_bundle(int* n) {
  static Bytes bytes;
  bytes = bundle_write(g_state->model()->bundle);
  *n = int(bytes.size());
  return bytes.data();
}

// A .lens bundle dropped on the page (or passed to lens.loadBundle): validated, added
// to the models and selected. Returns "" and the new id via lens_model_id, or the error.
EMSCRIPTEN_KEEPALIVE const char* lens_add_bundle(const std::uint8_t* bytes, int n) {
  AppState& s = *g_state;
  const auto i = model_library_add(s, Bytes(bytes, bytes + std::max(0, n)), "(dropped)");
  if (!i) return reply(i.error);
  app_select_model(s, *i, emscripten_get_now());
  app_refresh_live(s);
  return reply("");
}

// --- export (lens.figure, lens.report) ---

static Bytes g_figure;  // the last figure or report handed to JS (lens_export_data / lens_export_size)

// A figure as PNG. Replies {"error"} | {"pending": progress} (the analysis has not made it
// yet; ask again) | {"view": true} (a capture is asked for: poll lens_view_result) |
// {"size": n} with the bytes at lens_export_data(). layer, neuron: -1 = the selected one.
EMSCRIPTEN_KEEPALIVE const char* lens_figure(const char* name, int layer, int neuron, int scale, const char* theme) {
  AppState& s = *g_state;
  const auto r = check_figure(s, name ? name : "", layer, neuron, scale, theme ? theme : "");
  if (!r) return reply(nlohmann::json{{"error", "figure: " + r.error}}.dump());
  if (r->name == FigureName::View) {
    if (s.exports.view_scale > 0) return reply(nlohmann::json{{"error", "figure: a capture of the view is already on its way"}}.dump());
    export_request_view(s, r->scale, r->dark, false);
    return reply(nlohmann::json{{"view", true}}.dump());
  }
  if (!figure_ready(s, *r)) return reply(nlohmann::json{{"pending", s.analysis() ? s.analysis()->progress() : 0.f}}.dump());
  auto png = export_figure_png(s, *r);
  if (!png) return reply(nlohmann::json{{"error", "figure: " + png.error}}.dump());
  g_figure = std::move(*png);
  return reply(nlohmann::json{{"size", g_figure.size()}}.dump());
}

// The capture lens_figure asked for: {"pending": true} until the frame is drawn.
EMSCRIPTEN_KEEPALIVE const char* lens_view_result() {
  AppState::Export& e = g_state->exports;
  if (!e.view_done) return reply(nlohmann::json{{"pending", true}}.dump());
  if (!e.view_error.empty()) return reply(nlohmann::json{{"error", "figure: " + e.view_error}}.dump());
  g_figure = std::move(e.view_png);
  e.view_png.clear();
  e.view_done = false;
  return reply(nlohmann::json{{"size", g_figure.size()}}.dump());
}

// The lens-report Markdown for the current model: {"pending": progress} | {"error"} | {"size"}
// with the UTF-8 text at lens_export_data(); zip = 1: the report with its figures as a zip.
EMSCRIPTEN_KEEPALIVE const char* lens_report(int zip) {
  AppState& s = *g_state;
  if (!report_ready(s) && s.model() && report_is_mnist_model(s.model()->bundle))
    return reply(nlohmann::json{{"pending", s.analysis() ? s.analysis()->progress() : 0.f}}.dump());
  const auto page = app_report(s);
  if (!page) return reply(nlohmann::json{{"error", "report: " + page.error}}.dump());
  g_figure = zip ? report_zip(*page) : Bytes(page->md.begin(), page->md.end());
  return reply(nlohmann::json{{"size", g_figure.size()}}.dump());
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* lens_export_data() { return g_figure.data(); }

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
