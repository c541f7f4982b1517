#include "interpret/actmax.h"

#include <algorithm>
#include <cmath>

#include "core/numerics/portable_math.h"
#include "interpret/diversity.h"
#include "interpret/units.h"

namespace lens {

ActmaxConfig actmax_output_defaults() {
  ActmaxConfig c;
  c.tv = 0.3f;
  c.l2 = 0.1f;
  return c;
}

ActmaxConfig actmax_channel_defaults() {
  ActmaxConfig c;
  c.steps = 64;
  return c;
}

ActmaxConfig actmax_layer_defaults(const Mlp& net, int layer) {
  if (layer + 1 == int(net.layers.size())) return actmax_output_defaults();
  return net.layers[std::size_t(layer)].is_conv() ? actmax_channel_defaults() : ActmaxConfig{};
}

ActmaxSolver::ActmaxSolver(const Mlp& net, int layer, std::vector<int> units, const ActmaxConfig& config,
                           ActmaxObjective output_objective, const Eigen::VectorXf* mean_image)
    : units_(std::move(units)), config_(config), objective_(output_objective), rng_(config.seed) {
  net_.head = net.head;
  net_.norm = net.norm;  // the images stay pixels; the map is part of the function maximized
  net_.layers.assign(net.layers.begin(), net.layers.begin() + layer + 1);
  if (layer + 1 < int(net.layers.size())) objective_ = ActmaxObjective::PreActivation;
  config_.count = std::max(1, config_.count);
  for (int u : units_) columns_.insert(columns_.end(), std::size_t(config_.count), u);
  if (config_.count > 1 && config_.start != ActmaxStart::Noise) config_.start = ActmaxStart::Noise;
  const Eigen::Index I = net.inputs(), U = Eigen::Index(columns_.size());
  switch (config_.start) {
    case ActmaxStart::Zeros: x_ = Eigen::MatrixXf::Zero(I, U); break;
    case ActmaxStart::Noise:
      x_.resize(I, U);
      for (Eigen::Index i = 0; i < x_.size(); ++i) x_.data()[i] = 0.1f * rng_.uniform();
      break;
    case ActmaxStart::Mean:
      x_ = mean_image && mean_image->size() == I ? Eigen::MatrixXf(mean_image->replicate(1, U)) : Eigen::MatrixXf::Zero(I, U);
      break;
  }
  adam_ = AdamAscent(I, U);
  if (actmax_objective_linear(net_, objective_)) linear_grad_ = objective_gradient(x_);
  steps_ = config_.steps;
}

void ActmaxSolver::set_targets(const Eigen::VectorXf& beat) {
  targets_.resize(Eigen::Index(columns_.size()));
  for (std::size_t c = 0; c < columns_.size(); ++c) targets_(Eigen::Index(c)) = beat(Eigen::Index(c / std::size_t(config_.count)));
}

bool ActmaxSolver::relax_if_short() {
  if (targets_.size() == 0 || rounds_ >= kActmaxRelaxRounds) return false;
  const Eigen::VectorXf got = achieved();
  settled_.assign(columns_.size(), true);
  bool short_of_target = false;
  for (Eigen::Index c = 0; c < got.size(); ++c)
    if (!(got(c) > targets_(c))) settled_[std::size_t(c)] = false, short_of_target = true;
  if (!short_of_target) return false;
  ++rounds_;
  relax_ = rounds_ < kActmaxRelaxRounds ? 0.5f * relax_ : 0.f;  // the last round climbs unpenalized
  steps_ += std::max(1, config_.steps / 4);
  return true;
}

Eigen::MatrixXf ActmaxSolver::objective_gradient(const Eigen::MatrixXf& x) const {
  // A channel's response is the mean over its P positions, so its gradient on a pixel is about
  // P times smaller than a neuron's, and the penalties (tuned for neurons) would hold its image
  // near blank: it climbs the map's sum instead, the same direction at a neuron's scale.
  const Layer& target = net_.layers.back();
  const float weight = target.is_conv() ? float(unit_map_shape(target).size()) : 1.f;
  return weight * actmax_objective_gradient(net_, columns_, objective_, x);
}

// Adds the gradients of the penalties (to be ascended): -l2 x and -tv * grad TV(x),
// TV(x) = 1/2 sum of squared differences between 4-neighbours.
void ActmaxSolver::regularize(Eigen::MatrixXf& g) const {
  if (config_.l2 > 0) g -= (relax_ * config_.l2) * x_;
  if (config_.count > 1 && config_.diversity > 0) diversity_ascent(x_, config_.count, config_.diversity, g);
  if (config_.tv > 0) {
    const int W = config_.width, H = int(x_.rows()) / W;
    for (Eigen::Index u = 0; u < x_.cols(); ++u) {
      const float* p = x_.col(u).data();
      float* gp = g.col(u).data();
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const int i = y * W + x;
          float lap = 0.f;
          if (x > 0) lap += p[i] - p[i - 1];
          if (x + 1 < W) lap += p[i] - p[i + 1];
          if (y > 0) lap += p[i] - p[i - W];
          if (y + 1 < H) lap += p[i] - p[i + W];
          gp[i] -= (relax_ * config_.tv) * lap;
        }
    }
  }
}

// Extreme weights (1e30) give gradients whose squares overflow float, and Adam's second
// moment turns them into NaN. Adam needs only their direction, so such a column is
// rescaled to a largest entry of 1 and any non-finite entry is dropped.
static void tame(Eigen::MatrixXf& g) {
  constexpr float kLargest = 1e15f;  // its square still fits a float
  for (Eigen::Index u = 0; u < g.cols(); ++u) {
    float largest = 0.f;
    for (Eigen::Index i = 0; i < g.rows(); ++i) {
      float& v = g(i, u);
      if (!std::isfinite(v)) v = 0.f;
      largest = std::max(largest, std::abs(v));
    }
    if (largest > kLargest) g.col(u) /= largest;
  }
}

bool ActmaxSolver::step(int max_steps) {
  for (int k = 0; k < max_steps && (!done() || relax_if_short()); ++k) {
    // Jitter: evaluate the gradient at a randomly shifted copy and shift it back, so the
    // image must excite the unit wherever it sits within a few pixels (no pixel-exact noise).
    const int j = rounds_ > 0 ? 0 : config_.jitter;  // a relaxed round climbs the image itself, not its shifts
    const int dx = j > 0 ? int(rng_.below(std::uint32_t(2 * j + 1))) - j : 0;
    const int dy = j > 0 ? int(rng_.below(std::uint32_t(2 * j + 1))) - j : 0;
    Eigen::MatrixXf g;
    if (linear_grad_.size()) g = (dx || dy) ? image_shift(linear_grad_, config_.width, -dx, -dy) : linear_grad_;
    else g = (dx || dy) ? image_shift(objective_gradient(image_shift(x_, config_.width, dx, dy)), config_.width, -dx, -dy)
                        : objective_gradient(x_);
    tame(g);
    regularize(g);
    ++step_;
    const Eigen::MatrixXf before = settled_.empty() ? Eigen::MatrixXf() : x_;
    adam_.step(x_, g, config_.lr);  // ascent on the pixels
    // Blur shapes the image early on; the last quarter of the steps sharpens it without blur.
    if (config_.blur_every > 0 && config_.blur_sigma > 0 && step_ % config_.blur_every == 0 && 4 * step_ < 3 * config_.steps)
      x_ = image_blur(x_, config_.width, config_.blur_sigma);
    if (config_.clamp) x_ = x_.cwiseMax(0.f).cwiseMin(1.f);
    for (std::size_t c = 0; c < settled_.size(); ++c)  // a relaxed round moves only the units short of their targets
      if (settled_[c]) x_.col(Eigen::Index(c)) = before.col(Eigen::Index(c));
  }
  return done() && !relax_if_short();
}

Eigen::VectorXf ActmaxSolver::achieved() const {
  if (net_.layers.back().is_conv()) return actmax_objective_value(net_, columns_, objective_, x_);  // a channel's response
  Trace t;
  mlp_forward_trace(net_, x_, t);
  // Hidden units report their activation, output classes the objective (logit or log p).
  const bool output = objective_ == ActmaxObjective::LogProbability && net_.head == Head::Softmax;
  const Eigen::MatrixXf values =
      output ? Eigen::MatrixXf(head_probabilities(Head::Softmax, t.layers.back().z).unaryExpr([](float p) { return log_portable(p); }))
             : unit_responses(net_.layers.back(), t.layers.back());
  Eigen::VectorXf out(Eigen::Index(columns_.size()));
  for (std::size_t u = 0; u < columns_.size(); ++u) out(Eigen::Index(u)) = values(columns_[u], Eigen::Index(u));
  return out;
}

Eigen::MatrixXf actmax_run(const Mlp& net, int layer, const std::vector<int>& units, const ActmaxConfig& config,
                           ActmaxObjective output_objective) {
  ActmaxSolver s(net, layer, units, config, output_objective);
  while (!s.step(64)) {}
  return s.images();
}

Eigen::MatrixXf image_shift(const Eigen::MatrixXf& x, int width, int dx, int dy) {
  const int H = int(x.rows()) / width;
  Eigen::MatrixXf out = Eigen::MatrixXf::Zero(x.rows(), x.cols());
  const int x0 = std::max(0, dx), x1 = std::min(width, width + dx);
  if (x1 <= x0) return out;
  for (int y = std::max(0, dy); y < std::min(H, H + dy); ++y)
    out.middleRows((y)*width + x0, x1 - x0) = x.middleRows((y - dy) * width + x0 - dx, x1 - x0);
  return out;
}

Eigen::MatrixXf image_blur(const Eigen::MatrixXf& x, int width, float sigma) {
  const int H = int(x.rows()) / width, r = std::max(1, int(std::ceil(2.5f * sigma)));
  std::vector<float> k(std::size_t(2 * r + 1));
  float sum = 0.f;
  for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = exp_portable(-0.5f * float(i * i) / (sigma * sigma));
  for (float& v : k) v /= sum;
  Eigen::MatrixXf tmp = Eigen::MatrixXf::Zero(x.rows(), x.cols()), out = Eigen::MatrixXf::Zero(x.rows(), x.cols());
  // Rows are whole image rows (width pixels each), so each pass is a sum of shifted row blocks.
  for (int i = -r; i <= r; ++i) {
    const float w = k[std::size_t(i + r)];
    for (int y = 0; y < H; ++y) {
      const int xa = std::max(0, -i), xb = std::min(width, width - i);
      tmp.middleRows(y * width + xa, xb - xa) += w * x.middleRows(y * width + xa + i, xb - xa);
    }
  }
  for (int i = -r; i <= r; ++i) {
    const float w = k[std::size_t(i + r)];
    for (int y = std::max(0, -i); y < std::min(H, H - i); ++y) out.middleRows(y * width, width) += w * tmp.middleRows((y + i) * width, width);
  }
  return out;
}

}  // namespace lens
