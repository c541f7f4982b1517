#include "app/core/model_library.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/formats/bytes.h"
#include "core/formats/json.h"

namespace lens {

// A model known from its header only: its facts and layer shapes, zero weights.
static Result<LoadedModel> pending_model(const nlohmann::json& h, const std::string& path) {
  auto b = bundle_from_header(h);
  if (!b) return Result<LoadedModel>::fail(b.error);
  LoadedModel m;
  m.path = path;
  m.pending = true;
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
  state.notice = m.bundle.info.id + " could not be loaded (" + m.fetch_error + ").";
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
    state.models.push_back(LoadedModel{std::move(*bundle), path, false, LoadedModel::Sidecar::None, ""});
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

Result<int> model_library_add(AppState& state, const Bytes& bytes, const std::string& origin, const OnnxImportOptions& onnx) {
  auto b = model_bytes_read(bytes, onnx);
  if (!b) return Result<int>::fail(b.error);
  if (b->info.kind == BundleKind::Decoder)
    return Result<int>::fail("bundle: \"" + b->info.id + "\" is a digit prior (a decoder that draws digits from a code), not a "
                             "classifier to inspect; the page loads its own digit prior for the digit-prior maximization images");
  // lens-report's rule too (bundle_shown_as): the page shows exactly the models it reports on.
  if (auto shown = bundle_shown_as(*b); !shown)
    return Result<int>::fail(std::string(onnx_sniff(bytes) ? "onnx" : "bundle") + ": the page " + shown.error);
  // Keep ids unique, so links and the picker stay unambiguous.
  const std::string base = b->info.id;
  for (int k = 2; model_library_find(state, b->info.id) >= 0; ++k) b->info.id = base + "-" + std::to_string(k);
  state.models.push_back(LoadedModel{std::move(*b), origin, false, LoadedModel::Sidecar::None, ""});
  return Result<int>::ok(int(state.models.size()) - 1);
}

int model_library_find(const AppState& state, const std::string& id) {
  for (std::size_t i = 0; i < state.models.size(); ++i)
    if (state.models[i].bundle.info.id == id) return int(i);
  return -1;
}

}  // namespace lens
