// Loading the shipped bundles: a folder with models.json listing the ids in
// display order and one <id>.lens per model.
#pragma once
#include <string>

#include "app/core/app_state.h"

namespace lens {

// Loads every bundle the manifest lists; a bad bundle is reported in
// state.load_errors and skipped, the others still load.
void model_library_load(AppState& state, const std::string& folder);
// Index of the model with this id, or -1.
int model_library_find(const AppState& state, const std::string& id);

}  // namespace lens
