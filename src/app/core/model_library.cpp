#include "app/core/model_library.h"

#include <nlohmann/json.hpp>

namespace lens {

void model_library_load(AppState& state, const std::string& folder) {
  const std::string manifest_path = folder + "/models.json";
  auto manifest_bytes = file_read(manifest_path);
  if (!manifest_bytes) {
    state.load_errors.push_back(manifest_bytes.error);
    return;
  }
  const auto manifest = nlohmann::json::parse(manifest_bytes->begin(), manifest_bytes->end(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("models") || !manifest["models"].is_array()) {
    state.load_errors.push_back(manifest_path + ": expected {\"models\": [ids...]}");
    return;
  }
  for (const auto& id : manifest["models"]) {
    if (!id.is_string()) continue;
    const std::string path = folder + "/" + id.get<std::string>() + ".lens";
    auto bundle = bundle_load(path);
    if (!bundle) {
      state.load_errors.push_back(bundle.error);
      continue;
    }
    state.models.push_back(LoadedModel{std::move(*bundle), path});
  }
  // The caller selects it (app_select_model); here only which one comes first.
  if (manifest.contains("default") && manifest["default"].is_string())
    state.current = model_library_find(state, manifest["default"].get<std::string>());
  if (state.current < 0 && !state.models.empty()) state.current = 0;
}

int model_library_find(const AppState& state, const std::string& id) {
  for (std::size_t i = 0; i < state.models.size(); ++i)
    if (state.models[i].bundle.info.id == id) return int(i);
  return -1;
}

}  // namespace lens
