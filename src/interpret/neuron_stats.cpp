#include "interpret/neuron_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "interpret/units.h"

namespace lens {

void LayerStats::list_dead() {
  dead.clear();
  nearly_dead.clear();
  for (int h = 0; h < units(); ++h) {
    const Liveness l = liveness(h);
    if (l == Liveness::Dead) dead.push_back(h);
    else if (l == Liveness::NearlyDead) nearly_dead.push_back(h);
  }
}

StatsBuilder::StatsBuilder(const Mlp& net, const DataSet& data, int top_k, int classes)
    : net_(net), data_(data), top_k_(top_k), classes_(classes), total_(data.size()) {
  for (std::size_t l = 0; l + 1 < net.layers.size(); ++l) {
    const int H = layer_units(net.layers[l]);
    class_sum_.push_back(Eigen::MatrixXd::Zero(H, classes));
    sum_.push_back(Eigen::VectorXd::Zero(H));
    sum_sq_.push_back(Eigen::VectorXd::Zero(H));
    max_z_.push_back(Eigen::VectorXf::Constant(H, -std::numeric_limits<float>::infinity()));
    max_.push_back(Eigen::VectorXf::Constant(H, -std::numeric_limits<float>::infinity()));
    min_.push_back(Eigen::VectorXf::Constant(H, std::numeric_limits<float>::infinity()));
    active_.push_back(Eigen::VectorXi::Zero(H));
    top_.push_back(std::vector<Unit>(std::size_t(H)));
  }
  class_count_ = Eigen::VectorXi::Zero(classes);
  confusion_ = Eigen::MatrixXi::Zero(classes, classes);
}

bool StatsBuilder::step(int max_images) {
  const int N = std::min(max_images, total_ - next_);
  if (N <= 0) return done();
  Trace t;
  mlp_forward_trace(net_, data_.images.middleCols(next_, N), t);
  const std::vector<int> predicted = head_predict(net_.head, t.logits());
  if (keep_ && !class_sum_.empty()) {
    if (acts_.cols() != total_) acts_ = Eigen::MatrixXf::Zero(t.layers[0].a.rows(), total_);
    acts_.middleCols(next_, N) = t.layers[0].a;
  }
  // per layer, each unit's response and weighted input (a channel's: the means over its map)
  std::vector<Eigen::MatrixXf> response(class_sum_.size()), weighted(class_sum_.size());
  for (std::size_t l = 0; l < class_sum_.size(); ++l) {
    response[l] = unit_responses(net_.layers[l], t.layers[l]);
    weighted[l] = unit_preactivations(net_.layers[l], t.layers[l]);
  }
  auto by_activation = [](const std::pair<float, int>& a, const std::pair<float, int>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);  // min-heap, ties to the lower index
  };
  // An overflowing model can produce inf or NaN; NaN would break every comparison
  // below (and the heap's ordering), so it counts as the lowest value.
  auto finite_or_low = [](float v) { return std::isnan(v) ? -std::numeric_limits<float>::infinity() : v; };
  for (int n = 0; n < N; ++n) {
    const int image = next_ + n, label = data_.labels[std::size_t(image)];
    const bool labelled = label >= 0 && label < classes_;
    const bool finite = t.logits().col(n).allFinite();
    nonfinite_ += !finite;
    if (labelled) {
      ++class_count_(label);
      if (finite && predicted[std::size_t(n)] >= 0 && predicted[std::size_t(n)] < classes_) ++confusion_(label, predicted[std::size_t(n)]);
    }
    for (std::size_t l = 0; l < class_sum_.size(); ++l) {
      const Eigen::MatrixXf& a = response[l];
      const Eigen::MatrixXf& z = weighted[l];
      for (Eigen::Index h = 0; h < a.rows(); ++h) {
        const float v = finite_or_low(a(h, n));
        if (labelled) class_sum_[l](h, label) += v;
        sum_[l](h) += v;
        sum_sq_[l](h) += double(v) * v;
        max_z_[l](h) = std::max(max_z_[l](h), finite_or_low(z(h, n)));
        max_[l](h) = std::max(max_[l](h), v);
        min_[l](h) = std::min(min_[l](h), v);
        auto& heap = top_[l][std::size_t(h)].heap;
        const std::pair<float, int> item{v, image};
        if (int(heap.size()) < top_k_) {
          heap.push_back(item);
          std::push_heap(heap.begin(), heap.end(), by_activation);
        } else if (top_k_ > 0 && by_activation(item, heap.front())) {
          std::pop_heap(heap.begin(), heap.end(), by_activation);
          heap.back() = item;
          std::push_heap(heap.begin(), heap.end(), by_activation);
        }
      }
    }
  }
  for (std::size_t l = 0; l < class_sum_.size(); ++l) active_[l] += liveness_count_firing(response[l], net_.layers[l].act);
  next_ += N;
  return done();
}

NetworkStats StatsBuilder::finish() const {
  NetworkStats s;
  s.images = next_;
  s.confusion = confusion_;
  s.class_accuracy = Eigen::VectorXf::Zero(classes_);
  for (int c = 0; c < classes_; ++c)
    s.class_accuracy(c) = class_count_(c) ? float(confusion_(c, c)) / float(class_count_(c)) : 0.f;
  s.accuracy = next_ ? float(confusion_.trace()) / float(next_) : 0.f;
  s.class_count = class_count_;
  s.nonfinite = nonfinite_;
  for (std::size_t l = 0; l < class_sum_.size(); ++l) {
    LayerStats L;
    const Eigen::Index H = sum_[l].size();
    L.class_mean = Eigen::MatrixXf::Zero(H, classes_);
    for (int c = 0; c < classes_; ++c)
      if (class_count_(c)) L.class_mean.col(c) = (class_sum_[l].col(c) / double(class_count_(c))).cast<float>();
    L.mean = (sum_[l] / std::max(1.0, double(next_))).cast<float>();
    L.mean_square = (sum_sq_[l] / std::max(1.0, double(next_))).cast<float>();
    L.max_preactivation = max_z_[l];
    L.max = max_[l];
    L.min = min_[l];
    L.active_rate = Eigen::VectorXf(H);
    for (Eigen::Index h = 0; h < H; ++h) L.active_rate(h) = liveness_rate(active_[l](h), next_);
    L.selectivity = Eigen::VectorXf::Zero(H);
    for (Eigen::Index h = 0; h < H; ++h) {
      Eigen::Index best = 0;
      const float top = L.class_mean.row(h).maxCoeff(&best);
      const float others = (L.class_mean.row(h).sum() - top) / float(std::max(1, classes_ - 1));
      const float denom = std::abs(top) + std::abs(others);
      L.selectivity(h) = denom > 1e-12f ? (top - others) / denom : 0.f;
      auto heap = top_[l][std::size_t(h)].heap;
      std::sort(heap.begin(), heap.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      });
      std::vector<int> idx, label;
      std::vector<float> val;
      for (const auto& [v, i] : heap) idx.push_back(i), val.push_back(v), label.push_back(data_.labels[std::size_t(i)]);
      L.top.push_back(std::move(idx));
      L.top_value.push_back(std::move(val));
      L.top_label.push_back(std::move(label));
    }
    L.list_dead();
    s.layers.push_back(std::move(L));
  }
  return s;
}

NetworkStats stats_compute(const Mlp& net, const DataSet& data, int top_k) {
  StatsBuilder b(net, data, top_k);
  while (!b.step(1000)) {}
  return b.finish();
}

}  // namespace lens
