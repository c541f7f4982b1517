// Loading the shipped bundles: a folder with models.json listing the ids in
// display order and one <id>.lens per model. The page ships only the bundle it opens
// with; models.json then also holds every bundle's JSON header ("headers": {id: header}),
// and the others are listed as pending until picked (model_library_arrived).
#pragma once
#include <string>

#include "app/core/app_state.h"
#include "core/onnx/onnx_import.h"

namespace lens {

// Loads every bundle the manifest lists; a bad bundle is reported in
// state.load_errors and skipped, the others still load.
void model_library_load(AppState& state, const std::string& folder);
// The bundle of a pending model arrived: checked (it must be the model the list promised),
// put in place and selected. The reason, and nothing changed, if it is not.
Result<int> model_library_arrived(AppState& state, int index, const Bytes& bytes, double now_ms);
// The bundle of a pending model could not be fetched (or was refused): the notice says why, the
// model stays listed (picked again, it is fetched again) and the one on screen stays.
void model_library_failed(AppState& state, int index, const std::string& why);
// Index of the model with this id, or -1.
int model_library_find(const AppState& state, const std::string& id);
// A model from outside (a file dropped on the page, lens.loadBundle): a .lens bundle or an
// ONNX model, told apart by their first bytes; read and validated, refused unless the page
// can show it (784 inputs and 10 softmax outputs, or 2 inputs and one sigmoid output), its id
// made unique (mlp6 -> mlp6-2), then added. `onnx` (name, normalization, recorded accuracy)
// applies to ONNX models only. Returns the new model's index, or the reason and changes nothing.
Result<int> model_library_add(AppState& state, const Bytes& bytes, const std::string& origin,
                              const OnnxImportOptions& onnx = {});
// .lens or ONNX, by the first bytes: \x89LENS or an ONNX ModelProto's ir_version field.
Result<Bundle> model_bytes_read(const Bytes& bytes, const OnnxImportOptions& onnx = {});

}  // namespace lens
