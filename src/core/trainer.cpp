#include "core/trainer.h"

#include <chrono>
#include <cmath>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif
#include <numeric>

#include "core/loss.h"

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
  return j;
}

namespace {
struct Reader {  // reads typed fields from a JSON object, collecting the first error
  const json& j;
  std::string error;
  template <class F> void field(const char* key, F&& read) {
    if (error.empty() && j.contains(key)) read(j[key]);
  }
  void number(const char* key, float& out, float lo, float hi) {
    field(key, [&](const json& v) {
      if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
        error = std::string("\"") + key + "\" must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
      else out = v.get<float>();
    });
  }
  void integer(const char* key, int& out, int lo, int hi) {
    field(key, [&](const json& v) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
        error = std::string("\"") + key + "\" must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
      else out = int(v.get<std::int64_t>());
    });
  }
  template <class E> void choice(const char* key, E& out, std::initializer_list<std::pair<const char*, E>> options) {
    field(key, [&](const json& v) {
      std::string names;
      for (const auto& [name, value] : options) {
        if (v.is_string() && v.get<std::string>() == name) { out = value; return; }
        names += std::string(names.empty() ? "" : ", ") + name;
      }
      error = std::string("\"") + key + "\" must be one of: " + names;
    });
  }
};
}  // namespace

Result<TrainConfig> train_config_from_json(const json& j) {
  using R = Result<TrainConfig>;
  if (!j.is_object()) return R::fail("recipe: expected a JSON object");
  static const std::vector<std::string> known = {"layers", "activation", "head", "init", "bias_init", "optimizer", "lr",
      "momentum", "beta1", "beta2", "adam_eps", "schedule", "lr_decay", "lr_step", "batch", "epochs", "l2", "seed",
      "validation", "normalize", "id", "name", "notes", "dataset", "comment"};
  for (const auto& item : j.items())
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) return R::fail("recipe: unknown key \"" + item.key() + "\"");
  TrainConfig c;
  Reader r{j, ""};
  r.field("layers", [&](const json& v) {
    if (!v.is_array() || v.size() < 2 || v.size() > 17) { r.error = "\"layers\" must be a list of 2 to 17 sizes"; return; }
    c.sizes.clear();
    for (const json& n : v) {
      if (!n.is_number_integer() || n.get<std::int64_t>() < 1 || n.get<std::int64_t>() > 16384) {
        r.error = "\"layers\" sizes must be integers in [1, 16384]";
        return;
      }
      c.sizes.push_back(int(n.get<std::int64_t>()));
    }
  });
  r.choice("activation", c.hidden, {{"relu", Activation::ReLU}, {"leaky_relu", Activation::LeakyReLU},
                                    {"sigmoid", Activation::Sigmoid}, {"tanh", Activation::Tanh},
                                    {"identity", Activation::Identity}});
  r.choice("head", c.head, {{"softmax", Head::Softmax}, {"sigmoid", Head::Sigmoid}});
  r.choice("init", c.init, {{"he", Init::He}, {"xavier", Init::Xavier}, {"uniform", Init::Uniform}});
  r.choice("optimizer", c.optimizer, {{"sgd", Optimizer::Sgd}, {"adam", Optimizer::Adam}});
  r.choice("schedule", c.schedule, {{"constant", Schedule::Constant}, {"step", Schedule::Step}, {"cosine", Schedule::Cosine}});
  r.number("bias_init", c.bias_init, -100.f, 100.f);
  r.number("lr", c.lr, 1e-9f, 100.f);
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

void mlp_initialize(Mlp& net, Init init, float bias_init, Rng& rng) {
  for (Dense& d : net.layers) {
    const float fan_in = float(d.inputs()), fan_out = float(d.outputs());
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
struct OptimizerState {
  std::vector<Eigen::MatrixXf> mW, vW;  // momentum / Adam first moment, Adam second moment
  std::vector<Eigen::VectorXf> mb, vb;
  long step = 0;

  explicit OptimizerState(const Mlp& net) {
    for (const Dense& d : net.layers) {
      mW.push_back(Eigen::MatrixXf::Zero(d.W.rows(), d.W.cols()));
      vW.push_back(Eigen::MatrixXf::Zero(d.W.rows(), d.W.cols()));
      mb.push_back(Eigen::VectorXf::Zero(d.b.size()));
      vb.push_back(Eigen::VectorXf::Zero(d.b.size()));
    }
  }
};

template <class P, class G, class S>
void adam_update(P& p, const G& g, S& m, S& v, const TrainConfig& c, float lr, float bc1, float bc2) {
  m = c.beta1 * m + (1 - c.beta1) * g;
  v = c.beta2 * v + (1 - c.beta2) * g.cwiseProduct(g);
  p.array() -= lr * (m.array() / bc1) / ((v.array() / bc2).sqrt() + c.adam_eps);
}

// The updates are coefficient-wise, so they run over segments small enough that a segment's
// parameters, gradient and moments stay in cache from one statement to the next, instead of
// streaming all of them (1.6 MB for mlp128) through each statement in turn. Segments start on
// packet boundaries, so Eigen vectorizes exactly the coefficients it vectorizes over the whole
// matrix, which keeps results bit-identical (its packet sqrt is not the scalar std::sqrt).
constexpr Eigen::Index kSegment = 4096;
static_assert(kSegment % 16 == 0, "segments must start on packet boundaries (up to 16 floats)");

#ifdef __wasm_simd128__
// Eigen has no wasm SIMD packets, so its array expressions run one float at a time there; the
// Adam step, the same formula coefficient by coefficient, four floats per operation. (Natively
// the Eigen expression stays, for bit-identical bundles.)
void adam_update_wasm(float* p, float* g, float* m, float* v, Eigen::Index n, bool decay, const TrainConfig& c, float lr,
                      float bc1, float bc2) {
  const v128_t l2 = wasm_f32x4_splat(c.l2), b1 = wasm_f32x4_splat(c.beta1), b2 = wasm_f32x4_splat(c.beta2),
               nb1 = wasm_f32x4_splat(1 - c.beta1), nb2 = wasm_f32x4_splat(1 - c.beta2), rate = wasm_f32x4_splat(lr),
               c1 = wasm_f32x4_splat(bc1), c2 = wasm_f32x4_splat(bc2), eps = wasm_f32x4_splat(c.adam_eps);
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t G = wasm_v128_load(g + i), P = wasm_v128_load(p + i);
    if (decay) G = wasm_f32x4_add(G, wasm_f32x4_mul(l2, P));
    const v128_t M = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(nb1, G));
    const v128_t V = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(nb2, wasm_f32x4_mul(G, G)));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(rate, wasm_f32x4_div(M, c1)),
                                       wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(V, c2)), eps));
    wasm_v128_store(m + i, M);
    wasm_v128_store(v + i, V);
    wasm_v128_store(p + i, wasm_f32x4_sub(P, step));
  }
  for (; i < n; ++i) {
    float G = g[i];
    if (decay) G += c.l2 * p[i];
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * G;
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * G * G;
    p[i] -= lr * (m[i] / bc1) / (std::sqrt(v[i] / bc2) + c.adam_eps);
  }
}
#endif

void update_parameters(float* p, float* g, float* m, float* v, Eigen::Index n, bool decay, const TrainConfig& c,
                       float lr, float bc1, float bc2) {
#ifdef __wasm_simd128__
  if (c.optimizer == Optimizer::Adam) return adam_update_wasm(p, g, m, v, n, decay, c, lr, bc1, bc2);
#endif
  using Segment = Eigen::Map<Eigen::VectorXf>;
  for (Eigen::Index i = 0; i < n; i += kSegment) {
    const Eigen::Index len = std::min(kSegment, n - i);
    Segment P(p + i, len), G(g + i, len), M(m + i, len), V(v + i, len);
    if (decay) G += c.l2 * P;  // d/dW of (l2/2)|W|^2
    if (c.optimizer == Optimizer::Adam) {
      adam_update(P, G, M, V, c, lr, bc1, bc2);
    } else {  // classical momentum: v = mu v + g; p -= lr v
      M = c.momentum * M + G;
      P -= lr * M;
    }
  }
}

void optimizer_step(Mlp& net, Gradients& g, OptimizerState& s, const TrainConfig& c, float lr) {
  ++s.step;
  const float bc1 = 1.f - std::pow(c.beta1, float(s.step)), bc2 = 1.f - std::pow(c.beta2, float(s.step));
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    Dense& d = net.layers[l];
    update_parameters(d.W.data(), g.dW[l].data(), s.mW[l].data(), s.vW[l].data(), d.W.size(), c.l2 > 0, c, lr, bc1, bc2);
    update_parameters(d.b.data(), g.db[l].data(), s.mb[l].data(), s.vb[l].data(), d.b.size(), false, c, lr, bc1, bc2);
  }
}

float learning_rate(const TrainConfig& c, int epoch0, int step, int steps) {
  switch (c.schedule) {
    case Schedule::Constant: return c.lr;
    case Schedule::Step: return c.lr * std::pow(c.lr_decay, float(epoch0 / c.lr_step));
    case Schedule::Cosine: {
      const double t = (double(epoch0) * steps + step) / (double(c.epochs) * steps);
      return float(c.lr * 0.5 * (1 + std::cos(3.141592653589793 * t)));
    }
  }
  return c.lr;
}
}  // namespace

struct Training::Buffers {
  OptimizerState state;
  SparseColumns x, xt;  // the batch and its transpose; MNIST pixels are mostly 0 (see gemm.h)
  std::vector<int> labels;
  Trace trace;
  Gradients g;
  explicit Buffers(const Mlp& net) : state(net) {}
};

Training::Training(const TrainConfig& c, const DataSet& data) : config_(c), data_(&data), rng_(c.seed) {
  net_ = mlp_make(c.sizes, c.hidden, Activation::Identity, c.head);
  net_.norm = c.norm;
  mlp_initialize(net_, c.init, c.bias_init, rng_);
  buf_ = std::make_unique<Buffers>(net_);
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

float Training::epoch_loss() const { return loss_steps_ ? float(loss_sum_ / loss_steps_) : NAN; }

int Training::step(int max_steps) {
  const TrainConfig& c = config_;
  Buffers& b = *buf_;
  int ran = 0;
  while (ran < max_steps && !done() && steps_ > 0) {
    if (step_ == 0) {  // a new epoch: reshuffle
      std::iota(order_.begin(), order_.end(), 0);
      for (int i = int(order_.size()) - 1; i > 0; --i) std::swap(order_[std::size_t(i)], order_[rng_.below(std::uint32_t(i + 1))]);
      loss_sum_ = 0;
      loss_steps_ = 0;
    }
    const int* ids = order_.data() + std::size_t(step_) * std::size_t(batch_);
    sparse_gather(data_->images, ids, batch_, b.x, b.xt);
    for (int k = 0; k < batch_; ++k) b.labels[std::size_t(k)] = data_->labels[std::size_t(ids[k])];
    lr_ = learning_rate(c, epoch_, step_, steps_);
    mlp_forward_trace(net_, b.x, b.trace);
    const LossResult loss = cross_entropy(net_.head, b.trace.logits(), targets_for(net_.head, net_.outputs(), b.labels));
    mlp_backward(net_, b.trace, b.xt, loss.dlogits, b.g);
    optimizer_step(net_, b.g, b.state, c, lr_);
    loss_sum_ += loss.loss;
    ++loss_steps_;
    ++ran;
    if (++step_ == steps_) {
      step_ = 0;
      ++epoch_;
      return ran;  // stop at the epoch boundary, so the caller can evaluate
    }
  }
  return ran;
}

Mlp train(const TrainConfig& c, const DataSet& data, const DataSet& validation, const TrainCallbacks& cb) {
  using Clock = std::chrono::steady_clock;
  Training t(c, data);
  const int steps = t.steps_per_epoch();
  while (!t.done() && steps > 0) {
    const auto t0 = Clock::now();
    const int epoch = t.epoch();
    while (t.epoch() == epoch) {
      t.step(50 - t.step_in_epoch() % 50);  // progress every 50 steps, as before
      const int done_steps = t.epoch() == epoch ? t.step_in_epoch() : steps;
      if (cb.on_progress) {
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        cb.on_progress({epoch + 1, done_steps, steps, t.epoch_loss(), s > 0 ? done_steps * t.batch() / s : 0});
      }
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
