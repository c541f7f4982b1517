// Convolution and pooling (conv.h) against direct loops in double; convolutional networks'
// gradients against central finite differences (through strides, padding, dilation, max and
// average pooling, a per-channel affine map and a leaky slope); version 4 bundles round trip.
#include <gtest/gtest.h>

#include <cmath>

#include "core/formats/bundle.h"
#include "core/numerics/conv.h"
#include "core/numerics/infer.h"
#include "core/numerics/loss.h"
#include "core/numerics/mlp.h"
#include "test_support.h"

namespace lens {
namespace {

Eigen::MatrixXf random_images(int rows, int n, std::uint64_t seed) { return test::random_matrix(rows, n, seed, true); }

// The definition, straight: out[c, oy, ox] = b[c] + sum over ci, i, j of W[c, ci, i, j] x[ci, iy, ix].
Eigen::MatrixXd direct_conv(const Eigen::MatrixXf& W, const Eigen::VectorXf& b, const Shape3& in, const Window& w,
                            const Eigen::MatrixXf& x) {
  const Shape3 out = window_output(in, w, int(W.rows()));
  Eigen::MatrixXd z(out.size(), x.cols());
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    for (int c = 0; c < out.c; ++c)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          double sum = b(c);
          for (int ci = 0; ci < in.c; ++ci)
            for (int i = 0; i < w.kh; ++i)
              for (int j = 0; j < w.kw; ++j) {
                const int iy = oy * w.sh - w.pt + i * w.dh, ix = ox * w.sw - w.pl + j * w.dw;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                sum += double(W(c, (ci * w.kh + i) * w.kw + j)) * x((ci * in.h + iy) * in.w + ix, n);
              }
          z((c * out.h + oy) * out.w + ox, n) = sum;
        }
  return z;
}

struct ConvCase {
  Shape3 in;
  int channels;
  Window w;
};

const ConvCase kConvCases[] = {
    {{1, 28, 28}, 4, {3, 3}},                                   // the PyTorch example's first layer, narrower
    {{2, 9, 7}, 3, {5, 5, 2, 2}},                               // stride 2, no padding
    {{3, 8, 8}, 2, {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}},             // "same" padding
    {{2, 10, 9}, 3, {3, 3, 1, 1, 2, 2, 2, 2, 2, 2}},            // dilation 2
    {{1, 7, 6}, 2, {2, 3, 1, 2, 1, 1, 0, 1, 1, 0}},             // a 2 x 3 kernel, uneven strides and padding
};

TEST(Conv, MatchesTheDefinitionInDouble) {
  int k = 0;
  for (const ConvCase& c : kConvCases) {
    const Eigen::MatrixXf W = random_images(c.channels, c.in.c * c.w.kh * c.w.kw, 10 + k);
    const Eigen::VectorXf b = random_images(c.channels, 1, 20 + k);
    const Eigen::MatrixXf x = random_images(c.in.size(), 3, 30 + k++);
    Eigen::MatrixXf z;
    conv_forward(W, b, c.in, c.w, x, z);
    const Eigen::MatrixXd expected = direct_conv(W, b, c.in, c.w, x);
    ASSERT_EQ(z.rows(), expected.rows());
    EXPECT_LT((z.cast<double>() - expected).cwiseAbs().maxCoeff(), 1e-4) << "case " << k - 1;
  }
}

// One filter (maximizing one channel) goes straight from the maps, without a patch matrix, and
// still gives the bits of its channel in the whole layer, forward and back.
TEST(Conv, OneFilterGivesItsChannelsBitsInTheWholeLayer) {
  int k = 0;
  for (const ConvCase& c : kConvCases) {
    const Eigen::MatrixXf W = random_images(c.channels, c.in.c * c.w.kh * c.w.kw, 40 + k);
    const Eigen::VectorXf b = random_images(c.channels, 1, 50 + k);
    const Eigen::MatrixXf x = random_images(c.in.size(), 2, 60 + k);
    const int P = window_output(c.in, c.w, 1).plane();
    Eigen::MatrixXf z, z1, dx, dx1;
    conv_forward(W, b, c.in, c.w, x, z);
    for (int ch = 0; ch < c.channels; ++ch) {
      const Eigen::MatrixXf w1 = W.row(ch);
      conv_forward(w1, b.segment(ch, 1), c.in, c.w, x, z1);
      EXPECT_EQ((z1 - z.middleRows(Eigen::Index(ch) * P, P)).cwiseAbs().maxCoeff(), 0.f) << "case " << k << " channel " << ch;
      const Eigen::MatrixXf dz1 = random_images(P, 2, 70 + k);
      Eigen::MatrixXf dz = Eigen::MatrixXf::Zero(z.rows(), 2);
      dz.middleRows(Eigen::Index(ch) * P, P) = dz1;
      conv_input_backward(W, c.in, c.w, dz, dx);
      conv_input_backward(w1, c.in, c.w, dz1, dx1);
      EXPECT_EQ((dx1 - dx).cwiseAbs().maxCoeff(), 0.f) << "case " << k << " channel " << ch;
    }
    ++k;
  }
}

TEST(Conv, OutputSizesAreOnnxs) {
  EXPECT_EQ(window_steps(28, 3, 1, 1, 0, 0, false), 26);
  EXPECT_EQ(window_steps(28, 5, 2, 1, 0, 0, false), 12);
  EXPECT_EQ(window_steps(28, 3, 1, 2, 2, 2, false), 28);
  EXPECT_EQ(window_steps(24, 2, 2, 1, 0, 0, false), 12);
  // ceil_mode: 5 cells in windows of 2 by 2 give 3 (the last window half outside), floor 2
  EXPECT_EQ(window_steps(5, 2, 2, 1, 0, 0, true), 3);
  EXPECT_EQ(window_steps(5, 2, 2, 1, 0, 0, false), 2);
  // ceil_mode never starts a window in the trailing padding: 4 cells, k 2, s 2, pad 1 each side
  EXPECT_EQ(window_steps(4, 2, 2, 1, 1, 1, true), 3);
  EXPECT_EQ(window_steps(3, 5, 1, 1, 0, 0, false), 0);
  EXPECT_NE(window_problem({1, 3, 3}, Window{5, 5}), "");
  EXPECT_NE(window_problem({1, 8, 8}, Window{3, 3, 1, 1, 1, 1, 3, 0, 0, 0}), "");  // padding as wide as the kernel
  EXPECT_EQ(window_problem({1, 8, 8}, Window{3, 3, 1, 1, 1, 1, 1, 1, 1, 1}), "");
}

TEST(Pool, MaxAndAverageMatchTheDefinition) {
  const Shape3 in{2, 5, 5};
  Eigen::MatrixXf x(in.size(), 1);
  for (int i = 0; i < in.size(); ++i) x(i, 0) = float((i * 7) % 11) - 5.f;
  Pool max{PoolKind::Max, Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1}};
  Eigen::MatrixXf y;
  std::vector<int> argmax;
  pool_forward(max, in, x, y, &argmax);
  ASSERT_EQ(y.rows(), 2 * 3 * 3);
  // channel 1, output (0, 0): the window covers rows -1..1, columns -1..1: cells (0..1, 0..1)
  const auto cell = [&](int c, int r, int q) { return x((c * 5 + r) * 5 + q, 0); };
  EXPECT_EQ(y(9, 0), std::max({cell(1, 0, 0), cell(1, 0, 1), cell(1, 1, 0), cell(1, 1, 1)}));
  EXPECT_EQ(x(argmax[9], 0), y(9, 0));
  // average of the centre window (rows 1..3, columns 1..3 of channel 0), no padding involved
  Pool avg{PoolKind::Average, Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1}};
  pool_forward(avg, in, x, y, nullptr);
  float sum = 0;
  for (int r = 1; r <= 3; ++r)
    for (int q = 1; q <= 3; ++q) sum += cell(0, r, q);
  EXPECT_NEAR(y(4, 0), sum / 9, 1e-6);
  // a corner window holds 4 cells of the map and 5 of padding: count_include_pad decides the divisor
  const float corner = cell(0, 0, 0) + cell(0, 0, 1) + cell(0, 1, 0) + cell(0, 1, 1);
  EXPECT_NEAR(y(0, 0), corner / 4, 1e-6);
  avg.count_pad = true;
  pool_forward(avg, in, x, y, nullptr);
  EXPECT_NEAR(y(0, 0), corner / 9, 1e-6);
}

TEST(ConvBackward, MatchesFiniteDifferences) {
  for (Activation act : {Activation::Tanh, Activation::Sigmoid, Activation::LeakyReLU, Activation::ReLU})
    for (PoolKind pool : {PoolKind::None, PoolKind::Max, PoolKind::Average})
      for (bool affine : {false, true}) {
        const Mlp net = test::small_convnet(act, pool, affine, 7);
        const Eigen::MatrixXf x = 0.5f * random_images(net.inputs(), 2, 8);
        const test::GradientCheck r = test::check_gradients(net, x, one_hot({1, 3}, 4));
        EXPECT_GT(r.checked, 60) << activation_name(act);
        // A filter's weight touches every position, so the float forward's rounding shows in a
        // difference of step 1/128 as up to ~3e-5: 1e-2 of the 1e-2 floor. A wrong index or a
        // missing term errs by the size of the gradient itself.
        EXPECT_LT(r.worst, 1e-2) << activation_name(act) << ", " << pool_kind_name(pool) << " pooling"
                                 << (affine ? ", affine" : "") << ": max relative error " << r.worst;
      }
}

// lens.predict's path (infer.h) gives the traced forward's probabilities for a convnet too.
TEST(ConvForward, InferenceEqualsTheTrace) {
  Mlp net = test::small_convnet(Activation::ReLU, PoolKind::Max, true, 3);
  net.norm = {0.1307f, 0.3081f};
  const Eigen::MatrixXf x = random_images(net.inputs(), 3, 4).cwiseAbs();
  const Eigen::MatrixXf expected = head_probabilities(net.head, mlp_forward(net, x));
  InferScratch s;
  Eigen::MatrixXf probs(net.outputs(), 3);
  infer_batch(net, x.data(), 3, probs.data(), s);
  EXPECT_EQ((probs - expected).cwiseAbs().maxCoeff(), 0.f);
}

TEST(BundleV4, ConvnetRoundTripsWithEveryField) {
  Bundle b;
  b.info.id = "tiny-conv";
  b.net = test::small_convnet(Activation::LeakyReLU, PoolKind::Average, true, 5);
  b.net.layers[0].pool.count_pad = true;
  b.net.norm = {0.5f, 0.5f};
  const Bytes bytes = bundle_write(b);
  EXPECT_EQ(get_le_u32(&bytes[8]), kBundleVersionLayers);
  const auto r = bundle_read(bytes);
  ASSERT_TRUE(r) << r.error;
  ASSERT_EQ(r->net.layers.size(), 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    const Layer &a = b.net.layers[l], &c = r->net.layers[l];
    EXPECT_EQ(a.kind, c.kind);
    EXPECT_EQ(a.W, c.W);
    EXPECT_EQ(a.b, c.b);
    EXPECT_EQ(a.scale, c.scale);
    EXPECT_EQ(a.shift, c.shift);
    EXPECT_EQ(a.slope, c.slope);
    EXPECT_TRUE(a.in == c.in);
    EXPECT_EQ(a.pool.kind, c.pool.kind);
    EXPECT_EQ(a.pool.count_pad, c.pool.count_pad);
    EXPECT_EQ(a.window.pl, c.window.pl);
    EXPECT_EQ(a.window.dh, c.window.dh);
  }
  const Eigen::MatrixXf x = random_images(b.net.inputs(), 2, 9);
  EXPECT_EQ(mlp_forward(b.net, x), mlp_forward(r->net, x));
  // the header alone gives the same shapes (the page lists a model before fetching its weights)
  const auto h = bundle_header_read(bytes);
  ASSERT_TRUE(h);
  const auto skeleton = bundle_from_header(*h);
  ASSERT_TRUE(skeleton) << skeleton.error;
  EXPECT_EQ(skeleton->net.sizes(), b.net.sizes());
  EXPECT_FALSE(test::has(bundle_shown_as(*r).error, "convolution")) << "refused for its 4 outputs, not for its convolutions";
}

TEST(BundleV4, OnlyNetworksThatNeedItAreWrittenAsVersion4) {
  Bundle b;
  b.info.id = "leaky";
  b.net = mlp_make({4, 3, 2}, Activation::LeakyReLU);
  EXPECT_EQ(get_le_u32(&bundle_write(b)[8]), kBundleVersionPlain);
  b.net.layers[0].slope = 0.1f;
  const Bytes bytes = bundle_write(b);
  EXPECT_EQ(get_le_u32(&bytes[8]), kBundleVersionLayers);
  const auto r = bundle_read(bytes);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->net.layers[0].slope, 0.1f);
}

// A header whose maps do not add up, or whose work is absurd, is refused before any weight is read.
TEST(BundleV4, RefusesInconsistentOrAbsurdLayers) {
  Bundle b;
  b.info.id = "c";
  b.net = test::small_convnet(Activation::ReLU, PoolKind::Max, false, 1);
  const Bytes good = bundle_write(b);
  auto header = bundle_header_read(good);
  ASSERT_TRUE(header);
  auto edited = [&](auto&& change) {
    nlohmann::json h = *header;
    change(h);
    return bundle_from_header(h);
  };
  auto r = edited([](nlohmann::json& h) { h["layers"][0]["in"] = {1, 8, 8}; });
  ASSERT_FALSE(r);
  EXPECT_TRUE(test::has(r.error, "size mismatch")) << r.error;
  r = edited([](nlohmann::json& h) { h["layers"][0]["pads"] = {3, 3, 3, 3}; });
  ASSERT_FALSE(r);
  EXPECT_TRUE(test::has(r.error, "padding")) << r.error;
  r = edited([](nlohmann::json& h) { h["layers"][0]["pool"]["kind"] = "median"; });
  ASSERT_FALSE(r);
  EXPECT_TRUE(test::has(r.error, "unknown kind")) << r.error;
  r = edited([](nlohmann::json& h) {
    h["layers"][0] = {{"kind", "conv"}, {"in", {1, 1024, 1024}}, {"channels", 512}, {"kernel", {3, 3}}, {"pads", {1, 1, 1, 1}},
                      {"inputs", 1 << 20}, {"outputs", 512 << 20}, {"activation", "relu"}};
  });
  ASSERT_FALSE(r);
  EXPECT_TRUE(test::has(r.error, "absurd") || test::has(r.error, "at most")) << r.error;
}

}  // namespace
}  // namespace lens
