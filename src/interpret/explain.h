// Plain-language explanations of neurons and of the whole network, built from
// the statistics, and a score of how well each neuron's summary predicts it:
// the summary is turned back into a simulated activation per image (from the
// digit classes it names) and correlated with the true activation.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/bundle.h"
#include "interpret/neuron_stats.h"

namespace lens {

struct NeuronExplanation {
  int layer = 0, unit = 0;
  std::vector<int> strong, moderate;  // digit classes the summary names
  std::vector<int> pushes_up, pushes_down;  // output classes (last hidden layer only)
  bool dead = false, nearly_dead = false;
  std::string one_line;               // for a tooltip
  std::string text;                   // a short paragraph
  float score = 0.f;                  // correlation of simulated vs true activation, in [-1, 1]
  bool score_defined = false;         // false when either side is constant (e.g. a dead unit)
};

// Class-level reading of a unit: strong if its class mean is at least 60% of the way
// from the weakest to the strongest class, moderate from 30%.
NeuronExplanation explain_neuron(const Mlp& net, const NetworkStats& stats, int layer, int unit);

// Pearson correlation between a per-class simulation (strong 1, moderate 0.5, else 0)
// and the true activations (one per image, labels alongside).
void explanation_score(NeuronExplanation& e, const Eigen::Ref<const Eigen::RowVectorXf>& activations,
                       const std::vector<int>& labels);
float simulated_correlation(const std::vector<int>& strong, const std::vector<int>& moderate,
                            const Eigen::Ref<const Eigen::RowVectorXf>& activations, const std::vector<int>& labels,
                            bool* defined = nullptr);

struct NetworkExplanation {
  std::string text;                       // Markdown paragraphs
  std::vector<std::vector<float>> importance;  // [layer][unit] accuracy lost when the unit alone is off
};

// importance: accuracy drop per unit per hidden layer (from AblationScorer), may be empty.
std::string explain_network(const Mlp& net, const BundleInfo& info, const NetworkStats& stats,
                            const std::vector<std::vector<NeuronExplanation>>& neurons,
                            const std::vector<Eigen::VectorXf>& importance);

// "0, 6 and 9"
std::string join_classes(const std::vector<int>& classes);

}  // namespace lens
