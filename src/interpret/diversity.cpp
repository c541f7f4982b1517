#include "interpret/diversity.h"

#include <algorithm>
#include <cmath>

namespace lens {

// A norm kept away from 0, so blank images have a defined (zero) similarity gradient.
static float safe_norm(const Eigen::Ref<const Eigen::VectorXf>& v) { return std::max(v.norm(), 1e-6f); }

// d cos(a, b) / da = b / (|a||b|) - cos(a, b) a / |a|^2
void diversity_ascent(const Eigen::MatrixXf& x, int count, float weight, Eigen::MatrixXf& grad) {
  if (count < 2 || weight == 0.f) return;
  for (Eigen::Index g0 = 0; g0 + count <= x.cols(); g0 += count)
    for (int i = 0; i < count; ++i)
      for (int j = 0; j < count; ++j) {
        if (i == j) continue;
        const auto a = x.col(g0 + i), b = x.col(g0 + j);
        const float na = safe_norm(a), nb = safe_norm(b), c = a.dot(b) / (na * nb);
        grad.col(g0 + i) -= weight * (b / (na * nb) - c * a / (na * na));
      }
}

float mean_pairwise_cosine(const Eigen::MatrixXf& x, int count) {
  double sum = 0;
  long pairs = 0;
  for (Eigen::Index g0 = 0; count > 1 && g0 + count <= x.cols(); g0 += count)
    for (int i = 0; i < count; ++i)
      for (int j = i + 1; j < count; ++j) {
        const auto a = x.col(g0 + i), b = x.col(g0 + j);
        sum += double(a.dot(b) / (safe_norm(a) * safe_norm(b)));
        ++pairs;
      }
  return pairs ? float(sum / double(pairs)) : 0.f;
}

}  // namespace lens
