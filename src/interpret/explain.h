// How well a neuron's summary predicts it, and the measurements its facts need.
// The explanation score turns the summary back into a simulated activation per
// image (strong classes 1, moderate 0.5, others 0) and correlates it with the
// true activation over the test set.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "interpret/facts.h"
#include "interpret/neuron_stats.h"

namespace lens {

// The score from the layer's class sums and squares (no per-image activations needed).
// *defined is false when either side is constant (e.g. a dead unit).
float explanation_score(const NeuronFacts& f, const LayerStats& layer, const Eigen::VectorXi& class_count, bool* defined);

// The same correlation from per-image activations and labels (for tests and baselines).
float simulated_correlation(const std::vector<int>& strong, const std::vector<int>& moderate,
                            const Eigen::Ref<const Eigen::RowVectorXf>& activations, const std::vector<int>& labels,
                            bool* defined = nullptr);

// How much a 28x28 weight image looks shaped rather than random: the correlation
// between horizontally and vertically neighbouring weights in the central 20x20
// (where the digits are). Trained features are smooth strokes; the random start is
// about 0, and a unit that never fired keeps it.
float weight_smoothness(const Eigen::Ref<const Eigen::VectorXf>& w);

}  // namespace lens
