#pragma once
#include <Eigen/Core>
#include <optional>
#include <string>

namespace lens {

enum class Activation { Identity, ReLU, LeakyReLU, Sigmoid, Tanh };
constexpr float kLeakySlope = 0.01f;  // PyTorch's default; a layer may keep another (Layer::slope)

const char* activation_name(Activation a);
std::optional<Activation> activation_from_name(const std::string& name);

// a = act(z), coefficient-wise; slope is LeakyReLU's for z < 0 (the others ignore it)
Eigen::MatrixXf activate(Activation act, const Eigen::Ref<const Eigen::MatrixXf>& z, float slope = kLeakySlope);
// da/dz given z and a = act(z) (sigmoid and tanh are cheaper from a)
Eigen::MatrixXf activate_derivative(Activation act, const Eigen::Ref<const Eigen::MatrixXf>& z,
                                    const Eigen::Ref<const Eigen::MatrixXf>& a, float slope = kLeakySlope);
// Whether a unit with this activation counts as "firing" at value a (for dead-unit stats).
bool activation_is_active(Activation act, float a);

}  // namespace lens
