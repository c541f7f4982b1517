#include "interpret/attribution.h"

namespace lens {

// Back-propagates several seeds at once through a trace of ONE input: column k of d
// is dJ_k/dz of layer from_layer; returns dJ_k/d(input of layer down_to), one column each;
// for down_to = 0 the input in pixel space (through the input map: d/dx = d/dxn / std).
static Eigen::MatrixXf backprop_to(const Mlp& net, const Trace& t, Eigen::MatrixXf d, int from_layer, int down_to) {
  for (int l = from_layer; l >= down_to; --l) {
    const LayerTrace& lt = t.layers[std::size_t(l)];
    if (l != from_layer)  // the trace has one column: the same act'(z) scales every seed
      d.array().colwise() *= activate_derivative(net.layers[std::size_t(l)].act, lt.z, lt.a, net.layers[std::size_t(l)].slope).col(0).array();
    d = net.layers[std::size_t(l)].W.transpose() * d;
  }
  if (down_to == 0 && !net.norm.identity()) d *= 1.f / net.norm.std;
  return d;
}

Eigen::MatrixXf hidden_contributions(const Mlp& net, const Trace& t, int layer) {
  const int L = int(net.layers.size()), C = net.outputs();
  // Column c of seeds is e_c at the logits; back to the activation of `layer` (the input of layer+1).
  const Eigen::MatrixXf grads = backprop_to(net, t, Eigen::MatrixXf::Identity(C, C), L - 1, layer + 1);  // (H, C)
  return (grads.array().colwise() * t.layers[std::size_t(layer)].a.col(0).array()).matrix().transpose();
}

Eigen::MatrixXf hidden_contributions(const Mlp& net, const Eigen::VectorXf& x, int layer) {
  Trace t;
  mlp_forward_trace(net, x, t);
  return hidden_contributions(net, t, layer);
}

static Eigen::MatrixXf logit_input_gradients(const Mlp& net, const Trace& t) {
  const int C = net.outputs();
  return backprop_to(net, t, Eigen::MatrixXf::Identity(C, C), int(net.layers.size()) - 1, 0);
}

Eigen::MatrixXf logit_input_gradients(const Mlp& net, const Eigen::VectorXf& x) {
  Trace t;
  mlp_forward_trace(net, x, t);
  return logit_input_gradients(net, t);
}

Eigen::VectorXf saliency(const Mlp& net, const Trace& t, int cls) {
  // Only class cls's seed goes back (one column, not all C): the page runs this on every input.
  Eigen::MatrixXf seed = Eigen::MatrixXf::Zero(net.outputs(), 1);
  seed(cls, 0) = 1.f;
  return t.x.col(0).cwiseProduct(backprop_to(net, t, std::move(seed), int(net.layers.size()) - 1, 0).col(0));
}

Eigen::VectorXf saliency(const Mlp& net, const Eigen::VectorXf& x, int cls) {
  Trace t;
  mlp_forward_trace(net, x, t);
  return saliency(net, t, cls);
}

Eigen::VectorXf input_times_weight(const Mlp& net, const Eigen::VectorXf& x, int layer, int unit) {
  // The first layer's terms w_i xn_i sum to z - b, so they use the normalized input.
  if (layer == 0)
    return (net.norm.identity() ? Eigen::VectorXf(x) : Eigen::VectorXf(input_normalize(net.norm, x)))
        .cwiseProduct(net.layers[0].W.row(unit).transpose());
  Trace t;
  mlp_forward_trace(net, x, t);
  Eigen::MatrixXf seed = Eigen::MatrixXf::Zero(net.layers[std::size_t(layer)].outputs(), 1);
  seed(unit, 0) = 1.f;
  return x.cwiseProduct(backprop_to(net, t, seed, layer, 0).col(0));
}

}  // namespace lens
