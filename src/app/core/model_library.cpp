#include "app/core/model_library.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/constants.h"
#include "core/formats/bytes.h"
#include "core/formats/json.h"
#include "core/onnx/onnx_norm_recorded.h"
#include "interpret/ablation.h"
#include "interpret/units.h"

namespace lens {

// A model known from its header only: its facts and layer shapes, zero weights.
static Result<LoadedModel> pending_model(const nlohmann::json& h, const std::string& path) {
  auto b = bundle_from_header(h);
  if (!b) return Result<LoadedModel>::fail(b.error);
  LoadedModel m;
  m.path = path;
  m.pending = true;
  m.shipped = true;
  m.bundle = std::move(*b);
  return Result<LoadedModel>::ok(std::move(m));
}

Result<int> model_library_arrived(AppState& state, int index, const Bytes& bytes, double now_ms) {
  if (index < 0 || index >= int(state.models.size()) || !state.models[std::size_t(index)].pending)
    return Result<int>::fail("no model is waiting for its bundle there");
  LoadedModel& m = state.models[std::size_t(index)];
  auto b = bundle_read(bytes);
  if (!b) return Result<int>::fail(m.bundle.info.id + ": " + b.error);
  if (b->info.id != m.bundle.info.id || b->net.sizes() != m.bundle.net.sizes())
    return Result<int>::fail(m.bundle.info.id + ": the file holds " + b->info.id + ", not the model the list names");
  m.bundle = std::move(*b);
  m.pending = false;
  asset_settle(state.assets, AssetKind::Model, m.bundle.info.id);
  if (state.model_wanted == index) {
    state.model_wanted = -1;
    app_select_model(state, index, now_ms);
  }
  return Result<int>::ok(index);
}

void model_library_failed(AppState& state, int index, const std::string& why) {
  if (index < 0 || index >= int(state.models.size()) || !state.models[std::size_t(index)].pending) return;
  LoadedModel& m = state.models[std::size_t(index)];
  asset_settle(state.assets, AssetKind::Model, m.bundle.info.id);
  m.fetch_error = why.empty() ? "unknown error" : why;
  if (state.model_wanted == index) state.model_wanted = -1;
  notice_error(state.notice, m.bundle.info.id + " could not be loaded (" + m.fetch_error + ").");
}

void model_library_load(AppState& state, const std::string& folder) {
  const std::string manifest_path = folder + "/models.json";
  auto manifest_bytes = file_read(manifest_path, kJsonMaxBytes);
  if (!manifest_bytes) {
    state.load_errors.push_back(manifest_bytes.error);
    return;
  }
  const auto parsed = json_parse(manifest_bytes->data(), manifest_bytes->data() + manifest_bytes->size());
  if (!parsed) {
    state.load_errors.push_back(manifest_path + ": " + parsed.error);
    return;
  }
  const nlohmann::json& manifest = *parsed;
  if (!manifest.is_object() || !manifest.contains("models") || !manifest["models"].is_array()) {
    state.load_errors.push_back(manifest_path + ": expected {\"models\": [ids...]}");
    return;
  }
  const nlohmann::json* headers = manifest.contains("headers") && manifest["headers"].is_object() ? &manifest["headers"] : nullptr;
  // Models with a statistics sidecar: listed in "stats" (the page's index, the files on the
  // server), or the file beside the bundle (natively).
  const nlohmann::json* stats = manifest.contains("stats") && manifest["stats"].is_array() ? &manifest["stats"] : nullptr;
  auto add_sidecar = [&](LoadedModel& m, const std::string& id) {
    m.stats_path = folder + "/" + id + ".stats";
    const bool listed = stats && std::find(stats->begin(), stats->end(), nlohmann::json(id)) != stats->end();
    if (listed || file_readable(m.stats_path)) m.sidecar = LoadedModel::Sidecar::Listed;
  };
  for (const auto& id : manifest["models"]) {
    if (!id.is_string()) continue;
    const std::string path = folder + "/" + id.get<std::string>() + ".lens";
    if (headers && headers->contains(id.get<std::string>()) && !file_readable(path)) {
      if (auto p = pending_model((*headers)[id.get<std::string>()], path)) {
        add_sidecar(*p, id.get<std::string>());
        state.models.push_back(std::move(*p));
      } else state.load_errors.push_back(manifest_path + ": " + p.error);
      continue;
    }
    auto bundle = bundle_load(path);
    if (!bundle) {
      state.load_errors.push_back(bundle.error);
      continue;
    }
    state.models.push_back(LoadedModel(std::move(*bundle), path));
    state.models.back().shipped = true;
    add_sidecar(state.models.back(), id.get<std::string>());
  }
  // The caller selects it (app_select_model); here only which one comes first.
  if (manifest.contains("default") && manifest["default"].is_string())
    state.current = model_library_find(state, manifest["default"].get<std::string>());
  // The page fetched the link's model, not always the default: open with a model that is here.
  for (std::size_t i = 0; (state.current < 0 || state.models[std::size_t(state.current)].pending) && i < state.models.size(); ++i)
    if (!state.models[i].pending) state.current = int(i);
  if (state.current < 0 && !state.models.empty()) state.current = 0;
}

Result<Bundle> model_bytes_read(const Bytes& bytes, const OnnxImportOptions& onnx) {
  if (!bytes.empty() && bytes[0] != 0x89 && onnx_sniff(bytes)) return onnx_import(bytes, onnx);
  auto b = bundle_read(bytes);
  if (!b && b.error.find("bad magic") != std::string::npos)
    return Result<Bundle>::fail("bad magic: neither a .lens weight bundle nor an ONNX model");
  return b;
}

std::uint64_t model_footprint_bytes(const std::vector<int>& sizes) {
  std::uint64_t parameters = 0, units = 0;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    parameters += std::uint64_t(sizes[l - 1] + 1) * std::uint64_t(sizes[l]);
    units += std::uint64_t(sizes[l]);
  }
  const std::uint64_t first_hidden = sizes.size() > 2 ? std::uint64_t(sizes[1]) : 0;
  return sizeof(float) * (parameters + 2 * std::uint64_t(kPixels) * units + std::uint64_t(kMnistTestDigits) * first_hidden);
}

// A convnet's: its parameters, its units' maximization images, and its first layer's maps over
// the test digits when the ablation scorer keeps them (ablation.h); its statistics and passes are
// per unit or per slice.
std::uint64_t model_footprint_bytes(const Mlp& net) {
  if (!net.has_conv()) return model_footprint_bytes(net.sizes());
  std::uint64_t units = 0;
  for (const Layer& d : net.layers) units += std::uint64_t(layer_units(d));
  const double kept = double(net.layers.front().outputs()) * kMnistTestDigits;
  return sizeof(float) * (std::uint64_t(net.parameter_count()) + 2 * std::uint64_t(kPixels) * units +
                          (kept <= double(kAblationKeptFloats) ? std::uint64_t(kept) : 0));
}

std::uint64_t model_library_footprint(const AppState& state) {
  std::uint64_t total = 0;
  for (const LoadedModel& m : state.models)
    if (!m.removed) total += model_footprint_bytes(m.bundle.net);
  return total;
}

static std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB"; }

// Whether a model of these sizes fits beside the models on the page.
static Result<bool> check_fits(const AppState& state, const std::vector<int>& sizes, std::uint64_t need, const char* what) {
  const std::uint64_t held = model_library_footprint(state);
  if (need <= kPageModelsBudgetBytes && held + need <= kPageModelsBudgetBytes) return Result<bool>::ok(true);
  std::string shape;
  for (int n : sizes) shape += (shape.empty() ? "" : "-") + std::to_string(n);
  const std::string budget = " (the page holds at most " + megabytes(kPageModelsBudgetBytes) + " of models)";
  if (need > kPageModelsBudgetBytes)
    return Result<bool>::fail(std::string(what) + ": a " + shape + " model needs " + megabytes(need) +
                              " of memory with its analysis, more than the page can hold" + budget);
  return Result<bool>::fail(std::string(what) + ": a " + shape + " model needs " + megabytes(need) +
                            " of memory with its analysis and the models on the page already take " + megabytes(held) + budget +
                            "; remove a model you loaded (Remove beside the model list, or lens.unloadModel) and try again");
}

// A .lens bundle's layer sizes from its header, before its weights are read.
static std::vector<int> header_sizes(const nlohmann::json& h) {
  std::vector<int> sizes;
  for (const auto& layer : h["layers"]) {
    if (sizes.empty()) sizes.push_back(layer["inputs"].get<int>());
    sizes.push_back(layer["outputs"].get<int>());
  }
  return sizes;
}

// A convolutional layer's sizes are maps, not a dense layer's units: the dense estimate above
// does not apply (a convnet's is measured once its bundle is read).
static bool header_has_conv(const nlohmann::json& h) {
  for (const auto& layer : h["layers"])
    if (layer.is_object() && layer.contains("kind") && layer["kind"].is_string() && layer["kind"] == "conv") return true;
  return false;
}

// What tells the same file with the same options apart from any other: a 64-bit FNV-1a hash of
// both and the file's length. (Not the CRC-32: over a whole .lens file, which ends with its own
// CRC-32, that is the same constant for every file.)
static std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n, std::uint64_t h = 14695981039346656037ull) {
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}
static std::uint64_t source_key(const Bytes& bytes, const OnnxImportOptions& onnx) {
  const std::string options = std::to_string(bytes.size()) + "|" + onnx.id + "|" + onnx.name + "|" +
                              (onnx.norm ? std::to_string(onnx.norm->mean) + "," + std::to_string(onnx.norm->std) : "") + "|" +
                              (onnx.test_accuracy ? std::to_string(*onnx.test_accuracy) : "");
  const std::uint64_t h = fnv1a(reinterpret_cast<const std::uint8_t*>(options.data()), options.size(), fnv1a(bytes.data(), bytes.size()));
  return h ? h : 1;  // never 0 (0: not loaded from bytes)
}

Result<int> model_library_add(AppState& state, const Bytes& bytes, const std::string& origin, const OnnxImportOptions& onnx) {
  const std::uint64_t key = source_key(bytes, onnx);
  for (std::size_t i = 0; i < state.models.size(); ++i)
    if (!state.models[i].removed && state.models[i].source_key == key) return Result<int>::ok(int(i));
  const bool lens_file = !bytes.empty() && bytes[0] == 0x89;
  if (lens_file) {
    // The header says how much the weights will take: a model the page cannot hold is refused
    // before they are read.
    if (const auto h = bundle_header_read(bytes); h && (*h)["layers"].size() > 0 && !header_has_conv(*h))
      if (const auto fits = check_fits(state, header_sizes(*h), model_footprint_bytes(header_sizes(*h)), "bundle"); !fits)
        return Result<int>::fail(fits.error);
  }
  auto b = model_bytes_read(bytes, onnx);
  if (!b) return Result<int>::fail(b.error);
  if (b->info.kind == BundleKind::Decoder)
    return Result<int>::fail("bundle: \"" + b->info.id + "\" is a digit prior (a decoder that draws digits from a code), not a "
                             "classifier to inspect; the page loads its own digit prior for the digit-prior maximization images");
  // lens-report's rule too (bundle_shown_as): the page shows exactly the models it reports on.
  if (auto shown = bundle_shown_as(*b); !shown)
    return Result<int>::fail(std::string(onnx_sniff(bytes) ? "onnx" : "bundle") + ": the page " + shown.error);
  if (const auto fits = check_fits(state, b->net.sizes(), model_footprint_bytes(b->net), lens_file ? "bundle" : "onnx"); !fits)
    return Result<int>::fail(fits.error);
  // Keep ids unique, so links and the picker stay unambiguous.
  const std::string base = b->info.id;
  for (int k = 2; model_library_find(state, b->info.id) >= 0; ++k) b->info.id = base + "-" + std::to_string(k);
  state.models.push_back(LoadedModel(std::move(*b), origin));
  state.models.back().source_key = key;
  state.models.back().norm.origin = norm_origin_on_import(!lens_file, onnx.norm.has_value(), !lens_file && onnx_records_input_norm(bytes));
  return Result<int>::ok(int(state.models.size()) - 1);
}

// The model shown when the shown one is removed: the first shipped model already here, else the
// first shipped one (fetched when picked).
static int fallback_model(const AppState& state, int except) {
  int listed = -1;
  for (std::size_t i = 0; i < state.models.size(); ++i) {
    const LoadedModel& m = state.models[i];
    if (int(i) == except || m.removed || !m.shipped) continue;
    if (!m.pending) return int(i);
    if (listed < 0) listed = int(i);
  }
  return listed;
}

static bool being_trained(const AppState& state, int index) {
  const TrainingSession::Status status = state.training.status;
  return state.training.model == index && status != TrainingSession::Status::Idle && status != TrainingSession::Status::Done;
}

bool model_library_removable(const AppState& state, int index) {
  if (index < 0 || index >= int(state.models.size())) return false;
  const LoadedModel& m = state.models[std::size_t(index)];
  return !m.removed && !m.shipped && !being_trained(state, index);
}

Result<int> model_library_remove(AppState& state, int index, double now_ms) {
  using R = Result<int>;
  if (index < 0 || index >= int(state.models.size()) || state.models[std::size_t(index)].removed) return R::fail("no such model");
  LoadedModel& m = state.models[std::size_t(index)];
  const std::string& id = m.bundle.info.id;
  if (m.shipped) return R::fail(id + " ships with the page and stays; only models you loaded or trained can be removed");
  if (being_trained(state, index)) return R::fail(id + " is being trained; stop its training first");
  if (state.current == index) {
    const int next = fallback_model(state, index);
    if (next < 0) return R::fail(id + " is the only model on the page");
    app_select_model(state, next, now_ms);
  }
  if (state.training.model == index) state.training.model = -1;
  if (state.model_wanted == index) state.model_wanted = -1;  // one waiting to be measured is not shown later
  m.removed = true;
  m.source_key = 0;
  m.bundle.net = Mlp{};
  if (std::size_t(index) < state.analyses.size()) state.analyses[std::size_t(index)].reset();
  if (std::size_t(index) < state.prior.galleries.size()) state.prior.galleries[std::size_t(index)].reset();
  if (state.prior.diverse.model == index) state.prior.diverse = DiverseImages{-1, -1, -1, {}, {}, "", state.prior.diverse.version + 1};
  return R::ok(state.current);
}

int model_library_find(const AppState& state, const std::string& id) {
  for (std::size_t i = 0; i < state.models.size(); ++i)
    if (!state.models[i].removed && state.models[i].bundle.info.id == id) return int(i);
  return -1;
}

int model_library_step(const AppState& state, int from, int by) {
  const int n = int(state.models.size());
  for (int k = 1; k <= n; ++k) {
    const int i = ((from + by * k) % n + n) % n;
    if (!state.models[std::size_t(i)].removed) return i;
  }
  return from;
}

}  // namespace lens
