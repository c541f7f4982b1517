#include "core/numerics/mlp.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/numerics/portable_math.h"

namespace lens {

const char* head_name(Head h) { return h == Head::Softmax ? "softmax" : "sigmoid"; }

std::vector<int> Mlp::sizes() const {
  std::vector<int> s;
  if (layers.empty()) return s;
  s.push_back(inputs());
  for (const Dense& d : layers) s.push_back(d.outputs());
  return s;
}

std::size_t Mlp::parameter_count() const {
  std::size_t n = 0;
  for (const Layer& d : layers) n += std::size_t(d.W.size() + d.b.size() + d.scale.size() + d.shift.size());
  return n;
}

bool Mlp::has_conv() const {
  for (const Layer& d : layers)
    if (d.is_conv()) return true;
  return false;
}

std::string layer_description(const Layer& d) {
  auto shape = [](const Shape3& s) { return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w); };
  auto window = [](const Window& w) {
    std::string t = std::to_string(w.kh) + "x" + std::to_string(w.kw);
    if (w.sh != 1 || w.sw != 1) t += " stride " + (w.sh == w.sw ? std::to_string(w.sh) : std::to_string(w.sh) + "x" + std::to_string(w.sw));
    if (w.dh != 1 || w.dw != 1) t += " dilation " + std::to_string(w.dh);
    if (w.pt || w.pl || w.pb || w.pr)
      t += " pad " + (w.pt == w.pl && w.pl == w.pb && w.pb == w.pr ? std::to_string(w.pt)
                                                                  : std::to_string(w.pt) + "," + std::to_string(w.pl) + "," +
                                                                        std::to_string(w.pb) + "," + std::to_string(w.pr));
    return t;
  };
  std::string act = activation_name(d.act);
  if (d.act == Activation::LeakyReLU && d.slope != kLeakySlope) {
    char slope[32];
    std::snprintf(slope, sizeof slope, "%g", double(d.slope));
    act += std::string(" ") + slope;
  }
  if (d.has_affine()) act += ", scaled per " + std::string(d.is_conv() ? "channel" : "unit");
  if (!d.is_conv()) return "dense " + std::to_string(d.inputs()) + " -> " + std::to_string(d.outputs()) + ", " + act;
  std::string t = "conv " + std::to_string(d.channels()) + " of " + window(d.window) + ", " + act + " -> " + shape(d.conv_shape());
  if (d.pool.kind != PoolKind::None)
    t += ", " + std::string(d.pool.kind == PoolKind::Max ? "max" : "average") + " pool " + window(d.pool.window) + " -> " + shape(d.out_shape());
  return t;
}

Shape3 Layer::conv_shape() const {
  return is_conv() ? window_output(in, window, int(W.rows())) : Shape3{int(W.rows()), 1, 1};
}

Shape3 Layer::out_shape() const {
  const Shape3 maps = conv_shape();
  return pool.kind == PoolKind::None ? maps : window_output(maps, pool.window, maps.c);
}

Mlp mlp_make(const std::vector<int>& sizes, Activation hidden, Activation output, Head head) {
  Mlp net;
  net.head = head;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    Dense d;
    d.W = Eigen::MatrixXf::Zero(sizes[l + 1], sizes[l]);
    d.b = Eigen::VectorXf::Zero(sizes[l + 1]);
    d.act = (l + 2 == sizes.size()) ? output : hidden;
    net.layers.push_back(std::move(d));
  }
  return net;
}

Eigen::MatrixXf input_normalize(const InputNorm& norm, const Eigen::Ref<const Eigen::MatrixXf>& x) {
  return ((x.array() - norm.mean) * (1.f / norm.std)).matrix();
}

// Channel c's rows of a layer's maps, one map of P values per channel, times scale(c) plus shift(c).
static void affine_in_place(const Layer& d, Eigen::MatrixXf& a) {
  const Eigen::Index P = a.rows() / d.scale.size();
  for (Eigen::Index c = 0; c < d.scale.size(); ++c)
    a.middleRows(c * P, P).array() = a.middleRows(c * P, P).array() * d.scale(c) + d.shift(c);
}

// forward: z = W x + b (or W conv x + b), a = act(z), then the affine map and the pooling
void layer_forward(const Layer& d, const Eigen::Ref<const Eigen::MatrixXf>& x, LayerTrace& t) {
  if (d.is_conv()) conv_forward(d.W, d.b, d.in, d.window, x, t.z);
  else gemm(d.W, x, t.z, &d.b);
  Eigen::MatrixXf& a = d.pool.kind == PoolKind::None ? t.a : t.unpooled;
  a = activate(d.act, t.z, d.slope);
  if (d.has_affine()) affine_in_place(d, a);
  if (d.pool.kind != PoolKind::None) pool_forward(d.pool, d.conv_shape(), t.unpooled, t.a, &t.argmax);
}

// backward of the same: from da (O,N), dz = (da through the pooling) .* scale .* act'(z), then
// dW, db and dx of the weighted sum, each when wanted
void layer_backward(const Layer& d, const Eigen::Ref<const Eigen::MatrixXf>& x, const LayerTrace& t,
                    const Eigen::MatrixXf& da, Eigen::MatrixXf* dW, Eigen::VectorXf* db, Eigen::MatrixXf* dx) {
  Eigen::MatrixXf dz;
  if (d.pool.kind != PoolKind::None) pool_backward(d.pool, d.conv_shape(), t.argmax, da, dz);
  else dz = da;
  const bool plain = d.pool.kind == PoolKind::None && !d.has_affine();
  if (d.has_affine()) {
    const Eigen::Index P = dz.rows() / d.scale.size();
    for (Eigen::Index c = 0; c < d.scale.size(); ++c) dz.middleRows(c * P, P) *= d.scale(c);
  }
  // sigmoid's and tanh's derivatives read act(z), which t.a holds only for a plain layer
  dz = dz.cwiseProduct(activate_derivative(d.act, t.z, plain ? t.a : activate(d.act, t.z, d.slope), d.slope));
  if (d.is_conv()) {
    if (dW && db) conv_backward(d.W, d.in, d.window, x, dz, *dW, *db, dx);
    else if (dx) layer_sum_backward(d, dz, *dx);
    return;
  }
  if (dW) gemm_op(dz, false, x, true, *dW);
  if (db) row_sums(dz, *db);
  if (dx) gemm_op(d.W, true, dz, false, *dx);
}

void layer_sum_backward(const Layer& d, const Eigen::MatrixXf& dz, Eigen::MatrixXf& dx) {
  if (!d.is_conv()) return gemm_op(d.W, true, dz, false, dx);
  conv_input_backward(d.W, d.in, d.window, dz, dx);
}

// Samples per pass of mlp_forward: the widest layer's values for them stay under 8 M floats
// (32 MB). An MLP's 10,000 test digits go in one pass; a convnet's maps (the PyTorch example's
// first layer: 21,632 values a digit) in passes of a few hundred. Each column is computed
// alone, so the passes change no bit.
static Eigen::Index samples_per_pass(const Mlp& net) {
  Eigen::Index widest = 1;
  for (const Layer& d : net.layers)
    widest = std::max<Eigen::Index>(widest, d.is_conv() ? d.conv_shape().size() : d.outputs());
  return std::max<Eigen::Index>(1, (Eigen::Index(8) << 20) / widest);
}

Eigen::MatrixXf mlp_forward(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x) {
  const Eigen::Index pass = samples_per_pass(net);
  if (x.cols() > pass) {
    Eigen::MatrixXf out(net.outputs(), x.cols());
    for (Eigen::Index n0 = 0; n0 < x.cols(); n0 += pass) {
      const Eigen::Index n = std::min(pass, x.cols() - n0);
      out.middleCols(n0, n) = mlp_forward(net, x.middleCols(n0, n));
    }
    return out;
  }
  Eigen::MatrixXf a = net.norm.identity() ? Eigen::MatrixXf(x) : input_normalize(net.norm, x);
  LayerTrace t;
  for (const Layer& d : net.layers) {
    layer_forward(d, a, t);
    a.swap(t.a);
  }
  return a;
}

void mlp_forward_trace(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, Trace& trace) {
  mlp_forward_trace_first(net, x, int(net.layers.size()), trace);
}

void mlp_forward_trace_first(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, int layers, Trace& trace) {
  trace.x = x;
  if (net.norm.identity()) trace.xn.resize(0, 0);
  else trace.xn = input_normalize(net.norm, x);
  trace.layers.resize(std::size_t(layers));
  const Eigen::MatrixXf* in = &trace.first_input();
  for (std::size_t l = 0; l < std::size_t(layers); ++l) {
    layer_forward(net.layers[l], *in, trace.layers[l]);
    in = &trace.layers[l].a;
  }
}

// Row sums, column after column from +0: a fixed order (Eigen's rowwise().sum() picks its own).
void row_sums(const Eigen::MatrixXf& m, Eigen::VectorXf& out) {
  out.setZero(m.rows());
  for (Eigen::Index j = 0; j < m.cols(); ++j) out += m.col(j);
}

// layer by layer from the logits down, and through the input map xn = (x - mean) / std: dx = dxn / std
Gradients mlp_backward(const Mlp& net, const Trace& trace, const Eigen::Ref<const Eigen::MatrixXf>& dlogits) {
  const std::size_t L = net.layers.size();
  Gradients g;
  g.dW.resize(L);
  g.db.resize(L);
  Eigen::MatrixXf da = dlogits, dx;
  for (std::size_t l = L; l-- > 0;) {
    const Eigen::MatrixXf& x = l == 0 ? trace.first_input() : trace.layers[l - 1].a;
    layer_backward(net.layers[l], x, trace.layers[l], da, &g.dW[l], &g.db[l], &dx);
    da.swap(dx);
  }
  g.dx = std::move(da);
  if (!net.norm.identity()) g.dx *= 1.f / net.norm.std;
  return g;
}

// The same two passes for training, product by product (see mlp.h).
void mlp_forward_trace(const Mlp& net, const SparseColumns& x, Trace& trace, const SideTask& beside) {
  trace.x.resize(0, 0);
  trace.xn.resize(0, 0);
  trace.layers.resize(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Dense& d = net.layers[l];
    LayerTrace& t = trace.layers[l];
    if (l == 0) gemm_sparse(d.W, x, t.z, beside);
    else gemm_op(d.W, false, trace.layers[l - 1].a, false, t.z);
    if (l == 0 && !net.norm.identity()) {
      // W (x - m) / s + b = (W x) / s + (b - (m / s) W 1): the batch stays sparse.
      const float inv = 1.f / net.norm.std;
      Eigen::VectorXf w1;
      row_sums(d.W, w1);
      t.z *= inv;
      t.z.colwise() += d.b - (net.norm.mean * inv) * w1;
      t.a = activate(d.act, t.z, d.slope);
      continue;
    }
    t.z.colwise() += d.b;  // after the sum, as gemm() adds it
    t.a = activate(d.act, t.z, d.slope);
  }
}

void mlp_backward(const Mlp& net, const Trace& trace, const SparseColumns& xt,
                  const Eigen::Ref<const Eigen::MatrixXf>& dlogits, Gradients& g, const SideTask& beside) {
  const std::size_t L = net.layers.size();
  g.dW.resize(L);
  g.db.resize(L);
  g.dx.resize(0, 0);
  Eigen::MatrixXf da = dlogits, dz;
  for (std::size_t l = L; l-- > 0;) {
    const Dense& d = net.layers[l];
    const LayerTrace& t = trace.layers[l];
    dz = da.cwiseProduct(activate_derivative(d.act, t.z, t.a, d.slope));
    if (l == 0) {
      gemm_sparse(dz, xt, g.dW[l], beside);  // dz x^T
      if (!net.norm.identity()) {    // dz ((x - m) / s)^T = (dz x^T) / s - (m / s) (dz 1) 1^T
        const float inv = 1.f / net.norm.std;
        Eigen::VectorXf dz1;
        row_sums(dz, dz1);
        g.dW[l] *= inv;
        g.dW[l].colwise() -= (net.norm.mean * inv) * dz1;
      }
    }
    else gemm_op(dz, false, trace.layers[l - 1].a, true, g.dW[l]);
    row_sums(dz, g.db[l]);
    if (l > 0) gemm_op(d.W, true, dz, false, da);  // the input gradient (l == 0) is skipped
  }
}

// Column by column with portable_math's exp and a fixed summation order, so probabilities
// (and training's gradients) are the same bits natively and in wasm.
Eigen::MatrixXf head_probabilities(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits) {
  Eigen::MatrixXf p(logits.rows(), logits.cols());
  if (head == Head::Sigmoid) {
    for (Eigen::Index i = 0; i < logits.size(); ++i) p.data()[i] = sigmoid_portable(logits(i % logits.rows(), i / logits.rows()));
    return p;
  }
  for (Eigen::Index n = 0; n < logits.cols(); ++n) {
    // Subtracting the column's max keeps exp() finite for any logits.
    float m = -std::numeric_limits<float>::infinity();
    for (Eigen::Index c = 0; c < logits.rows(); ++c) m = std::max(m, logits(c, n));
    float sum = 0.f;
    for (Eigen::Index c = 0; c < logits.rows(); ++c) {
      p(c, n) = exp_portable(logits(c, n) - m);
      sum = sum + p(c, n);
    }
    for (Eigen::Index c = 0; c < logits.rows(); ++c) p(c, n) = p(c, n) / sum;
  }
  return p;
}

std::vector<int> head_predict(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits) {
  std::vector<int> out(std::size_t(logits.cols()));
  for (Eigen::Index n = 0; n < logits.cols(); ++n) {
    if (head == Head::Sigmoid && logits.rows() == 1) {
      out[std::size_t(n)] = logits(0, n) > 0.f ? 1 : 0;
    } else {
      Eigen::Index k = 0;
      logits.col(n).maxCoeff(&k);
      out[std::size_t(n)] = int(k);
    }
  }
  return out;
}

double mlp_magnitude_bound(const Mlp& net) {
  // inputs are in [0, 1], so the first layer sees at most this much
  double in = std::max(std::abs(double(net.norm.mean)), std::abs(1.0 - double(net.norm.mean))) / double(net.norm.std);
  double largest = 0.0;
  for (const Layer& d : net.layers) {
    // a filter's taps are its row of W, so a convolution's bound is a dense layer's
    const double z = d.W.cast<double>().cwiseAbs().rowwise().sum().maxCoeff() * in + d.b.cast<double>().cwiseAbs().maxCoeff();
    largest = std::max(largest, z);
    in = d.act == Activation::Sigmoid || d.act == Activation::Tanh ? 1.0 : z * std::max(1.0, double(std::abs(d.slope)));
    if (d.has_affine())  // pooling (max or mean) keeps the bound
      in = in * d.scale.cast<double>().cwiseAbs().maxCoeff() + d.shift.cast<double>().cwiseAbs().maxCoeff();
    largest = std::max(largest, in);
  }
  return largest;
}

}  // namespace lens
