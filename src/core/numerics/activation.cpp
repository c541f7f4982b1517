#include "core/numerics/activation.h"

#include "core/numerics/portable_math.h"

namespace lens {

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::Identity: return "identity";
    case Activation::ReLU: return "relu";
    case Activation::LeakyReLU: return "leaky_relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
  }
  return "identity";
}

std::optional<Activation> activation_from_name(const std::string& name) {
  for (Activation a : {Activation::Identity, Activation::ReLU, Activation::LeakyReLU,
                       Activation::Sigmoid, Activation::Tanh})
    if (name == activation_name(a)) return a;
  return std::nullopt;
}

Eigen::MatrixXf activate(Activation act, const Eigen::Ref<const Eigen::MatrixXf>& z, float slope) {
  switch (act) {
    case Activation::Identity: return z;
    case Activation::ReLU: return z.cwiseMax(0.f);
    case Activation::LeakyReLU: return z.unaryExpr([slope](float v) { return v > 0.f ? v : slope * v; });
    // exp and tanh of our own: the same bits natively and in wasm (core/numerics/portable_math.h)
    case Activation::Sigmoid: return z.unaryExpr([](float v) { return sigmoid_portable(v); });
    case Activation::Tanh: return z.unaryExpr([](float v) { return tanh_portable(v); });
  }
  return z;
}

Eigen::MatrixXf activate_derivative(Activation act, const Eigen::Ref<const Eigen::MatrixXf>& z,
                                    const Eigen::Ref<const Eigen::MatrixXf>& a, float slope) {
  switch (act) {
    case Activation::Identity: return Eigen::MatrixXf::Ones(z.rows(), z.cols());
    case Activation::ReLU: return (z.array() > 0.f).cast<float>().matrix();
    case Activation::LeakyReLU:
      return z.unaryExpr([slope](float v) { return v > 0.f ? 1.f : slope; });
    case Activation::Sigmoid: return (a.array() * (1.f - a.array())).matrix();
    case Activation::Tanh: return (1.f - a.array().square()).matrix();
  }
  return Eigen::MatrixXf::Ones(z.rows(), z.cols());
}

bool activation_is_active(Activation act, float a) {
  switch (act) {
    case Activation::ReLU: return a > 0.f;
    case Activation::LeakyReLU: return a > 0.f;
    case Activation::Sigmoid: return a > 0.5f;
    case Activation::Tanh: return a > 0.f;
    case Activation::Identity: return a > 0.f;
  }
  return a > 0.f;
}

}  // namespace lens
