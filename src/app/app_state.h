// The one state struct of the page: panels read and write it, the JS API and
// the URL hash change it, nothing else holds UI state.
#pragma once
#include <string>
#include <vector>

#include "core/bundle.h"

namespace lens {

struct LoadedModel {
  Bundle bundle;
  std::string path;  // where it was read from (in the page's virtual file system)
};

struct AppState {
  std::vector<LoadedModel> models;
  int current = -1;                  // index into models, -1 before any model loads
  std::vector<std::string> load_errors;  // bundles that failed to load, with the reason

  float ui_scale = 1.f;              // presentation scale (1 = laptop; larger for a projector)
  float device_pixel_ratio = 1.f;
  int frame = 0;
  bool ready_announced = false;      // window.lens.ready resolved

  const LoadedModel* model() const { return current >= 0 ? &models[std::size_t(current)] : nullptr; }
};

}  // namespace lens
