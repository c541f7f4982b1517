// Models of the plane (2 inputs, one sigmoid output, like XOR): facts read
// exactly from the four corners of the unit square, and their wording. Any
// such model is handled: no hidden layer, several hidden layers, any activation.
#pragma once
#include <string>
#include <vector>

#include "core/numerics/mlp.h"
#include "interpret/prose.h"

namespace lens {

// The Boolean function a unit computes on the corners (0,0) (0,1) (1,0) (1,1), read
// from where it is "on", as bits 8 4 2 1: 6 is XOR.
constexpr int kXorPattern = 6;
const char* boolean_name(int pattern);  // "x1 XOR x2", "x1 AND NOT x2", ...

struct PlaneUnitFacts {
  int layer = 0, unit = 0;
  Activation activation = Activation::Tanh;
  int pattern = 0;                  // on the corners
  std::vector<float> weights;       // incoming weights
  float bias = 0;
};

struct PlaneFacts {
  int hidden_layers = 0;
  std::vector<PlaneUnitFacts> units;  // every hidden unit, layer by layer
  int output_pattern = 0;
  int corners_right = 0;              // of the four XOR targets
  bool solves_xor() const { return output_pattern == kXorPattern; }
};

PlaneFacts plane_facts(const Mlp& net);
// Which of the plane's four corners a pattern is on: "(0, 1) and (1, 0)".
std::string corners_text(int pattern);
// The network in words: what each unit and the output compute, and whether that is XOR.
Text plane_summary(const PlaneFacts& f);
// Gradient ascent on a hidden unit's weighted input over the plane, from `start`, with steps
// of `step` along the gradient's direction, kept inside [lo, hi]^2: the path maximization
// takes for a 2-input unit (what a 28x28 maximization image is for a digit model).
std::vector<Eigen::Vector2f> plane_ascent_path(const Mlp& net, int layer, int unit, Eigen::Vector2f start, int steps,
                                               float step, float lo, float hi);
// The unit's activation at each of n x n points of [lo, hi]^2, row by row from the top (y = hi).
std::vector<float> plane_unit_response(const Mlp& net, int layer, int unit, int n, float lo, float hi);

// "h0" for hidden layer 0's unit 0 in a one-hidden-layer model; "h1.2" with more layers.
std::string plane_unit_name(const PlaneFacts& f, int layer, int unit);

}  // namespace lens
