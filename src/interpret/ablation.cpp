#include "interpret/ablation.h"

#include <algorithm>
#include <cmath>

#include "core/numerics/gemm.h"

namespace lens {

Ablation Ablation::none(const Mlp& net) {
  Ablation a;
  for (std::size_t l = 0; l + 1 < net.layers.size(); ++l)
    a.clamp.push_back(Eigen::VectorXf::Constant(net.layers[l].outputs(), std::nanf("")));
  return a;
}

bool Ablation::any() const {
  for (const Eigen::VectorXf& c : clamp)
    for (Eigen::Index h = 0; h < c.size(); ++h)
      if (!std::isnan(c(h))) return true;
  return false;
}

static void apply_clamp(Eigen::MatrixXf& a, const Eigen::VectorXf& clamp) {
  for (Eigen::Index h = 0; h < clamp.size() && h < a.rows(); ++h)
    if (!std::isnan(clamp(h))) a.row(h).setConstant(clamp(h));
}

// Runs layers [first, L) on activations a that already went through layer first - 1.
static Eigen::MatrixXf forward_from(const Mlp& net, Eigen::MatrixXf a, std::size_t first, const Ablation& ab) {
  for (std::size_t l = first; l < net.layers.size(); ++l) {
    const Dense& d = net.layers[l];
    Eigen::MatrixXf z;
    gemm(d.W, a, z, &d.b);
    a = activate(d.act, z, d.slope);
    if (l < ab.clamp.size()) apply_clamp(a, ab.clamp[l]);
  }
  return a;
}

Eigen::MatrixXf mlp_forward_ablated(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, const Ablation& ab) {
  return forward_from(net, input_normalize(net.norm, x), 0, ab);
}

AblationScorer::AblationScorer(const Mlp& net, const DataSet& data, Eigen::MatrixXf first_layer_activations)
    : AblationScorer(net, data, false) {
  if (first_layer_activations.rows() == a0_.rows() && first_layer_activations.cols() == a0_.cols()) {
    a0_ = std::move(first_layer_activations);
    prepared_ = data.size();
  }
}

AblationScorer::AblationScorer(const Mlp& net, const DataSet& data, bool prepare_now) : net_(net), data_(data) {
  a0_.resize(net.layers[0].outputs(), data.size());
  class_count_ = Eigen::VectorXi::Zero(net.outputs());
  for (int y : data.labels)
    if (y >= 0 && y < net.outputs()) ++class_count_(y);
  if (prepare_now) prepare(data.size());
}

bool AblationScorer::prepare(int max_images) {
  const int n = std::min(max_images, data_.size() - prepared_);
  if (n > 0) {
    Eigen::MatrixXf z;
    if (net_.norm.identity()) gemm(net_.layers[0].W, data_.images.middleCols(prepared_, n), z, &net_.layers[0].b);
    else gemm(net_.layers[0].W, input_normalize(net_.norm, data_.images.middleCols(prepared_, n)), z, &net_.layers[0].b);
    a0_.middleCols(prepared_, n) = activate(net_.layers[0].act, z, net_.layers[0].slope);
    prepared_ += n;
  }
  return ready();
}

void AblationScorer::count_correct(const Ablation& ab, int begin, int count, Eigen::VectorXi& correct) const {
  const int C = net_.outputs();
  if (correct.size() != C) correct = Eigen::VectorXi::Zero(C);
  count = std::min(count, data_.size() - begin);
  if (count <= 0) return;
  Eigen::MatrixXf a0 = a0_.middleCols(begin, count);
  if (net_.layers.size() > 1 && !ab.clamp.empty()) apply_clamp(a0, ab.clamp[0]);
  const Eigen::MatrixXf logits = net_.layers.size() > 1 ? forward_from(net_, std::move(a0), 1, ab) : a0;
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

Score AblationScorer::score(const Ablation& ab) const {
  Eigen::VectorXi correct;
  count_correct(ab, 0, data_.size(), correct);
  return score_from(correct);
}

}  // namespace lens
