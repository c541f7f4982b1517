#include "core/numerics/loss.h"

#include <cmath>

#include "core/numerics/portable_math.h"

namespace lens {

LossResult cross_entropy(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits,
                         const Eigen::Ref<const Eigen::MatrixXf>& targets) {
  const float N = float(logits.cols());
  LossResult r;
  Eigen::MatrixXf p = head_probabilities(head, logits);
  double total = 0.0;
  if (head == Head::Softmax) {
    // -sum y log softmax(z), with log softmax = z - max - log sum exp(z - max)
    // (portable exp and log, fixed summation order: the same loss natively and in wasm)
    for (Eigen::Index n = 0; n < logits.cols(); ++n) {
      const float m = logits.col(n).maxCoeff();
      float sum = 0.f;
      for (Eigen::Index c = 0; c < logits.rows(); ++c) sum = sum + exp_portable(logits(c, n) - m);
      const float lse = m + log_portable(sum);
      double dot = 0;
      for (Eigen::Index c = 0; c < logits.rows(); ++c) dot += double(targets(c, n)) * double(logits(c, n) - lse);
      total -= dot;
    }
  } else {
    // -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, written stably
    for (Eigen::Index n = 0; n < logits.cols(); ++n)
      for (Eigen::Index c = 0; c < logits.rows(); ++c) {
        const float z = logits(c, n);
        total += double(std::max(z, 0.f) + log_portable(1.f + exp_portable(-std::abs(z))) - targets(c, n) * z);
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
