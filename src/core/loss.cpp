#include "core/loss.h"

#include <cmath>

namespace lens {

LossResult cross_entropy(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits,
                         const Eigen::Ref<const Eigen::MatrixXf>& targets) {
  const float N = float(logits.cols());
  LossResult r;
  Eigen::MatrixXf p = head_probabilities(head, logits);
  double total = 0.0;
  if (head == Head::Softmax) {
    // -sum y log softmax(z), with log softmax = z - max - log sum exp(z - max)
    for (Eigen::Index n = 0; n < logits.cols(); ++n) {
      const float m = logits.col(n).maxCoeff();
      const float lse = m + std::log((logits.col(n).array() - m).exp().sum());
      total -= double(targets.col(n).dot((logits.col(n).array() - lse).matrix()));
    }
  } else {
    // -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, written stably
    for (Eigen::Index n = 0; n < logits.cols(); ++n)
      for (Eigen::Index c = 0; c < logits.rows(); ++c) {
        const float z = logits(c, n);
        total += double(std::max(z, 0.f) + std::log1p(std::exp(-std::abs(z))) - targets(c, n) * z);
      }
  }
  r.loss = float(total / double(N));
  r.dlogits = (p - targets) / N;
  return r;
}

Eigen::MatrixXf one_hot(const std::vector<int>& labels, int classes) {
  Eigen::MatrixXf y = Eigen::MatrixXf::Zero(classes, Eigen::Index(labels.size()));
  for (std::size_t n = 0; n < labels.size(); ++n)
    if (labels[n] >= 0 && labels[n] < classes) y(labels[n], Eigen::Index(n)) = 1.f;
  return y;
}

}  // namespace lens
