#include "interpret/ablation.h"

#include <algorithm>
#include <cmath>

#include "core/numerics/gemm.h"
#include "interpret/units.h"

namespace lens {

Ablation Ablation::none(const Mlp& net) {
  Ablation a;
  for (std::size_t l = 0; l + 1 < net.layers.size(); ++l)
    a.clamp.push_back(Eigen::VectorXf::Constant(layer_units(net.layers[l]), std::nanf("")));
  return a;
}

bool Ablation::any() const {
  for (const Eigen::VectorXf& c : clamp)
    for (Eigen::Index h = 0; h < c.size(); ++h)
      if (!std::isnan(c(h))) return true;
  return false;
}

int Ablation::lowest_layer() const {
  for (std::size_t l = 0; l < clamp.size(); ++l)
    for (Eigen::Index h = 0; h < clamp[l].size(); ++h)
      if (!std::isnan(clamp[l](h))) return int(l);
  return int(clamp.size());
}

static void apply_clamp(const Layer& d, Eigen::MatrixXf& a, const Eigen::VectorXf& clamp) {
  for (Eigen::Index h = 0; h < clamp.size() && h < layer_units(d); ++h)
    if (!std::isnan(clamp(h))) unit_clamp(d, a, int(h), clamp(h));
}

// Runs layers [first, L) on activations a that already went through layer first - 1.
static Eigen::MatrixXf forward_from(const Mlp& net, Eigen::MatrixXf a, std::size_t first, const Ablation& ab) {
  LayerTrace t;
  for (std::size_t l = first; l < net.layers.size(); ++l) {
    layer_forward(net.layers[l], a, t);
    a.swap(t.a);
    if (l < ab.clamp.size()) apply_clamp(net.layers[l], a, ab.clamp[l]);
  }
  return a;
}

Eigen::MatrixXf mlp_forward_ablated(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, const Ablation& ab) {
  return forward_from(net, input_normalize(net.norm, x), 0, ab);
}

// Layers [0, last] on images [begin, begin + count): the outputs of layer `last`.
static Eigen::MatrixXf forward_to(const Mlp& net, const DataSet& data, int begin, int count, int last) {
  Eigen::MatrixXf a = input_normalize(net.norm, data.images.middleCols(begin, count));
  LayerTrace t;
  for (int l = 0; l <= last; ++l) {
    layer_forward(net.layers[std::size_t(l)], a, t);
    a.swap(t.a);
  }
  return a;
}

AblationScorer::AblationScorer(const Mlp& net, const DataSet& data, Eigen::MatrixXf first_layer_activations)
    : AblationScorer(net, data, false) {
  if (checkpoint_ == 0 && first_layer_activations.rows() == kept_.rows() && first_layer_activations.cols() == kept_.cols()) {
    kept_ = std::move(first_layer_activations);
    prepared_ = data.size();
  }
}

AblationScorer::AblationScorer(const Mlp& net, const DataSet& data, bool prepare_now) : net_(net), data_(data) {
  set_checkpoint(0);
  class_count_ = Eigen::VectorXi::Zero(net.outputs());
  for (int y : data.labels)
    if (y >= 0 && y < net.outputs()) ++class_count_(y);
  if (prepare_now) prepare(data.size());
}

void AblationScorer::set_checkpoint(int layer) {
  const bool fits = layer >= 0 && layer < int(net_.layers.size()) &&
                    double(net_.layers[std::size_t(layer)].outputs()) * data_.size() <= double(kAblationKeptFloats);
  checkpoint_ = fits ? layer : -1;
  kept_.resize(fits ? net_.layers[std::size_t(layer)].outputs() : 0, fits ? data_.size() : 0);
  prepared_ = 0;
}

bool AblationScorer::prepare(int max_images) {
  const int n = checkpoint_ < 0 ? 0 : std::min(max_images, data_.size() - prepared_);
  if (n > 0) {
    kept_.middleCols(prepared_, n) = forward_to(net_, data_, prepared_, n, checkpoint_);
    prepared_ += n;
  }
  return ready();
}

void AblationScorer::count_correct(const Ablation& ab, int begin, int count, Eigen::VectorXi& correct) const {
  const int C = net_.outputs();
  if (correct.size() != C) correct = Eigen::VectorXi::Zero(C);
  count = std::min(count, data_.size() - begin);
  if (count <= 0) return;
  // from the kept outputs when no unit below them is held, else from the input
  const std::size_t k = std::size_t(checkpoint_);
  Eigen::MatrixXf logits;
  if (checkpoint_ >= 0 && checkpoint_ <= ab.lowest_layer()) {
    Eigen::MatrixXf kept = kept_.middleCols(begin, count);
    if (k + 1 < net_.layers.size() && k < ab.clamp.size()) apply_clamp(net_.layers[k], kept, ab.clamp[k]);
    logits = k + 1 < net_.layers.size() ? forward_from(net_, std::move(kept), k + 1, ab) : kept;
  } else {
    logits = forward_from(net_, input_normalize(net_.norm, data_.images.middleCols(begin, count)), 0, ab);
  }
  const std::vector<int> predicted = head_predict(net_.head, logits);
  for (std::size_t n = 0; n < predicted.size(); ++n) {
    const int y = data_.labels[std::size_t(begin) + n];
    if (y >= 0 && y < C && predicted[n] == y && logits.col(Eigen::Index(n)).allFinite()) ++correct(y);
  }
}

Score AblationScorer::score_from(const Eigen::VectorXi& correct) const {
  const int C = net_.outputs();
  Score s;
  s.accuracy = data_.size() ? float(correct.sum()) / float(data_.size()) : 0.f;
  s.class_accuracy = Eigen::VectorXf::Zero(C);
  for (int c = 0; c < C && c < correct.size(); ++c)
    s.class_accuracy(c) = class_count_(c) ? float(correct(c)) / float(class_count_(c)) : 0.f;
  return s;
}

double AblationScorer::rescore_multiply_adds(int lowest_layer) const {
  const int from = checkpoint_ >= 0 && checkpoint_ <= lowest_layer ? checkpoint_ + 1 : 0;
  double m = 0;
  for (std::size_t l = std::size_t(from); l < net_.layers.size(); ++l) m += net_.layers[l].multiply_adds();
  return m * data_.size();
}

Score AblationScorer::score(const Ablation& ab) const {
  Eigen::VectorXi correct;
  count_correct(ab, 0, data_.size(), correct);
  return score_from(correct);
}

}  // namespace lens
