#include "figures/tiles.h"

#include <algorithm>
#include <cmath>

#include "core/constants.h"

namespace lens {

RgbImage image_framed(const RgbImage& img) {
  RgbImage f{img.width + 2, img.height + 2, {}};
  f.pixels.assign(std::size_t(f.width) * std::size_t(f.height) * 3, 160);
  for (int y = 0; y < img.height; ++y)
    std::copy_n(img.pixels.begin() + std::ptrdiff_t(y) * img.width * 3, img.width * 3,
                f.pixels.begin() + (std::ptrdiff_t(y + 1) * f.width + 1) * 3);
  return f;
}

RgbImage digit_tile(const Eigen::Ref<const Eigen::VectorXf>& pixels, int scale) {
  const Eigen::VectorXf p = pixels;  // contiguous copy: a Ref may be strided
  return image_framed(image_ink(p.data(), kSide, kSide, scale));
}

RgbImage digit_grid(const Eigen::Ref<const Eigen::MatrixXf>& images, const std::vector<int>& columns, int per_row,
                    int scale, int gap) {
  std::vector<RgbImage> tiles;
  for (int c : columns) tiles.push_back(digit_tile(images.col(c), scale));
  return image_grid(tiles, per_row, gap);
}

static float central_percentile_99(const Eigen::VectorXf& w) {
  const int margin = (kSide - kDigitBox) / 2;
  std::vector<float> magnitude;
  for (int y = margin; y < kSide - margin; ++y)
    for (int x = margin; x < kSide - margin; ++x) magnitude.push_back(std::abs(w(y * kSide + x)));
  const std::size_t k = magnitude.size() * 99 / 100;
  std::nth_element(magnitude.begin(), magnitude.begin() + std::ptrdiff_t(k), magnitude.end());
  return magnitude[k];
}

// Never finer than half the layer's largest limit: weak weights look weak.
static Eigen::VectorXf weak_looks_weak(const Eigen::VectorXf& limit) {
  const float floor = 0.5f * (limit.size() ? limit.maxCoeff() : 0.f);
  return limit.cwiseMax(std::max(floor, 1e-12f));
}

Eigen::VectorXf weight_limits(const Eigen::Ref<const Eigen::MatrixXf>& W) {
  Eigen::VectorXf limit(W.rows());
  for (Eigen::Index h = 0; h < W.rows(); ++h) limit(h) = central_percentile_99(W.row(h).transpose());
  return weak_looks_weak(limit);
}

RgbImage weight_tile(const Eigen::Ref<const Eigen::VectorXf>& w, float limit, int scale) {
  return filter_tile(w, kSide, kSide, limit, scale);
}

RgbImage weight_grid(const Eigen::Ref<const Eigen::MatrixXf>& W, int per_row, int scale, int gap) {
  const Eigen::VectorXf limit = weight_limits(W);
  std::vector<RgbImage> tiles;
  for (Eigen::Index h = 0; h < W.rows(); ++h) tiles.push_back(weight_tile(W.row(h).transpose(), limit(h), scale));
  return image_grid(tiles, per_row, gap);
}

Eigen::VectorXf filter_limits(const Eigen::Ref<const Eigen::MatrixXf>& W) {
  return weak_looks_weak(W.cwiseAbs().rowwise().maxCoeff());
}

RgbImage filter_tile(const Eigen::Ref<const Eigen::VectorXf>& taps, int kh, int kw, float limit, int scale) {
  const Eigen::VectorXf values = taps;  // contiguous copy: a Ref may be strided
  return image_framed(image_diverging(values.data(), kw, kh, scale, limit));
}

RgbImage filter_strip(const Eigen::Ref<const Eigen::VectorXf>& row, int kh, int kw, float limit, int scale, int gap) {
  const int K = kh * kw, C = int(row.size()) / K;
  std::vector<RgbImage> tiles;
  for (int c = 0; c < C; ++c) tiles.push_back(filter_tile(row.segment(c * K, K), kh, kw, limit, scale));
  return image_grid(tiles, C, gap);
}

int filter_scale(int kh, int kw, int side) { return std::max(1, side / std::max(kh, kw)); }

}  // namespace lens
