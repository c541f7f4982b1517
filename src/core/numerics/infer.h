// Inference for embedders (lens.predict, lens.predictBatch): class probabilities for one
// input or many, without a trace, without allocating per call, and without Eigen's product.
// Shape letters for this file: I = layer inputs, O = layer outputs, N = samples.
//
// Each layer is z = W x + b computed as b + sum over the nonzero x_i of x_i * W(:, i):
// W is column-major, so column i is O contiguous floats, and an MNIST digit has ~19% nonzero
// pixels (a ReLU layer ~half), so most of the product is skipped. Terms are summed in input
// order, one SIMD lane per output row; the result equals mlp_forward + head_probabilities to
// float rounding (the unit tests hold it within 1e-6), not bit for bit.
#pragma once
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

// Buffers reused from call to call (one per caller; not shared between threads).
struct InferScratch {
  std::vector<float> a, b;   // activations of the layer being read and the one being written
  std::vector<int> index;    // nonzero inputs of the current layer
  std::vector<float> value;
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
