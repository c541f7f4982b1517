// Diversity for activation maximization (Olah et al. 2017, "Feature Visualization"): when a unit
// gets several images, a penalty on how alike they are pushes them towards different shapes
// the unit responds to. Images come in groups of `count` consecutive columns (one group per
// unit); alike means the cosine similarity of two images' pixels.
#pragma once
#include <Eigen/Core>

namespace lens {

// The weight of the penalty for the page's several raw images of one neuron (lens.actmax with
// count > 1, the Neuron tab's "diverse" images). Three images each of mlp128's neurons 3, 40, 77
// and 101: at 2 they stayed nearly alike (mean pairwise cosine 0.896); at 3 they differ (0.674),
// and the one image pushed below its neuron's strongest test digit climbs back with the penalties
// relaxed (ActmaxSolver::set_targets), which leaves 0.745.
constexpr float kRawDiversity = 3.f;

// Adds the ascent direction of  -weight * sum over pairs i < j within each group of cos(x_i, x_j)
// to grad (same shape as x).
void diversity_ascent(const Eigen::MatrixXf& x, int count, float weight, Eigen::MatrixXf& grad);

// The mean cosine similarity over all pairs within groups (1 when every group's images are
// the same; 0 with count 1, where there are no pairs).
float mean_pairwise_cosine(const Eigen::MatrixXf& x, int count);

}  // namespace lens
