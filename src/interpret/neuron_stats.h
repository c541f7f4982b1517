// Per-neuron statistics of a network over a labelled data set (the 10k MNIST
// test set by default): what each hidden neuron responds to, how often it fires,
// which images excite it most, and which neurons are dead.
// Shape letters: H = units in a layer, C = classes, N = images.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"
#include "interpret/liveness.h"

namespace lens {

struct LayerStats {
  Eigen::MatrixXf class_mean;           // (H, C) mean activation on images of each class
  Eigen::VectorXf mean, max, min;       // (H) over all images
  Eigen::VectorXf mean_square;          // (H) mean of the squared activation (for correlations)
  Eigen::VectorXf max_preactivation;    // (H) highest weighted input z on any image
  Eigen::VectorXf active_rate;          // (H) fraction of images on which the unit fires (> 0 for ReLU)
  Eigen::VectorXf selectivity;          // (H) (top class mean - mean of the others) / (sum), in [0, 1] for ReLU
  std::vector<std::vector<int>> top;    // (H) indices of the top-k activating images, strongest first
  std::vector<std::vector<float>> top_value;  // (H) their activations
  std::vector<std::vector<int>> top_label;    // (H) their labels (the facts need them without the images)
  // By the one rule (liveness.h) from active_rate: never active on any image; active, but on
  // fewer than kNearlyDeadRate of them.
  std::vector<int> dead, nearly_dead;
  int units() const { return int(mean.size()); }
  Liveness liveness(int unit) const { return liveness_of_rate(active_rate(unit)); }
  bool is_dead(int unit) const { return liveness(unit) == Liveness::Dead; }
  void list_dead();                     // fills dead and nearly_dead from active_rate
};

struct NetworkStats {
  std::vector<LayerStats> layers;       // hidden layers only
  Eigen::MatrixXi confusion;            // (C, C) rows = true class, columns = predicted
  Eigen::VectorXf class_accuracy;       // (C)
  Eigen::VectorXi class_count;          // (C) labelled images of each class
  int nonfinite = 0;                    // images whose outputs were not finite numbers
  float accuracy = 0.f;
  int images = 0;
};

// Computes incrementally, so the page can spread the work over frames.
class StatsBuilder {
 public:
  StatsBuilder(const Mlp& net, const DataSet& data, int top_k = 9, int classes = 10);
  // Also keep the first hidden layer's activations, (H0, N), e.g. for the ablation scorer.
  void keep_first_layer(bool keep) { keep_ = keep; }
  const Eigen::MatrixXf& first_layer() const { return acts_; }
  Eigen::MatrixXf take_first_layer() { return std::move(acts_); }
  // Processes up to max_images more images; returns true once all are done.
  bool step(int max_images);
  float progress() const { return total_ ? float(next_) / float(total_) : 1.f; }
  bool done() const { return next_ >= total_; }
  NetworkStats finish() const;  // call once done()

 private:
  struct Unit { std::vector<std::pair<float, int>> heap; };  // min-heap of (activation, image)
  const Mlp& net_;
  const DataSet& data_;
  int top_k_, classes_, next_ = 0, total_ = 0;
  bool keep_ = false;
  Eigen::MatrixXf acts_;
  std::vector<Eigen::MatrixXd> class_sum_;   // per layer (H, C)
  std::vector<Eigen::VectorXd> sum_, sum_sq_;
  std::vector<Eigen::VectorXf> max_, min_, max_z_;
  std::vector<Eigen::VectorXi> active_;
  std::vector<std::vector<Unit>> top_;
  Eigen::VectorXi class_count_;
  Eigen::MatrixXi confusion_;
  int nonfinite_ = 0;
};

NetworkStats stats_compute(const Mlp& net, const DataSet& data, int top_k = 9);

}  // namespace lens
