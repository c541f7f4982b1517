#include "core/training/vae.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/numerics/portable_math.h"
#include "core/numerics/rng.h"
#include "core/training/recipe_fields.h"
#include "core/training/trainer.h"

namespace lens {

using nlohmann::json;

json vae_config_to_json(const VaeConfig& c) {
  return {{"kind", "vae"}, {"inputs", c.inputs}, {"hidden", c.hidden}, {"latent", c.latent}, {"beta", c.beta},
          {"lr", c.lr}, {"batch", c.batch}, {"epochs", c.epochs}, {"seed", c.seed}, {"validation", c.validation}};
}

Result<VaeConfig> vae_config_from_json(const json& j) {
  using R = Result<VaeConfig>;
  if (!j.is_object()) return R::fail("recipe: expected a JSON object");
  static const char* const known[] = {"kind", "inputs", "hidden", "latent", "beta", "lr", "batch", "epochs", "seed",
                                      "validation", "id", "name", "notes", "dataset", "comment"};
  for (const auto& item : j.items())
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return item.key() == k; }) == std::end(known))
      return R::fail("recipe: unknown key \"" + item.key() + "\" for a \"vae\" recipe");
  if (!j.contains("kind") || j["kind"] != "vae") return R::fail("recipe: \"kind\" must be \"vae\"");
  VaeConfig c;
  RecipeFields r{j, ""};
  r.integer("inputs", c.inputs, 1, 16384);
  r.integer("hidden", c.hidden, 1, 16384);
  r.integer("latent", c.latent, 1, 256);
  r.integer("batch", c.batch, 1, 65536);
  r.integer("epochs", c.epochs, 0, 100000);
  r.integer("validation", c.validation, 0, 1000000);
  r.number("beta", c.beta, 0, 100);
  r.number("lr", c.lr, 0, 10, /*lo_open=*/true);
  if (!r.error.empty()) return R::fail("recipe: " + r.error);
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) return R::fail("recipe: \"seed\" must be a non-negative integer");
    c.seed = j["seed"].get<std::uint64_t>();
  }
  return R::ok(c);
}

Vae vae_make(const VaeConfig& c, Rng& rng) {
  Vae v;
  v.encoder = mlp_make({c.inputs, c.hidden, 2 * c.latent}, Activation::ReLU);
  v.decoder = mlp_make({c.latent, c.hidden, c.inputs}, Activation::ReLU);
  mlp_initialize(v.encoder, Init::He, 0.f, rng);
  mlp_initialize(v.decoder, Init::He, 0.f, rng);
  return v;
}

// log(1 + e^l) without overflow.
static float softplus(float l) { return std::max(l, 0.f) + std::log1p(exp_portable(-std::abs(l))); }

VaeLoss vae_loss(const Vae& vae, const Eigen::MatrixXf& x, const Eigen::MatrixXf& eps, float beta, VaeGradients* g) {
  const Eigen::Index Z = eps.rows(), N = x.cols();
  Trace te, td;
  mlp_forward_trace(vae.encoder, x, te);
  const Eigen::MatrixXf& h = te.logits();  // (2Z, N)
  Eigen::MatrixXf sd(Z, N), z(Z, N);
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index k = 0; k < Z; ++k) {
      sd(k, n) = exp_portable(0.5f * h(Z + k, n));
      z(k, n) = h(k, n) + sd(k, n) * eps(k, n);
    }
  mlp_forward_trace(vae.decoder, z, td);
  const Eigen::MatrixXf& logits = td.logits();  // (D, N)
  // Reconstruction: sum over pixels of BCE(x, sigmoid(l)) = softplus(l) - x l; d/dl = sigmoid(l) - x.
  double rec = 0, kl = 0;
  Eigen::MatrixXf dl(logits.rows(), N);
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
      const float l = logits(i, n), t = x(i, n);
      rec += double(softplus(l) - t * l);
      dl(i, n) = (sigmoid_portable(l) - t) / float(N);
    }
  // KL(N(mu, s^2) || N(0, 1)) = 1/2 sum (mu^2 + s^2 - 1 - log s^2).
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index k = 0; k < Z; ++k) {
      const float mu = h(k, n), lv = h(Z + k, n), s2 = sd(k, n) * sd(k, n);
      kl += 0.5 * double(mu * mu + s2 - 1.f - lv);
    }
  VaeLoss out;
  out.reconstruction = float(rec / double(N));
  out.kl = float(kl / double(N));
  out.loss = out.reconstruction + beta * out.kl;
  if (!g) return out;
  g->decoder = mlp_backward(vae.decoder, td, dl);
  const Eigen::MatrixXf& dz = g->decoder.dx;  // (Z, N)
  Eigen::MatrixXf dh(2 * Z, N);
  const float b = beta / float(N);
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index k = 0; k < Z; ++k) {
      const float s = sd(k, n);
      dh(k, n) = dz(k, n) + b * h(k, n);                                     // dz/dmu = 1; dKL/dmu = mu
      dh(Z + k, n) = dz(k, n) * eps(k, n) * 0.5f * s + b * 0.5f * (s * s - 1.f);  // dz/dlv = eps s / 2; dKL/dlv = (s^2 - 1) / 2
    }
  g->encoder = mlp_backward(vae.encoder, te, dh);
  return out;
}

Mlp vae_decoder_image(const Vae& vae) {
  Mlp d = vae.decoder;
  d.layers.back().act = Activation::Sigmoid;
  d.head = Head::Sigmoid;
  return d;
}

namespace {
// Adam over one network's parameters (trainer.h's optimizer), its bias corrections kept in double.
struct Adam {
  OptimizerState state;
  explicit Adam(const Mlp& net) : state(net) {}
  void step(Mlp& net, const Gradients& g, float lr) {
    state.beta1_power *= 0.9;
    state.beta2_power *= 0.999;
    const float step = lr / float(1 - state.beta1_power), inv = 1.f / std::sqrt(float(1 - state.beta2_power));
    optimizer_apply(net, g, state, true, false, StepConstants{0.f, 0.9f, 0.1f, 0.999f, 0.001f, step, inv, 1e-8f, 0.f, lr});
  }
};

void normal_fill(Eigen::MatrixXf& m, Rng& rng) {
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
}
}  // namespace

VaeLoss vae_evaluate(const Vae& vae, const DataSet& data, float beta, std::uint64_t seed, int batch) {
  Rng rng(seed);
  VaeLoss sum;
  const int N = data.size();
  for (int first = 0; first < N; first += batch) {
    const int n = std::min(batch, N - first);
    Eigen::MatrixXf eps(vae.decoder.inputs(), n);
    normal_fill(eps, rng);
    const VaeLoss l = vae_loss(vae, data.images.middleCols(first, n), eps, beta, nullptr);
    sum.loss += l.loss * float(n);
    sum.reconstruction += l.reconstruction * float(n);
    sum.kl += l.kl * float(n);
  }
  if (N > 0) {
    sum.loss /= float(N);
    sum.reconstruction /= float(N);
    sum.kl /= float(N);
  }
  return sum;
}

Vae vae_train(const VaeConfig& c, const DataSet& train, const DataSet& validation,
              const std::function<void(const VaeEpoch&)>& on_epoch) {
  Rng rng(c.seed);
  Vae vae = vae_make(c, rng);
  Adam enc(vae.encoder), dec(vae.decoder);
  const int N = train.size(), batch = std::max(1, std::min(c.batch, N)), steps = N / batch;
  std::vector<int> order(std::size_t(std::max(N, 0)));
  Eigen::MatrixXf x(c.inputs, batch), eps(c.latent, batch);
  VaeGradients g;
  for (int epoch = 0; epoch < c.epochs && steps > 0; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    std::iota(order.begin(), order.end(), 0);
    for (int i = N - 1; i > 0; --i) std::swap(order[std::size_t(i)], order[rng.below(std::uint32_t(i + 1))]);
    VaeEpoch r;
    r.epoch = epoch + 1;
    for (int s = 0; s < steps; ++s) {
      for (int k = 0; k < batch; ++k) x.col(k) = train.images.col(order[std::size_t(s * batch + k)]);
      normal_fill(eps, rng);
      const VaeLoss l = vae_loss(vae, x, eps, c.beta, &g);
      enc.step(vae.encoder, g.encoder, c.lr);
      dec.step(vae.decoder, g.decoder, c.lr);
      r.train.loss += l.loss / float(steps);
      r.train.reconstruction += l.reconstruction / float(steps);
      r.train.kl += l.kl / float(steps);
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_epoch) {
      r.validation = vae_evaluate(vae, validation, c.beta, c.seed + 1);
      on_epoch(r);
    }
  }
  return vae;
}

}  // namespace lens
