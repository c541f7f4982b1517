#include "core/numerics/infer.h"

#include <algorithm>
#include <cmath>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace lens {

namespace {

// z (O) = b + sum_k value[k] * W(:, index[k]), W (O,I) column-major. Rows go in blocks of
// 32 (eight 4-lane accumulators: what x86's 16 vector registers hold with room for the
// loads), then of 4, then one by one; every block reads the same nonzero list.
#ifdef __wasm_simd128__
template <int V>
void axpy_rows(const float* W, int O, int r, const int* index, const float* value, int nnz, const float* b, float* z) {
  v128_t acc[V];
  for (int v = 0; v < V; ++v) acc[v] = wasm_v128_load(b + r + 4 * v);
  for (int k = 0; k < nnz; ++k) {
    const float* w = W + std::size_t(index[k]) * std::size_t(O) + r;
    const v128_t xv = wasm_f32x4_splat(value[k]);
    for (int v = 0; v < V; ++v) acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(w + 4 * v), xv));
  }
  for (int v = 0; v < V; ++v) wasm_v128_store(z + r + 4 * v, acc[v]);
}
#else
template <int V>
void axpy_rows(const float* W, int O, int r, const int* index, const float* value, int nnz, const float* b, float* z) {
  float acc[4 * V];
  for (int j = 0; j < 4 * V; ++j) acc[j] = b[r + j];
  for (int k = 0; k < nnz; ++k) {
    const float* w = W + std::size_t(index[k]) * std::size_t(O) + r;
    const float xv = value[k];
    for (int j = 0; j < 4 * V; ++j) acc[j] += w[j] * xv;
  }
  for (int j = 0; j < 4 * V; ++j) z[r + j] = acc[j];
}
#endif

void axpy_columns(const Eigen::MatrixXf& W, const Eigen::VectorXf& b, const int* index, const float* value, int nnz, float* z) {
  const int O = int(W.rows());
  const float* w = W.data();
  int r = 0;
  for (; r + 32 <= O; r += 32) axpy_rows<8>(w, O, r, index, value, nnz, b.data(), z);
  for (; r + 4 <= O; r += 4) axpy_rows<1>(w, O, r, index, value, nnz, b.data(), z);
  for (; r < O; ++r) {
    float acc = b[r];
    for (int k = 0; k < nnz; ++k) acc += w[std::size_t(index[k]) * std::size_t(O) + r] * value[k];
    z[r] = acc;
  }
}

// The same scalar formulas as activate() (activation.cpp), in place.
void activate_in_place(Activation act, float* z, int n) {
  switch (act) {
    case Activation::Identity: return;
    case Activation::ReLU: for (int i = 0; i < n; ++i) z[i] = std::max(z[i], 0.f); return;
    case Activation::LeakyReLU: for (int i = 0; i < n; ++i) z[i] = z[i] > 0.f ? z[i] : kLeakySlope * z[i]; return;
    case Activation::Sigmoid: for (int i = 0; i < n; ++i) z[i] = 1.f / (1.f + std::exp(-z[i])); return;
    case Activation::Tanh: for (int i = 0; i < n; ++i) z[i] = std::tanh(z[i]); return;
  }
}

// head_probabilities for one column: softmax less its max (exp stays finite), or a sigmoid.
void head_in_place(Head head, float* z, int n) {
  if (head == Head::Sigmoid) {
    for (int i = 0; i < n; ++i) z[i] = 1.f / (1.f + std::exp(-z[i]));
    return;
  }
  const float top = *std::max_element(z, z + n);
  float sum = 0.f;
  for (int i = 0; i < n; ++i) sum += z[i] = std::exp(z[i] - top);
  for (int i = 0; i < n; ++i) z[i] /= sum;
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

// Runs every layer on x (net.inputs() values) and writes the head's probabilities to probs.
void run_layers(const Mlp& net, const float* x, float* probs, InferScratch& s) {
  const float* in = x;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Dense& d = net.layers[l];
    const int nnz = gather_nonzeros(in, d.inputs(), s);
    const bool last = l + 1 == net.layers.size();
    std::vector<float>& out = (l % 2 == 0) ? s.b : s.a;
    out.resize(std::size_t(d.outputs()));
    float* z = last ? probs : out.data();
    axpy_columns(d.W, d.b, s.index.data(), s.value.data(), nnz, z);
    activate_in_place(d.act, z, d.outputs());
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
  static Eigen::VectorXf zero;
  const int I = int(W.cols());
  if (int(all.size()) != I) {
    all.resize(std::size_t(I));
    for (int i = 0; i < I; ++i) all[std::size_t(i)] = i;
  }
  if (zero.size() != W.rows()) zero = Eigen::VectorXf::Zero(W.rows());
  axpy_columns(W, zero, all.data(), x, I, y);
}

}  // namespace lens
