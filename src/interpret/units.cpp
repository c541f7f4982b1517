#include "interpret/units.h"

#include <algorithm>
#include <cmath>

namespace lens {

Shape3 unit_map_shape(const Layer& d) {
  const Shape3 s = d.conv_shape();
  return {1, s.h, s.w};
}

const Eigen::MatrixXf& layer_maps(const Layer& d, const LayerTrace& t) {
  return d.pool.kind != PoolKind::None ? t.unpooled : t.a;
}

Eigen::MatrixXf unit_means(const Eigen::Ref<const Eigen::MatrixXf>& maps, int units) {
  const Eigen::Index P = units > 0 ? maps.rows() / units : 1;
  if (P == 1) return maps;
  Eigen::MatrixXf out(units, maps.cols());
  for (int u = 0; u < units; ++u) out.row(u) = maps.middleRows(u * P, P).colwise().sum() / float(P);
  return out;
}

Eigen::MatrixXf unit_responses(const Layer& d, const LayerTrace& t) { return unit_means(layer_maps(d, t), layer_units(d)); }

Eigen::MatrixXf unit_preactivations(const Layer& d, const LayerTrace& t) { return unit_means(t.z, layer_units(d)); }

std::vector<Eigen::MatrixXf> unit_responses_all(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x) {
  double per_sample = 1;  // floats a trace holds per sample
  for (const Layer& d : net.layers) per_sample += 2.0 * d.conv_shape().size() + d.outputs();
  const Eigen::Index pass = std::max<Eigen::Index>(1, Eigen::Index(double(4 << 20) / per_sample));
  std::vector<Eigen::MatrixXf> out;
  for (const Layer& d : net.layers) out.push_back(Eigen::MatrixXf(layer_units(d), x.cols()));
  Trace t;
  for (Eigen::Index n0 = 0; n0 < x.cols(); n0 += pass) {
    const Eigen::Index n = std::min(pass, x.cols() - n0);
    mlp_forward_trace(net, x.middleCols(n0, n), t);
    for (std::size_t l = 0; l < net.layers.size(); ++l) out[l].middleCols(n0, n) = unit_responses(net.layers[l], t.layers[l]);
  }
  return out;
}

void unit_clamp(const Layer& d, Eigen::MatrixXf& a, int unit, float value) {
  const Eigen::Index P = a.rows() / layer_units(d);
  a.middleRows(unit * P, P).setConstant(value);
}

FilterTiles filter_tiles(const Layer& d, int channel) {
  const int C = d.in.c, kh = d.window.kh, kw = d.window.kw;
  FilterTiles f;
  f.columns = std::max(1, int(std::ceil(std::sqrt(double(C)))));
  const int rows = (C + f.columns - 1) / f.columns;
  f.width = f.columns * (kw + 1) - 1;
  f.height = rows * (kh + 1) - 1;
  f.values.assign(std::size_t(f.width) * std::size_t(f.height), 0.f);
  for (int c = 0; c < C; ++c)
    for (int i = 0; i < kh; ++i)
      for (int j = 0; j < kw; ++j) {
        const int y = (c / f.columns) * (kh + 1) + i, x = (c % f.columns) * (kw + 1) + j;
        f.values[std::size_t(y) * std::size_t(f.width) + std::size_t(x)] = d.W(channel, (c * kh + i) * kw + j);
      }
  return f;
}

Eigen::MatrixXf unit_outgoing_weights(const Mlp& net, int layer) {
  const Layer& d = net.layers[std::size_t(layer)];
  const Eigen::MatrixXf& W = net.layers[std::size_t(layer) + 1].W;
  const int U = layer_units(d);
  const Eigen::Index P = d.outputs() / U;
  if (P == 1) return W;  // the next layer is dense (bundle_shown_as: convolutions come first)
  Eigen::MatrixXf out(W.rows(), U);
  for (int u = 0; u < U; ++u) out.col(u) = W.middleCols(u * P, P).rowwise().sum();
  return out;
}

}  // namespace lens
