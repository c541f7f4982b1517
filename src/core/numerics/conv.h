// Convolution and pooling on images stored one per column, channel after channel: pixel
// (c, y, x) of a C x H x W image is row c*H*W + y*W + x, ONNX's NCHW order, so a Flatten of the
// last map is the column as it stands.
// Shape letters for this file: N = batch, C = channels, H x W = a map, K = C_in * kh * kw (one
// filter's taps, tap k = (c*kh + i)*kw + j as ONNX stores a [C_out, C_in, kh, kw] weight),
// P = H_out * W_out (output positions).
//
// A convolution is one product per block of images, through gemm.h: the taps of every output
// position as rows of a patch matrix, times the filters. Each output is the sum over its taps in
// ascending order from +0, then the bias, as a dense layer sums its inputs: the same bits in
// wasm and natively, whatever the block size.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

namespace lens {

struct Shape3 {
  int c = 1, h = 1, w = 1;
  int size() const { return c * h * w; }
  int plane() const { return h * w; }
  bool operator==(const Shape3& o) const { return c == o.c && h == o.h && w == o.w; }
};

// Where a kernel (a filter or a pooling window) goes over a map: its size, stride, dilation and
// the padding at the top, left, bottom and right. ceil rounds the output size up (pooling's
// ceil_mode): a last window that starts inside the map or its top/left padding is kept.
struct Window {
  int kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int pt = 0, pl = 0, pb = 0, pr = 0;
  bool ceil = false;
};

// Output positions along one axis of `in` cells; 0 when the window does not fit.
int window_steps(int in, int k, int stride, int dilation, int pad_begin, int pad_end, bool ceil);
// The map a window gives over `in`, with `channels` channels (0 when it does not fit).
Shape3 window_output(const Shape3& in, const Window& w, int channels);
// Why this window cannot go over this map (a size or stride below 1, padding as large as the
// kernel, no output), or "" when it can.
std::string window_problem(const Shape3& in, const Window& w);

// z (C_out*P, N) = W (C_out, K) conv x (C_in*H*W, N) + b (C_out): cross-correlation, as ONNX Conv.
void conv_forward(const Eigen::MatrixXf& W, const Eigen::VectorXf& b, const Shape3& in, const Window& win,
                  const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& z);
// Its backward: from dz (C_out*P, N), dW (C_out, K) and db (C_out); dx (C_in*H*W, N) when wanted.
void conv_backward(const Eigen::MatrixXf& W, const Shape3& in, const Window& win, const Eigen::Ref<const Eigen::MatrixXf>& x,
                   const Eigen::Ref<const Eigen::MatrixXf>& dz, Eigen::MatrixXf& dW, Eigen::VectorXf& db,
                   Eigen::MatrixXf* dx);

// Only dx (C_in*H*W, N) from dz: what an input gradient (maximization, saliency) needs.
void conv_input_backward(const Eigen::MatrixXf& W, const Shape3& in, const Window& win,
                         const Eigen::Ref<const Eigen::MatrixXf>& dz, Eigen::MatrixXf& dx);

enum class PoolKind { None, Max, Average };
const char* pool_kind_name(PoolKind k);  // "none", "max", "average"

// A pooling window; count_pad divides an average by the window's cells in the padding too
// (AveragePool's count_include_pad), else by the cells on the map.
struct Pool {
  PoolKind kind = PoolKind::None;
  Window window;
  bool count_pad = false;
};

// y (C*P, N) = pool over x (C*H*W, N), channel by channel. Max pooling records in `argmax` the row
// of x each output came from (for the backward), -1 for a window wholly in the padding (its output 0).
void pool_forward(const Pool& pool, const Shape3& in, const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y,
                  std::vector<int>* argmax);
// dx (C*H*W, N) from dy (C*P, N).
void pool_backward(const Pool& pool, const Shape3& in, const std::vector<int>& argmax,
                   const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dx);

}  // namespace lens
