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
  const Mlp& net = b->net;
  const bool image = net.inputs() == kPixels && net.outputs() == kClasses && net.head == Head::Softmax;
  const bool plane = net.inputs() == 2 && net.outputs() == 1 && net.head == Head::Sigmoid;
  if (!image && !plane)
    return Result<int>::fail(std::string(onnx_sniff(bytes) ? "onnx" : "bundle") + ": the page shows models with 784 inputs and 10 softmax outputs (MNIST), or 2 inputs and one "
                             "sigmoid output (like XOR); this one has " + std::to_string(net.inputs()) + " inputs and " +
                             std::to_string(net.outputs()) + " outputs");
  // Keep ids unique, so links and the picker stay unambiguous.
  const std::string base = b->info.id;
  for (int k = 2; model_library_find(state, b->info.id) >= 0; ++k) b->info.id = base + "-" + std::to_string(k);
  state.models.push_back(LoadedModel{std::move(*b), origin});
  return Result<int>::ok(int(state.models.size()) - 1);
}

int model_library_find(const AppState& state, const std::string& id) {
  for (std::size_t i = 0; i < state.models.size(); ++i)
    if (state.models[i].bundle.info.id == id) return int(i);
  return -1;
}

}  // namespace lens
