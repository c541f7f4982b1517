#include "interpret/diversity.h"

#include <algorithm>
#include <cmath>

#include "core/numerics/gemm.h"

namespace lens {

// The dot products of a group's images with each other (count, count), by gemm.h's product:
// each sum in pixel order, so the same bits on every machine and in wasm (Eigen's dot() and
// norm() sum in an order of their own, by SIMD width).
static Eigen::MatrixXf group_dots(const Eigen::MatrixXf& x, Eigen::Index g0, int count) {
  Eigen::MatrixXf dots;
  gemm_op(x.middleCols(g0, count), true, x.middleCols(g0, count), false, dots);
  return dots;
}

// A norm kept away from 0, so blank images have a defined (zero) similarity gradient.
static float safe_norm(float squared) { return std::max(std::sqrt(squared), 1e-6f); }

// d cos(a, b) / da = b / (|a||b|) - cos(a, b) a / |a|^2
void diversity_ascent(const Eigen::MatrixXf& x, int count, float weight, Eigen::MatrixXf& grad) {
  if (count < 2 || weight == 0.f) return;
  for (Eigen::Index g0 = 0; g0 + count <= x.cols(); g0 += count) {
    const Eigen::MatrixXf dots = group_dots(x, g0, count);
    for (int i = 0; i < count; ++i)
      for (int j = 0; j < count; ++j) {
        if (i == j) continue;
        const auto a = x.col(g0 + i), b = x.col(g0 + j);
        const float na = safe_norm(dots(i, i)), nb = safe_norm(dots(j, j)), c = dots(i, j) / (na * nb);
        grad.col(g0 + i) -= weight * (b / (na * nb) - c * a / (na * na));
      }
  }
}

float mean_pairwise_cosine(const Eigen::MatrixXf& x, int count) {
  double sum = 0;
  long pairs = 0;
  for (Eigen::Index g0 = 0; count > 1 && g0 + count <= x.cols(); g0 += count) {
    const Eigen::MatrixXf dots = group_dots(x, g0, count);
    for (int i = 0; i < count; ++i)
      for (int j = i + 1; j < count; ++j) {
        sum += double(dots(i, j) / (safe_norm(dots(i, i)) * safe_norm(dots(j, j))));
        ++pairs;
      }
  }
  return pairs ? float(sum / double(pairs)) : 0.f;
}

}  // namespace lens
