#include "core/training/trainer.h"

#include <cassert>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <numeric>

#include "core/formats/bundle.h"
#include "core/numerics/loss.h"
#include "core/numerics/workers.h"
#include "core/training/recipe_fields.h"

#define LENS_STEP_INLINE inline __attribute__((always_inline))
#if defined(__GNUC__) && !defined(__clang__)
#define LENS_NO_CONTRACT_STEP __attribute__((optimize("fp-contract=off")))
#else
#define LENS_NO_CONTRACT_STEP
#endif

namespace lens {

using nlohmann::json;

// --- recipe <-> JSON ---------------------------------------------------------

static const char* init_name(Init i) { return i == Init::He ? "he" : i == Init::Xavier ? "xavier" : "uniform"; }
static const char* optimizer_name(Optimizer o) { return o == Optimizer::Sgd ? "sgd" : "adam"; }
static const char* schedule_name(Schedule s) {
  return s == Schedule::Constant ? "constant" : s == Schedule::Step ? "step" : "cosine";
}

json train_config_to_json(const TrainConfig& c) {
  json j = {{"layers", c.sizes}, {"activation", activation_name(c.hidden)}, {"head", head_name(c.head)},
          {"init", init_name(c.init)}, {"bias_init", c.bias_init}, {"optimizer", optimizer_name(c.optimizer)},
          {"lr", c.lr}, {"momentum", c.momentum}, {"beta1", c.beta1}, {"beta2", c.beta2}, {"adam_eps", c.adam_eps},
          {"schedule", schedule_name(c.schedule)}, {"lr_decay", c.lr_decay}, {"lr_step", c.lr_step},
          {"batch", c.batch}, {"epochs", c.epochs}, {"l2", c.l2}, {"seed", c.seed}, {"validation", c.validation}};
  // Written only when set, so recipes without it (and the bundles that record them) stay as they were.
  if (!c.norm.identity()) j["normalize"] = {c.norm.mean, c.norm.std};
  if (!c.conv.empty()) j["conv"] = conv_specs_to_json(c.conv);
  return j;
}


// After convolutional layers, "layers" starts with their flattened maps ("auto" is filled in here),
// and all the layers fit in a bundle.
static std::string conv_dense_join(TrainConfig& c) {
  const Shape3 maps = conv_specs_shapes(c.conv).back();
  if (c.sizes.front() == 0) c.sizes.front() = maps.size();
  if (c.sizes.front() != maps.size())
    return "\"layers\" starts with " + std::to_string(c.sizes.front()) + " but the \"conv\" layers give " +
           std::to_string(maps.c) + "x" + std::to_string(maps.h) + "x" + std::to_string(maps.w) + " = " +
           std::to_string(maps.size()) + " values: start it with " + std::to_string(maps.size()) + " or \"auto\"";
  const std::size_t layers = c.conv.size() + c.sizes.size() - 1;
  if (layers > std::size_t(kBundleMaxLayers))
    return "\"conv\" and \"layers\" make " + std::to_string(layers) + " layers; a bundle holds at most " +
           std::to_string(kBundleMaxLayers);
  return "";
}

Result<TrainConfig> train_config_from_json(const json& j) {
  using R = Result<TrainConfig>;
  if (!j.is_object()) return R::fail("recipe: expected a JSON object");
  static const std::vector<std::string> known = {"layers", "activation", "head", "init", "bias_init", "optimizer", "lr",
      "momentum", "beta1", "beta2", "adam_eps", "schedule", "lr_decay", "lr_step", "batch", "epochs", "l2", "seed",
      "validation", "normalize", "conv", "id", "name", "notes", "dataset", "comment"};
  for (const auto& item : j.items())
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) return R::fail("recipe: unknown key \"" + item.key() + "\"");
  TrainConfig c;
  RecipeFields r{j, ""};
  r.field("conv", [&](const json& v) { r.error = conv_specs_from_json(v, c.conv); });
  r.field("layers", [&](const json& v) {
    if (!v.is_array() || v.size() < 2 || v.size() > 17) { r.error = "\"layers\" must be a list of 2 to 17 sizes"; return; }
    c.sizes.clear();
    for (const json& n : v) {
      if (c.sizes.empty() && !c.conv.empty() && n == "auto") {  // the convolutions' flattened maps, resolved below
        c.sizes.push_back(0);
        continue;
      }
      if (!n.is_number_integer() || n.get<std::int64_t>() < 1 || n.get<std::int64_t>() > 16384) {
        r.error = "\"layers\" sizes must be integers in [1, 16384]";
        return;
      }
      c.sizes.push_back(int(n.get<std::int64_t>()));
    }
  });
  if (r.error.empty() && !c.conv.empty()) r.error = conv_dense_join(c);
  r.choice("activation", c.hidden, {{"relu", Activation::ReLU}, {"leaky_relu", Activation::LeakyReLU},
                                    {"sigmoid", Activation::Sigmoid}, {"tanh", Activation::Tanh},
                                    {"identity", Activation::Identity}});
  r.choice("head", c.head, {{"softmax", Head::Softmax}, {"sigmoid", Head::Sigmoid}});
  r.choice("init", c.init, {{"he", Init::He}, {"xavier", Init::Xavier}, {"uniform", Init::Uniform}});
  r.choice("optimizer", c.optimizer, {{"sgd", Optimizer::Sgd}, {"adam", Optimizer::Adam}});
  r.choice("schedule", c.schedule, {{"constant", Schedule::Constant}, {"step", Schedule::Step}, {"cosine", Schedule::Cosine}});
  r.number("bias_init", c.bias_init, -100.f, 100.f);
  r.number("lr", c.lr, 0.f, 100.f, /*lo_open=*/true);
  r.number("momentum", c.momentum, 0.f, 0.9999f);
  r.number("beta1", c.beta1, 0.f, 0.9999f);
  r.number("beta2", c.beta2, 0.f, 0.999999f);
  r.number("adam_eps", c.adam_eps, 1e-12f, 1.f);
  r.number("lr_decay", c.lr_decay, 1e-6f, 1.f);
  r.integer("lr_step", c.lr_step, 1, 100000);
  r.integer("batch", c.batch, 1, 65536);
  r.integer("epochs", c.epochs, 0, 100000);
  r.number("l2", c.l2, 0.f, 10.f);
  r.integer("validation", c.validation, 0, 1000000);
  r.field("seed", [&](const json& v) {
    if (!v.is_number_unsigned()) r.error = "\"seed\" must be a non-negative integer";
    else c.seed = v.get<std::uint64_t>();
  });
  r.field("normalize", [&](const json& v) {
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
        !(std::abs(v[0].get<double>()) <= 1e4) || !(v[1].get<double>() >= 1e-4 && v[1].get<double>() <= 1e4))
      r.error = "\"normalize\" must be [mean, std] with |mean| <= 1e4 and std in [1e-4, 1e4], e.g. [0.1307, 0.3081]";
    else c.norm = InputNorm{v[0].get<float>(), v[1].get<float>()};
  });
  if (!r.error.empty()) return R::fail("recipe: " + r.error);
  return R::ok(c);
}

// --- initialisation ------------------------------------------------------------

int train_config_inputs(const TrainConfig& c) {
  if (!c.conv.empty()) return kConvRecipeImage.size();
  return c.sizes.empty() ? 0 : c.sizes.front();
}

Mlp train_config_network(const TrainConfig& c) {
  Mlp net = mlp_make(c.sizes, c.hidden, Activation::Identity, c.head);
  if (!c.conv.empty()) {
    std::vector<Layer> layers = conv_layers_make(c.conv, c.hidden);
    for (Layer& d : net.layers) layers.push_back(std::move(d));
    net.layers = std::move(layers);
  }
  net.norm = c.norm;
  return net;
}

void mlp_initialize(Mlp& net, Init init, float bias_init, Rng& rng) {
  for (Dense& d : net.layers) {
    // A dense layer's fans are W's columns and rows; a filter's taps are W's columns, and each
    // input value reaches C_out * kh * kw outputs.
    const float taps = d.is_conv() ? float(d.window.kh * d.window.kw) : 1.f;
    const float fan_in = float(d.W.cols()), fan_out = float(d.W.rows()) * taps;
    for (Eigen::Index i = 0; i < d.W.size(); ++i) {
      float w = 0.f;
      switch (init) {
        case Init::He: w = std::sqrt(2.f / fan_in) * rng.normal(); break;
        case Init::Xavier: w = std::sqrt(2.f / (fan_in + fan_out)) * rng.normal(); break;
        case Init::Uniform: {
          const float a = 1.f / std::sqrt(fan_in);  // the classic U(-1/sqrt(fan_in), 1/sqrt(fan_in))
          w = rng.uniform(-a, a);
          break;
        }
      }
      d.W.data()[i] = w;
    }
    d.b.setConstant(&d == &net.layers.back() ? 0.f : bias_init);
  }
}

// --- evaluation ------------------------------------------------------------------

static Eigen::MatrixXf targets_for(Head head, int outputs, const std::vector<int>& labels) {
  if (head == Head::Sigmoid && outputs == 1) {
    Eigen::MatrixXf y(1, Eigen::Index(labels.size()));
    for (std::size_t n = 0; n < labels.size(); ++n) y(0, Eigen::Index(n)) = labels[n] ? 1.f : 0.f;
    return y;
  }
  return one_hot(labels, outputs);
}

Evaluation evaluate(const Mlp& net, const DataSet& data, int batch) {
  Evaluation e;
  e.count = data.size();
  if (e.count == 0) return e;
  double loss = 0;
  int correct = 0;
  for (int first = 0; first < e.count; first += batch) {
    const int n = std::min(batch, e.count - first);
    const Eigen::MatrixXf logits = mlp_forward(net, data.images.middleCols(first, n));
    const std::vector<int> labels(data.labels.begin() + first, data.labels.begin() + first + n);
    loss += double(cross_entropy(net.head, logits, targets_for(net.head, net.outputs(), labels)).loss) * n;
    const std::vector<int> predicted = head_predict(net.head, logits);
    for (int i = 0; i < n; ++i) correct += predicted[std::size_t(i)] == labels[std::size_t(i)];
  }
  e.loss = float(loss / e.count);
  e.accuracy = float(correct) / float(e.count);
  return e;
}

// --- optimisation ----------------------------------------------------------------

namespace {

// One optimizer step over n parameters, coefficient by coefficient. Every coefficient is a
// fixed sequence of IEEE operations (sqrt and / are correctly rounded; contraction is off),
// so whether the compiler runs the loop 4, 8 or 16 wide, natively or in wasm, the results are
// the same bits. Adam in the form that needs one sqrt and one division per coefficient:
//   p -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)

template <bool kDecay>
LENS_STEP_INLINE void adam_loop(float* __restrict p, const float* __restrict g, float* __restrict m,
                                float* __restrict v, Eigen::Index n, const StepConstants& k) {
  for (Eigen::Index i = 0; i < n; ++i) {
    float G = g[i];
    if (kDecay) G = G + k.l2 * p[i];  // d/dW of (l2/2)|W|^2
    const float M = k.beta1 * m[i] + k.nbeta1 * G;
    const float V = k.beta2 * v[i] + k.nbeta2 * (G * G);
    m[i] = M;
    v[i] = V;
    p[i] = p[i] - k.step * (M / (std::sqrt(V) * k.inv_sqrt_bc2 + k.eps));
  }
}

template <bool kDecay>
LENS_STEP_INLINE void sgd_loop(float* __restrict p, const float* __restrict g, float* __restrict m, Eigen::Index n,
                               const StepConstants& k) {
  for (Eigen::Index i = 0; i < n; ++i) {  // classical momentum: m = mu m + g; p -= lr m
    float G = g[i];
    if (kDecay) G = G + k.l2 * p[i];
    const float M = k.momentum * m[i] + G;
    m[i] = M;
    p[i] = p[i] - k.lr * M;
  }
}

LENS_STEP_INLINE void step_loop(bool adam, bool decay, float* p, const float* g, float* m, float* v, Eigen::Index n,
                                const StepConstants& k) {
  if (adam) decay ? adam_loop<true>(p, g, m, v, n, k) : adam_loop<false>(p, g, m, v, n, k);
  else decay ? sgd_loop<true>(p, g, m, n, k) : sgd_loop<false>(p, g, m, n, k);
}

using StepKernel = void (*)(bool, bool, float*, const float*, float*, float*, Eigen::Index, const StepConstants&);
LENS_NO_CONTRACT_STEP void step_base(bool adam, bool decay, float* p, const float* g, float* m, float* v, Eigen::Index n,
                                     const StepConstants& k) {
  step_loop(adam, decay, p, g, m, v, n, k);
}
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
// Wider vectors where the CPU has them (the same bits: see above).
__attribute__((target("avx2"))) LENS_NO_CONTRACT_STEP void step_avx(bool adam, bool decay, float* p, const float* g,
                                                                   float* m, float* v, Eigen::Index n,
                                                                   const StepConstants& k) {
  step_loop(adam, decay, p, g, m, v, n, k);
}
__attribute__((target("avx512f"))) LENS_NO_CONTRACT_STEP void step_avx512(bool adam, bool decay, float* p,
                                                                          const float* g, float* m, float* v,
                                                                          Eigen::Index n, const StepConstants& k) {
  step_loop(adam, decay, p, g, m, v, n, k);
}
StepKernel step_kernel() {
  static const int w = simd_width();  // gemm.h: the widest the CPU has, or LENS_SIMD's cap
  return w == 16 ? step_avx512 : w == 8 ? step_avx : step_base;
}
#else
StepKernel step_kernel() { return step_base; }
#endif

}  // namespace

void optimizer_apply(Mlp& net, const Gradients& g, OptimizerState& s, bool adam, bool decay_weights,
                     const StepConstants& k) {
  // Runs of kStepBlock coefficients (a layer's W in several, its b in one), side by side on
  // training's threads (workers.h); every coefficient's update is its own, so the bits do not
  // depend on which thread runs it.
  constexpr Eigen::Index kStepBlock = 8192;
  struct Run {
    std::size_t layer;
    bool weights;
    Eigen::Index first, count;
  };
  static thread_local std::vector<Run> reused;
  std::vector<Run>& runs = reused;  // this thread's list, also when a worker reads it
  runs.clear();
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Eigen::Index n = net.layers[l].W.size();
    for (Eigen::Index i = 0; i < n; i += kStepBlock) runs.push_back({l, true, i, std::min(kStepBlock, n - i)});
    runs.push_back({l, false, 0, net.layers[l].b.size()});
  }
  const StepKernel run = step_kernel();
  auto step_run = [&](std::size_t r) {
    const Run& u = runs[r];
    Dense& d = net.layers[u.layer];
    if (u.weights)
      run(adam, decay_weights, d.W.data() + u.first, g.dW[u.layer].data() + u.first, s.mW[u.layer].data() + u.first,
          s.vW[u.layer].data() + u.first, u.count, k);
    else run(adam, false, d.b.data(), g.db[u.layer].data(), s.mb[u.layer].data(), s.vb[u.layer].data(), u.count, k);
  };
  if (net.parameter_count() < std::size_t(4 * kStepBlock)) {  // a small net: not worth handing out
    for (std::size_t r = 0; r < runs.size(); ++r) step_run(r);
    return;
  }
  parallel_blocks(int(runs.size()), [&](int r) { step_run(std::size_t(r)); });
}


namespace {
// base^n by repeated multiplication in double: the C libraries' pow differ in the last bit.
double power(double base, long n) {
  double r = 1;
  for (long i = 0; i < n; ++i) r *= base;
  return r;
}

void optimizer_step(Mlp& net, const Gradients& g, OptimizerState& s, const TrainConfig& c, float lr) {
  ++s.step;
  s.beta1_power *= double(c.beta1);
  s.beta2_power *= double(c.beta2);
  const float bc1 = float(1 - s.beta1_power), bc2 = float(1 - s.beta2_power);
  const StepConstants k{c.l2, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, lr / bc1, 1.f / std::sqrt(bc2), c.adam_eps,
                        c.momentum, lr};
  optimizer_apply(net, g, s, c.optimizer == Optimizer::Adam, c.l2 > 0, k);
}

float learning_rate(const TrainConfig& c, int epoch0, int step, int steps) {
  switch (c.schedule) {
    case Schedule::Constant: return c.lr;
    case Schedule::Step: return float(double(c.lr) * power(double(c.lr_decay), epoch0 / c.lr_step));
    case Schedule::Cosine: {
      const double t = (double(epoch0) * steps + step) / (double(c.epochs) * steps);
      return float(c.lr * 0.5 * (1 + std::cos(3.141592653589793 * t)));
    }
  }
  return c.lr;
}
}  // namespace

// A step in pieces (Training::work): where it is, and what it keeps between pieces.
struct StepPieces {
  enum class Phase { Gather, Forward, Loss, Dz, Dw, Dx, Apply };
  Phase phase = Phase::Gather;
  std::size_t layer = 0;
  Eigen::Index next = 0;  // the first column of the current product still to compute
  LossResult loss;
  Eigen::MatrixXf da, dz, da_below, block;
  SparseColumns part;     // some columns of the batch (or of its transpose)
};

struct Training::Buffers {
  StepPieces pieces;
  OptimizerState state;
  SparseColumns x, xt;  // the batch and its transpose; MNIST pixels are mostly 0 (see gemm.h)
  SparseColumns images;  // the training images, sparse, when gathering from them (see Training())
  // The next batch of the epoch, gathered from `images` beside this step's backward (step()).
  SparseColumns next_x, next_xt;
  const int* next_ids = nullptr;
  int next_n = 0, next_step = -1;  // next_step: the step it is for, -1 when none is gathered
  std::vector<int> labels;
  Eigen::MatrixXf dense_x;  // a convnet's batch (convnet_step)
  Trace trace;
  Gradients g;
  explicit Buffers(const Mlp& net) : state(net) {}
};

Training::Training(const TrainConfig& c, const DataSet& data) : config_(c), data_(&data), rng_(c.seed) {
  net_ = train_config_network(c);
  mlp_initialize(net_, c.init, c.bias_init, rng_);
  buf_ = std::make_unique<Buffers>(net_);
#ifndef __EMSCRIPTEN__
  // Gathering a batch from a sparse copy of the images copies each image's ~150 nonzeros
  // instead of reading and scanning its 784 pixels: about a fifth of lens-train's time per
  // sample at batch 256. The same batches, so the same bits. The page (wasm) gathers from the
  // dense images and keeps the memory (8 bytes a nonzero: ~24 MB for its 20,000 images).
  // A convnet gathers its batches dense (convnet_step).
  if (!net_.has_conv()) buf_->images = sparse_copy(data.images);
#endif
  const int N = data.size();
  batch_ = std::min(c.batch, std::max(N, 1));
  steps_ = N / batch_;  // the last partial batch is dropped, as is usual
  buf_->labels.resize(std::size_t(batch_));
  order_.resize(std::size_t(N));
  lr_ = c.lr;
}

Training::~Training() = default;
Training::Training(Training&&) noexcept = default;
Training& Training::operator=(Training&&) noexcept = default;

void Training::diverge(const std::string& what) {
  divergence_ = "training diverged at epoch " + std::to_string(epoch_ + 1) + ", step " + std::to_string(step_ + 1) + ": " +
                what + "; try a smaller learning rate";
}

float Training::epoch_loss() const { return loss_steps_ ? float(loss_sum_ / loss_steps_) : NAN; }

int Training::step(int max_steps) {
  const TrainConfig& c = config_;
  Buffers& b = *buf_;
  assert(b.pieces.phase == StepPieces::Phase::Gather && "step() between two pieces of work()");
  int ran = 0;
  if (net_.has_conv()) {
    while (ran < max_steps && !done() && steps_ > 0) {
      const StepEnd end = convnet_step();
      if (end == StepEnd::Refused) return ran;
      ++ran;
      if (end == StepEnd::EpochEnd) return ran;  // stop at the epoch boundary, so the caller can evaluate
    }
    return ran;
  }
  while (ran < max_steps && !done() && steps_ > 0) {
    shuffle_if_new_epoch();
    const int* ids = order_.data() + std::size_t(step_) * std::size_t(batch_);
    SideTask transpose;  // the batch's transpose, needed from the backward on, beside the forward product
    const bool sparse_images = b.images.cols() > 0;
    if (sparse_images) {
      if (b.next_step == step_) {  // gathered during the previous step
        std::swap(b.x, b.next_x);
        std::swap(b.xt, b.next_xt);
      } else {
        sparse_gather_untransposed(b.images, ids, batch_, b.x, b.xt);
      }
      b.next_step = -1;
      transpose = {[](void* c) {
                     Buffers& self = *static_cast<Buffers*>(c);
                     sparse_transpose(self.x, self.xt);
                   },
                   &b};
    } else {
      sparse_gather(data_->images, ids, batch_, b.x, b.xt);
    }
    for (int k = 0; k < batch_; ++k) b.labels[std::size_t(k)] = data_->labels[std::size_t(ids[k])];
    lr_ = learning_rate(c, epoch_, step_, steps_);
    mlp_forward_trace(net_, b.x, b.trace, transpose);
    const LossResult loss = cross_entropy(net_.head, b.trace.logits(), targets_for(net_.head, net_.outputs(), b.labels));
    // The epoch's next batch is gathered beside the first layer's weight gradient (same batch,
    // same bits; only where and when it is copied changes).
    SideTask gather_next;
    if (sparse_images && step_ + 1 < steps_) {
      b.next_ids = ids + batch_;
      b.next_n = batch_;
      b.next_step = step_ + 1;
      gather_next = {[](void* c) {
                       Buffers& self = *static_cast<Buffers*>(c);
                       sparse_gather_untransposed(self.images, self.next_ids, self.next_n, self.next_x, self.next_xt);
                     },
                     &b};
    }
    if (!std::isfinite(loss.loss)) {  // the weights are not changed by a step that cannot be right
      b.next_step = -1;
      diverge(std::string("the loss became ") + (std::isnan(loss.loss) ? "NaN" : "infinite"));
      return ran;
    }
    mlp_backward(net_, b.trace, b.xt, loss.dlogits, b.g, gather_next);
    optimizer_step(net_, b.g, b.state, c, lr_);
    ++ran;
    if (finish_step(loss.loss)) return ran;  // stop at the epoch boundary, so the caller can evaluate
  }
  return ran;
}

// The generic passes handle convolutions; a convnet's maps are dense, so the sparse first layer
// of an MLP's step would not pay. The passes run on the calling thread (the worker pool's blocks
// are the MLP's sparse products); the optimizer step is the MLP's, in the same runs.
Training::StepEnd Training::convnet_step() {
  Buffers& b = *buf_;
  shuffle_if_new_epoch();
  const int* ids = order_.data() + std::size_t(step_) * std::size_t(batch_);
  b.dense_x.resize(data_->images.rows(), batch_);
  for (int k = 0; k < batch_; ++k) {
    b.dense_x.col(k) = data_->images.col(ids[k]);
    b.labels[std::size_t(k)] = data_->labels[std::size_t(ids[k])];
  }
  lr_ = learning_rate(config_, epoch_, step_, steps_);
  mlp_forward_trace(net_, b.dense_x, b.trace);
  const LossResult loss = cross_entropy(net_.head, b.trace.logits(), targets_for(net_.head, net_.outputs(), b.labels));
  if (!std::isfinite(loss.loss)) {  // the weights are not changed by a step that cannot be right
    diverge(std::string("the loss became ") + (std::isnan(loss.loss) ? "NaN" : "infinite"));
    return StepEnd::Refused;
  }
  b.g = mlp_backward(net_, b.trace, loss.dlogits);
  optimizer_step(net_, b.g, b.state, config_, lr_);
  return finish_step(loss.loss) ? StepEnd::EpochEnd : StepEnd::Going;
}

// A convnet's multiply-adds per step, as work() counts them: the forward pass and the backward's
// two products (weights and inputs), each about a forward's worth.
static long convnet_step_macs(const Mlp& net, int batch) {
  double per_image = 0;
  for (const Layer& d : net.layers)
    per_image += double(d.W.size()) * double(d.is_conv() ? d.conv_shape().plane() : 1);
  return long(3 * per_image * batch);
}

void Training::shuffle_if_new_epoch() {
  if (step_ != 0) return;
  std::iota(order_.begin(), order_.end(), 0);
  for (int i = int(order_.size()) - 1; i > 0; --i) std::swap(order_[std::size_t(i)], order_[rng_.below(std::uint32_t(i + 1))]);
  loss_sum_ = 0;
  loss_steps_ = 0;
}

bool Training::finish_step(float loss) {
  loss_sum_ += loss;
  ++loss_steps_;
  if (++step_ < steps_) return false;
  // Once an epoch (a pass over the parameters, like one optimizer step): weights a bundle
  // cannot hold end the run, so nothing is measured or written from them.
  if (std::string problem = bundle_weights_problem(net_); !problem.empty()) {
    step_ = steps_ - 1;
    diverge(problem);
    return true;
  }
  step_ = 0;
  ++epoch_;
  return true;
}

// --- a step in pieces ----------------------------------------------------------------
// step()'s products, each computed a block of its independent output columns at a time: an
// element of Z = W X, of dW = dz x^T or of W^T dz is still one sum over the same terms in
// gemm.h's order, whichever block it is in, so the bits are step()'s (Train.WorkInPiecesEqualsSteps).

// Columns [c0, c1) of x, as a matrix of their own.
static void sparse_columns_of(const SparseColumns& x, Eigen::Index c0, Eigen::Index c1, SparseColumns& out) {
  const int first = x.start[std::size_t(c0)], last = x.start[std::size_t(c1)];
  out.rows = x.rows;
  out.start.resize(std::size_t(c1 - c0 + 1));
  for (Eigen::Index j = c0; j <= c1; ++j) out.start[std::size_t(j - c0)] = x.start[std::size_t(j)] - first;
  out.index.assign(x.index.begin() + first, x.index.begin() + last);
  out.value.assign(x.value.begin() + first, x.value.begin() + last);
}

long Training::work(long max_macs, int max_steps, bool at_least_one) {
  Buffers& b = *buf_;
  StepPieces& p = b.pieces;
  const std::size_t L = net_.layers.size();
  const Eigen::Index N = batch_;
  long spent = 0;
  struct Tally {  // every way out adds what was spent to the run's total
    long long& total;
    const long& spent;
    ~Tally() { total += spent; }
  } tally{macs_, spent};
  int ended = 0;
  // How many columns of `unit` multiply-adds each fit in what is left (0: stop here).
  auto columns = [&](long unit, Eigen::Index left) {
    Eigen::Index n = Eigen::Index(std::max(0L, max_macs - spent) / std::max(1L, unit));
    if (n == 0 && at_least_one && spent == 0) n = 1;
    return std::min(n, left);
  };
  if (net_.has_conv()) {  // a whole step is a piece
    const long unit = convnet_step_macs(net_, batch_);
    while (ended < max_steps && !done() && steps_ > 0) {
      if (spent + unit > max_macs && !(at_least_one && spent == 0)) return spent;
      const StepEnd end = convnet_step();
      if (end == StepEnd::Refused) return spent;
      spent += unit;
      ++ended;
      if (end == StepEnd::EpochEnd) return spent;
    }
    return spent;
  }
  while (ended < max_steps && !done() && steps_ > 0) {
    switch (p.phase) {
      case StepPieces::Phase::Gather: {
        shuffle_if_new_epoch();
        const int* ids = order_.data() + std::size_t(step_) * std::size_t(batch_);
        if (b.images.cols() > 0) sparse_gather(b.images, ids, batch_, b.x, b.xt);
        else sparse_gather(data_->images, ids, batch_, b.x, b.xt);
        for (int k = 0; k < batch_; ++k) b.labels[std::size_t(k)] = data_->labels[std::size_t(ids[k])];
        lr_ = learning_rate(config_, epoch_, step_, steps_);
        b.trace.layers.resize(L);
        for (std::size_t l = 0; l < L; ++l) {
          b.trace.layers[l].z.resize(net_.layers[l].outputs(), N);
          b.trace.layers[l].a.resize(net_.layers[l].outputs(), N);
        }
        b.g.dW.resize(L);
        b.g.db.resize(L);
        p.layer = 0;
        p.next = 0;
        p.phase = StepPieces::Phase::Forward;
        break;
      }
      case StepPieces::Phase::Forward: {  // Z = W X + b, a = act(Z), some columns (samples)
        const Dense& d = net_.layers[p.layer];
        LayerTrace& t = b.trace.layers[p.layer];
        const long unit = long(d.W.rows()) * long(d.W.cols());
        const Eigen::Index n = columns(unit, N - p.next);
        if (n == 0) return spent;
        if (p.layer == 0) {
          sparse_columns_of(b.x, p.next, p.next + n, p.part);
          gemm_sparse(d.W, p.part, p.block);
        } else {
          gemm_op(d.W, false, b.trace.layers[p.layer - 1].a.middleCols(p.next, n), false, p.block);
        }
        if (p.layer == 0 && !net_.norm.identity()) {  // as mlp_forward_trace: the batch stays sparse
          const float inv = 1.f / net_.norm.std;
          Eigen::VectorXf w1;
          row_sums(d.W, w1);
          p.block *= inv;
          p.block.colwise() += d.b - (net_.norm.mean * inv) * w1;
        } else {
          p.block.colwise() += d.b;
        }
        t.z.middleCols(p.next, n) = p.block;
        t.a.middleCols(p.next, n) = activate(d.act, p.block, d.slope);
        spent += unit * long(n);
        if ((p.next += n) == N) {
          p.next = 0;
          if (++p.layer == L) p.phase = StepPieces::Phase::Loss;
        }
        break;
      }
      case StepPieces::Phase::Loss: {  // a few operations per output and sample
        p.loss = cross_entropy(net_.head, b.trace.logits(), targets_for(net_.head, net_.outputs(), b.labels));
        if (!std::isfinite(p.loss.loss)) {
          p.phase = StepPieces::Phase::Gather;
          diverge(std::string("the loss became ") + (std::isnan(p.loss.loss) ? "NaN" : "infinite"));
          return spent;
        }
        p.da = std::move(p.loss.dlogits);
        p.layer = L - 1;
        p.phase = StepPieces::Phase::Dz;
        break;
      }
      case StepPieces::Phase::Dz: {  // dz = da .* act'(z), one operation per output and sample
        const LayerTrace& t = b.trace.layers[p.layer];
        p.dz = p.da.cwiseProduct(activate_derivative(net_.layers[p.layer].act, t.z, t.a, net_.layers[p.layer].slope));
        b.g.dW[p.layer].resize(net_.layers[p.layer].W.rows(), net_.layers[p.layer].W.cols());
        p.next = 0;
        p.phase = StepPieces::Phase::Dw;
        break;
      }
      case StepPieces::Phase::Dw: {  // dW = dz x^T, some columns (inputs): each a sum over the batch
        const std::size_t l = p.layer;
        const Eigen::Index I = net_.layers[l].W.cols();
        const long unit = long(net_.layers[l].W.rows()) * long(N);
        const Eigen::Index n = columns(unit, I - p.next);
        if (n == 0) return spent;
        if (l == 0) {
          sparse_columns_of(b.xt, p.next, p.next + n, p.part);
          gemm_sparse(p.dz, p.part, p.block);
        } else {
          gemm_op(p.dz, false, b.trace.layers[l - 1].a.middleRows(p.next, n), true, p.block);
        }
        b.g.dW[l].middleCols(p.next, n) = p.block;
        spent += unit * long(n);
        if ((p.next += n) < I) break;
        if (l == 0 && !net_.norm.identity()) {  // as mlp_backward
          const float inv = 1.f / net_.norm.std;
          Eigen::VectorXf dz1;
          row_sums(p.dz, dz1);
          b.g.dW[l] *= inv;
          b.g.dW[l].colwise() -= (net_.norm.mean * inv) * dz1;
        }
        row_sums(p.dz, b.g.db[l]);
        p.next = 0;
        if (l > 0) {
          p.da_below.resize(net_.layers[l].W.cols(), N);
          p.phase = StepPieces::Phase::Dx;
        } else {
          p.phase = StepPieces::Phase::Apply;
        }
        break;
      }
      case StepPieces::Phase::Dx: {  // the layer below's da = W^T dz, some columns (samples)
        const Dense& d = net_.layers[p.layer];
        const long unit = long(d.W.rows()) * long(d.W.cols());
        const Eigen::Index n = columns(unit, N - p.next);
        if (n == 0) return spent;
        gemm_op(d.W, true, p.dz.middleCols(p.next, n), false, p.block);
        p.da_below.middleCols(p.next, n) = p.block;
        spent += unit * long(n);
        if ((p.next += n) < N) break;
        std::swap(p.da, p.da_below);
        --p.layer;
        p.phase = StepPieces::Phase::Dz;
        break;
      }
      case StepPieces::Phase::Apply: {  // a few operations per parameter
        optimizer_step(net_, b.g, b.state, config_, lr_);
        p.phase = StepPieces::Phase::Gather;
        ++ended;
        if (finish_step(p.loss.loss)) return spent;
        break;
      }
    }
  }
  return spent;
}

Mlp train(const TrainConfig& c, const DataSet& data, const DataSet& validation, const TrainCallbacks& cb,
          std::string* divergence) {
  using Clock = std::chrono::steady_clock;
  Training t(c, data);
  const int steps = t.steps_per_epoch();
  while (!t.done() && steps > 0) {
    const auto t0 = Clock::now();
    const int epoch = t.epoch();
    while (t.epoch() == epoch && !t.diverged()) {
      t.step(50 - t.step_in_epoch() % 50);  // progress every 50 steps, as before
      const int done_steps = t.epoch() == epoch ? t.step_in_epoch() : steps;
      if (cb.on_progress) {
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        cb.on_progress({epoch + 1, done_steps, steps, t.epoch_loss(), s > 0 ? done_steps * t.batch() / s : 0});
      }
    }
    if (t.diverged()) {
      if (divergence) *divergence = t.divergence();
      break;
    }
    EpochReport r;
    r.epoch = epoch + 1;
    r.lr = t.last_lr();
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    r.samples_per_second = r.seconds > 0 ? steps * t.batch() / r.seconds : 0;
    if (cb.on_epoch) {
      r.train = evaluate(t.net(), data);
      r.validation = evaluate(t.net(), validation);
      cb.on_epoch(r);
    }
  }
  return t.net();
}

// --- data helpers -------------------------------------------------------------------

void split_validation(const DataSet& all, int count, std::uint64_t seed, DataSet& train, DataSet& validation) {
  const int N = all.size();
  count = std::clamp(count, 0, N);
  std::vector<int> order(static_cast<std::size_t>(N));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed ^ 0x5EEDF00Dull);  // a stream of its own: the split does not shift the training shuffle
  for (int i = N - 1; i > 0; --i) std::swap(order[std::size_t(i)], order[rng.below(std::uint32_t(i + 1))]);
  auto take = [&](DataSet& out, int first, int n) {
    std::vector<int> idx(order.begin() + first, order.begin() + first + n);
    std::sort(idx.begin(), idx.end());  // keep the original order within each part
    out.images.resize(all.images.rows(), n);
    out.labels.resize(std::size_t(n));
    for (int k = 0; k < n; ++k) {
      out.images.col(k) = all.images.col(idx[std::size_t(k)]);
      out.labels[std::size_t(k)] = all.labels[std::size_t(idx[std::size_t(k)])];
    }
  };
  take(validation, 0, count);
  take(train, count, N - count);
}

DataSet xor_points() {
  DataSet d;
  d.images.resize(2, 4);
  d.images << 0, 0, 1, 1,
              0, 1, 0, 1;
  d.labels = {0, 1, 1, 0};
  return d;
}

DataSet xor_cloud(int per_corner, float noise, std::uint64_t seed) {
  const DataSet corners = xor_points();
  Rng rng(seed);
  DataSet d;
  d.images.resize(2, 4 * per_corner);
  d.labels.resize(std::size_t(4 * per_corner));
  for (int k = 0; k < 4 * per_corner; ++k) {
    const int c = k % 4;
    d.images(0, k) = corners.images(0, c) + noise * rng.normal();
    d.images(1, k) = corners.images(1, c) + noise * rng.normal();
    d.labels[std::size_t(k)] = corners.labels[std::size_t(c)];
  }
  return d;
}

}  // namespace lens
