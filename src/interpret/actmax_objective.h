// What activation maximization climbs, as a function of the input image, shared by the raw
// (pixel) solver in actmax.h and the digit-prior (code) solver in actmax_prior.h.
// `net` is the network truncated to the target layer; column u of x belongs to units[u].
// Shape letters: I = input pixels (784), U = columns (one per image being maximized).
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

// Output classes: maximize the logit, or the log-probability (the logit minus the log-sum-exp
// of all logits: "this class and not the others").
enum class ActmaxObjective { PreActivation, Logit, LogProbability };

// d objective / d x (I, U). For a hidden layer (or the logit) the objective is the unit's
// pre-activation; a one-layer net's pre-activation is linear in x, its gradient the weight row.
// A channel's (units.h) is its response, the mean of its activation map: the mean of its
// pre-activation is linear in the pixels too, and a pixel away from the border meets every
// weight of the filter, so climbing it gives a uniform page. Through a (leaky) ReLU the
// gradient takes at least kChannelLeak below 0, so a channel silent on the start image still
// climbs.
Eigen::MatrixXf actmax_objective_gradient(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                          const Eigen::MatrixXf& x);

// Whether the gradient above is the same at every x (so a solver may compute it once).
bool actmax_objective_linear(const Mlp& net, ActmaxObjective objective);

// Each column's objective value (U): the pre-activation, the logit or the log-probability.
Eigen::VectorXf actmax_objective_value(const Mlp& net, const std::vector<int>& units, ActmaxObjective objective,
                                       const Eigen::MatrixXf& x);

// The objective value of every unit of the target layer for every column of x (units, N):
// used to pick, among many candidate images, the best start for each unit.
Eigen::MatrixXf actmax_objective_all(const Mlp& net, ActmaxObjective objective, const Eigen::MatrixXf& x);

}  // namespace lens
