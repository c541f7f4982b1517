// A feed-forward network: dense layers, optionally after convolutional ones (conv.h), one sample
// per column, float32. Shape letters for this file: N = batch, I = layer inputs, O = layer outputs.
// The last layer's activation is normally Identity: it gives logits, and the
// Head turns logits into probabilities (softmax over classes, or a sigmoid for
// a single binary output such as XOR).
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/numerics/activation.h"
#include "core/numerics/conv.h"
#include "core/numerics/gemm.h"

namespace lens {

enum class Head { Softmax, Sigmoid };
const char* head_name(Head h);

enum class LayerKind { Dense, Conv };

// One layer: a weighted sum (dense or convolutional), its activation, then, for the layers a
// converted network brings, a per-channel affine map (a BatchNormalization after the activation,
// which cannot fold into the weights before it) and a pooling. Its units are its outputs; a
// convolutional layer's outputs are C maps (out_shape()), its units for the reader are channels.
struct Layer {
  LayerKind kind = LayerKind::Dense;
  Eigen::MatrixXf W;  // dense: (O, I); conv: (C_out, K), K = C_in * kh * kw (conv.h's tap order)
  Eigen::VectorXf b;  // (O) or (C_out)
  Activation act = Activation::Identity;
  float slope = kLeakySlope;     // LeakyReLU's slope below 0
  Shape3 in;                     // conv: the input maps (dense layers leave it 1 x 1 x 1)
  Window window;                 // conv: where the filters go
  Eigen::VectorXf scale, shift;  // per channel after the activation: a * scale + shift; empty: none
  Pool pool;                     // conv: after the activation and the affine map

  bool is_conv() const { return kind == LayerKind::Conv; }
  bool has_affine() const { return scale.size() > 0; }
  int inputs() const { return is_conv() ? in.size() : int(W.cols()); }
  int channels() const { return int(W.rows()); }
  Shape3 conv_shape() const;     // conv: the maps before pooling; dense: (O, 1, 1)
  Shape3 out_shape() const;      // what the layer gives: after pooling
  int outputs() const { return out_shape().size(); }
  double multiply_adds() const { return double(W.size()) * (is_conv() ? conv_shape().plane() : 1); }  // per sample
};
using Dense = Layer;  // the name most of the MLP code knows it by

// One line for people: "dense 128 -> 10, identity", "conv 32 of 3x3, relu -> 32x26x26, max pool
// 2x2 stride 2 -> 32x13x13".
std::string layer_description(const Layer& d);

// The input map torchvision's Normalize((mean,), (std,)) applies to a one-channel image:
// the first layer sees (x - mean) / std, x in pixel space [0, 1]. Pixels stay the interface
// everywhere else (drawing, maximization images, input gradients), so the map lives here and
// every forward and backward pass applies it.
struct InputNorm {
  float mean = 0.f, std = 1.f;
  bool identity() const { return mean == 0.f && std == 1.f; }
};
// x (I,N) in pixel space -> (x - mean) / std, the first layer's input.
Eigen::MatrixXf input_normalize(const InputNorm& norm, const Eigen::Ref<const Eigen::MatrixXf>& x);

struct Mlp;
// An upper bound on any weighted input |z| of any layer for inputs in [0, 1]
// (after the input map, |x| <= max(|mean|, |1 - mean|) / std):
// |z_l| <= max_row_sum|W_l| * bound_{l-1} + max|b_l|, where ReLU, leaky ReLU and
// identity keep |a| <= |z| and sigmoid and tanh keep |a| <= 1. Computed in double,
// so a network whose float32 values could overflow is recognised before it runs.
double mlp_magnitude_bound(const Mlp& net);

struct Mlp {
  std::vector<Layer> layers;
  Head head = Head::Softmax;
  InputNorm norm;  // applied to the input before the first layer
  int inputs() const { return layers.empty() ? 0 : layers.front().inputs(); }
  int outputs() const { return layers.empty() ? 0 : layers.back().outputs(); }
  std::vector<int> sizes() const;  // [inputs, hidden..., outputs]
  bool has_conv() const;           // any convolutional layer (the page's views read dense layers only, so far)
  std::size_t parameter_count() const;
};

struct LayerTrace {
  Eigen::MatrixXf z;       // pre-activation (O, N); conv: (C * P, N) before pooling
  Eigen::MatrixXf a;       // the layer's output (O, N)
  Eigen::MatrixXf unpooled; // conv with pooling: the activation (after the affine map) that went into it
  std::vector<int> argmax;  // max pooling: the row of `unpooled` each output came from
};

struct Trace {
  Eigen::MatrixXf x;               // input (I, N), pixel space
  Eigen::MatrixXf xn;              // x through the net's InputNorm; empty when that map is the identity
  std::vector<LayerTrace> layers;  // one per layer; layers.back().a are the logits
  const Eigen::MatrixXf& first_input() const { return xn.size() ? xn : x; }
  const Eigen::MatrixXf& logits() const { return layers.back().a; }
};

struct Gradients {
  std::vector<Eigen::MatrixXf> dW;  // same shapes as the layers' W
  std::vector<Eigen::VectorXf> db;
  Eigen::MatrixXf dx;               // gradient with respect to the input (I, N), pixel space
};

// Builds a network of the given sizes with zero weights (initialisation is the trainer's job).
Mlp mlp_make(const std::vector<int>& sizes, Activation hidden, Activation output = Activation::Identity,
             Head head = Head::Softmax);

// x (I,N) -> logits (O,N), without keeping intermediates (in passes of a few hundred samples for
// a convnet, so 10,000 digits never hold gigabytes of maps).
Eigen::MatrixXf mlp_forward(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x);
// Same, recording every layer's pre-activation and activation.
void mlp_forward_trace(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, Trace& trace);
// The same through the first `layers` layers only (trace.layers has that many).
void mlp_forward_trace_first(const Mlp& net, const Eigen::Ref<const Eigen::MatrixXf>& x, int layers, Trace& trace);
// One layer: x (I,N) -> t.z, t.a (and, with pooling, t.unpooled and t.argmax).
void layer_forward(const Layer& d, const Eigen::Ref<const Eigen::MatrixXf>& x, LayerTrace& t);
// Back through one layer from da (O,N), the gradient of its output (t from layer_forward on x):
// the weights' gradients when dW and db are given, the input's when dx is.
void layer_backward(const Layer& d, const Eigen::Ref<const Eigen::MatrixXf>& x, const LayerTrace& t,
                    const Eigen::MatrixXf& da, Eigen::MatrixXf* dW, Eigen::VectorXf* db, Eigen::MatrixXf* dx);
// The same from dz, the gradient of its weighted input z (before the activation), to dx only.
void layer_sum_backward(const Layer& d, const Eigen::MatrixXf& dz, Eigen::MatrixXf& dx);
// Back-propagates dL/dlogits through a recorded trace.
Gradients mlp_backward(const Mlp& net, const Trace& trace, const Eigen::Ref<const Eigen::MatrixXf>& dlogits);

// Training's pair (train() in trainer.cpp): the batch comes as sparse columns, x (I,N) for the
// forward and its transpose xt (N,I) for the backward (sparse_gather); the first layer's
// products skip the batch's zeros (gemm_sparse); the input gradient, which training never uses
// and which costs as much as the first layer's dW, is not computed (g.dx is left empty).
// Results are bit-identical to the two functions above on the dense batch, natively and in
// wasm alike (every product keeps gemm.h's summation order). g's storage is reused.
// With an input map the sparse pair folds it into the first layer's products (the normalized
// batch is dense), equal to the dense pair up to rounding.
// `beside` runs as one more block of the first layer's product (gemm_sparse).
void mlp_forward_trace(const Mlp& net, const SparseColumns& x, Trace& trace, const SideTask& beside = {});
// `beside` runs as one more block of the first layer's weight gradient (gemm_sparse).
void mlp_backward(const Mlp& net, const Trace& trace, const SparseColumns& xt,
                  const Eigen::Ref<const Eigen::MatrixXf>& dlogits, Gradients& g, const SideTask& beside = {});

// logits (O,N) -> probabilities (O,N) through the head.
// out (M) = the sum of m's columns, column 0 first: the bias gradient's order.
void row_sums(const Eigen::MatrixXf& m, Eigen::VectorXf& out);

Eigen::MatrixXf head_probabilities(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits);
// Predicted class per column: argmax for softmax, p > 0.5 for a single sigmoid output.
std::vector<int> head_predict(Head head, const Eigen::Ref<const Eigen::MatrixXf>& logits);

}  // namespace lens
