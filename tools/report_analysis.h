// Everything lens-report measures about an MNIST network before writing a word:
// statistics over the test set, one forward trace of all of it, per-neuron
// explanations with their scores, single-unit ablation importance and
// activation-maximization images.
// Shape letters: I = input pixels (784), H = units of a hidden layer, C = classes, N = test images.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/mlp.h"
#include "core/mnist.h"
#include "interpret/explain.h"
#include "interpret/neuron_stats.h"

namespace lens {

struct ReportAnalysis {
  NetworkStats stats;
  Trace trace;                                          // the whole test set, once
  std::vector<std::vector<NeuronExplanation>> neurons;  // [hidden layer][unit], with scores
  std::vector<Eigen::VectorXf> importance;  // (H) per hidden layer: accuracy lost when the unit alone is off
  std::vector<Eigen::VectorXi> hurt_class;  // (H) per hidden layer: the class that loses most when the unit is off
  std::vector<Eigen::VectorXf> hurt_class_accuracy;  // (H) that class's accuracy with the unit off
  std::vector<Eigen::VectorXf> max_preactivation;    // (H) per hidden layer: highest z on any test image
  std::vector<Eigen::MatrixXf> hidden_actmax;        // (I, H) per hidden layer
  std::vector<Eigen::VectorXf> hidden_achieved;      // (H) pre-activation each unit reaches on its own image
  Eigen::MatrixXf output_actmax;                     // (I, C) one image per class (logit objective)
  Eigen::VectorXf output_probability;                // (C) the model's probability of class c on image c
  Eigen::VectorXf weight_smoothness;                 // (H0) first layer: see weight_smoothness()
  int hidden_layers() const { return int(stats.layers.size()); }
};

// How much a 28x28 weight image looks shaped rather than random: the correlation
// between horizontally and vertically neighbouring weights in the central 20x20
// (where the digits are). Trained features are smooth strokes (well above 0.3);
// the random start is about 0, and a unit that never fired keeps it.
float weight_smoothness(const Eigen::Ref<const Eigen::VectorXf>& w);

// Statistics, the trace and the explanations (top_k strongest images per unit).
void analyze_neurons(const Mlp& net, const DataSet& test, int top_k, ReportAnalysis& a);
// Switches off each hidden unit alone and re-scores the test set.
void analyze_importance(const Mlp& net, const DataSet& test, ReportAnalysis& a);
// Maximization images for every hidden unit and every output class (default ActmaxConfig).
void analyze_actmax(const Mlp& net, ReportAnalysis& a);

}  // namespace lens
