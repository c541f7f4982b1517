// Digit and weight tiles for figures (lens-report and the page), built from the shared colour maps.
// Shape letters: I = input pixels (784), N = images.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "figures/colormap.h"

namespace lens {

// A 1 px grey frame: white paper on a white page needs an edge to read as a tile.
RgbImage image_framed(const RgbImage& image);
// One 28x28 image (column of an (I, N) matrix) in ink, scaled and framed.
RgbImage digit_tile(const Eigen::Ref<const Eigen::VectorXf>& pixels, int scale);
// The given columns of images (I, N) as framed ink tiles in a grid.
RgbImage digit_grid(const Eigen::Ref<const Eigen::MatrixXf>& images, const std::vector<int>& columns, int per_row,
                    int scale, int gap);
// Colour limits for weight images, one per row of W (H, I): the 99th percentile of |w|
// inside the central 20x20 box where the digits are, not the maximum, since extreme
// weights at the border, which digits rarely reach, would wash the pattern that matters
// out to grey. Never below half the layer's largest limit, so that weak weights look weak
// (an untrained neuron's small random start as faint speckle, weights decayed to almost
// nothing as blank) instead of being stretched to full colour.
Eigen::VectorXf weight_limits(const Eigen::Ref<const Eigen::MatrixXf>& W);
// One weight row (I) as a framed diverging tile, full colour at +-limit.
RgbImage weight_tile(const Eigen::Ref<const Eigen::VectorXf>& w, float limit, int scale);
// Rows of W (H, I) as weight tiles in a grid, each at its weight_limits scale.
RgbImage weight_grid(const Eigen::Ref<const Eigen::MatrixXf>& W, int per_row, int scale, int gap);

// A convolutional layer's filters: W (C_out, C_in*kh*kw), tap (c*kh + i)*kw + j (conv.h).
// Colour limits, one per channel: the largest |w| of its row, never below half the layer's
// largest (as in weight_limits, so a weak filter looks weak). A filter has too few taps for a
// percentile, and no border.
Eigen::VectorXf filter_limits(const Eigen::Ref<const Eigen::MatrixXf>& W);
// One kernel (kh x kw taps, row-major) as a framed diverging tile, full colour at +-limit.
RgbImage filter_tile(const Eigen::Ref<const Eigen::VectorXf>& taps, int kh, int kw, float limit, int scale);
// One channel's row of W: its C_in kernels side by side, input channel 0 on the left.
RgbImage filter_strip(const Eigen::Ref<const Eigen::VectorXf>& row, int kh, int kw, float limit, int scale, int gap);
// The scale at which a kh x kw kernel is drawn about `side` pixels across (at least 1).
int filter_scale(int kh, int kw, int side);

}  // namespace lens
