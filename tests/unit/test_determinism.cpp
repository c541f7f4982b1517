// Same bits everywhere: the portable exp/log/tanh against the C library, the weights after
// short training runs and the maximization images pinned by their CRC-32. The pins hold on any
// x86-64 machine (whatever its cache sizes, thread count or SIMD width) and in the wasm build
// under node, which runs this same file (ctest --preset web): a changed training pin means
// bundles would change too, a changed maximization pin that the page's report zip and
// lens-report's would differ.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/formats/bundle.h"
#include "core/formats/crc32.h"
#include "core/numerics/portable_math.h"
#include "core/training/trainer.h"
#include "core/numerics/workers.h"
#include "interpret/actmax_prior.h"
#include "interpret/model_analysis.h"
#include "interpret/prior_gallery.h"
#include "test_support.h"

namespace lens {
namespace {

// Distance in units in the last place between two finite floats of the same sign.
double ulps(float got, double want) {
  const float w = float(want);
  if (got == w) return 0;
  const double ulp = std::nextafter(std::abs(w), std::numeric_limits<float>::infinity()) - std::abs(w);
  return std::abs(double(got) - want) / ulp;
}

TEST(PortableMath, ExpWithinTwoUlps) {
  double worst = 0;
  for (float x = -87.f; x < 88.7f; x += 0.0137f) worst = std::max(worst, ulps(exp_portable(x), std::exp(double(x))));
  EXPECT_LT(worst, 2.0);
  EXPECT_EQ(exp_portable(0.f), 1.f);
  EXPECT_EQ(exp_portable(-200.f), 0.f);
  EXPECT_TRUE(std::isinf(exp_portable(89.f)));
  EXPECT_TRUE(std::isnan(exp_portable(NAN)));
  EXPECT_GT(exp_portable(-100.f), 0.f) << "subnormal results are kept";
  EXPECT_NEAR(exp_portable(-100.f), std::exp(-100.0), 1.5e-45) << "within one subnormal step";
}

TEST(PortableMath, LogWithinTwoUlps) {
  double worst = 0;
  for (float x = 1e-30f; x < 1e30f; x *= 1.0137f) worst = std::max(worst, ulps(log_portable(x), std::log(double(x))));
  for (float x = 0.5f; x < 2.f; x += 1e-4f) {  // near 1, where log is small: absolute error
    EXPECT_NEAR(log_portable(x), std::log(double(x)), 2e-7 * std::abs(std::log(double(x))) + 1e-9) << x;
  }
  EXPECT_LT(worst, 2.0);
  EXPECT_EQ(log_portable(1.f), 0.f);
  EXPECT_TRUE(std::isinf(log_portable(0.f)));
  EXPECT_TRUE(std::isnan(log_portable(-1.f)));
  EXPECT_NEAR(log_portable(1e-40f), std::log(1e-40), 1e-4) << "subnormal input";
}

TEST(PortableMath, TanhWithinFewUlps) {
  double worst = 0;
  for (float x = -20.f; x < 20.f; x += 0.00731f) worst = std::max(worst, ulps(tanh_portable(x), std::tanh(double(x))));
  EXPECT_LT(worst, 4.0);
  EXPECT_EQ(tanh_portable(0.f), 0.f);
  EXPECT_EQ(tanh_portable(1e-6f), 1e-6f);
  EXPECT_EQ(tanh_portable(100.f), 1.f);
  EXPECT_EQ(tanh_portable(-100.f), -1.f);
}

std::uint32_t weights_crc(const Mlp& net) {
  std::uint32_t crc = 0;
  for (const Dense& d : net.layers) {
    crc = crc32(reinterpret_cast<const std::uint8_t*>(d.W.data()), sizeof(float) * std::size_t(d.W.size()), crc);
    crc = crc32(reinterpret_cast<const std::uint8_t*>(d.b.data()), sizeof(float) * std::size_t(d.b.size()), crc);
  }
  return crc;
}

// Trains with 1, 2 and 3 threads (workers.h; in wasm always 1) and expects the same weights from
// each; returns their CRC-32.
std::uint32_t crc_at_every_thread_count(const TrainConfig& c, const DataSet& data) {
  std::uint32_t first = 0;
  for (int threads : {1, 2, 3}) {
    set_worker_threads(threads);
    const std::uint32_t crc = weights_crc(train(c, data, DataSet{}));
    set_worker_threads(1);
    if (threads == 1) first = crc;
    else EXPECT_EQ(crc, first) << threads << " threads must give the weights 1 thread gives";
  }
  return first;
}

TEST(DeterministicTraining, SimdWidthIsKnown) {
  const int w = simd_width();
  EXPECT_TRUE(w == 4 || w == 8 || w == 16) << w;
  std::printf("kernels' SIMD width: %d floats\n", w);
}

// Adam, ReLU, softmax on 1024 MNIST digits: the shipped models' path (sparse first layer).
TEST(DeterministicTraining, AdamReluWeightsArePinned) {
  const DataSet data = dataset_slice(test::mnist_test_set(), 0, 1024);
  TrainConfig c;
  c.sizes = {784, 40, 10};
  c.batch = 64;
  c.epochs = 2;
  c.seed = 7;
  const std::uint32_t crc = crc_at_every_thread_count(c, data);
  std::printf("Adam/ReLU 784-40-10 weights CRC-32: %08x\n", unsigned(crc));
  EXPECT_EQ(crc, 0xed34d033u) << "the same recipe and seed must give the same weights on every machine and in wasm";
}

// lens-train's benchmark shape at batch 256, where every product and the optimizer step run in
// several blocks (16 columns of a sparse product, 8192 coefficients of a step) on 2 or 3 threads.
TEST(DeterministicTraining, Batch256OnThreadsIsPinned) {
  const DataSet data = dataset_slice(test::mnist_test_set(), 2000, 1300);  // 5 batches, 20 left over
  TrainConfig c;
  c.sizes = {784, 128, 10};
  c.batch = 256;
  c.epochs = 2;
  c.seed = 5;
  const std::uint32_t crc = crc_at_every_thread_count(c, data);
  std::printf("Adam/ReLU 784-128-10 batch 256 weights CRC-32: %08x\n", unsigned(crc));
  EXPECT_EQ(crc, 0xc26c1129u);
}

// SGD with momentum, L2, a step schedule, two tanh layers, odd sizes and batch.
TEST(DeterministicTraining, SgdTanhWeightsArePinned) {
  const DataSet data = dataset_slice(test::mnist_test_set(), 1024, 700);
  TrainConfig c;
  c.sizes = {784, 19, 13, 10};
  c.hidden = Activation::Tanh;
  c.init = Init::Xavier;
  c.optimizer = Optimizer::Sgd;
  c.lr = 0.05f;
  c.l2 = 1e-3f;
  c.schedule = Schedule::Step;
  c.lr_step = 1;
  c.batch = 50;
  c.epochs = 3;
  c.seed = 11;
  const std::uint32_t crc = crc_at_every_thread_count(c, data);
  std::printf("SGD/tanh 784-19-13-10 weights CRC-32: %08x\n", unsigned(crc));
  EXPECT_EQ(crc, 0x5f0468e6u);
}

// The XOR lesson: sigmoid head, tanh hidden units, dense inputs.
TEST(DeterministicTraining, XorWeightsArePinned) {
  TrainConfig c;
  c.sizes = {2, 3, 1};
  c.hidden = Activation::Tanh;
  c.head = Head::Sigmoid;
  c.init = Init::Xavier;
  c.lr = 0.05f;
  c.batch = 16;
  c.epochs = 20;
  c.seed = 3;
  const std::uint32_t crc = crc_at_every_thread_count(c, xor_cloud(100, 0.15f, c.seed));
  std::printf("XOR 2-3-1 weights CRC-32: %08x\n", unsigned(crc));
  EXPECT_EQ(crc, 0xd6ef809au);
}

std::uint32_t images_crc(const Eigen::MatrixXf& x, std::uint32_t crc = 0) {
  return crc32(reinterpret_cast<const std::uint8_t*>(x.data()), sizeof(float) * std::size_t(x.size()), crc);
}

std::vector<int> every_unit(const Mlp& net, int layer) {
  std::vector<int> u(std::size_t(net.layers[std::size_t(layer)].outputs()));
  for (std::size_t i = 0; i < u.size(); ++i) u[i] = int(i);
  return u;
}

// mlp32's maximization images as the page and lens-report make them (the analysis' settings;
// the digit prior's gallery), and each solver's diversity path: the products (gemm.h), the
// portable exp and log, the blur, Adam, the candidates' ranking. One bit anywhere in 256 steps
// changes a pin.
TEST(DeterministicMaximization, Mlp32ImagesArePinned) {
  const auto model = bundle_load(test::assets_dir() + "/models/mlp32.lens");
  const auto prior = bundle_load(test::assets_dir() + "/models/digit-prior.lens");
  ASSERT_TRUE(model) << model.error;
  ASSERT_TRUE(prior) << prior.error;
  const Mlp& net = model->net;
  const AnalysisSettings settings;
  std::uint32_t raw = 0;
  for (int l = 0; l < int(net.layers.size()); ++l) {
    const ActmaxConfig& c = l + 1 == int(net.layers.size()) ? settings.output : settings.hidden;
    raw = images_crc(actmax_run(net, l, every_unit(net, l), c, settings.output_objective), raw);
  }
  std::uint32_t gallery = 0;
  for (const Eigen::MatrixXf& x : prior_gallery_all(net, prior->net)) gallery = images_crc(x, gallery);
  ActmaxConfig apart;
  apart.count = 3;
  apart.diversity = 1.f;
  const std::uint32_t diverse = images_crc(prior_actmax_run(net, prior->net, 1, {3, 7}, prior_actmax_defaults(3)),
                                           images_crc(actmax_run(net, 0, {5, 9}, apart)));
  std::printf("mlp32 maximization CRC-32: raw %08x, digit prior %08x, diversity %08x\n", unsigned(raw), unsigned(gallery),
              unsigned(diverse));
  EXPECT_EQ(raw, 0x67b89b31u) << "the raw images (every layer) must be the same bits on every machine and in wasm";
  EXPECT_EQ(gallery, 0x4dcd0f45u) << "the digit prior's images (every layer)";
  EXPECT_EQ(diverse, 0x3852b155u) << "three images per unit, pushed apart (both solvers)";
}

}  // namespace
}  // namespace lens
