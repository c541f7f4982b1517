// Attribution for one input: how the hidden neurons and the pixels made the answer.
// Shape letters: I = input pixels, H = units of a hidden layer, C = classes.
#pragma once
#include <Eigen/Core>

#include "core/numerics/mlp.h"

namespace lens {

// contribution(c, h) = a_h * d logit_c / d a_h for hidden layer `layer` at input x (I).
// For the last hidden layer this is exactly a_h * W_out(c, h), and a row sums with the
// output bias to the logit. A channel's is the sum over its positions. (C, H)
Eigen::MatrixXf hidden_contributions(const Mlp& net, const Eigen::VectorXf& x, int layer);

// The same from a forward trace of one input the caller already has (no second forward).
Eigen::MatrixXf hidden_contributions(const Mlp& net, const Trace& trace, int layer);

// d logit_c / d x for every class c at x. (I, C)
Eigen::MatrixXf logit_input_gradients(const Mlp& net, const Eigen::VectorXf& x);

// Gradient-times-input saliency for class c: x .* d logit_c / d x. (I)
Eigen::VectorXf saliency(const Mlp& net, const Eigen::VectorXf& x, int cls);
Eigen::VectorXf saliency(const Mlp& net, const Trace& trace, int cls);  // from a one-input trace

// Input-times-weight map of a first-layer unit: x .* W_0(h, :). For deeper units the same
// idea with the gradient of the unit's pre-activation: x .* d z_h / d x. (I)
Eigen::VectorXf input_times_weight(const Mlp& net, const Eigen::VectorXf& x, int layer, int unit);

}  // namespace lens
