// A model's input normalization in the page: where the map in use came from, found by
// measuring when the model's file records none (interpret/input_norm_search.h), and changed
// on the page (the Network tab's control, lens.setNormalization).
//
// An ONNX model that records no normalization and is given none is not shown until its
// normalization is found: it waits, as a listed model waits for its bundle (s.model_wanted), for
// the test digits; then it is measured and shown with the best map. Every later computation,
// the live prediction, the analysis, the images, the report and the .lens download, uses it.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "core/numerics/mlp.h"
#include "core/result.h"
#include "interpret/input_norm_search.h"

namespace lens {

struct AppState;

enum class NormOrigin {
  Recorded,    // the file records it (a .lens bundle always does, the identity included)
  Given,       // lens.loadBundle's options.normalize
  Pending,     // none recorded or given: measured once the test digits are here, shown then
  Measured,    // found by norm_search
  Unmeasured,  // none recorded or given, and the test digits could not be loaded: raw pixels
  Chosen,      // changed on the page
};
// The JS API's names: "recorded", "given", "pending", "measured", "none", "chosen".
const char* norm_origin_name(NormOrigin origin);

struct ModelNorm {
  NormOrigin origin = NormOrigin::Recorded;
  std::optional<NormSearch> search;  // what was measured, kept when another map is chosen
  // Pending and being measured: a convnet's search goes on over frames (app_norm_work). Shared so
  // that a LoadedModel stays copyable; one owner in practice.
  std::shared_ptr<NormSearchBuilder> measuring;
  int version = 0;                   // bumps whenever the map in use changes (the shell's images follow it)
};

// Where a model added from outside gets its map: options.normalize, the file, or the measurement.
NormOrigin norm_origin_on_import(bool onnx, bool given, bool recorded_in_file);

// Whether model `index` can be shown: true once its normalization is settled. A Pending one is
// measured now when the test digits are here; otherwise they are asked for and the notice says
// what the page waits for (app_select_model then keeps the model wanted, not shown).
// An MLP's search takes milliseconds and is done at once; a larger model's (about 1e9
// multiply-adds and more) is measured over frames by app_norm_work, and the notice says so.
bool app_norm_settle(AppState& s, int index);
// One frame's share of the measuring of the model waiting to be shown (s.model_wanted), within
// budget_ms; shows it once measured.
void app_norm_work(AppState& s, double budget_ms, double (*now_ms)());
// The test digits could not be loaded: a model waiting for them is shown on raw pixels.
void app_norm_unmeasurable(AppState& s, int index);

// Another map for model `index`, from the page's control or lens.setNormalization: checked
// (app_norm_check), then everything computed from the model is computed again (its analysis,
// digit-prior images, the ablation's score, the live input). The reason, and nothing changed,
// when the model cannot change its map.
Result<bool> app_set_normalization(AppState& s, int index, double mean, double std, double now_ms);
// Whether model `index` may change its map: only a model loaded into the page (a shipped
// model keeps the map its statistics were measured with, a model trained here its raw pixels),
// of images, not being measured.
Result<bool> app_norm_changeable(const AppState& s, int index);
// A map someone typed: |mean| <= 1e4 and std in [1e-4, 1e4] (what a bundle may hold).
Result<InputNorm> app_norm_check(double mean, double std);

// What the page says about the map in use, one sentence: the measurement's (norm_search_sentence)
// or, once another map was chosen, which one and what the measurement gave; empty for a map the
// file records or the loader gave.
std::string app_norm_sentence(const AppState& s, int index);
// The same in fewer words, for a short screen (norm_search_sentence_short).
std::string app_norm_sentence_short(const AppState& s, int index);

}  // namespace lens
