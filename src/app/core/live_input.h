// The current input and everything computed from it: the forward trace,
// probabilities, hidden-neuron contributions and saliency. Recomputed on every
// stroke movement, so it must stay well under a millisecond for mlp128.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"
#include "interpret/ablation.h"

namespace lens {

struct LiveInput {
  Eigen::VectorXf x;                 // (I) what the network sees
  bool blank = true;
  Trace trace;                       // one column
  Eigen::VectorXf probs;             // (C)
  int predicted = -1;
  std::vector<Eigen::VectorXf> responses;  // per hidden layer (U): each unit's response (a channel's: its map's mean, units.h)
  Eigen::MatrixXf contributions;     // (C, H) of the last hidden layer
  Eigen::VectorXf saliency;          // (I) gradient x input for saliency_class
  int saliency_class = -1;
  bool ablated = false;              // an ablation is active: these are its results
  Eigen::VectorXf ablated_probs;     // (C)
  int ablated_predicted = -1;
  int version = 0;                   // bumps on every recompute (the page's textures follow it)
  double compute_ms = 0;             // last recompute, for the benchmark
};

// chosen_class < 0 means "explain the predicted class".
void live_update(LiveInput& live, const Mlp& net, const Ablation& ablation, int chosen_class);

}  // namespace lens
