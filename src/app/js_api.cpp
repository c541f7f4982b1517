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
#include "core/formats/idx.h"
#include "core/numerics/infer.h"
#include "interpret/actmax.h"
#include "interpret/concepts.h"
#include "interpret/prose.h"
#include "core/formats/json.h"
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
  // Ready once the current model's analysis has what it measures from: its sidecar, or the test
  // digits (a model without a sidecar); a failed download does not hold it back.
  if (state.ready_announced || !state.model() || app_analysis_waiting(state)) return;
  state.ready_announced = true;
  EM_ASM({ if (Module['onLensReady']) Module['onLensReady'](); });
}

static const char* reply(std::string s) {
  g_reply = std::move(s);
  return g_reply.c_str();
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
  for (const LoadedModel& m : g_state->models) {
    const InputNorm& norm = m.bundle.net.norm;
    out.push_back({{"id", m.bundle.info.id}, {"name", m.bundle.info.name}, {"layers", m.bundle.net.sizes()},
                   {"accuracy", m.bundle.info.test_accuracy >= 0 ? nlohmann::json(m.bundle.info.test_accuracy) : nlohmann::json(nullptr)},
                   {"normalize", norm.identity() ? nlohmann::json(nullptr) : nlohmann::json{norm.mean, norm.std}},
                   {"loaded", !m.pending}});
  }
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

// A picked model's bundle, fetched by the page (web/shell.js): put in place and selected.
EMSCRIPTEN_KEEPALIVE const char* lens_model_arrived(int index, const std::uint8_t* bytes, int n) {
  const auto r = model_library_arrived(*g_state, index, Bytes(bytes, bytes + std::max(0, n)), emscripten_get_now());
  return reply(r ? "" : r.error);
}

// 1 while the page still waits for this model's bundle.
EMSCRIPTEN_KEEPALIVE int lens_model_wanted_is(const char* id) {
  const AppState& s = *g_state;
  return s.model_wanted >= 0 && s.models[std::size_t(s.model_wanted)].bundle.info.id == (id ? id : "") ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void lens_model_failed(int index, const char* why) {
  AppState& s = *g_state;
  if (index < 0 || index >= int(s.models.size())) return;
  if (s.model_wanted == index) s.model_wanted = -1;
  s.notice = s.models[std::size_t(index)].bundle.info.id + " could not be loaded (" + (why ? why : "") + ").";
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

// What a link carries beyond model, tab and neuron: theme, text size, embed mode, the explained
// class, the switched-off neurons and the shown test digit.
static nlohmann::json view_json(const AppState& s) {
  nlohmann::json off = nlohmann::json::array();
  for (const auto& [l, u] : app_neurons_off(s)) off.push_back({l, u});
  return {{"theme", s.contrast ? "contrast" : s.dark ? "dark" : "light"}, {"scale", s.ui_scale}, {"embed", s.embed},
          {"explainClass", s.explain_class >= 0 ? nlohmann::json(s.explain_class) : nlohmann::json(nullptr)},
          {"off", off}, {"testDigit", s.source == InputSource::TestImage ? nlohmann::json(s.test_index) : nlohmann::json(nullptr)}};
}

// Everything state() returns but its numeric arrays, which lens_state_arrays hands over as
// floats (JSON for 900 numbers cost more than the forward pass behind them).
EMSCRIPTEN_KEEPALIVE const char* lens_state_json() {
  AppState& s = *g_state;
  app_refresh_live(s);
  const LiveInput& L = s.live;
  nlohmann::json dead = nlohmann::json::array();
  ModelAnalysis* a = s.analysis();
  for (int l = 0; l < s.hidden_layers(); ++l)
    dead.push_back(a && a->has_stats ? nlohmann::json(a->stats.layers[std::size_t(l)].dead) : nlohmann::json::array());
  nlohmann::json out = {{"model", s.model()->bundle.info.id}, {"predicted", L.predicted}, {"dead", dead}, {"tab", tab_name(s.tab)},
                        {"selected", {{"layer", s.sel_layer}, {"neuron", s.sel_unit}}},
                        {"analysis", a ? a->progress() : 0.f}, {"statsReady", a && a->has_stats}, {"analysisDone", a && a->done()}, {"help", s.show_help}};
  // Where the statistics came from ("sidecar", "measured", or null before there are any) and
  // the test digits' state ("absent", "loading", "loaded", "failed").
  out["statsSource"] = a && a->has_stats ? nlohmann::json(a->stats_from_file ? "sidecar" : "measured") : nlohmann::json(nullptr);
  out["testDigits"] = s.test.size() ? "loaded" : !s.test_error.empty() ? "failed" : s.test_pending || s.test_wanted ? "loading" : "absent";
  out["view"] = view_json(s);
  return reply(out.dump());
}

// The live input's numbers for state(): a table of int32 [count, then (float pointer, length)
// per array]: the input, the probabilities, then each hidden layer's activations. The pointers
// stay valid until the next call into the page.
EMSCRIPTEN_KEEPALIVE const std::int32_t* lens_state_arrays() {
  static std::vector<std::int32_t> table;
  AppState& s = *g_state;
  app_refresh_live(s);
  const LiveInput& L = s.live;
  table.assign(1, 0);
  auto add = [](const float* p, Eigen::Index n) {
    table.push_back(std::int32_t(reinterpret_cast<std::uintptr_t>(p)));
    table.push_back(std::int32_t(n));
    ++table[0];
  };
  add(L.x.data(), L.x.size());
  add(L.probs.data(), L.probs.size());
  for (int l = 0; l + 1 < int(L.trace.layers.size()); ++l) add(L.trace.layers[std::size_t(l)].a.data(), L.trace.layers[std::size_t(l)].a.rows());
  return table.data();
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

// Every concept with its score, strongest first; `named` for those the summary names.
static nlohmann::json concepts_json(const NeuronFacts& f) {
  nlohmann::json out = nlohmann::json::array();
  for (const ConceptFact& c : f.concepts) {
    const bool named = std::any_of(f.shapes.begin(), f.shapes.end(), [&](const ConceptFact& n) { return n.concept == c.concept; });
    out.push_back({{"name", concept_info(c.concept).id}, {"label", concept_info(c.concept).label},
                   {"score", std::isfinite(c.score) ? nlohmann::json(c.score) : nlohmann::json(nullptr)}, {"named", named}});
  }
  return out;
}

// {summary, facts, score, concepts, shapes, shapeScore, story} of a hidden neuron: the summary is
// the sentence lens-report prints for it.
EMSCRIPTEN_KEEPALIVE const char* lens_explain_json(int layer, int neuron) {
  AppState& s = *g_state;
  if (auto r = check_image_model(*s.model()); !r) return reply(nlohmann::json{{"error", "explain: " + r.error}}.dump());
  if (auto r = check_hidden_neuron(*s.model(), layer, neuron); !r) return reply(nlohmann::json{{"error", "explain: " + r.error}}.dump());
  const ModelAnalysis* a = s.analysis();
  const NeuronFacts* f = a ? a->neuron(layer, neuron) : nullptr;
  if (!f) return reply(nlohmann::json{{"pending", a ? a->progress() : 0.f}}.dump());
  const Paragraph story = neuron_ladder_story(*f, a->network.layers[std::size_t(layer)].ladder);
  return reply(nlohmann::json{{"summary", render_plain(neuron_summary(*f))}, {"facts", facts_json(*f)},
                              {"score", f->score_defined ? nlohmann::json(f->score) : nlohmann::json(nullptr)},
                              {"concepts", concepts_json(*f)}, {"shapes", render_plain(neuron_shapes(*f))},
                              {"shapeScore", f->shape_score_defined ? nlohmann::json(f->shape_score) : nlohmann::json(nullptr)},
                              {"story", story.empty() ? nlohmann::json(nullptr) : nlohmann::json(render_plain(story))}}.dump());
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

// lens.actmax with options: `count` images (1..16) of a neuron into out (784 x count), raw
// (prior 0: pixel-space ascent, pushed apart by diversity when count > 1) or through the digit
// prior (prior 1; needs it loaded: lens_prior_state). Replies "" or the error; changes nothing.
EMSCRIPTEN_KEEPALIVE const char* lens_actmax_options(int layer, int neuron, int prior, int count, float* out) {
  AppState& s = *g_state;
  if (auto r = check_image_model(*s.model()); !r) return refuse("actmax", r);
  const auto n = check_neuron(*s.model(), layer, neuron);
  if (!n) return refuse("actmax", n);
  if (count < 1 || count > kActmaxMaxCount) return reply("actmax: count must be an integer from 1 to " + std::to_string(kActmaxMaxCount));
  Eigen::MatrixXf images;
  if (prior) {
    auto r = app_prior_actmax(s, n->layer, n->unit, count);
    if (!r) return reply("actmax: " + r.error);
    images = std::move(*r);
  } else if (count == 1) {
    images = analysis_actmax_single(*s.analysis(), layer, neuron);
  } else {
    images = app_raw_actmax_diverse(s, n->layer, n->unit, count);
  }
  std::copy(images.data(), images.data() + images.size(), out);
  return reply("");
}

// The digit prior: 0 not loaded (the page fetches it when asked: lens_prior_want), 1 loaded,
// 2 could not be loaded (lens_prior_error says why).
EMSCRIPTEN_KEEPALIVE int lens_prior_state() {
  const PriorState& p = g_state->prior;
  return p.decoder ? 1 : p.error.empty() ? 0 : 2;
}
EMSCRIPTEN_KEEPALIVE const char* lens_prior_error() { return reply(g_state->prior.error); }
// The decoder bundle's bytes, fetched by the page (web/shell.js lensFetchPrior).
EMSCRIPTEN_KEEPALIVE const char* lens_prior_arrived(const std::uint8_t* bytes, int n) {
  const auto r = app_prior_arrived(*g_state, Bytes(bytes, bytes + std::max(0, n)));
  return reply(r ? "" : r.error);
}
EMSCRIPTEN_KEEPALIVE void lens_prior_failed(const char* why) { app_prior_failed(*g_state, why ? why : ""); }

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

EMSCRIPTEN_KEEPALIVE const char* lens_set_neuron_off(int layer, int neuron, int off) {
  if (!g_state->model()) return reply("setNeuronOff: no model is loaded");
  const auto r = check_hidden_neuron(*g_state->model(), layer, neuron);
  if (!r) return reply("setNeuronOff: " + r.error);
  app_set_neuron_off(*g_state, r->layer, r->unit, off != 0);
  return reply("");
}

// -1 explains the predicted class.
EMSCRIPTEN_KEEPALIVE const char* lens_set_explain_class(int k) {
  if (!g_state->model()) return reply("setExplainClass: no model is loaded");
  const int outputs = g_state->model()->bundle.net.outputs();
  if (k < -1 || k >= outputs)
    return reply("setExplainClass: class " + std::to_string(k) + " does not exist (0 to " + std::to_string(outputs - 1) + ", or null for the predicted one)");
  g_state->explain_class = k;
  g_state->live_dirty = true;
  return reply("");
}

// 1 when the wheel at (x, y) (CSS pixels) scrolls a window of the page, 0 when it may go to the host page.
EMSCRIPTEN_KEEPALIVE int lens_scrollable_at(float x, float y) {
  for (const AppState::Rect& r : g_state->scroll_rects)
    if (x >= r.x && y >= r.y && x <= r.x + r.w && y <= r.y + r.h) return 1;
  return 0;
}

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
  const auto im = idx_parse(Bytes(images, images + n_images));
  const auto lb = idx_parse(Bytes(labels, labels + n_labels));
  if (!im || !lb) {
    app_test_set_failed(s, "test images: " + (im ? lb.error : im.error));
    return reply(s.test_error);
  }
  auto d = mnist_from_idx(*im, *lb);
  if (!d) {
    app_test_set_failed(s, "test images: " + d.error);
    return reply(s.test_error);
  }
  app_set_test_set(s, std::move(*d), emscripten_get_now());
  return reply("");
}

EMSCRIPTEN_KEEPALIVE void lens_test_set_failed(const char* why) { app_test_set_failed(*g_state, why ? why : ""); }

// A shipped model's statistics sidecar (the .stats file's bytes), or why it could not be
// fetched: the analysis starts from it, or measures on the test digits (the notice says why).
// Returns the reason a sidecar was refused, "" when it was used.
EMSCRIPTEN_KEEPALIVE const char* lens_stats_arrived(int index, const std::uint8_t* bytes, int n) {
  return reply(app_stats_arrived(*g_state, index, Bytes(bytes, bytes + std::max(0, n)), emscripten_get_now()));
}
EMSCRIPTEN_KEEPALIVE void lens_stats_failed(int index, const char* why) {
  app_stats_failed(*g_state, index, why && *why ? why : "unknown error", emscripten_get_now());
}

// Where the button with this label was drawn in the last frame (CSS pixels), or null: for
// browser tests that click like a person.
EMSCRIPTEN_KEEPALIVE const char* lens_button_rect_json(const char* label) {
  for (const auto& [name, r] : g_state->button_rects)
    if (label && name == label) return reply(nlohmann::json{{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}.dump());
  return reply("null");
}

// The explanation paragraphs the last frame drew, as plain text: for browser tests that check
// what a person reads.
EMSCRIPTEN_KEEPALIVE const char* lens_shown_text_json() { return reply(nlohmann::json(g_state->shown_text).dump()); }

// --- training (lens.train, lens.trainingState, lens.stopTraining) ---

// A recipe as JSON text (through the heap: any length is safe). Returns "" or the error.
EMSCRIPTEN_KEEPALIVE const char* lens_train(const char* text, int n) {
  AppState& s = *g_state;
  const std::string_view body(text, std::size_t(std::max(0, n)));
  const auto recipe = json_parse(body);
  if (!recipe) return reply("recipe: " + recipe.error);
  auto request = train_request_from_recipe(*recipe);
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

// A .lens bundle or an ONNX model dropped on the page (or passed to lens.loadBundle): validated,
// added to the models and selected. options_json: lens.loadBundle's options for ONNX models
// (check_import_options). Returns "" and the new id via lens_model_id, or the error.
EMSCRIPTEN_KEEPALIVE const char* lens_add_bundle(const std::uint8_t* bytes, int n, const char* options_json) {
  AppState& s = *g_state;
  const auto options = check_import_options(options_json ? options_json : "");
  if (!options) return reply(options.error);
  const auto i = model_library_add(s, Bytes(bytes, bytes + std::max(0, n)), "(dropped)", *options);
  if (!i) return reply(i.error);
  app_select_model(s, *i, emscripten_get_now());
  app_refresh_live(s);
  return reply("");
}

// The current model's recorded test accuracy against the one measured on the 10k test images:
// null until the analysis has measured it (and for models without test images).
EMSCRIPTEN_KEEPALIVE const char* lens_accuracy_check_json() {
  ModelAnalysis* a = g_state->analysis();
  if (!a || !a->has_facts) return reply("null");
  const NetworkFacts& f = a->network;
  const std::string text = render_plain(accuracy_check(f));
  return reply(nlohmann::json{{"recorded", f.recorded_known ? nlohmann::json(f.recorded_accuracy) : nlohmann::json(nullptr)},
                              {"measured", f.accuracy}, {"differs", f.recorded_differs},
                              {"message", text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text)}}.dump());
}

// --- inference for embedders (lens.predict, lens.predictBatch) ---

// The current model's input and output counts (lens-api.js sizes its buffers by them).
EMSCRIPTEN_KEEPALIVE int lens_model_inputs() { return g_state->model() ? g_state->model()->bundle.net.inputs() : 0; }
EMSCRIPTEN_KEEPALIVE int lens_model_outputs() { return g_state->model() ? g_state->model()->bundle.net.outputs() : 0; }

// Probabilities of the current model for `count` input values at x, sample after sample: floats
// in [0, 1], or bytes 0..255 (scaled by 1/255) when `bytes` is set. first < 0: exactly one
// sample; else whole samples, numbered from `first` in messages (lens-api.js sends a long batch
// in chunks). Writes count / inputs * outputs floats to out. Returns null, or what is wrong;
// nothing in the page changes either way (no redraw, no state).
EMSCRIPTEN_KEEPALIVE const char* lens_predict(const void* x, int count, int bytes, int first, float* out) {
  static InferScratch scratch;
  const LoadedModel& m = *g_state->model();
  const auto n = check_samples(m, bytes ? nullptr : static_cast<const float*>(x), count, first);
  if (!n) return reply(n.error);
  if (bytes) infer_batch_u8(m.bundle.net, static_cast<const std::uint8_t*>(x), *n, out, scratch);
  else infer_batch(m.bundle.net, static_cast<const float*>(x), *n, out, scratch);
  return nullptr;
}

// --- yardsticks for tools/bench/peers.sh (not part of the documented API) ---

// The bare dense product y = W x of the current model's first layer, `reps` times over
// `count` inputs at x (cycled); returns the milliseconds it took inside wasm.
EMSCRIPTEN_KEEPALIVE double lens_bench_matvec(int reps, const float* x, int count, float* y) {
  const Dense& d = g_state->model()->bundle.net.layers[0];
  const int n = std::max(1, count / d.inputs());
  const double t0 = emscripten_get_now();
  for (int r = 0; r < reps; ++r) infer_matvec_dense(d.W, x + std::size_t(r % n) * std::size_t(d.inputs()), y);
  return emscripten_get_now() - t0;
}

// Maximizes every unit of a layer of the current model for `steps` steps with the page's settings
// for that layer (ActmaxConfig defaults for hidden units), from scratch, into out (inputs x units,
// unit after unit). Returns null or what is wrong.
EMSCRIPTEN_KEEPALIVE const char* lens_bench_actmax(int layer, int steps, float* out) {
  const LoadedModel& m = *g_state->model();
  if (auto r = check_neuron(m, layer, 0); !r) return reply(r.error);
  if (steps < 1 || steps > 100000) return reply("steps must be from 1 to 100000");
  const bool output = layer + 1 == int(m.bundle.net.layers.size());
  ActmaxConfig config = output ? actmax_output_defaults() : ActmaxConfig{};
  config.steps = steps;
  std::vector<int> units(std::size_t(m.bundle.net.layers[std::size_t(layer)].outputs()));
  for (std::size_t u = 0; u < units.size(); ++u) units[u] = int(u);
  ActmaxSolver solver(m.bundle.net, layer, units, config);
  while (!solver.step(steps)) {}
  std::copy(solver.images().data(), solver.images().data() + solver.images().size(), out);
  return nullptr;
}
// Computes the digit-prior images of every unit of a layer of the current model from scratch
// (what the page does when the layer is first shown) into out (inputs x units); returns null or
// what is wrong. Needs the digit prior loaded.
EMSCRIPTEN_KEEPALIVE const char* lens_bench_prior_layer(int layer, float* out) {
  AppState& s = *g_state;
  const LoadedModel& m = *s.model();
  if (auto r = check_neuron(m, layer, 0); !r) return reply(r.error);
  if (!s.prior.decoder) return reply("the digit prior is not loaded");
  PriorGallery g(m.bundle.net, *s.prior.decoder);
  g.want(layer);
  while (!g.step(16)) {}
  std::copy(g.images(layer).data(), g.images(layer).data() + g.images(layer).size(), out);
  return nullptr;
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
  if (!report_ready(s) && s.model() && report_is_mnist_model(s.model()->bundle) && s.test_error.empty())
    return reply(nlohmann::json{{"pending", s.analysis() ? s.analysis()->progress() : 0.f}}.dump());
  const auto page = app_report(s);
  if (!page) return reply(nlohmann::json{{"error", "report: " + page.error}}.dump());
  g_figure = zip ? report_zip(*page) : Bytes(page->md.begin(), page->md.end());
  return reply(nlohmann::json{{"size", g_figure.size()}}.dump());
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* lens_export_data() { return g_figure.data(); }

// Figures for the browser benchmark.
// The digit prior for lens.perf(): whether it is loaded and which layers of the current model
// have their digit-prior images (computed only once shown).
static nlohmann::json prior_json(const AppState& s) {
  nlohmann::json done = nlohmann::json::array();
  const PriorGallery* g = s.current >= 0 && s.prior.galleries.size() > std::size_t(s.current) ? s.prior.galleries[std::size_t(s.current)].get() : nullptr;
  for (int l = 0; g && l < g->layers(); ++l) done.push_back(g->done(l));
  return {{"loaded", bool(s.prior.decoder)}, {"error", s.prior.error}, {"layersDone", done}};
}

EMSCRIPTEN_KEEPALIVE const char* lens_perf_json() {
  AppState& s = *g_state;
  ModelAnalysis* a = s.analysis();
  return reply(nlohmann::json{{"frameMs", s.frame_ms}, {"workMs", s.work_ms}, {"renderMs", s.render_ms}, {"strokeMs", s.live.compute_ms},
                              {"analysisDone", a && a->done()}, {"analysisCpuS", a ? a->seconds_spent : 0.0},
                              {"analysisWallMs", a && a->done() ? a->finished_at - a->started_at : -1.0},
                              {"conceptsMs", a && a->has_concepts ? a->concepts_ms : -1.0},
                              {"statsActmaxWallMs", a && a->stats_actmax_ms > 0 ? a->stats_actmax_ms - a->started_at : -1.0},
                              {"redrawn", s.redrawn}, {"dirty", s.dirty}, {"regions", s.regions}, {"frame", s.frame}, {"prior", prior_json(s)}}.dump());
}

// For tests: the next frame draws the whole screen, not only what changed.
EMSCRIPTEN_KEEPALIVE void lens_redraw_all() { g_state->redraw_all = true; }

}  // extern "C"
