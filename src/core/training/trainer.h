// Mini-batch training of an Mlp: seeded initialisation and shuffling, SGD with
// momentum or Adam, L2 weight decay, a learning-rate schedule. Every choice is
// in TrainConfig, which round-trips through JSON (the "recipe" a bundle records).
#pragma once
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"
#include "core/result.h"
#include "core/numerics/rng.h"
#include "core/training/recipe_conv.h"

namespace lens {

enum class Init { He, Xavier, Uniform };
enum class Optimizer { Sgd, Adam };
enum class Schedule { Constant, Step, Cosine };

struct TrainConfig {
  std::vector<ConvSpec> conv;  // convolutional layers before the dense ones (recipe_conv.h); empty: an MLP
  std::vector<int> sizes = {784, 32, 10};  // the dense layers; after conv layers, sizes[0] is their flattened maps
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
  InputNorm norm;              // recipe "normalize": [mean, std], the network sees (x - mean) / std
};

nlohmann::json train_config_to_json(const TrainConfig& c);
// Unknown keys and bad values are errors (a typo in a recipe must not be ignored).
Result<TrainConfig> train_config_from_json(const nlohmann::json& j);

// The values one sample has: the first dense layer's inputs, or a convnet's image.
int train_config_inputs(const TrainConfig& c);
// The network a config trains, with zero weights: its convolutional layers, then the dense ones.
Mlp train_config_network(const TrainConfig& c);

// Seeded weights (N(0, 2/fan_in) for He, N(0, 2/(fan_in + fan_out)) for Xavier, U(+-1/sqrt(fan_in))),
// the last layer's biases 0 and the others bias_init. A convolution's fans are its filter's taps,
// C_in * kh * kw, and C_out * kh * kw (PyTorch's convention).
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

// The optimizer's memory: per layer, the momentum / Adam first moment and Adam's second moment.
struct OptimizerState {
  std::vector<Eigen::MatrixXf> mW, vW;  // momentum / Adam first moment, Adam second moment
  std::vector<Eigen::VectorXf> mb, vb;
  long step = 0;
  double beta1_power = 1, beta2_power = 1;  // beta^step, kept by multiplying (see power())

  explicit OptimizerState(const Mlp& net) {
    for (const Dense& d : net.layers) {
      mW.push_back(Eigen::MatrixXf::Zero(d.W.rows(), d.W.cols()));
      vW.push_back(Eigen::MatrixXf::Zero(d.W.rows(), d.W.cols()));
      mb.push_back(Eigen::VectorXf::Zero(d.b.size()));
      vb.push_back(Eigen::VectorXf::Zero(d.b.size()));
    }
  }
};

// One optimizer step's constants. Adam in the form with one sqrt and one division a coefficient:
//   m = beta1 m + nbeta1 g;  v = beta2 v + nbeta2 g^2;  p -= step m / (sqrt(v) inv_sqrt_bc2 + eps)
// with step = lr / bc1 (bias corrections); momentum SGD: m = momentum m + g;  p -= lr m.
// l2 adds l2 * p to the weights' gradient.
struct StepConstants {
  float l2, beta1, nbeta1, beta2, nbeta2, step, inv_sqrt_bc2, eps, momentum, lr;
};

// One step over every layer's weights and biases (Adam, else momentum SGD), coefficient by
// coefficient in a fixed order: the same bits at every SIMD width and in wasm.
void optimizer_apply(Mlp& net, const Gradients& g, OptimizerState& s, bool adam, bool decay_weights,
                     const StepConstants& k);

// A training run that advances a few mini-batches at a time, so the page can train
// within a per-frame budget; train() below runs one to the end. The network is
// initialised from config.seed, and the same config and data give the same bits
// however the steps are sliced.
class Training {
 public:
  Training(const TrainConfig& config, const DataSet& train);
  ~Training();
  Training(Training&&) noexcept;
  Training& operator=(Training&&) noexcept;
  // Runs up to max_steps mini-batches, never past the end of an epoch; returns how many ran.
  // A convnet's step runs the generic passes (mlp_forward_trace, mlp_backward) on the dense
  // batch on one thread: no sparse first layer, no pieces.
  int step(int max_steps);
  // The same steps, the same bits, in pieces of bounded work (the page's frames): runs until
  // max_macs multiply-adds are spent, max_steps mini-batches have ended or an epoch ends, and
  // returns the multiply-adds spent. A piece is a few columns of one product (of Z = W X,
  // dW = dz x^T or W^T dz), at most one column's worth (outputs x inputs, or outputs x batch),
  // and none runs past max_macs, except that with at_least_one the first piece always runs.
  // A convnet's piece is a whole step (its multiply-adds counted as three forward passes): the
  // same steps as step(), so the same bits however the work is sliced.
  long work(long max_macs, int max_steps, bool at_least_one);
  long long macs() const { return macs_; }                // multiply-adds spent by work() so far
  // Done: every epoch ran, or the run diverged (then it stops where it was).
  bool done() const { return epoch_ >= config_.epochs || diverged(); }
  // The loss became NaN or infinite, or the weights left what a bundle holds
  // (bundle_weights_problem): nothing more runs, and the weights are not a model.
  bool diverged() const { return !divergence_.empty(); }
  // "training diverged at epoch 1, step 3: the loss became NaN; try a smaller learning rate"
  const std::string& divergence() const { return divergence_; }
  bool epoch_ended() const { return step_ == 0 && epoch_ > 0; }  // right after an epoch's last batch
  int epoch() const { return epoch_; }                    // epochs completed
  int step_in_epoch() const { return step_; }
  int steps_per_epoch() const { return steps_; }
  int batch() const { return batch_; }
  long samples_seen() const { return long(epoch_) * steps_ * batch_ + long(step_) * batch_; }
  float last_lr() const { return lr_; }
  float epoch_loss() const;                               // mean loss over the current (or just ended) epoch
  const Mlp& net() const { return net_; }
  const TrainConfig& config() const { return config_; }

 private:
  struct Buffers;
  TrainConfig config_;
  const DataSet* data_;
  Mlp net_;
  Rng rng_;
  std::unique_ptr<Buffers> buf_;
  std::vector<int> order_;
  int batch_ = 1, steps_ = 0, epoch_ = 0, step_ = 0, loss_steps_ = 0;
  double loss_sum_ = 0;
  float lr_ = 0;
  std::string divergence_;
  long long macs_ = 0;
  void diverge(const std::string& what);
  void shuffle_if_new_epoch();
  bool finish_step(float loss);  // after the optimizer step: true at an epoch's end (or divergence)
  // One whole step of a convnet. Refused: the loss was not finite, nothing changed (diverged());
  // EpochEnd: the step ended an epoch, or left weights a bundle cannot hold (diverged()).
  enum class StepEnd { Going, EpochEnd, Refused };
  StepEnd convnet_step();
};

// Trains a fresh network (initialised from config.seed) on train, reporting on validation.
// A run that diverges stops at once; its message is in *divergence (when given), else the
// network is returned as it was when it stopped.
Mlp train(const TrainConfig& config, const DataSet& train, const DataSet& validation, const TrainCallbacks& cb = {},
          std::string* divergence = nullptr);

// Splits off `count` validation images by a seeded permutation.
void split_validation(const DataSet& all, int count, std::uint64_t seed, DataSet& train, DataSet& validation);

// The XOR task: the four corners (test) and a noisy cloud around them (training).
DataSet xor_points();
DataSet xor_cloud(int per_corner, float noise, std::uint64_t seed);

}  // namespace lens
