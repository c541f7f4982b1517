// The app core as the page starts it: the shipped models loaded from assets/models,
// one selected. On the heap, because analyses keep pointers into the state (its
// models and test set), so the state must never move.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "app/core/app_state.h"
#include "app/core/model_library.h"
#include "test_support.h"

namespace lens::test {

// use_sidecars = false: analyses measure on the test digits (what most tests exercise), as for
// a model without a statistics sidecar.
inline std::unique_ptr<AppState> app_with_models(const std::string& id = "mlp32", bool use_sidecars = false) {
  auto s = std::make_unique<AppState>();
  s->use_sidecars = use_sidecars;
  model_library_load(*s, assets_dir() + "/models");
  EXPECT_TRUE(s->load_errors.empty()) << s->load_errors.front();
  s->current = -1;
  app_select_model(*s, model_library_find(*s, id), 0.0);
  EXPECT_TRUE(s->model()) << "no model " << id;
  app_refresh_live(*s);
  return s;
}

// A model folder as the page has it: mlp32's bundle, and mlp6 listed by its header only (the
// page fetches it when picked). Written to dir (index 0: mlp6, 1: mlp32); returns the bundles'
// bytes, mlp32's then mlp6's.
inline std::pair<Bytes, Bytes> folder_with_listed_mlp6(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const auto mlp32 = file_read(assets_dir() + "/models/mlp32.lens");
  const auto mlp6 = file_read(assets_dir() + "/models/mlp6.lens");
  EXPECT_TRUE(mlp32 && mlp6);
  if (!mlp32 || !mlp6) return {};
  std::ofstream(dir + "/mlp32.lens", std::ios::binary).write(reinterpret_cast<const char*>(mlp32->data()), std::streamsize(mlp32->size()));
  std::filesystem::remove(dir + "/mlp6.lens");
  std::ofstream(dir + "/models.json") << R"({"models": ["mlp6", "mlp32"], "default": "mlp6", "headers": {
    "mlp6": {"version": 1, "id": "mlp6", "name": "MLP 784-6-10", "test_accuracy": 0.5,
             "layers": [{"inputs": 784, "outputs": 6, "activation": "relu"}, {"inputs": 6, "outputs": 10, "activation": "identity"}]},
    "mlp32": {"version": 1, "id": "mlp32", "layers": [{"inputs": 784, "outputs": 32, "activation": "relu"}, {"inputs": 32, "outputs": 10, "activation": "identity"}]}}})";
  return {*mlp32, *mlp6};
}

inline std::string off_neurons(const AppState& s) {
  std::string off;
  for (const auto& [l, u] : app_neurons_off(s)) off += std::to_string(l) + "." + std::to_string(u) + " ";
  return off;
}

// The view a link names (what link_format writes, plus the help overlay), to check
// that refused links and arguments change nothing.
inline std::string view_of(const AppState& s) {
  return std::to_string(s.current) + " " + std::to_string(int(s.tab)) + " " + std::to_string(s.sel_layer) + " " +
         std::to_string(s.sel_unit) + " " + (s.dark ? "dark " : "light ") + std::to_string(s.ui_scale) +
         (s.show_help ? " help" : "") + (s.contrast ? " contrast" : "") + (s.embed ? " embed" : "") + " drawing " +
         std::to_string(s.drawing.version) + " test " + std::to_string(s.test_index) + "/" +
         std::to_string(s.pending_test_index) + " class " + std::to_string(s.explain_class) + " off " + off_neurons(s);
}

}  // namespace lens::test
