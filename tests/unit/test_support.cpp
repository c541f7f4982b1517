#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/formats/crc32.h"
#include "core/formats/mnist.h"
#include "core/numerics/loss.h"

namespace lens::test {

#ifndef LENS_TEST_MNIST_DIR
#define LENS_TEST_MNIST_DIR ""
#endif
#ifndef LENS_TEST_ASSETS_DIR
#define LENS_TEST_ASSETS_DIR ""
#endif
#ifndef LENS_TEST_ONNX_FIXTURES_DIR
#define LENS_TEST_ONNX_FIXTURES_DIR ""
#endif
#ifndef LENS_TEST_FORWARD_REF_DIR
#define LENS_TEST_FORWARD_REF_DIR ""
#endif

static std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string mnist_dir() { return mnist_default_dir(env_or("LENS_MNIST_DIR", LENS_TEST_MNIST_DIR)); }

std::string assets_dir() { return env_or("LENS_ASSETS_DIR", LENS_TEST_ASSETS_DIR); }

std::string onnx_testdata_dir() { return env_or("LENS_ONNX_TESTDATA_DIR", "/usr/share/libonnx-testdata/data"); }

std::string onnx_fixtures_dir() { return env_or("LENS_ONNX_FIXTURES_DIR", LENS_TEST_ONNX_FIXTURES_DIR); }

std::string forward_ref_dir() { return env_or("LENS_FORWARD_REF_DIR", LENS_TEST_FORWARD_REF_DIR); }

Eigen::MatrixXf random_matrix(int rows, int n, std::uint64_t seed, bool normal) {
  Rng rng(seed);
  Eigen::MatrixXf x(rows, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal ? rng.normal() : rng.uniform();
  return x;
}

Mlp small_convnet(Activation act, PoolKind pool, bool affine, std::uint64_t seed) {
  Mlp net;
  Layer c1;
  c1.kind = LayerKind::Conv;
  c1.in = {1, 8, 7};
  c1.window = Window{3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
  c1.W.resize(3, 9);
  c1.b.resize(3);
  c1.act = act;
  c1.slope = 0.1f;
  if (pool != PoolKind::None) c1.pool = Pool{pool, Window{2, 2, 2, 2}};
  if (affine) c1.scale = Eigen::Vector3f(0.5f, -1.5f, 2.f), c1.shift = Eigen::Vector3f(0.1f, 0.f, -0.3f);
  net.layers.push_back(c1);
  Layer c2;
  c2.kind = LayerKind::Conv;
  c2.in = net.layers[0].out_shape();
  c2.window = Window{2, 2, 2, 1, 1, 2, 0, 1, 0, 1};
  c2.W.resize(2, c2.in.c * 4);
  c2.b.resize(2);
  c2.act = act;
  c2.slope = 0.1f;
  net.layers.push_back(c2);
  Layer d = mlp_make({net.layers[1].outputs(), 4}, Activation::Identity).layers[0];
  net.layers.push_back(d);
  randomize(net, seed, 0.4f);
  return net;
}

void randomize(Mlp& net, std::uint64_t seed, float scale) {
  Rng rng(seed);
  for (Dense& d : net.layers) {
    for (Eigen::Index i = 0; i < d.W.size(); ++i) d.W.data()[i] = scale * rng.normal();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = scale * rng.normal();
  }
}


namespace {
struct GradCheck {  // the network and its data, changed in place by the differences
  Mlp net;
  Eigen::MatrixXf x, y;
  // The loss in double from the float logits, so rounding of the loss itself
  // does not swamp the finite differences.
  double loss() const {
    const Eigen::MatrixXd z = mlp_forward(net, x).cast<double>();
    double total = 0;
    for (Eigen::Index n = 0; n < z.cols(); ++n) {
      if (net.head == Head::Softmax) {
        const double lse = std::log(z.col(n).array().exp().sum());
        total -= y.col(n).cast<double>().dot((z.col(n).array() - lse).matrix());
      } else {
        const double p = 1 / (1 + std::exp(-z(0, n)));
        total -= y(0, n) * std::log(p) + (1 - y(0, n)) * std::log(1 - p);
      }
    }
    return total / double(z.cols());
  }
};

// Relative error with a floor, so entries that are ~0 on both sides compare absolutely.
double relative_error(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), 1e-2});
}

// Central difference of the loss in one float parameter; the step is taken as
// the difference actually stored, so rounding of p +- h does not bias it.
double numeric_derivative(GradCheck& g, float& p) {
  const float h = 1.f / 128, saved = p;
  p = saved + h;
  const float up = p;
  const double lp = g.loss();
  p = saved - h;
  const float down = p;
  const double lm = g.loss();
  p = saved;
  return (lp - lm) / double(up - down);
}

// True if nudging p by the finite-difference step moves any ReLU-like unit across its kink, or a
// max pooling's choice to another cell.
bool crosses_kink(GradCheck& g, float& p) {
  auto signs = [&] {
    Trace t;
    mlp_forward_trace(g.net, g.x, t);
    std::vector<int> s;
    for (const LayerTrace& l : t.layers) {
      for (Eigen::Index i = 0; i < l.z.size(); ++i) s.push_back(l.z.data()[i] > 0);
      s.insert(s.end(), l.argmax.begin(), l.argmax.end());
    }
    return s;
  };
  const float saved = p;
  p = saved + 1.f / 128;
  const auto a = signs();
  p = saved - 1.f / 128;
  const auto b = signs();
  p = saved;
  return a != b;
}

}  // namespace

GradientCheck check_gradients(Mlp net, Eigen::MatrixXf x, const Eigen::MatrixXf& y) {
  GradCheck g{std::move(net), std::move(x), y};
  Trace t;
  mlp_forward_trace(g.net, g.x, t);
  const Gradients grad = mlp_backward(g.net, t, cross_entropy(g.net.head, t.logits(), g.y).dlogits);
  GradientCheck r;
  auto check = [&](float& p, float analytic) {
    if (crosses_kink(g, p)) return;
    r.worst = std::max(r.worst, relative_error(analytic, numeric_derivative(g, p)));
    ++r.checked;
  };
  for (std::size_t l = 0; l < g.net.layers.size(); ++l) {
    Layer& d = g.net.layers[l];
    for (Eigen::Index i = 0; i < d.W.size(); ++i) check(d.W.data()[i], grad.dW[l].data()[i]);
    for (Eigen::Index i = 0; i < d.b.size(); ++i) check(d.b(i), grad.db[l](i));
  }
  for (Eigen::Index i = 0; i < g.x.size(); ++i) check(g.x.data()[i], grad.dx.data()[i]);
  return r;
}

namespace {
struct BitWriter {  // deflate's bit order: bytes fill from the least significant bit
  Bytes& out;
  std::uint32_t acc = 0;
  int n = 0;
  void bit(std::uint32_t b) {
    acc |= (b & 1u) << n;
    if (++n == 8) { out.push_back(std::uint8_t(acc)); acc = 0; n = 0; }
  }
  void bits(std::uint32_t v, int count) { for (int i = 0; i < count; ++i) bit(v >> i); }       // fields: LSB first
  void code(std::uint32_t c, int len) { for (int i = len - 1; i >= 0; --i) bit(c >> i); }  // Huffman codes: MSB first
  void literal(std::uint8_t b) { b < 144 ? code(0x30u + b, 8) : code(0x190u + (b - 144u), 9); }
  void flush() { if (n) out.push_back(std::uint8_t(acc)); acc = 0; n = 0; }
};
}  // namespace

Bytes gzip_zeros(const Bytes& head, std::uint64_t zeros, bool with_crc) {
  Bytes out = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};  // deflate, no flags, no time, unknown OS
  BitWriter w{out};
  w.bits(1, 1);  // the final block
  w.bits(1, 2);  // fixed Huffman codes
  for (std::uint8_t b : head) w.literal(b);
  std::uint64_t left = zeros;
  if (left > 0) { w.literal(0); --left; }                      // a zero for the matches to copy
  for (; left >= 258; left -= 258) { w.code(0xC5, 8); w.code(0, 5); }  // length 258 (code 285), distance 1
  for (; left > 0; --left) w.literal(0);
  w.code(0, 7);  // end of block (256)
  w.flush();
  std::uint32_t crc = 0;
  if (with_crc) {
    crc = crc32(head.data(), head.size());
    const Bytes block(1 << 16, 0);
    for (std::uint64_t z = zeros; z > 0;) {
      const std::size_t n = std::size_t(std::min<std::uint64_t>(z, block.size()));
      crc = crc32(block.data(), n, crc);
      z -= n;
    }
  }
  put_le_u32(out, crc);
  put_le_u32(out, std::uint32_t(head.size() + zeros));  // ISIZE: the length mod 2^32
  return out;
}

Bundle shipped(const std::string& id) {
  auto b = bundle_load(assets_dir() + "/models/" + id + ".lens");
  EXPECT_TRUE(b) << b.error;
  return b ? std::move(*b) : Bundle{};
}

const DataSet& mnist_test_set() {
  static const DataSet d = [] {
    auto r = mnist_load(mnist_dir(), "t10k");
    if (!r) { ADD_FAILURE() << r.error; return DataSet{}; }
    return *r;
  }();
  return d;
}

}  // namespace lens::test
