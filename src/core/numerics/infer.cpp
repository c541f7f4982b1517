#include "core/numerics/infer.h"

#include <algorithm>
#include <limits>

#include "core/numerics/portable_math.h"

namespace lens {

namespace {

// activate() (activation.cpp) in place: the same scalar formulas, so the same bits.
void activate_in_place(Activation act, float slope, float* z, int n) {
  switch (act) {
    case Activation::Identity: return;
    case Activation::ReLU: for (int i = 0; i < n; ++i) z[i] = std::max(z[i], 0.f); return;
    case Activation::LeakyReLU: for (int i = 0; i < n; ++i) z[i] = z[i] > 0.f ? z[i] : slope * z[i]; return;
    case Activation::Sigmoid: for (int i = 0; i < n; ++i) z[i] = sigmoid_portable(z[i]); return;
    case Activation::Tanh: for (int i = 0; i < n; ++i) z[i] = tanh_portable(z[i]); return;
  }
}

// head_probabilities (mlp.cpp) for one column, in place and in its order: a sigmoid, or the
// softmax less the column's max (exp stays finite), summed from the first class.
void head_in_place(Head head, float* z, int n) {
  if (head == Head::Sigmoid) {
    for (int i = 0; i < n; ++i) z[i] = sigmoid_portable(z[i]);
    return;
  }
  float top = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < n; ++i) top = std::max(top, z[i]);
  float sum = 0.f;
  for (int i = 0; i < n; ++i) {
    z[i] = exp_portable(z[i] - top);
    sum = sum + z[i];
  }
  for (int i = 0; i < n; ++i) z[i] = z[i] / sum;
}

// The nonzero entries of x (n) as (index, value) lists; returns their count.
int gather_nonzeros(const float* x, int n, InferScratch& s) {
  s.index.resize(std::size_t(n));
  s.value.resize(std::size_t(n));
  int nnz = 0;
  for (int i = 0; i < n; ++i) {
    s.index[std::size_t(nnz)] = i;  // written always, kept only when nonzero (no branch)
    s.value[std::size_t(nnz)] = x[i];
    nnz += x[i] != 0.f;
  }
  return nnz;
}

// x through the input map, as input_normalize (mlp.cpp) computes it; x itself without one.
const float* first_input(const Mlp& net, const float* x, InferScratch& s) {
  if (net.norm.identity()) return x;
  const int I = net.inputs();
  const float inv = 1.f / net.norm.std;
  s.xn.resize(std::size_t(I));
  for (int i = 0; i < I; ++i) s.xn[std::size_t(i)] = (x[i] - net.norm.mean) * inv;
  return s.xn.data();
}

// Runs every layer on x (net.inputs() values) and writes the head's probabilities to probs.
void run_layers(const Mlp& net, const float* x, float* probs, InferScratch& s) {
  const float* in = first_input(net, x, s);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Dense& d = net.layers[l];
    const bool last = l + 1 == net.layers.size();
    std::vector<float>& out = (l % 2 == 0) ? s.b : s.a;
    out.resize(std::size_t(d.outputs()));
    float* z = last ? probs : out.data();
    if (d.is_conv() || d.has_affine()) {
      // convolutions and the affine map go through mlp.h's layer_forward, as the trace does
      layer_forward(d, Eigen::Map<const Eigen::MatrixXf>(in, d.inputs(), 1), s.trace);
      std::copy(s.trace.a.data(), s.trace.a.data() + d.outputs(), z);
      in = z;
      continue;
    }
    const int nnz = gather_nonzeros(in, d.inputs(), s);
    gemv_sparse(d.W, s.index.data(), s.value.data(), nnz, z, d.b.data());
    activate_in_place(d.act, d.slope, z, d.outputs());
    in = z;
  }
  head_in_place(net.head, probs, net.outputs());
}

}  // namespace

void infer_one(const Mlp& net, const float* x, float* probs, InferScratch& s) { run_layers(net, x, probs, s); }

void infer_batch(const Mlp& net, const float* x, int n, float* probs, InferScratch& s) {
  const std::size_t I = std::size_t(net.inputs()), O = std::size_t(net.outputs());
  for (int j = 0; j < n; ++j) run_layers(net, x + I * std::size_t(j), probs + O * std::size_t(j), s);
}

void infer_batch_u8(const Mlp& net, const unsigned char* x, int n, float* probs, InferScratch& s) {
  const std::size_t I = std::size_t(net.inputs()), O = std::size_t(net.outputs());
  std::vector<float> pixels(I);
  for (int j = 0; j < n; ++j) {
    // Rounded from the double quotient, as JS computes byte / 255 before a Float32Array stores it.
    for (std::size_t i = 0; i < I; ++i) pixels[i] = float(double(x[I * std::size_t(j) + i]) / 255.0);
    run_layers(net, pixels.data(), probs + O * std::size_t(j), s);
  }
}

void infer_matvec_dense(const Eigen::MatrixXf& W, const float* x, float* y) {
  static std::vector<int> all;
  const int I = int(W.cols());
  if (int(all.size()) != I) {
    all.resize(std::size_t(I));
    for (int i = 0; i < I; ++i) all[std::size_t(i)] = i;
  }
  gemv_sparse(W, all.data(), x, I, y);
}

}  // namespace lens
