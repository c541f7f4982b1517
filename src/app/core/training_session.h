// Training in the page: a recipe (the same JSON lens-train reads), the run advancing
// a few mini-batches per frame, its curves, the moment each neuron died, and the
// model it produces, which is a picker entry like any other from the first step.
#pragma once
#include <cmath>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/constants.h"
#include "core/formats/mnist.h"
#include "core/result.h"
#include "core/training/trainer.h"
#include "interpret/liveness.h"

namespace lens {

// Limits of the page's trainer (lens-train takes more).
constexpr int kTrainMaxHiddenLayers = 2, kTrainMinWidth = 2, kTrainMaxWidth = 256, kTrainMaxEpochs = 50;
constexpr int kXorMinHidden = 2, kXorMaxHidden = 4, kXorMaxEpochs = 2000;
// A convnet in the page: its step is one piece of work (Training::work runs it whole, on one
// thread), so its size bounds a frame. At most two "conv" layers of up to 32 channels and 7 x 7
// kernels, then 0 to kTrainMaxHiddenLayers dense hidden layers; and one step, about three
// forward passes of the batch, at most kTrainMaxConvStepMacs multiply-adds (cnn's recipe at
// batch 64: 61.9 M, about 25 ms of the page's wasm on the 2-core development machine, so the
// limit is a frame of about 55 ms; lens-train takes more).
constexpr int kTrainMaxConvLayers = 2, kTrainMaxConvChannels = 32, kTrainMaxConvKernel = 7;
constexpr long kTrainMaxConvStepMacs = 128L << 20;
// The most multiply-adds of training one frame runs, whatever the batch (a step of
// [784, 256, 256, 10] at batch 18,000 is about 14 G): about 10 ms of the page's wasm. A frame
// also stops at its time budget; a step that needs more goes on in the next frames
// (Training::work), with the same bits as lens-train's. Its largest piece, one column of a
// product (256 x 20,000), fits well inside.
constexpr long kTrainFrameMacs = 32L << 20;
// The speed control (TrainingSession::pace): training samples a second, or 0 for full speed (as
// fast as the frame budget allows). Lesson pace is slow enough for a class to follow the curves
// and the deaths: one epoch of the page's 18,000 training images in a minute.
constexpr int kTrainLessonPace = 300;
constexpr int kTrainMinPace = 10, kTrainMaxPace = 1000000;
// The Train tab's speed slider stops at these paces, then at full speed.
constexpr int kTrainPaceStops[] = {100, kTrainLessonPace, 1000, 3000, 10000, 30000};

struct TrainRequest {
  TrainConfig config;
  std::string dataset;         // "mnist-subset" or "xor"
  std::string name;
  nlohmann::json recipe;       // what the bundle records (dataset as trained)
};
// Validates a recipe for the page: lens-train's keys and checks, plus the page's limits.
// "mnist" is accepted and trained on the subset (the recipe then says "mnist-subset").
Result<TrainRequest> train_request_from_recipe(const nlohmann::json& recipe);
// The two presets of the Train tab (lens.trainPresets()), each with the pace it is meant to be
// watched at: the healthy run at full speed, the deaths at lesson pace.
nlohmann::json train_preset_healthy();      // 784-32-10 ReLU, Adam: about 93% in 2 epochs
nlohmann::json train_preset_kill();         // 784-6-10 ReLU, SGD with heavy momentum: alive at first, five die in turn
int train_preset_pace(const std::string& name);  // "healthy": 0 (full speed), "kill": kTrainLessonPace
nlohmann::json train_preset_convnet();      // cnn's layers (8 then 16 filters of 5x5), 2 epochs: about 97.6%
nlohmann::json train_preset_xor();          // 2-2-1 tanh, the XOR lesson
TrainConfig train_config_of(const nlohmann::json& preset);  // a preset as a TrainConfig
// lens.trainSpeed's argument as a pace: "lesson" (kTrainLessonPace), "full" (0), or a number of
// samples a second from kTrainMinPace to kTrainMaxPace; anything else is refused, naming them.
Result<int> train_pace_from_json(const nlohmann::json& speed);

struct TrainingPoint {
  double epoch = 0;            // fractional: 1.5 = half-way through the second epoch
  float loss = NAN;            // training loss, mean over the epoch so far
  float val_loss = NAN, val_accuracy = NAN;
  long samples = 0;            // seen so far
  double compute_ms = 0;       // training time so far (for rates over a stretch of the run)
};

struct TrainingSession {
  // Diverged: the loss became NaN or infinite (or the weights left what a bundle holds); the
  // run's model was taken out of the picker and `error` says what happened.
  enum class Status { Idle, WaitingForData, Running, Paused, Done, Diverged };
  Status status = Status::Idle;
  TrainRequest request;
  std::unique_ptr<Training> run;
  DataSet train, validation, probe;  // probe: the validation images measured while training
  int model = -1;                    // index of the model being trained in AppState::models
  int runs = 0;                      // trainings started so far (lens.train waits for its own run)
  std::vector<TrainingPoint> curve;
  std::vector<std::vector<double>> died_at;  // [layer][unit]: epoch at which it last went dead; NaN = alive
                                             // (measured on the images its card is: app_training.cpp)
  std::vector<Eigen::VectorXi> firing;       // [layer] (H): on how many of them each unit fired, last measured
  int firing_images = 0;                     // ... out of this many
  int pace = 0;                              // samples a second (kTrainMinPace..kTrainMaxPace), 0 = full speed
  double pace_credit = 0;                    // samples the pace allows that have not been trained yet
  double pace_clock_ms = -1;                 // when the credit was last topped up; < 0: not yet
  double next_probe_epoch = 0;
  double compute_ms = 0;             // time spent in training steps
  long long frame_macs = 0;          // multiply-adds of training the last frame ran (at most kTrainFrameMacs, or one
                                     // convnet step: kTrainMaxConvStepMacs)
  float test_accuracy = -1;          // on the 10k test set, once done
  // A convnet's test set is measured over frames once its run has ended (10,000 digits of cnn are
  // 3.2 G multiply-adds, seconds of wasm): the digits measured so far (-1: not measuring), and how
  // many of them it got right. The status stays running until they are all measured.
  int tested = -1, test_correct = 0;
  int trained_count = 0;             // models trained so far (for their ids)
  int version = 0;                   // bumps whenever the model's weights change
  std::string error;                 // why the last run ended without a model (Diverged)
  std::string shown_before;          // id of the model on show when the run began (shown again if it diverges)
  bool running() const { return status == Status::Running; }
  bool active() const { return status == Status::Running || status == Status::Paused; }  // a run under way
  double epoch() const;              // fractional epochs done
  // A unit's liveness as last measured (the list of dead neurons reads it, and so do the cards of
  // the model being trained); null before the first measurement.
  std::optional<Liveness> liveness(int layer, int unit) const;
  double samples_per_second() const;
};

const char* training_status_name(TrainingSession::Status s);  // "idle", "waiting for data", ...

}  // namespace lens
