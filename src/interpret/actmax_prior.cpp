#include "interpret/actmax_prior.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/numerics/gemm.h"
#include "core/numerics/rng.h"
#include "interpret/diversity.h"

namespace lens {

PriorActmaxConfig prior_actmax_defaults(int count) {
  PriorActmaxConfig c;
  c.count = std::max(1, count);
  if (c.count > 1) c.diversity = 2.f;
  return c;
}

PriorActmaxSolver::PriorActmaxSolver(const Mlp& net, const Mlp& decoder, int layer, std::vector<int> units,
                                     const PriorActmaxConfig& config, ActmaxObjective output_objective)
    : decoder_(decoder), units_(std::move(units)), config_(config), objective_(output_objective) {
  net_.head = net.head;
  net_.norm = net.norm;
  net_.layers.assign(net.layers.begin(), net.layers.begin() + layer + 1);
  if (layer + 1 < int(net.layers.size())) objective_ = ActmaxObjective::PreActivation;
  config_.count = std::max(1, config_.count);
  config_.candidates = std::max(config_.candidates, config_.count);
  for (int u : units_) columns_.insert(columns_.end(), std::size_t(config_.count), u);
  start_from_candidates();
  adam_ = AdamAscent(z_.rows(), z_.cols());
}

// Draws candidate codes from the prior, decodes them all at once and scores every unit on every
// candidate (one forward pass); each unit starts from its best `count` candidates (penalty
// included), so the climb begins near a digit that already excites it.
void PriorActmaxSolver::start_from_candidates() {
  const Eigen::Index Z = decoder_.inputs(), K = config_.candidates;
  Rng rng(config_.seed);
  Eigen::MatrixXf cand(Z, K);
  for (Eigen::Index i = 0; i < cand.size(); ++i) cand.data()[i] = rng.normal();
  const Eigen::MatrixXf scores = actmax_objective_all(net_, objective_, mlp_forward(decoder_, cand));
  Eigen::RowVectorXf penalty(K);  // prior/2 |z|^2, each square summed in order (gemm.h's), as on every machine
  for (Eigen::Index k = 0; k < K; ++k) {
    float sq = 0.f;
    for (Eigen::Index i = 0; i < Z; ++i) sq = sq + cand(i, k) * cand(i, k);
    penalty(k) = 0.5f * config_.prior * sq;
  }
  z_.resize(Z, Eigen::Index(columns_.size()));
  std::vector<int> order(static_cast<std::size_t>(K));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const Eigen::RowVectorXf s = scores.row(units_[u]) - penalty;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + config_.count, order.end(),
                      [&](int a, int b) { return s(a) > s(b) || (s(a) == s(b) && a < b); });
    for (int c = 0; c < config_.count; ++c) z_.col(Eigen::Index(u) * config_.count + c) = cand.col(order[std::size_t(c)]);
  }
}

// Through the classifier into the image, then through the decoder into the code:
//   dJ/dz = W_1^T (act'(a_1) .* ... W_L^T (act'(a_L) .* dJ/dx))
// With diversity, the images' pairwise-similarity penalty is climbed down along with it.
Eigen::MatrixXf prior_code_gradient(const Mlp& net, const Mlp& decoder, const std::vector<int>& columns,
                                    ActmaxObjective objective, const Eigen::MatrixXf& z, int count, float diversity) {
  Trace t;
  mlp_forward_trace(decoder, z, t);
  const Eigen::MatrixXf& x = t.layers.back().a;
  Eigen::MatrixXf d = actmax_objective_gradient(net, columns, objective, x);
  if (count > 1 && diversity > 0) diversity_ascent(x, count, diversity, d);
  Eigen::MatrixXf below;
  for (std::size_t l = decoder.layers.size(); l-- > 0;) {
    const LayerTrace& lt = t.layers[l];
    d = d.cwiseProduct(activate_derivative(decoder.layers[l].act, lt.z, lt.a, decoder.layers[l].slope));
    gemm_op(decoder.layers[l].W, true, d, false, below);
    d.swap(below);
  }
  return d;
}

Eigen::MatrixXf PriorActmaxSolver::code_gradient(const Eigen::MatrixXf& z) const {
  return prior_code_gradient(net_, decoder_, columns_, objective_, z, config_.count, config_.diversity);
}

bool PriorActmaxSolver::step(int max_steps) {
  for (int k = 0; k < max_steps && !done(); ++k) {
    Eigen::MatrixXf g = code_gradient(z_) - config_.prior * z_;
    for (Eigen::Index i = 0; i < g.size(); ++i)
      if (!std::isfinite(g.data()[i])) g.data()[i] = 0.f;  // a pathological network must not poison z
    ++step_;
    adam_.step(z_, g, config_.lr);
  }
  return done();
}

Eigen::MatrixXf PriorActmaxSolver::images() const { return mlp_forward(decoder_, z_); }

Eigen::VectorXf PriorActmaxSolver::achieved() const { return actmax_objective_value(net_, columns_, objective_, images()); }

Eigen::MatrixXf prior_actmax_run(const Mlp& net, const Mlp& decoder, int layer, const std::vector<int>& units,
                                 const PriorActmaxConfig& config, ActmaxObjective output_objective) {
  PriorActmaxSolver s(net, decoder, layer, units, config, output_objective);
  while (!s.step(16)) {}
  return s.images();
}

}  // namespace lens
