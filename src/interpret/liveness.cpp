#include "interpret/liveness.h"

#include <algorithm>

namespace lens {

// Rate 0 exactly when no image fired (images >= 1), so the rule reads the same from counts
// and from a stored rate.
Liveness liveness_of_rate(float active_rate) {
  if (active_rate == 0.f) return Liveness::Dead;
  return active_rate < kNearlyDeadRate ? Liveness::NearlyDead : Liveness::Alive;
}

float liveness_rate(int active, int images) { return float(active) / std::max(1.f, float(images)); }

Eigen::VectorXi liveness_count_firing(const Eigen::MatrixXf& acts, Activation act) {
  Eigen::VectorXi count = Eigen::VectorXi::Zero(acts.rows());
  for (Eigen::Index n = 0; n < acts.cols(); ++n)
    for (Eigen::Index h = 0; h < acts.rows(); ++h) count(h) += activation_is_active(act, acts(h, n));
  return count;
}

}  // namespace lens
