// Adam's ascent step for activation maximization, shared by the pixel solver (actmax.h) and the
// code solver (actmax_prior.h): x += lr m^ / (sqrt(v^) + eps), with m^ and v^ the moments
// divided by their bias corrections 1 - beta^t.
// Same bits natively and in wasm: beta^t is kept by multiplying in double, as the trainer does
// (the C libraries' pow differ in the last bit), and the step is a plain loop whose sqrt is
// IEEE's (Eigen's vectorized float sqrt natively is an approximation, EIGEN_FAST_MATH).
#pragma once
#include <Eigen/Core>
#include <cmath>

namespace lens {

class AdamAscent {
 public:
  AdamAscent() = default;
  AdamAscent(Eigen::Index rows, Eigen::Index cols)
      : m_(Eigen::MatrixXf::Zero(rows, cols)), v_(Eigen::MatrixXf::Zero(rows, cols)) {}

  // Folds the gradient g (to be climbed) into the moments and moves x along them.
  void step(Eigen::MatrixXf& x, const Eigen::MatrixXf& g, float lr) {
    constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    beta1_power_ *= double(b1);
    beta2_power_ *= double(b2);
    const float c1 = float(1 - beta1_power_), c2 = float(1 - beta2_power_);
    float* xp = x.data();
    float* m = m_.data();
    float* v = v_.data();
    const float* gp = g.data();
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * gp[i];
      v[i] = b2 * v[i] + (1 - b2) * (gp[i] * gp[i]);
      xp[i] += lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
    }
  }

 private:
  Eigen::MatrixXf m_, v_;  // first and second moments, the shape of x
  double beta1_power_ = 1, beta2_power_ = 1;
};

}  // namespace lens
