#include "interpret/actmax_objective.h"

#include "core/numerics/gemm.h"
#include "core/numerics/portable_math.h"
#include "interpret/units.h"

namespace lens {

constexpr float kChannelLeak = 0.1f;

bool actmax_objective_linear(const Mlp& net, ActmaxObjective objective) {
  return net.layers.size() == 1 && !net.layers[0].is_conv() && objective != ActmaxObjective::LogProbability;
}

// d response / dz of a one-channel layer's map (channel_layer; P rows of z, one column): act'(z)
// times its scale, over P.
static Eigen::MatrixXf channel_seed(const Layer& d, const Eigen::Ref<const Eigen::VectorXf>& z) {
  const Eigen::MatrixXf zm = z;
  Eigen::VectorXf g = activate_derivative(d.act, zm, activate(d.act, zm, d.slope), d.slope).col(0);
  if (d.act == Activation::ReLU || d.act == Activation::LeakyReLU) g = g.cwiseMax(kChannelLeak);
  const float scale = d.has_affine() ? d.scale(0) : 1.f;
  return g * (scale / float(z.size()));
}

static bool log_probability(const Mlp& net, ActmaxObjective objective) {
  return objective == ActmaxObjective::LogProbability && net.head == Head::Softmax;
}

// One channel of a convolutional layer as a layer of its own: its filter, bias and affine map,
// without the pooling (its response is read before it). The layer's channels are independent,
// so an image maximizing one channel needs only this: a C_out-th of the layer's work.
static Layer channel_layer(const Layer& d, int channel) {
  Layer one;
  one.kind = LayerKind::Conv;
  one.W = d.W.row(channel);
  one.b = d.b.segment(channel, 1);
  one.act = d.act;
  one.slope = d.slope;
  one.in = d.in;
  one.window = d.window;
  if (d.has_affine()) one.scale = d.scale.segment(channel, 1), one.shift = d.shift.segment(channel, 1);
  return one;
}

// Its input (the layer below's output, or the normalized image) for every column: the
// network up to the target layer, all columns at once.
static const Eigen::MatrixXf& target_input(const Mlp& net, const Eigen::MatrixXf& x, Trace& t) {
  const int below = int(net.layers.size()) - 1;
  mlp_forward_trace_first(net, x, below, t);
  return below == 0 ? t.first_input() : t.layers[std::size_t(below - 1)].a;
}

// Column u's channel (units[u]) of a convolutional target layer, on its input column: its trace.
static void channel_forward(const Layer& target, int channel, const Eigen::MatrixXf& in, Eigen::Index u, Layer& one,
                            LayerTrace& t) {
  one = channel_layer(target, channel);
  layer_forward(one, in.col(u), t);
}

// Back from dJ/d(target's input) (one column per image) to the pixels, through the layers below
// the target and the input map: dx = W_1^T (... act'(z_l) .* (W_l^T d)), through any pooling and
// convolution; no weight gradients. The products are gemm.h's.
static Eigen::MatrixXf backward_below(const Mlp& net, const Trace& t, Eigen::MatrixXf d) {
  Eigen::MatrixXf below;
  for (std::size_t l = net.layers.size() - 1; l-- > 0;) {
    const Eigen::MatrixXf& in = l == 0 ? t.first_input() : t.layers[l - 1].a;
    layer_backward(net.layers[l], in, t.layers[l], d, nullptr, nullptr, &below);
    d.swap(below);
  }
  if (!net.norm.identity()) d *= 1.f / net.norm.std;  // xn = (x - mean) / std
  return d;
}

// A convolutional target: dJ/d(its input) column by column, each through its own channel only.
static Eigen::MatrixXf channel_gradient(const Mlp& net, const std::vector<int>& units, const Eigen::MatrixXf& x) {
  Trace t;
  const Eigen::MatrixXf& in = target_input(net, x, t);
  Eigen::MatrixXf d(in.rows(), x.cols()), dx;
  Layer one;
  LayerTrace lt;
  for (Eigen::Index u = 0; u < x.cols(); ++u) {
    channel_forward(net.layers.back(), units[std::size_t(u)], in, u, one, lt);
    layer_sum_backward(one, channel_seed(one, lt.z.col(0)), dx);
    d.col(u) = dx.col(0);
  }
  return backward_below(net, t, std::move(d));
}

// With z the target layer's pre-activation, dJ/dz is e_u for column u (for log p_k,
// e_k - softmax(z)); a channel's is its response's derivative at each of its positions
// (channel_seed). Then back towards the input only.
Eigen::MatrixXf actmax_objective_gradient(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                          const Eigen::MatrixXf& x) {
  const Eigen::Index U = x.cols();
  const Layer& target = net.layers.back();
  if (actmax_objective_linear(net, objective)) {
    // A first-layer pre-activation is linear in x: its gradient is the unit's weight row
    // (divided by the input map's std).
    Eigen::MatrixXf g(x.rows(), U);
    for (Eigen::Index u = 0; u < U; ++u) g.col(u) = target.W.row(units[std::size_t(u)]).transpose();
    if (!net.norm.identity()) g *= 1.f / net.norm.std;
    return g;
  }
  if (target.is_conv()) return channel_gradient(net, units, x);
  Trace t;
  mlp_forward_trace(net, x, t);
  const Eigen::MatrixXf& z = t.layers.back().z;
  Eigen::MatrixXf dz = Eigen::MatrixXf::Zero(z.rows(), U);
  if (log_probability(net, objective)) dz = -head_probabilities(Head::Softmax, z);
  for (Eigen::Index u = 0; u < U; ++u) dz(units[std::size_t(u)], u) += 1.f;
  Eigen::MatrixXf d;
  layer_sum_backward(target, dz, d);
  return backward_below(net, t, std::move(d));
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
  if (net.layers.back().is_conv()) {  // each column's own channel only
    Trace t;
    const Eigen::MatrixXf& in = target_input(net, x, t);
    Eigen::VectorXf out(x.cols());
    Layer one;
    LayerTrace lt;
    for (Eigen::Index u = 0; u < x.cols(); ++u) {
      channel_forward(net.layers.back(), units[std::size_t(u)], in, u, one, lt);
      out(u) = unit_responses(one, lt)(0, 0);
    }
    return out;
  }
  const Eigen::MatrixXf all = actmax_objective_all(net, objective, x);
  Eigen::VectorXf out(x.cols());
  for (Eigen::Index u = 0; u < x.cols(); ++u) out(u) = all(units[std::size_t(u)], u);
  return out;
}

}  // namespace lens
