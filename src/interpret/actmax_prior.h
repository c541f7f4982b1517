// Activation maximization through a digit prior (Nguyen et al. 2016, "Synthesizing the preferred
// inputs for neurons via deep generator networks"): instead of the 784 pixels, the search runs
// over the code z of a generative model's decoder (core/training/vae.h), so every image it can reach looks
// like a digit. It climbs  objective(classifier(decoder(z))) - prior/2 |z|^2 : the gradient goes
// through the classifier into the image, then through the decoder into z; the penalty keeps z
// where the decoder was trained (a standard normal), so the image stays digit-like.
// Shape letters: I = pixels (784), Z = code size, C = image columns (units x count).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/numerics/mlp.h"
#include "interpret/actmax_adam.h"
#include "interpret/actmax_objective.h"

namespace lens {

struct PriorActmaxConfig {
  int steps = 64;          // Adam steps on the codes
  float lr = 0.08f;        // Adam step on z (a standard normal's scale is 1)
  float prior = 0.05f;     // weight of |z|^2 / 2 against the objective
  int candidates = 256;    // codes drawn from N(0, I) and decoded once; each image starts at its unit's best
  int count = 1;           // images per unit (diversity.h)
  float diversity = 0.f;   // weight of the pairwise-similarity penalty among a unit's images
  std::uint64_t seed = 1;
};

// The defaults for `count` images per unit: with several, a diversity penalty strong enough to
// move them apart.
PriorActmaxConfig prior_actmax_defaults(int count = 1);

class PriorActmaxSolver {
 public:
  // `decoder` maps Z numbers to net.inputs() pixels in [0, 1] (a "decoder" bundle's network).
  // `layer` indexes net.layers; hidden units climb their pre-activation, output classes
  // output_objective. Work can be done in slices (step), so a UI stays responsive.
  PriorActmaxSolver(const Mlp& net, const Mlp& decoder, int layer, std::vector<int> units, const PriorActmaxConfig& config,
                    ActmaxObjective output_objective = ActmaxObjective::LogProbability);
  bool step(int max_steps);  // returns true once all steps are done
  bool done() const { return step_ >= config_.steps; }
  int steps_done() const { return step_; }
  float progress() const { return config_.steps ? float(step_) / float(config_.steps) : 1.f; }
  const Eigen::MatrixXf& codes() const { return z_; }     // (Z, C)
  Eigen::MatrixXf images() const;                          // (I, C): decoder(codes)
  // Columns [u * count, (u + 1) * count) belong to units()[u].
  const std::vector<int>& units() const { return units_; }
  int count() const { return config_.count; }
  // The objective (pre-activation, logit or log-probability) at each image.
  Eigen::VectorXf achieved() const;

 private:
  void start_from_candidates();
  Eigen::MatrixXf code_gradient(const Eigen::MatrixXf& z) const;  // d (objective - diversity) / dz, (Z, C)

  Mlp net_;         // truncated to the layers up to `layer`
  Mlp decoder_;
  std::vector<int> units_, columns_;
  PriorActmaxConfig config_;
  ActmaxObjective objective_;
  Eigen::MatrixXf z_;          // codes (Z, C)
  AdamAscent adam_;
  int step_ = 0;
};

// d objective / dz (Z, C) of objective(net(decoder(z))) for column c's unit columns[c], without
// penalties: through the classifier into the image, then through the decoder into the code.
// `net` is truncated to the target layer.
Eigen::MatrixXf prior_code_gradient(const Mlp& net, const Mlp& decoder, const std::vector<int>& columns,
                                    ActmaxObjective objective, const Eigen::MatrixXf& z, int count = 1, float diversity = 0.f);

// Convenience: runs to completion and returns the images (I, units x count).
Eigen::MatrixXf prior_actmax_run(const Mlp& net, const Mlp& decoder, int layer, const std::vector<int>& units,
                                 const PriorActmaxConfig& config,
                                 ActmaxObjective output_objective = ActmaxObjective::LogProbability);

}  // namespace lens
