// A layer's units as the reader sees them. A dense layer's unit is one output. A convolutional
// layer's unit is a channel: its map is the activation at every position, before any pooling
// (what the filter found where), and its response to an image is the mean of that map, the one
// number the statistics, the explanations, the maximization and the ablation work with.
// Shape letters: U = units of the layer, P = positions of a map (1 for a dense layer), N = samples.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

inline int layer_units(const Layer& d) { return d.channels(); }
// The positions of one unit's map: H x W for a convolutional layer, 1 x 1 for a dense one.
Shape3 unit_map_shape(const Layer& d);
// The layer's maps (U*P, N) in a trace: the activation before pooling.
const Eigen::MatrixXf& layer_maps(const Layer& d, const LayerTrace& t);
// (U, N): the mean of each unit's P rows of `maps` (U*P, N); a dense layer's values as they are.
Eigen::MatrixXf unit_means(const Eigen::Ref<const Eigen::MatrixXf>& maps, int units);
// Each unit's response (U, N): the mean of its map; and its weighted input, the mean of z over it.
Eigen::MatrixXf unit_responses(const Layer& d, const LayerTrace& t);
Eigen::MatrixXf unit_preactivations(const Layer& d, const LayerTrace& t);
// Every layer's unit responses (U_l, N) for samples x (I, N), in passes: a convnet's maps for
// thousands of samples at once would take gigabytes.
std::vector<Eigen::MatrixXf> unit_responses_all(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x);
// Holds unit u of a layer's output (its rows of `a`, after any pooling) at `value`.
void unit_clamp(const Layer& d, Eigen::MatrixXf& a, int unit, float value);
// A channel's filter as a picture: its C_in kernels (kh x kw each) in a grid of ceil(sqrt(C_in))
// columns, one cell of 0 between them, row after row (width x height values).
struct FilterTiles {
  std::vector<float> values;
  int width = 0, height = 0, columns = 1;
};
FilterTiles filter_tiles(const Layer& d, int channel);
// How much each unit of hidden layer `layer` pushes each output: the next layer's weights from
// it (O, U). A channel's are the sums over its positions (what a map of ones would add).
Eigen::MatrixXf unit_outgoing_weights(const Mlp& net, int layer);

}  // namespace lens
