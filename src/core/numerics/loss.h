// Cross-entropy on top of the head, averaged over the batch.
// Softmax head: targets are one-hot (C, N). Sigmoid head: targets are 0/1 (C, N).
// Both heads give the same simple gradient, dL/dlogits = (p - y) / N.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

struct LossResult {
  float loss = 0.f;          // mean over the batch
  Eigen::MatrixXf dlogits;   // (C, N)
};

LossResult cross_entropy(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits,
                         const Eigen::Ref<const Eigen::MatrixXf>& targets);

// labels (N) -> one-hot (C, N)
Eigen::MatrixXf one_hot(const std::vector<int>& labels, int classes);

}  // namespace lens
