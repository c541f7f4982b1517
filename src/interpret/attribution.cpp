#include "interpret/attribution.h"

#include "interpret/units.h"

namespace lens {

// Back-propagates several seeds at once through a trace of ONE input: column k of d
// is dJ_k/dz of layer from_layer; returns dJ_k/d(input of layer down_to), one column each;
// for down_to = 0 the input in pixel space (through the input map: d/dx = d/dxn / std).
static Eigen::MatrixXf backprop_to(const Mlp& net, const Trace& t, Eigen::MatrixXf d, int from_layer, int down_to) {
  for (int l = from_layer; l >= down_to; --l) {
    const Layer& layer = net.layers[std::size_t(l)];
    const LayerTrace& lt = t.layers[std::size_t(l)];
    if (layer.is_conv() || layer.pool.kind != PoolKind::None || layer.has_affine()) {
      // the pooling's argmax and act'(z) belong to the trace's one column: each seed goes back alone
      Eigen::MatrixXf below;
      if (l == from_layer) layer_sum_backward(layer, d, below);
      else {
        const Eigen::MatrixXf& in = l == 0 ? t.first_input() : t.layers[std::size_t(l) - 1].a;
        Eigen::MatrixXf one;
        for (Eigen::Index k = 0; k < d.cols(); ++k) {
          layer_backward(layer, in, lt, d.col(k), nullptr, nullptr, &one);
          if (k == 0) below.resize(one.rows(), d.cols());
          below.col(k) = one;
        }
      }
      d.swap(below);
      continue;
    }
    if (l != from_layer)  // the trace has one column: the same act'(z) scales every seed
      d.array().colwise() *= activate_derivative(layer.act, lt.z, lt.a, layer.slope).col(0).array();
    d = layer.W.transpose() * d;
  }
  if (down_to == 0 && !net.norm.identity()) d *= 1.f / net.norm.std;
  return d;
}

Eigen::MatrixXf hidden_contributions(const Mlp& net, const Trace& t, int layer) {
  const int L = int(net.layers.size()), C = net.outputs();
  // Column c of seeds is e_c at the logits; back to the activation of `layer` (the input of layer+1).
  const Eigen::MatrixXf grads = backprop_to(net, t, Eigen::MatrixXf::Identity(C, C), L - 1, layer + 1);  // (O, C)
  const Eigen::MatrixXf terms = (grads.array().colwise() * t.layers[std::size_t(layer)].a.col(0).array()).matrix();
  const int U = layer_units(net.layers[std::size_t(layer)]);
  if (terms.rows() == U) return terms.transpose();
  const Eigen::Index P = terms.rows() / U;  // a channel's: the sum over its positions
  Eigen::MatrixXf out(C, U);
  for (int u = 0; u < U; ++u) out.col(u) = terms.middleRows(u * P, P).colwise().sum().transpose();
  return out;
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
  if (layer == 0 && !net.layers[0].is_conv())
    return (net.norm.identity() ? Eigen::VectorXf(x) : Eigen::VectorXf(input_normalize(net.norm, x)))
        .cwiseProduct(net.layers[0].W.row(unit).transpose());
  Trace t;
  mlp_forward_trace(net, x, t);
  // a channel's weighted input is the mean over its map
  const Eigen::Index P = t.layers[std::size_t(layer)].z.rows() / layer_units(net.layers[std::size_t(layer)]);
  Eigen::MatrixXf seed = Eigen::MatrixXf::Zero(t.layers[std::size_t(layer)].z.rows(), 1);
  seed.middleRows(unit * P, P).setConstant(1.f / float(P));
  return x.cwiseProduct(backprop_to(net, t, seed, layer, 0).col(0));
}

}  // namespace lens
