// Activation maximization: gradient ascent on the 28x28 input to find the image
// that most excites a neuron. All requested units of one layer are optimized
// together as one matrix problem: column u of X is unit u's image.
// Shape letters: I = input pixels (784), U = units being maximized.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/numerics/mlp.h"
#include "core/numerics/rng.h"
#include "interpret/actmax_adam.h"
#include "interpret/actmax_objective.h"

namespace lens {

enum class ActmaxStart { Zeros, Noise, Mean };

struct ActmaxConfig {
  int steps = 256;
  float lr = 0.05f;            // Adam step on pixels
  float l2 = 0.02f;            // decay towards 0 (paper background): only useful ink survives
  float tv = 0.05f;            // total variation: neighbouring pixels agree, so ink forms strokes
  float blur_sigma = 0.5f;     // Gaussian blur (pixels) ...
  int blur_every = 4;          // ... every this many steps; 0 = never
  int jitter = 1;              // random translation of up to this many pixels per step
  bool clamp = true;           // keep pixels in [0, 1]
  ActmaxStart start = ActmaxStart::Zeros;
  std::uint64_t seed = 1;
  int width = 28;              // images are width x (inputs / width)
  // Diversity (Olah et al. 2017): count images per unit, pushed apart by a penalty of
  // diversity x (sum of their pairwise cosine similarities). With count > 1 the images start
  // from different noise (identical starts would stay identical).
  int count = 1;
  float diversity = 0.f;
};

// The most rounds of relaxed penalties a unit short of its target gets (ActmaxSolver::set_targets):
// the penalties halve three times, then the last round climbs without them towards the unit's
// unpenalized optimum, which beats every test digit (they are images in the same [0, 1] box).
constexpr int kActmaxRelaxRounds = 4;

// Output classes tolerate (and look far more like digits with) stronger smoothing than
// hidden units, whose images must still beat every test digit's activation.
ActmaxConfig actmax_output_defaults();
// A convolutional layer's channels climb their map's sum (ActmaxSolver), at which scale their
// images converge in a quarter of the steps: the PyTorch example's second-layer channels reach
// 3.78 times their strongest test digit's response on average at 64 steps, 3.97 at 128 and 3.99
// at 256, with the same 60 of 62 live ones beating it.
ActmaxConfig actmax_channel_defaults();
// The page's settings for a layer of `net`: the output layer's, a channel's or a hidden neuron's.
ActmaxConfig actmax_layer_defaults(const Mlp& net, int layer);

// Maximizes units of one layer. `layer` indexes net.layers (the last is the output
// layer); for hidden layers the objective is the unit's pre-activation, for the
// output layer the chosen objective. Work can be done in slices (step) so a UI
// stays responsive.
class ActmaxSolver {
 public:
  ActmaxSolver(const Mlp& net, int layer, std::vector<int> units, const ActmaxConfig& config,
               ActmaxObjective output_objective = ActmaxObjective::Logit,
               const Eigen::VectorXf* mean_image = nullptr);
  // Values each unit's image must beat (one per unit, in units() order): the activation of its
  // strongest test digit. A unit whose image does not beat its value after the steps goes on for
  // another quarter of the steps with the penalties (l2, tv) halved, up to kActmaxRelaxRounds
  // times, while the others keep their images: the image earns the claim that it excites the
  // unit more than any test digit. The last round has no penalties, and no relaxed round jitters.
  // Without targets, the steps are all.
  void set_targets(const Eigen::VectorXf& beat);
  bool step(int max_steps);     // returns true once all steps are done
  bool done() const { return step_ >= steps_; }
  float progress() const { return steps_ ? float(step_) / float(steps_) : 1.f; }
  int relax_rounds() const { return rounds_; }  // rounds with relaxed penalties so far
  const Eigen::MatrixXf& images() const { return x_; }  // (I, U)
  // Images per unit: columns [u * count, (u + 1) * count) of images() belong to units()[u].
  int count() const { return config_.count; }
  // Each unit's value (activation for hidden units, the objective for outputs) at its own image.
  Eigen::VectorXf achieved() const;
  const std::vector<int>& units() const { return units_; }

 private:
  Eigen::MatrixXf objective_gradient(const Eigen::MatrixXf& x) const;  // d objective / d x, (I, U count)
  void regularize(Eigen::MatrixXf& grad) const;
  bool relax_if_short();        // at the end of the steps: true when units below their targets go on

  Mlp net_;                     // truncated to the layers up to `layer`
  std::vector<int> units_;
  std::vector<int> columns_;    // the unit of each image column (units_ each repeated count times)
  ActmaxConfig config_;
  ActmaxObjective objective_;
  Rng rng_;
  Eigen::MatrixXf x_;           // images (I, U)
  AdamAscent adam_;
  Eigen::MatrixXf linear_grad_; // (I, U) when the objective is linear in x (a first-layer pre-activation): its
                                // gradient, the units' weight rows, is the same at every step; else empty
  int step_ = 0, steps_ = 0;    // steps done, steps planned (config.steps plus any relaxed rounds)
  Eigen::VectorXf targets_;     // (U count) per image column; empty: none
  std::vector<bool> settled_;   // per image column: keeps its image through the relaxed rounds
  float relax_ = 1.f;           // factor on l2 and tv (halved each relaxed round)
  int rounds_ = 0;
};

// Convenience: runs to completion.
Eigen::MatrixXf actmax_run(const Mlp& net, int layer, const std::vector<int>& units, const ActmaxConfig& config,
                           ActmaxObjective output_objective = ActmaxObjective::Logit);

// Image helpers on column-stacked width x height images (row-major pixels).
Eigen::MatrixXf image_shift(const Eigen::MatrixXf& x, int width, int dx, int dy);  // zero fill
Eigen::MatrixXf image_blur(const Eigen::MatrixXf& x, int width, float sigma);     // separable Gaussian

}  // namespace lens
