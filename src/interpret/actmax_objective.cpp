#include "interpret/actmax_objective.h"

#include "core/numerics/gemm.h"
#include "core/numerics/portable_math.h"
#include "interpret/units.h"

namespace lens {

constexpr float kChannelLeak = 0.1f;

bool actmax_objective_linear(const Mlp& net, ActmaxObjective objective) {
  return net.layers.size() == 1 && !net.layers[0].is_conv() && objective != ActmaxObjective::LogProbability;
}

// d response / dz of a channel's map (P rows of z, one column): act'(z) times its scale, over P.
static Eigen::VectorXf channel_seed(const Layer& d, int channel, const Eigen::Ref<const Eigen::VectorXf>& z) {
  const Eigen::MatrixXf zm = z;
  Eigen::VectorXf g = activate_derivative(d.act, zm, activate(d.act, zm, d.slope), d.slope).col(0);
  if (d.act == Activation::ReLU || d.act == Activation::LeakyReLU) g = g.cwiseMax(kChannelLeak);
  const float scale = d.has_affine() ? d.scale(channel) : 1.f;
  return g * (scale / float(z.size()));
}

static bool log_probability(const Mlp& net, ActmaxObjective objective) {
  return objective == ActmaxObjective::LogProbability && net.head == Head::Softmax;
}

// Forward to the target layer, then back-propagate only towards the input: with z the target
// layer's pre-activation, dJ/dz is e_u for column u (a channel's: its response's derivative at
// each of its P positions, channel_seed; for log p_k, e_k - softmax(z)).
Eigen::MatrixXf actmax_objective_gradient(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                          const Eigen::MatrixXf& x) {
  const Eigen::Index U = x.cols();
  if (actmax_objective_linear(net, objective) && !net.layers[0].is_conv()) {
    // A first-layer pre-activation is linear in x: its gradient is the unit's weight row
    // (divided by the input map's std).
    Eigen::MatrixXf g(x.rows(), U);
    for (Eigen::Index u = 0; u < U; ++u) g.col(u) = net.layers[0].W.row(units[std::size_t(u)]).transpose();
    if (!net.norm.identity()) g *= 1.f / net.norm.std;
    return g;
  }
  Trace t;
  mlp_forward_trace(net, x, t);
  const Layer& target = net.layers.back();
  const Eigen::MatrixXf& z = t.layers.back().z;
  const Eigen::Index P = z.rows() / layer_units(target);
  Eigen::MatrixXf dz = Eigen::MatrixXf::Zero(z.rows(), U);
  if (log_probability(net, objective)) dz = -head_probabilities(Head::Softmax, z);
  for (Eigen::Index u = 0; u < U; ++u) {
    const Eigen::Index rows = units[std::size_t(u)] * P;
    if (target.is_conv()) dz.block(rows, u, P, 1) = channel_seed(target, units[std::size_t(u)], z.block(rows, u, P, 1));
    else dz(rows, u) += 1.f;
  }
  // dx = W_1^T (... act'(z_l) .* (W_l^T dz)), through any pooling and convolution; no weight
  // gradients. The products are gemm.h's.
  Eigen::MatrixXf d, below;
  layer_sum_backward(target, dz, d);
  for (std::size_t l = net.layers.size() - 1; l-- > 0;) {
    const Eigen::MatrixXf& in = l == 0 ? t.first_input() : t.layers[l - 1].a;
    layer_backward(net.layers[l], in, t.layers[l], d, nullptr, nullptr, &below);
    d.swap(below);
  }
  if (!net.norm.identity()) d *= 1.f / net.norm.std;  // xn = (x - mean) / std
  return d;
}

Eigen::MatrixXf actmax_objective_all(const Mlp& net, ActmaxObjective objective, const Eigen::MatrixXf& x) {
  Trace t;
  mlp_forward_trace(net, x, t);
  // a channel's response; a neuron's (or a logit's) weighted input
  const Layer& target = net.layers.back();
  const Eigen::MatrixXf z = target.is_conv() ? unit_responses(target, t.layers.back()) : t.layers.back().z;
  if (!log_probability(net, objective)) return z;
  return head_probabilities(Head::Softmax, z).cwiseMax(1e-30f).unaryExpr([](float p) { return log_portable(p); });
}

Eigen::VectorXf actmax_objective_value(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                       const Eigen::MatrixXf& x) {
  const Eigen::MatrixXf all = actmax_objective_all(net, objective, x);
  Eigen::VectorXf out(x.cols());
  for (Eigen::Index u = 0; u < x.cols(); ++u) out(u) = all(units[std::size_t(u)], u);
  return out;
}

}  // namespace lens
