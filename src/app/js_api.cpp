// The C side of window.lens: the Emscripten boundary. web/lens-api.js checks JS types and wraps
// these exports; the values are checked (app/core/api_args.h) and acted on by the app core. Only
// numbers, strings, pointers and JSON cross over.
//
// One way to answer. An export that cannot fail returns its value as a plain number (a size, a
// pointer) or nothing. Every other export returns a reply, JSON text valid until the next call:
//   {"ok": value}       done; value is the result (null when there is none)
//   {"error": "..."}    refused or failed, saying why; nothing changed
//   {"pending": p}      not yet (the analysis, the digit prior or a bundle is on its way): ask
//                       again; p is the progress from 0 to 1
// A null pointer is the reply {"ok": null} (the hot paths, lens.predict, skip the JSON). Messages
// do not name the JS call: lens-api.js decodes every reply in one function, `answer`, and
// prefixes "lens.<call>: ".
#include "app/js_api.h"

#include <emscripten.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/core/a11y.h"
#include "app/core/api_args.h"
#include "app/core/app_training.h"
#include "app/core/assets.h"
#include "app/core/link.h"
#include "app/core/model_library.h"
#include "app/export_shell.h"
#include "core/formats/json.h"
#include "core/numerics/infer.h"
#include "interpret/actmax.h"
#include "interpret/concepts.h"
#include "interpret/prose.h"
#include "interpret/units.h"
#include "report/report.h"

namespace lens {

// Exported C functions cannot take the state as an argument: this is the one place that keeps
// pointers to it, set once by main.
static AppState* g_state = nullptr;
static const ui::FrameRecord* g_seen = nullptr;
static std::string g_reply;  // the last reply handed to JS
static Bytes g_bytes;        // the last bytes handed to JS (a figure, the report, a bundle): lens_bytes

static bool g_crash_next_frame = false;  // lens_test_crash(2)
void js_api_frame_hook() {
  if (g_crash_next_frame) std::abort();
}

void js_api_bind(AppState& state, const ui::FrameRecord& seen) {
  g_state = &state;
  g_seen = &seen;
}

void js_api_announce_ready(AppState& state) {
  // Ready once the current model's analysis has what it measures from: its sidecar, or the test
  // digits (a model without a sidecar); a failed download does not hold it back.
  if (state.ready_announced || !state.model() || app_analysis_waiting(state)) return;
  state.ready_announced = true;
  EM_ASM({ if (Module['onLensReady']) Module['onLensReady'](); });
}

static const char* reply(const nlohmann::json& j) {
  g_reply = j.dump();
  return g_reply.c_str();
}
static const char* ok() { return nullptr; }
static const char* ok(const nlohmann::json& value) { return reply({{"ok", value}}); }
static const char* fail(const std::string& message) { return reply({{"error", message}}); }
static const char* pending(double progress) { return reply({{"pending", progress}}); }
// Bytes for JS to copy from lens_bytes(): the reply is their size.
static const char* ok_bytes(Bytes bytes) {
  g_bytes = std::move(bytes);
  return ok(g_bytes.size());
}

static nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
static nlohmann::json rect_json(const AppState::Rect& r) { return {{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}; }
static std::string text_of(const std::uint8_t* p, int n) { return std::string(reinterpret_cast<const char*>(p), std::size_t(std::max(0, n))); }

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

// --- what state() and explain() return ---

// What a link carries beyond model, tab and neuron: theme, text size, embed mode, the explained
// class, the switched-off neurons and the shown test digit.
static nlohmann::json view_json(const AppState& s) {
  nlohmann::json off = nlohmann::json::array();
  for (const auto& [l, u] : app_neurons_off(s)) off.push_back({l, u});
  return {{"theme", s.contrast ? "contrast" : s.dark ? "dark" : "light"}, {"scale", s.ui_scale}, {"embed", s.embed},
          {"explainClass", s.explain_class >= 0 ? nlohmann::json(s.explain_class) : nlohmann::json(nullptr)},
          {"off", off}, {"testDigit", s.source == InputSource::TestImage ? nlohmann::json(s.test_index) : nlohmann::json(nullptr)}};
}

// The live input's numbers as a table of int32 [count, then (float pointer, length) per array]:
// the input, the probabilities, then each hidden layer's activations. JSON for 900 numbers cost
// more than the forward pass behind them. The pointers stay valid until the next call.
static std::int32_t state_arrays(const LiveInput& L, const Mlp& net) {
  static std::vector<std::int32_t> table;
  table.assign(1, 0);
  auto add = [](const float* p, Eigen::Index n) {
    table.push_back(std::int32_t(reinterpret_cast<std::uintptr_t>(p)));
    table.push_back(std::int32_t(n));
    ++table[0];
  };
  add(L.x.data(), L.x.size());
  add(L.probs.data(), L.probs.size());
  // a convolutional layer's: its C x H x W maps before pooling (units.h), channel after channel
  for (int l = 0; l + 1 < int(L.trace.layers.size()) && l + 1 < int(net.layers.size()); ++l) {
    const Eigen::MatrixXf& maps = layer_maps(net.layers[std::size_t(l)], L.trace.layers[std::size_t(l)]);
    add(maps.data(), maps.rows());
  }
  return std::int32_t(reinterpret_cast<std::uintptr_t>(table.data()));
}

static const char* state_test_digits(const AppState& s) {
  return s.test.size() ? "loaded" : !s.test_error.empty() ? "failed" : app_test_set_loading(s) ? "loading" : "absent";
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

// Every shape family, most exciting drawn alone first: its mean activation drawn alone, its
// rank, whether it excites more than most, its explanation score; `named` for those the summary names.
static nlohmann::json concepts_json(const NeuronFacts& f) {
  nlohmann::json out = nlohmann::json::array();
  auto number = [](float v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  for (const ConceptFact& c : f.concepts) {
    const bool named = std::any_of(f.shapes.begin(), f.shapes.end(), [&](const ConceptFact& n) { return n.concept == c.concept; });
    out.push_back({{"name", concept_info(c.concept).id}, {"label", concept_info(c.concept).label},
                   {"drawn", number(c.drawn)}, {"above", number(c.above)}, {"rank", c.rank}, {"excites", c.excites},
                   {"score", f.concepts_scored ? number(c.score) : nlohmann::json(nullptr)}, {"named", named}});
  }
  return out;
}

// The digit prior for lens.perf(): whether it is loaded and which layers of the current model
// have their digit-prior images (computed only once shown).
static nlohmann::json prior_json(const AppState& s) {
  nlohmann::json done = nlohmann::json::array();
  const PriorGallery* g = s.current >= 0 && s.prior.galleries.size() > std::size_t(s.current) ? s.prior.galleries[std::size_t(s.current)].get() : nullptr;
  for (int l = 0; g && l < g->layers(); ++l) done.push_back(g->done(l));
  return {{"loaded", bool(s.prior.decoder)}, {"error", s.prior.error}, {"layersDone", done}};
}

}  // namespace lens

using namespace lens;

extern "C" {

// Resumes the main loop after it went idle (main.cpp): lens-api.js calls this on any input.
EMSCRIPTEN_KEEPALIVE void lens_wake() { emscripten_resume_main_loop(); }

// The bytes of the last reply that said {"ok": size} (a figure, the report, a bundle).
EMSCRIPTEN_KEEPALIVE const std::uint8_t* lens_bytes() { return g_bytes.data(); }

// --- models ---

static nlohmann::json norm_json(const InputNorm& norm) { return norm.identity() ? nlohmann::json(nullptr) : nlohmann::json{norm.mean, norm.std}; }

// The measurement that found a model's normalization: every candidate's score and the best.
static nlohmann::json norm_search_json(const ModelNorm& n) {
  if (!n.search) return nullptr;
  nlohmann::json candidates = nlohmann::json::array();
  for (int i = 0; i < int(n.search->scores.size()); ++i) {
    const NormCandidate& c = n.search->scores[std::size_t(i)].candidate;
    candidates.push_back({{"id", c.id}, {"normalize", norm_json(c.norm)}, {"accuracy", n.search->accuracy(i)}});
  }
  return {{"digits", n.search->digits}, {"best", n.search->scores[std::size_t(n.search->best)].candidate.id},
          {"candidates", candidates}, {"sentence", norm_search_sentence(*n.search)}};
}

EMSCRIPTEN_KEEPALIVE const char* lens_models() {
  nlohmann::json out = nlohmann::json::array();
  const AppState& s = *g_state;
  for (std::size_t i = 0; i < s.models.size(); ++i) {
    const LoadedModel& m = s.models[i];
    if (m.removed) continue;
    const std::string sentence = app_norm_sentence(s, int(i));
    nlohmann::json shapes = nlohmann::json::array(), units = nlohmann::json::array();
    for (const Layer& d : m.bundle.net.layers) {
      const Shape3 maps = d.conv_shape();
      shapes.push_back(d.is_conv() ? nlohmann::json{maps.c, maps.h, maps.w} : nlohmann::json{d.outputs()});
      units.push_back(layer_units(d));
    }
    out.push_back({{"id", m.bundle.info.id}, {"name", m.bundle.info.name}, {"layers", m.bundle.net.sizes()},
                   {"shapes", shapes}, {"units", units},
                   {"accuracy", m.bundle.info.test_accuracy >= 0 ? nlohmann::json(m.bundle.info.test_accuracy) : nlohmann::json(nullptr)},
                   {"normalize", norm_json(m.bundle.net.norm)}, {"normalizeSource", norm_origin_name(m.norm.origin)},
                   {"normalizeSentence", sentence.empty() ? nlohmann::json(nullptr) : nlohmann::json(sentence)},
                   {"normalizeMeasured", norm_search_json(m.norm)}, {"loaded", !m.pending}, {"shipped", m.shipped}});
  }
  return ok(out);
}

// Another input normalization for the current model (app_set_normalization): everything computed
// from it is computed again. Replies whether the map changed.
EMSCRIPTEN_KEEPALIVE const char* lens_set_normalization(double mean, double std) {
  AppState& s = *g_state;
  const auto changed = app_set_normalization(s, s.current, mean, std, emscripten_get_now());
  if (!changed) return fail(changed.error);
  app_refresh_live(s);
  return ok(*changed);
}

// The limits lens-api.js checks in JavaScript before anything reaches wasm (docs/api.md, "Limits").
EMSCRIPTEN_KEEPALIVE const char* lens_limits() {
  return ok({{"nameChars", kApiMaxNameChars}, {"optionsChars", kApiMaxOptionsChars}, {"importNameChars", kImportMaxNameChars},
             {"noticeChars", kApiMaxNoticeChars}, {"bundleBytes", kPageMaxBundleBytes}, {"onnxBytes", kPageMaxOnnxBytes},
             {"modelsBytes", kPageModelsBudgetBytes}});
}

// The link of the view as the app holds it now (the address bar follows at the end of a frame:
// a link read right after a call would lag behind it).
EMSCRIPTEN_KEEPALIVE const char* lens_link() { return ok(link_format(*g_state)); }

EMSCRIPTEN_KEEPALIVE const char* lens_model_id() {
  return ok(g_state->model() ? nlohmann::json(g_state->model()->bundle.info.id) : nlohmann::json(nullptr));
}

// Selects a model: {"ok": true} when it is on screen now, false when its bundle is fetched first
// (then lens_selecting says when it is in).
EMSCRIPTEN_KEEPALIVE const char* lens_select_model(const char* id) {
  const auto i = check_model_id(*g_state, id ? id : "");
  if (!i) return fail(i.error);
  app_select_model(*g_state, *i, emscripten_get_now());
  app_refresh_live(*g_state);
  return ok(g_state->current == *i);
}

// After lens_select_model of a model whose bundle is on its way: pending while it is, ok once
// it is the current model, an error if it could not be loaded or another model was picked since.
EMSCRIPTEN_KEEPALIVE const char* lens_selecting(const char* id_text) {
  const AppState& s = *g_state;
  const std::string id = id_text ? id_text : "";
  const int i = model_library_find(s, id);
  if (i < 0) return fail("unknown model id " + in_quotes(id));
  if (s.current == i) return ok(id);
  const LoadedModel& m = s.models[std::size_t(i)];
  if (!m.fetch_error.empty()) return fail(id + " could not be loaded (" + m.fetch_error + ")");
  if (s.model_wanted != i)
    return fail("another model (" + (s.model_wanted >= 0 ? s.models[std::size_t(s.model_wanted)].bundle.info.id : s.model()->bundle.info.id) +
                ") was picked before " + id + " was loaded");
  return pending(0);
}

// A model file on its way in (lens.loadBundle, a dropped file): lens-api.js asks for a buffer of
// its size, copies the bytes there (the one copy into wasm) and calls lens_add_bundle, which takes
// them over. Null when the size is beyond what the page reads (lens-api.js checks that first).
static Bytes g_upload;
EMSCRIPTEN_KEEPALIVE std::uint8_t* lens_upload(double size) {
  g_upload = Bytes();
  if (!(size >= 0 && size <= double(std::max(kPageMaxBundleBytes, kPageMaxOnnxBytes)))) return nullptr;
  g_upload.resize(std::size_t(size));
  return g_upload.data();
}

// The uploaded bytes, a .lens bundle or an ONNX model: validated, added to the models (or found
// among them, when the same bytes and options came before) and selected. options: lens.loadBundle's
// options for ONNX models as JSON text of n bytes (check_import_options). Replies the model's id.
EMSCRIPTEN_KEEPALIVE const char* lens_add_bundle(const std::uint8_t* options_text, int n) {
  AppState& s = *g_state;
  const Bytes bytes = std::move(g_upload);
  g_upload = Bytes();
  const auto options = check_import_options(text_of(options_text, n));
  if (!options) return fail(options.error);
  const auto i = model_library_add(s, bytes, "(dropped)", *options);
  if (!i) return fail(i.error);
  app_select_model(s, *i, emscripten_get_now());
  app_refresh_live(s);
  return ok(s.models[std::size_t(*i)].bundle.info.id);
}

// Removes a model loaded or trained in the page (model_library_remove); replies the id of the
// model shown afterwards, and whether it is on screen yet (a shipped model not fetched yet is
// fetched first: lens_selecting says when it is in).
EMSCRIPTEN_KEEPALIVE const char* lens_unload_model(const char* id) {
  AppState& s = *g_state;
  const auto i = check_model_id(s, id ? id : "");
  if (!i) return fail(i.error);
  const auto shown = model_library_remove(s, *i, emscripten_get_now());
  if (!shown) return fail(shown.error);
  app_refresh_live(s);
  const int on = s.model_wanted >= 0 ? s.model_wanted : s.current;
  return ok({{"model", s.models[std::size_t(on)].bundle.info.id}, {"shown", s.model_wanted < 0}});
}

// The current model as .lens bytes (for a download): the reply is their size (lens_bytes).
EMSCRIPTEN_KEEPALIVE const char* lens_model_bundle() { return ok_bytes(bundle_write(g_state->model()->bundle)); }

// The current model's input and output counts (lens-api.js sizes its buffers by them).
EMSCRIPTEN_KEEPALIVE int lens_model_inputs() { return g_state->model() ? g_state->model()->bundle.net.inputs() : 0; }
EMSCRIPTEN_KEEPALIVE int lens_model_outputs() { return g_state->model() ? g_state->model()->bundle.net.outputs() : 0; }

// The current model's recorded test accuracy against the one measured on the 10k test images:
// null until the analysis has measured it (and for models without test images).
EMSCRIPTEN_KEEPALIVE const char* lens_accuracy_check() {
  ModelAnalysis* a = g_state->analysis();
  if (!a || !a->has_facts) return ok(nullptr);
  const NetworkFacts& f = a->network;
  const std::string text = render_plain(accuracy_check(f));
  return ok({{"recorded", f.recorded_known ? nlohmann::json(f.recorded_accuracy) : nlohmann::json(nullptr)},
             {"measured", f.accuracy}, {"differs", f.recorded_differs},
             {"message", text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text)}});
}

// --- assets (app/core/assets.h): the page takes the wants and answers each ---

// The wants queued since the last call, [{kind, id}], now being fetched.
EMSCRIPTEN_KEEPALIVE const char* lens_assets_take() {
  nlohmann::json out = nlohmann::json::array();
  for (const AssetWant& w : asset_take(g_state->assets)) out.push_back({{"kind", asset_kind_name(w.kind)}, {"id", w.id}});
  return ok(out);
}

// A want's files, fetched: parts is an int32 table of (pointer, length) pairs, `count` of them,
// in the order assets.h lists. Replies why the asset was refused, if it was (the app goes on
// without it and its notice says so).
EMSCRIPTEN_KEEPALIVE const char* lens_asset_arrived(const char* kind, const char* id, const std::int32_t* parts, int count) {
  const auto k = asset_kind_from_name(kind ? kind : "");
  if (!k) return fail("unknown kind of asset " + in_quotes(kind ? kind : ""));
  std::vector<Bytes> files;
  for (int i = 0; i < count; ++i) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(std::uintptr_t(parts[2 * i]));
    files.emplace_back(p, p + std::max(0, parts[2 * i + 1]));
  }
  const auto r = app_asset_arrived(*g_state, *k, id ? id : "", std::move(files), emscripten_get_now());
  app_refresh_live(*g_state);
  return r ? ok() : fail(r.error);
}

// A want could not be fetched (why: the HTTP status or the browser's message).
EMSCRIPTEN_KEEPALIVE const char* lens_asset_failed(const char* kind, const char* id, const char* why) {
  const auto k = asset_kind_from_name(kind ? kind : "");
  if (!k) return fail("unknown kind of asset " + in_quotes(kind ? kind : ""));
  const auto r = app_asset_failed(*g_state, *k, id ? id : "", why ? why : "", emscripten_get_now());
  return r ? ok() : fail(r.error);
}

// --- the input ---

EMSCRIPTEN_KEEPALIVE const char* lens_set_input(const float* v, int n) {
  AppState& s = *g_state;
  const auto x = check_input(*s.model(), v, n);
  if (!x) return fail(x.error);
  app_set_input(s, *x, InputSource::Script);
  app_refresh_live(s);
  return ok();
}

EMSCRIPTEN_KEEPALIVE void lens_clear() {
  app_clear_input(*g_state);
  app_refresh_live(*g_state);
}

// xy: n points in [0,1] canvas coordinates, drawn with the current brush like a pointer stroke.
EMSCRIPTEN_KEEPALIVE const char* lens_draw_stroke(const float* xy, int n) {
  AppState& s = *g_state;
  const auto pixels = check_stroke(*s.model(), xy, n);
  if (!pixels) return fail(pixels.error);
  app_draw_stroke(s, *pixels);
  app_refresh_live(s);
  return ok();
}

// Probabilities of the current model for `count` input values at x, sample after sample: floats
// in [0, 1], or bytes 0..255 (scaled by 1/255) when `bytes` is set. first < 0: exactly one
// sample; else whole samples, numbered from `first` in messages (lens-api.js sends a long batch
// in chunks). Writes count / inputs * outputs floats to out. Nothing in the page changes either
// way (no redraw, no state).
EMSCRIPTEN_KEEPALIVE const char* lens_predict(const void* x, int count, int bytes, int first, float* out) {
  static InferScratch scratch;
  const LoadedModel& m = *g_state->model();
  const auto n = check_samples(m, bytes ? nullptr : static_cast<const float*>(x), count, first);
  if (!n) return fail(n.error);
  if (bytes) infer_batch_u8(m.bundle.net, static_cast<const std::uint8_t*>(x), *n, out, scratch);
  else infer_batch(m.bundle.net, static_cast<const float*>(x), *n, out, scratch);
  return ok();
}

// --- what the page shows ---

// Everything state() returns; "arrays" points at the table of its numbers (state_arrays).
EMSCRIPTEN_KEEPALIVE const char* lens_state() {
  AppState& s = *g_state;
  app_refresh_live(s);
  nlohmann::json dead = nlohmann::json::array();
  ModelAnalysis* a = s.analysis();
  for (int l = 0; l < s.hidden_layers(); ++l)
    dead.push_back(a && a->has_stats ? nlohmann::json(a->stats.layers[std::size_t(l)].dead) : nlohmann::json::array());
  nlohmann::json out = {{"model", s.model()->bundle.info.id}, {"predicted", s.live.predicted}, {"dead", dead}, {"tab", tab_name(s.tab)},
                        {"selected", {{"layer", s.sel_layer}, {"neuron", s.sel_unit}}},
                        {"analysis", a ? a->progress() : 0.f}, {"statsReady", a && a->has_stats}, {"analysisDone", a && a->done()}, {"help", s.show_help}};
  out["notice"] = s.notice.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json{{"text", s.notice.text}, {"kind", notice_kind_name(s.notice.kind)}};
  // Where the statistics came from ("sidecar", "measured", or null before there are any) and
  // the test digits' state ("absent", "loading", "loaded", "failed").
  out["statsSource"] = a && a->has_stats ? nlohmann::json(a->stats_from_file ? "sidecar" : "measured") : nlohmann::json(nullptr);
  out["testDigits"] = state_test_digits(s);
  out["view"] = view_json(s);
  out["keyboard"] = {{"shortcuts", s.shortcuts},
                     {"pen", {{"shown", s.pen.shown}, {"down", s.pen.down}, {"x", s.pen.x / kCanvasSide}, {"y", s.pen.y / kCanvasSide}}}};
  // The answer with the switched-off neurons held at 0 (what the page shows beside the whole network's).
  const LiveInput& L = s.live;
  out["ablated"] = L.ablated ? nlohmann::json{{"predicted", L.ablated_predicted},
                                               {"probs", std::vector<float>(L.ablated_probs.data(), L.ablated_probs.data() + L.ablated_probs.size())}}
                             : nlohmann::json(nullptr);
  out["arrays"] = state_arrays(s.live, s.model()->bundle.net);
  return ok(out);
}

EMSCRIPTEN_KEEPALIVE const char* lens_select(int layer, int neuron) {
  AppState& s = *g_state;
  const auto n = check_hidden_neuron(*s.model(), layer, neuron);
  if (!n) return fail(n.error);
  s.sel_layer = n->layer;
  s.sel_unit = n->unit;
  return ok();
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_tab(const char* name) {
  const auto t = check_tab(name ? name : "");
  if (!t) return fail(t.error);
  g_state->tab = *t;
  return ok();
}

// Single-character shortcuts on or off (WCAG 2.1.4); the help has the same switch.
EMSCRIPTEN_KEEPALIVE const char* lens_set_shortcuts(int on) {
  g_state->shortcuts = on != 0;
  return ok();
}

EMSCRIPTEN_KEEPALIVE const char* lens_set_neuron_off(int layer, int neuron, int off) {
  const auto r = check_hidden_neuron(*g_state->model(), layer, neuron);
  if (!r) return fail(r.error);
  app_set_neuron_off(*g_state, r->layer, r->unit, off != 0);
  return ok();
}

// -1 explains the predicted class.
EMSCRIPTEN_KEEPALIVE const char* lens_set_explain_class(int k) {
  const int outputs = g_state->model()->bundle.net.outputs();
  if (k < -1 || k >= outputs)
    return fail("class " + std::to_string(k) + " does not exist (0 to " + std::to_string(outputs - 1) + ", or null for the predicted one)");
  g_state->explain_class = k;
  g_state->live_dirty = true;
  return ok();
}

EMSCRIPTEN_KEEPALIVE const char* lens_canvas_rect() { return ok(rect_json(g_state->input_rect)); }

// The first-visit help overlay (lens-api.js remembers the visit in localStorage).
EMSCRIPTEN_KEEPALIVE void lens_show_help() { g_state->show_help = !g_state->embed; }

// A notice from the page (why a dropped file was refused, a copied link): n bytes of UTF-8, cut at
// kApiMaxNoticeChars; kind 0 info, 1 success, 2 error (NoticeKind; anything else is an error).
EMSCRIPTEN_KEEPALIVE void lens_notice(const std::uint8_t* text, int n, int kind) {
  std::size_t len = std::min(std::size_t(std::max(0, n)), 4 * kApiMaxNoticeChars);
  while (len > 0 && len < std::size_t(n) && (text[len] & 0xC0) == 0x80) --len;  // no character cut in half
  const NoticeKind k = kind == int(NoticeKind::Info) || kind == int(NoticeKind::Success) ? NoticeKind(kind) : NoticeKind::Error;
  notice_show(g_state->notice, k, text_of(text, int(len)));
}

// 1 when the wheel at (x, y) (CSS pixels) scrolls a window of the page, 0 when it may go to the host page.
EMSCRIPTEN_KEEPALIVE int lens_scrollable_at(float x, float y) {
  for (const AppState::Rect& r : g_state->scroll_rects)
    if (x >= r.x && y >= r.y && x <= r.x + r.w && y <= r.y + r.h) return 1;
  return 0;
}

// Opens a deep link (the URL hash; app/core/link.h). The text arrives as bytes in the heap, so
// any length is safe (ccall copies string arguments onto the small wasm stack); an over-long or
// bad link changes nothing but the notice, which says why.
// Replies {applied: bool, help: true | false | null (the link does not say)}.
EMSCRIPTEN_KEEPALIVE const char* lens_apply_hash(const std::uint8_t* text, int n) {
  AppState& s = *g_state;
  const auto link = link_open(s, text_of(text, n), emscripten_get_now());
  if (link) app_refresh_live(s);
  return ok({{"applied", bool(link)}, {"help", link && link->help ? nlohmann::json(*link->help) : nlohmann::json(nullptr)}});
}

// --- neurons: explanations and maximization images ---

// {summary, facts, score, concepts, shapes, shapeScore, story} of a hidden neuron, pending until
// the analysis has its facts; the summary is the sentence lens-report prints for it.
EMSCRIPTEN_KEEPALIVE const char* lens_explain(int layer, int neuron) {
  AppState& s = *g_state;
  if (auto r = check_image_model(*s.model()); !r) return fail(r.error);
  if (auto r = check_hidden_neuron(*s.model(), layer, neuron); !r) return fail(r.error);
  const ModelAnalysis* a = s.analysis();
  const NeuronFacts* f = a ? a->neuron(layer, neuron) : nullptr;
  if (!f) return pending(a ? a->progress() : 0.f);
  const Paragraph story = neuron_ladder_story(*f, a->network.layers[std::size_t(layer)].ladder);
  return ok({{"summary", render_plain(neuron_summary(*f))}, {"facts", facts_json(*f)},
             {"score", f->score_defined ? nlohmann::json(f->score) : nlohmann::json(nullptr)},
             {"concepts", concepts_json(*f)}, {"shapes", render_plain(neuron_shapes(*f))},
             {"shapeScore", f->shape_score_defined ? nlohmann::json(f->shape_score) : nlohmann::json(nullptr)},
             {"story", story.empty() ? nlohmann::json(nullptr) : nlohmann::json(render_plain(story))}});
}

// lens.actmax: `count` images (1..16) of a neuron into out (784 x count), raw (prior 0: pixel-space
// ascent, pushed apart by diversity when count > 1) or through the digit prior (prior 1: pending
// while the prior is fetched, which this asks for).
EMSCRIPTEN_KEEPALIVE const char* lens_actmax(int layer, int neuron, int prior, int count, float* out) {
  AppState& s = *g_state;
  if (auto r = check_image_model(*s.model()); !r) return fail(r.error);
  const auto n = check_neuron(*s.model(), layer, neuron);
  if (!n) return fail(n.error);
  if (count < 1 || count > kActmaxMaxCount) return fail("count must be an integer from 1 to " + std::to_string(kActmaxMaxCount));
  Eigen::MatrixXf images;
  if (prior) {
    if (!app_prior_want(s) && s.prior.error.empty()) return pending(0);
    auto r = app_prior_actmax(s, n->layer, n->unit, count);
    if (!r) return fail(r.error);
    images = std::move(*r);
  } else if (count == 1) {
    images = analysis_actmax_single(*s.analysis(), layer, neuron);
  } else {
    images = app_raw_actmax_diverse(s, n->layer, n->unit, count);
  }
  std::copy(images.data(), images.data() + images.size(), out);
  return ok();
}

// --- training (lens.train, lens.trainingState, lens.stopTraining) ---

// A recipe as JSON text (through the heap: any length is safe). Replies the run's number
// (trainingState().run), by which lens.train knows its own run from a later one.
EMSCRIPTEN_KEEPALIVE const char* lens_train(const std::uint8_t* text, int n) {
  AppState& s = *g_state;
  const auto recipe = json_parse(std::string_view(reinterpret_cast<const char*>(text), std::size_t(std::max(0, n))));
  if (!recipe) return fail("recipe: " + recipe.error);
  auto request = train_request_from_recipe(*recipe);
  if (!request) return fail(request.error);
  const bool xor_lesson = request->dataset == "xor";
  (xor_lesson ? s.xor_form : s.train_form) = request->config;  // the controls show the recipe being trained
  app_train_start(s, std::move(*request), emscripten_get_now());
  s.tab = xor_lesson ? Tab::Explore : Tab::Train;
  app_refresh_live(s);
  return ok(s.training.runs);
}

// The speed control (lens.trainSpeed): "lesson", "full" or samples a second, as JSON text.
// Replies the pace now set, null for full speed.
EMSCRIPTEN_KEEPALIVE const char* lens_train_speed(const char* text) {
  AppState& s = *g_state;
  const auto speed = json_parse(text ? text : "");
  if (!speed) return fail("speed: " + speed.error);
  const auto pace = train_pace_from_json(*speed);
  if (!pace) return fail(pace.error);
  app_train_set_pace(s, *pace);
  return ok(*pace > 0 ? nlohmann::json(*pace) : nlohmann::json(nullptr));
}

// The Train tab's presets by name, as recipes lens.train takes.
EMSCRIPTEN_KEEPALIVE const char* lens_train_presets() {
  return ok({{"healthy", train_preset_healthy()}, {"kill", train_preset_kill()}, {"convnet", train_preset_convnet()}});
}

EMSCRIPTEN_KEEPALIVE void lens_stop_training() { app_train_stop(*g_state, emscripten_get_now()); }

EMSCRIPTEN_KEEPALIVE const char* lens_training_control(const char* what_text) {
  AppState& s = *g_state;
  const std::string what = what_text ? what_text : "";
  if (what == "pause") app_train_pause(s);
  else if (what == "resume") app_train_resume(s);
  else if (what == "step") app_train_step_once(s, emscripten_get_now());
  else return fail("unknown training control " + in_quotes(what) + " (pause, resume, step)");
  return ok();
}

EMSCRIPTEN_KEEPALIVE const char* lens_training_state() {
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
  return ok({{"status", training_status_name(t.status)}, {"run", t.runs}, {"curve", curve}, {"diedAt", died}, {"dead", dead},
             {"epoch", t.epoch()}, {"epochs", t.request.config.epochs}, {"samplesPerSecond", t.samples_per_second()},
             {"speed", t.pace > 0 ? nlohmann::json(t.pace) : nlohmann::json(nullptr)},
             {"samples", t.run ? t.run->samples_seen() : 0L},
             {"model", t.model >= 0 ? nlohmann::json(s.models[std::size_t(t.model)].bundle.info.id) : nlohmann::json(nullptr)},
             {"testAccuracy", t.test_accuracy >= 0 ? nlohmann::json(t.test_accuracy) : nlohmann::json(nullptr)},
             {"recipe", t.request.recipe}, {"error", t.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.error)}});
}

// --- export (lens.figure, lens.report) ---

// A figure as PNG: its size (bytes at lens_bytes), or pending while the analysis has not made it
// yet. layer, neuron: -1 = the selected one. "view" asks for a capture of the whole view in the
// next frame drawn and replies pending: lens_view_result answers.
EMSCRIPTEN_KEEPALIVE const char* lens_figure(const char* name, int layer, int neuron, int scale, const char* theme) {
  AppState& s = *g_state;
  const auto r = check_figure(s, name ? name : "", layer, neuron, scale, theme ? theme : "");
  if (!r) return fail(r.error);
  if (r->name == FigureName::View) {
    if (s.exports.view_scale > 0) return fail("a capture of the view is already on its way");
    export_request_view(s, r->scale, r->dark, false);
    return pending(0);
  }
  if (!figure_ready(s, *r)) return pending(s.analysis() ? s.analysis()->progress() : 0.f);
  auto png = export_figure_png(s, *r);
  if (!png) return fail(png.error);
  return ok_bytes(std::move(*png));
}

// The capture lens_figure asked for: pending until the frame is drawn.
EMSCRIPTEN_KEEPALIVE const char* lens_view_result() {
  AppState::Export& e = g_state->exports;
  if (!e.view_done) return pending(0);
  e.view_done = false;
  if (!e.view_error.empty()) return fail(e.view_error);
  Bytes png = std::move(e.view_png);
  e.view_png.clear();
  return ok_bytes(std::move(png));
}

// The lens-report Markdown for the current model (UTF-8 at lens_bytes), pending until its
// analysis, the test digits and the digit prior it shows are in; zip = 1: with its figures, as a zip.
EMSCRIPTEN_KEEPALIVE const char* lens_report(int zip) {
  AppState& s = *g_state;
  if (!report_ready(s) && s.model() && report_is_mnist_model(s.model()->bundle) && s.test_error.empty())
    return pending(s.analysis() ? s.analysis()->progress() : 0.f);
  const auto page = app_report(s);
  if (!page) return fail(page.error);
  return ok_bytes(zip ? report_zip(*page) : Bytes(page->md.begin(), page->md.end()));
}

// Per layer: when its maximization images were done, in ms from the analysis' start (-1: not yet).
static nlohmann::json layers_maximized_ms(const ModelAnalysis* a) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t l = 0; a && l < a->actmax_done_ms.size(); ++l)
    out.push_back(a->actmax_done[l] ? a->actmax_done_ms[l] - a->started_at : -1.0);
  return out;
}

// Timings for benchmarks: frame time, per-stroke compute, analysis progress.
EMSCRIPTEN_KEEPALIVE const char* lens_perf() {
  AppState& s = *g_state;
  ModelAnalysis* a = s.analysis();
  return ok({{"frameMs", s.frame_ms}, {"workMs", s.work_ms}, {"renderMs", s.render_ms}, {"strokeMs", s.live.compute_ms},
             {"analysisDone", a && a->done()}, {"analysisCpuS", a ? a->seconds_spent : 0.0},
             {"analysisWallMs", a && a->done() ? a->finished_at - a->started_at : -1.0},
             {"conceptsMs", a && a->has_concepts ? a->concepts_ms : -1.0},
             {"statsActmaxWallMs", a && a->stats_actmax_ms > 0 ? a->stats_actmax_ms - a->started_at : -1.0},
             {"statsWallMs", a && a->stats_ms > 0 ? a->stats_ms - a->started_at : -1.0},
             {"explainedWallMs", a && a->facts_ms > 0 ? a->facts_ms - a->started_at : -1.0},
             {"layersMaximizedWallMs", layers_maximized_ms(a)},
             {"redrawn", s.redrawn}, {"dirty", s.dirty}, {"regions", s.regions}, {"frame", s.frame}, {"prior", prior_json(s)}});
}

// --- for the browser tests and benchmarks (lens._test; not part of the API) ---

// The bytes malloc has handed out and not had back (what models and analyses hold now), for the
// test that loading and removing models gives their memory back.
EMSCRIPTEN_KEEPALIVE double lens_test_heap_in_use() { return double(mallinfo().uordblks); }

// Stops the app on purpose, as a bug would, to test what the page shows then: 0 aborts, 1 traps
// (an unreachable instruction), 2 aborts in the next frame drawn (js_api_frame_hook).
EMSCRIPTEN_KEEPALIVE void lens_test_crash(int how) {
  if (how == 0) std::abort();
  if (how == 1) __builtin_trap();
  g_crash_next_frame = true;
}

// The next frame draws the whole screen, not only what changed.
EMSCRIPTEN_KEEPALIVE void lens_redraw_all() { g_state->redraw_all = true; }

// Where the item with this label was drawn in the last frame (CSS pixels), or null: for browser
// tests that click like a person.
EMSCRIPTEN_KEEPALIVE const char* lens_item_rect(const char* label) {
  for (const auto& [name, r] : g_seen->items)
    if (label && name == label) return ok(rect_json(r));
  return ok(nullptr);
}

// The explanation paragraphs the last frame drew, as plain text: for tests of what a person reads.
EMSCRIPTEN_KEEPALIVE const char* lens_shown_text() { return ok(g_seen->text); }

// The windows of the last frame whose content overflows with no scrollbar to reach it.
EMSCRIPTEN_KEEPALIVE const char* lens_cut_off() { return ok(g_seen->cut_off); }

// What the last frame declared to the accessible mirror, as web/a11y.js gets it.
EMSCRIPTEN_KEEPALIVE const char* lens_a11y_nodes() { return ok(nlohmann::json::parse(a11y_json(g_seen->a11y))); }

// The accessible mirror's way back (web/a11y.js, app/core/a11y.h). A press of the DOM control
// `id`: its ImGui item is pressed at its centre over the next frames. False when the last frame
// declared no such node (the page changed under the reader).
EMSCRIPTEN_KEEPALIVE const char* lens_a11y_press(const char* id) {
  const A11yNode* n = id && g_seen->inbox ? a11y_find(g_seen->a11y, id) : nullptr;
  if (!n) return ok(false);
  if (n->offscreen) g_seen->inbox->reveal = n->id;  // brought into view first: a press now would reach another item
  else a11y_press(g_seen->inbox->press, *n);
  return ok(true);
}

// The DOM focused the control `id` while it is scrolled out of view: its window scrolls to it in
// the next frame. False when the last frame declared no such node.
EMSCRIPTEN_KEEPALIVE const char* lens_a11y_reveal(const char* id) {
  const A11yNode* n = id && g_seen->inbox ? a11y_find(g_seen->a11y, id) : nullptr;
  if (!n) return ok(false);
  if (n->offscreen) g_seen->inbox->reveal = n->id;
  return ok(true);
}

// A slider's new value from the DOM (arrow keys, Home, End): its helper applies it in the next
// frame as a drag would (ui::slider_int, ui::slider_float).
EMSCRIPTEN_KEEPALIVE const char* lens_a11y_set(const char* id, double value) {
  const A11yNode* n = id && g_seen->inbox ? a11y_find(g_seen->a11y, id) : nullptr;
  if (!n || (n->role != A11yRole::Slider && n->role != A11yRole::Number) || !std::isfinite(value)) return ok(false);
  g_seen->inbox->values.push_back({n->id, value});
  return ok(true);
}

// The bare dense product y = W x of the current model's first layer, `reps` times over `count`
// inputs at x (cycled); returns the milliseconds it took inside wasm.
EMSCRIPTEN_KEEPALIVE double lens_bench_matvec(int reps, const float* x, int count, float* y) {
  const Dense& d = g_state->model()->bundle.net.layers[0];
  const int n = std::max(1, count / d.inputs());
  const double t0 = emscripten_get_now();
  for (int r = 0; r < reps; ++r) infer_matvec_dense(d.W, x + std::size_t(r % n) * std::size_t(d.inputs()), y);
  return emscripten_get_now() - t0;
}

// Maximizes every unit of a layer of the current model for `steps` steps with the page's settings
// for that layer (actmax_layer_defaults), from scratch, into out (inputs x units,
// unit after unit).
EMSCRIPTEN_KEEPALIVE const char* lens_bench_actmax(int layer, int steps, float* out) {
  const LoadedModel& m = *g_state->model();
  if (auto r = check_neuron(m, layer, 0); !r) return fail(r.error);
  if (steps < 1 || steps > 100000) return fail("steps must be from 1 to 100000");
  ActmaxConfig config = actmax_layer_defaults(m.bundle.net, layer);
  config.steps = steps;
  std::vector<int> units(std::size_t(layer_units(m.bundle.net.layers[std::size_t(layer)])));
  for (std::size_t u = 0; u < units.size(); ++u) units[u] = int(u);
  ActmaxSolver solver(m.bundle.net, layer, units, config);
  while (!solver.step(steps)) {}
  std::copy(solver.images().data(), solver.images().data() + solver.images().size(), out);
  return ok();
}

// The digit-prior images of every unit of a layer of the current model from scratch (what the
// page does when the layer is first shown) into out (inputs x units); pending while the digit
// prior is fetched (which this asks for).
EMSCRIPTEN_KEEPALIVE const char* lens_bench_prior_layer(int layer, float* out) {
  AppState& s = *g_state;
  const LoadedModel& m = *s.model();
  if (auto r = check_neuron(m, layer, 0); !r) return fail(r.error);
  if (!app_prior_want(s)) return s.prior.error.empty() ? pending(0) : fail(s.prior.error);
  PriorGallery g(m.bundle.net, *s.prior.decoder);
  g.want(layer);
  while (!g.step(16)) {}
  std::copy(g.images(layer).data(), g.images(layer).data() + g.images(layer).size(), out);
  return ok();
}

}  // extern "C"
