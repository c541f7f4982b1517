// The app core as the page starts it: the shipped models loaded from assets/models,
// one selected. On the heap, because analyses keep pointers into the state (its
// models and test set), so the state must never move.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

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
