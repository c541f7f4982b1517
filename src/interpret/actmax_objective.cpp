#include "interpret/actmax_objective.h"

#include "core/numerics/gemm.h"
#include "core/numerics/portable_math.h"

namespace lens {

bool actmax_objective_linear(const Mlp& net, ActmaxObjective objective) {
  return net.layers.size() == 1 && objective != ActmaxObjective::LogProbability;
}

static bool log_probability(const Mlp& net, ActmaxObjective objective) {
  return objective == ActmaxObjective::LogProbability && net.head == Head::Softmax;
}

// Forward to the target layer, then back-propagate only towards the input: with z the target
// layer's pre-activation, dJ/dz is e_u for column u (or, for log p_k, e_k - softmax(z)).
Eigen::MatrixXf actmax_objective_gradient(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                          const Eigen::MatrixXf& x) {
  const Eigen::Index U = x.cols();
  if (actmax_objective_linear(net, objective)) {
    // A first-layer pre-activation is linear in x: its gradient is the unit's weight row
    // (divided by the input map's std).
    Eigen::MatrixXf g(x.rows(), U);
    for (Eigen::Index u = 0; u < U; ++u) g.col(u) = net.layers[0].W.row(units[std::size_t(u)]).transpose();
    if (!net.norm.identity()) g *= 1.f / net.norm.std;
    return g;
  }
  Trace t;
  mlp_forward_trace(net, x, t);
  const Eigen::MatrixXf& z = t.layers.back().z;
  Eigen::MatrixXf dz = Eigen::MatrixXf::Zero(z.rows(), U);
  if (log_probability(net, objective)) dz = -head_probabilities(Head::Softmax, z);
  for (Eigen::Index u = 0; u < U; ++u) dz(units[std::size_t(u)], u) += 1.f;
  // dx = W_1^T (... act'(z_l) .* (W_l^T dz)); dW is not needed here. The products are gemm.h's.
  Eigen::MatrixXf d = dz, below;
  for (std::size_t l = net.layers.size(); l-- > 0;) {
    if (l + 1 < net.layers.size()) {
      const LayerTrace& lt = t.layers[l];
      d = d.cwiseProduct(activate_derivative(net.layers[l].act, lt.z, lt.a, net.layers[l].slope));
    }
    gemm_op(net.layers[l].W, true, d, false, below);
    d.swap(below);
  }
  if (!net.norm.identity()) d *= 1.f / net.norm.std;  // xn = (x - mean) / std
  return d;
}

Eigen::MatrixXf actmax_objective_all(const Mlp& net, ActmaxObjective objective, const Eigen::MatrixXf& x) {
  Trace t;
  mlp_forward_trace(net, x, t);
  const Eigen::MatrixXf& z = t.layers.back().z;
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
