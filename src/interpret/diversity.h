// Diversity for activation maximization (Olah et al. 2017, "Feature Visualization"): when a unit
// gets several images, a penalty on how alike they are pushes them towards different shapes
// the unit responds to. Images come in groups of `count` consecutive columns (one group per
// unit); alike means the cosine similarity of two images' pixels.
#pragma once
#include <Eigen/Core>

namespace lens {

// Adds the ascent direction of  -weight * sum over pairs i < j within each group of cos(x_i, x_j)
// to grad (same shape as x).
void diversity_ascent(const Eigen::MatrixXf& x, int count, float weight, Eigen::MatrixXf& grad);

// The mean cosine similarity over all pairs within groups (1 when every group's images are
// the same; 0 with count 1, where there are no pairs).
float mean_pairwise_cosine(const Eigen::MatrixXf& x, int count);

}  // namespace lens
