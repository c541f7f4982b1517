// Ablation: switch hidden units off (or clamp them to a value) and re-score a data set.
// A layer's outputs over the whole data set (the checkpoint: the first layer's, unless they
// would take more than kAblationKeptFloats) are computed once, so a re-score only runs the
// layers after it: fast enough to be interactive for an MLP. A unit of a convolutional layer is
// a channel (units.h): switched off, its whole map is held at the value.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"

namespace lens {

constexpr long kAblationKeptFloats = 16l << 20;  // 64 MB

struct Ablation {
  // clamp[l][h] = value the unit is held at; NaN = left alone. One vector per hidden layer.
  std::vector<Eigen::VectorXf> clamp;
  static Ablation none(const Mlp& net);
  void switch_off(int layer, int unit) { clamp[std::size_t(layer)](unit) = 0.f; }
  bool any() const;
  int lowest_layer() const;  // the first layer with a unit held, or the number of layers when none is
};

// Forward with hidden units clamped. x (I, N) -> logits (C, N)
Eigen::MatrixXf mlp_forward_ablated(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, const Ablation& ab);

struct Score {
  float accuracy = 0.f;
  Eigen::VectorXf class_accuracy;  // (C)
};

class AblationScorer {
 public:
  // prepare_now = false defers the one-time first-layer pass to prepare(), in slices.
  AblationScorer(const Mlp& net, const DataSet& data, bool prepare_now = true);
  // Ready at once from the first hidden layer's activations over data, (H0, N), e.g. the
  // ones the statistics pass already computed.
  AblationScorer(const Mlp& net, const DataSet& data, Eigen::MatrixXf first_layer_activations);
  // Keeps layer `layer`'s outputs instead (prepared again by prepare(), in slices): the
  // importance pass of a convnet moves it layer by layer. -1, or a layer whose outputs take more
  // than kAblationKeptFloats: none, every score runs from the input.
  void set_checkpoint(int layer);
  int checkpoint() const { return checkpoint_; }
  bool prepare(int max_images);    // returns true once ready
  bool ready() const { return checkpoint_ < 0 || prepared_ >= data_.size(); }
  float progress() const { return data_.size() ? float(prepared_) / float(data_.size()) : 1.f; }
  Score score(const Ablation& ab) const;  // call once ready()
  // The same in pieces: counts the correct answers per class, (C), over images
  // [begin, begin + count), then turns the counts into a Score.
  void count_correct(const Ablation& ab, int begin, int count, Eigen::VectorXi& correct) const;
  Score score_from(const Eigen::VectorXi& correct) const;
  // Multiply-adds of a whole re-score with units of `lowest_layer` or later held (from the kept
  // outputs when the checkpoint allows, else from the input).
  double rescore_multiply_adds(int lowest_layer) const;
  int size() const { return data_.size(); }

 private:
  const Mlp& net_;
  const DataSet& data_;
  int checkpoint_ = 0;
  Eigen::MatrixXf kept_;           // the checkpoint layer's outputs (O, N), before any clamping
  Eigen::VectorXi class_count_;
  int prepared_ = 0;
};

}  // namespace lens
