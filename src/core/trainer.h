// Mini-batch training of an Mlp: seeded initialisation and shuffling, SGD with
// momentum or Adam, L2 weight decay, a learning-rate schedule. Every choice is
// in TrainConfig, which round-trips through JSON (the "recipe" a bundle records).
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/mlp.h"
#include "core/mnist.h"
#include "core/result.h"
#include "core/rng.h"

namespace lens {

enum class Init { He, Xavier, Uniform };
enum class Optimizer { Sgd, Adam };
enum class Schedule { Constant, Step, Cosine };

struct TrainConfig {
  std::vector<int> sizes = {784, 32, 10};
  Activation hidden = Activation::ReLU;
  Head head = Head::Softmax;
  Init init = Init::He;
  float bias_init = 0.f;       // a negative start is one way to kill ReLUs
  Optimizer optimizer = Optimizer::Adam;
  float lr = 1e-3f;
  float momentum = 0.9f;       // SGD only
  float beta1 = 0.9f, beta2 = 0.999f, adam_eps = 1e-8f;
  Schedule schedule = Schedule::Constant;
  float lr_decay = 0.5f;       // Step: multiply by this every lr_step epochs
  int lr_step = 5;
  int batch = 64;
  int epochs = 10;
  float l2 = 0.f;              // weight decay on W (not on b)
  std::uint64_t seed = 1;
  int validation = 5000;       // training images held out for validation
};

nlohmann::json train_config_to_json(const TrainConfig& c);
// Unknown keys and bad values are errors (a typo in a recipe must not be ignored).
Result<TrainConfig> train_config_from_json(const nlohmann::json& j);

void mlp_initialize(Mlp& net, Init init, float bias_init, Rng& rng);

struct Evaluation {
  float loss = 0.f;
  float accuracy = 0.f;  // fraction in [0, 1]
  int count = 0;
};
// Labels are class indices; with a sigmoid head and one output they are 0/1 targets.
Evaluation evaluate(const Mlp& net, const DataSet& data, int batch = 1000);

struct EpochReport {
  int epoch = 0;            // 1-based
  float lr = 0.f;
  Evaluation train, validation;
  double seconds = 0, samples_per_second = 0;
};

struct Progress {           // reported every few steps within an epoch
  int epoch = 0, step = 0, steps = 0;
  float loss = 0.f;         // running mean over the epoch so far
  double samples_per_second = 0;
};

struct TrainCallbacks {
  std::function<void(const Progress&)> on_progress;
  std::function<void(const EpochReport&)> on_epoch;
};

// Trains a fresh network (initialised from config.seed) on train, reporting on validation.
Mlp train(const TrainConfig& config, const DataSet& train, const DataSet& validation, const TrainCallbacks& cb = {});

// Splits off `count` validation images by a seeded permutation.
void split_validation(const DataSet& all, int count, std::uint64_t seed, DataSet& train, DataSet& validation);

// The XOR task: the four corners (test) and a noisy cloud around them (training).
DataSet xor_points();
DataSet xor_cloud(int per_corner, float noise, std::uint64_t seed);

}  // namespace lens
