// Inference for embedders (lens.predict, lens.predictBatch): class probabilities for one
// input or many, without a trace and without allocating per call.
// Shape letters for this file: I = layer inputs, O = layer outputs, N = samples.
//
// Each layer is z = W x + b by gemm.h's one-column sparse product (gemv_sparse): the sum over
// the nonzero x_i of W(:, i) x_i in input order from +0, then the bias. An MNIST digit has ~19%
// nonzero pixels (a ReLU layer ~half), so most of the product is skipped, and leaving out the
// zero terms changes no bit. With the same activations and head formulas (portable_math.h), the
// result is mlp_forward + head_probabilities bit for bit, natively and in wasm: lens.predict(x)
// equals the page's own state().probs for x.
#pragma once
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

// Buffers reused from call to call (one per caller; not shared between threads).
struct InferScratch {
  std::vector<float> a, b;   // activations of the layer being read and the one being written
  std::vector<float> xn;     // the input through the net's InputNorm (when it has one)
  std::vector<int> index;    // nonzero inputs of the current layer
  std::vector<float> value;
  LayerTrace trace;          // a convolutional layer's (or one with an affine map) products
};

// x (I) -> probabilities (O) through the net's head. x must hold net.inputs() finite values.
void infer_one(const Mlp& net, const float* x, float* probs, InferScratch& s);
// N samples, x (I,N) column-major (sample after sample) -> probs (O,N).
void infer_batch(const Mlp& net, const float* x, int n, float* probs, InferScratch& s);
// The same with bytes 0..255 as input, scaled by 1/255 (MNIST's own encoding).
void infer_batch_u8(const Mlp& net, const unsigned char* x, int n, float* probs, InferScratch& s);

// The bare dense product y (O) = W (O,I) x (I) with the same kernel and no zero skipping: the
// yardstick lens.predict is measured against (tools/bench/peers.sh).
void infer_matvec_dense(const Eigen::MatrixXf& W, const float* x, float* y);

}  // namespace lens
