// Loading the shipped bundles: a folder with models.json listing the ids in
// display order and one <id>.lens per model. The page ships only the bundle it opens
// with; models.json then also holds every bundle's JSON header ("headers": {id: header}),
// and the others are listed as pending until picked (model_library_arrived).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/core/app_state.h"
#include "core/formats/bundle.h"
#include "core/onnx/onnx_import.h"
#include "core/onnx/onnx_model.h"

namespace lens {

// What the page can hold (docs/api.md, "Limits"). A model costs its weights and its analysis: a
// maximization image per unit (and one more with the digit prior) and the first hidden layer's
// activations on the 10,000 test digits (switching neurons off re-scores from them). The models
// on the page together stay within this budget, well inside wasm's 2 GB: one 784-16384-10 model
// (about 0.8 GB) fits, a second one is refused until a model is removed.
constexpr std::uint64_t kPageModelsBudgetBytes = std::uint64_t(1) << 30;
// The largest files lens.loadBundle and a dropped file may be, checked in JavaScript before a
// byte is copied into wasm: a .lens bundle's fixed fields, its largest header and its largest
// weights (core/formats/bundle.h), and the ONNX reader's limit (core/onnx/onnx_model.h).
constexpr std::size_t kPageMaxBundleBytes = 64 + kBundleMaxHeader + 4 * kBundleMaxParameters;
constexpr std::size_t kPageMaxOnnxBytes = kOnnxMaxBytes;

// The memory a model with these layer sizes ([inputs, ..., outputs]) takes on the page.
std::uint64_t model_footprint_bytes(const std::vector<int>& sizes);
std::uint64_t model_footprint_bytes(const Mlp& net);  // the same, and a convnet's by its maps
// The same over every model on the page (listed ones not fetched yet included: they hold zero weights).
std::uint64_t model_library_footprint(const AppState& state);

// Loads every bundle the manifest lists; a bad bundle is reported in
// state.load_errors and skipped, the others still load.
void model_library_load(AppState& state, const std::string& folder);
// The bundle of a pending model arrived: checked (it must be the model the list promised),
// put in place and selected. The reason, and nothing changed, if it is not.
Result<int> model_library_arrived(AppState& state, int index, const Bytes& bytes, double now_ms);
// The bundle of a pending model could not be fetched (or was refused): the notice says why, the
// model stays listed (picked again, it is fetched again) and the one on screen stays.
void model_library_failed(AppState& state, int index, const std::string& why);
// Index of the model with this id, or -1 (removed models are not found).
int model_library_find(const AppState& state, const std::string& id);
// The model `by` steps (+1 or -1) from `from` in the list, skipping removed ones, wrapping around.
int model_library_step(const AppState& state, int from, int by);
// A model from outside (a file dropped on the page, lens.loadBundle): a .lens bundle or an
// ONNX model, told apart by their first bytes; read and validated, refused unless the page
// can show it (784 inputs and 10 softmax outputs, or 2 inputs and one sigmoid output) and hold
// it (kPageModelsBudgetBytes; a .lens bundle's header is checked before its weights are read),
// its id made unique (mlp6 -> mlp6-2), then added. `onnx` (name, normalization, recorded accuracy)
// applies to ONNX models only. The same bytes with the same options added again are not copied:
// the model already there answers. Returns the model's index, or the reason and changes nothing.
Result<int> model_library_add(AppState& state, const Bytes& bytes, const std::string& origin,
                              const OnnxImportOptions& onnx = {});
// Removes a model loaded from outside or trained in the page: its weights, analysis and images are
// freed (the memory is reused by the next model). The shipped models stay, and a model being
// trained stays until its training ends. Removing the shown model first shows a shipped one.
// Returns the index of the model shown afterwards, or the reason and changes nothing.
Result<int> model_library_remove(AppState& state, int index, double now_ms);
// Whether model_library_remove would remove it (the page shows its Remove button then).
bool model_library_removable(const AppState& state, int index);
// .lens or ONNX, by the first bytes: \x89LENS or an ONNX ModelProto's ir_version field.
Result<Bundle> model_bytes_read(const Bytes& bytes, const OnnxImportOptions& onnx = {});

}  // namespace lens
