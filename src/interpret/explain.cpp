#include "interpret/explain.h"

#include <algorithm>
#include <cmath>

#include "core/constants.h"
#include "interpret/correlation.h"

namespace lens {

static void levels(const std::vector<int>& strong, const std::vector<int>& moderate, double level[kClasses]) {
  std::fill(level, level + kClasses, 0.0);
  for (int c : strong) if (c >= 0 && c < kClasses) level[c] = 1.0;
  for (int c : moderate) if (c >= 0 && c < kClasses) level[c] = 0.5;
}

float explanation_score(const NeuronFacts& f, const LayerStats& L, const Eigen::VectorXi& class_count, bool* defined) {
  double level[kClasses];
  levels(f.strong, f.moderate, level);
  const double N = std::max(1, f.images);
  // Moments of s (the simulation) and a (the activation) per image, from class sums.
  double s_sum = 0, ss_sum = 0, sa_sum = 0;
  for (int c = 0; c < kClasses && c < class_count.size() && c < L.class_mean.cols(); ++c) {
    s_sum += level[c] * class_count(c);
    ss_sum += level[c] * level[c] * class_count(c);
    sa_sum += level[c] * double(L.class_mean(f.unit, c)) * class_count(c);
  }
  const double ms = s_sum / N, ma = L.mean(f.unit);
  const double cov = sa_sum / N - ms * ma, vs = ss_sum / N - ms * ms, va = double(L.mean_square(f.unit)) - ma * ma;
  return correlation_from_sums(cov, vs, va, defined);
}

float simulated_correlation(const std::vector<int>& strong, const std::vector<int>& moderate,
                            const Eigen::Ref<const Eigen::RowVectorXf>& a, const std::vector<int>& labels, bool* defined) {
  const std::size_t N = std::min(labels.size(), std::size_t(a.size()));
  double level[kClasses];
  levels(strong, moderate, level);
  auto sim = [&](std::size_t n) { return labels[n] >= 0 && labels[n] < kClasses ? level[labels[n]] : 0.0; };
  double ms = 0, ma = 0;
  for (std::size_t n = 0; n < N; ++n) ms += sim(n), ma += a(Eigen::Index(n));
  ms /= double(std::max<std::size_t>(1, N));
  ma /= double(std::max<std::size_t>(1, N));
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t n = 0; n < N; ++n) {
    const double s = sim(n) - ms, t = a(Eigen::Index(n)) - ma;
    sxy += s * t, sxx += s * s, syy += t * t;
  }
  return correlation_from_sums(sxy, sxx, syy, defined);
}

float weight_smoothness(const Eigen::Ref<const Eigen::VectorXf>& w) {
  if (w.size() != kPixels) return 0.f;
  const int margin = (kSide - kDigitBox) / 2;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  int n = 0;
  auto pair = [&](float a, float b) {
    sa += a, sb += b, saa += double(a) * a, sbb += double(b) * b, sab += double(a) * b, ++n;
  };
  for (int y = margin; y < kSide - margin; ++y)
    for (int x = margin; x < kSide - margin; ++x) {
      if (x + 1 < kSide - margin) pair(w(y * kSide + x), w(y * kSide + x + 1));
      if (y + 1 < kSide - margin) pair(w(y * kSide + x), w((y + 1) * kSide + x));
    }
  const double cov = sab / n - (sa / n) * (sb / n), va = saa / n - (sa / n) * (sa / n),
               vb = sbb / n - (sb / n) * (sb / n);
  return va > 1e-20 && vb > 1e-20 ? float(cov / std::sqrt(va * vb)) : 0.f;
}

}  // namespace lens
