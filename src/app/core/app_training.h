// Training a model in the page (the Train tab, the XOR lesson and lens.train):
// what each control does to the state. The run advances within a per-frame time
// budget; the model it trains is in the picker from its first step.
#pragma once
#include <string>

#include "app/core/app_state.h"

namespace lens {

// Starts training from a validated request. MNIST waits for the training subset
// (status WaitingForData) until app_set_train_set delivers it. An unfinished run is
// replaced (its model entry is reused); a finished one stays in the picker.
void app_train_start(AppState& s, TrainRequest request, double now_ms);
void app_set_train_set(AppState& s, DataSet train, double now_ms);
void app_train_set_failed(AppState& s, const std::string& why);
// One frame's share of training (and of refreshing what the page shows about it).
void app_train_work(AppState& s, double budget_ms, double (*now_ms)());
void app_train_pause(AppState& s);
void app_train_resume(AppState& s);
void app_train_step_once(AppState& s, double now_ms);   // one mini-batch, then paused
void app_train_stop(AppState& s, double now_ms);        // ends now: the model keeps its weights and is measured
void app_train_reset(AppState& s, std::uint64_t seed, double now_ms);  // the same recipe from another seed
// The speed control, for this run and the next: samples a second (kTrainMinPace..kTrainMaxPace),
// or 0 for full speed. The frame budget (kTrainFrameMacs; a convnet's whole step, within the page's
// limit kTrainMaxConvStepMacs) holds at every pace.
void app_train_set_pace(AppState& s, int pace);

// A hidden unit's liveness as its card shows it. The model being trained (or just trained) reads
// the training's own last measurement, the one its list of dead neurons reads, so the two never
// disagree; the cards' statistics come from an analysis that trails the weights. Any other
// model reads its analysis's statistics (alive until they exist).
Liveness app_card_liveness(const AppState& s, int layer, int unit);

// What the page measures while a model trains: a few thousand test images and short
// maximization, so the cards refresh several times a second; the full analysis runs
// once training ends.
AnalysisSettings live_analysis_settings();

}  // namespace lens
