// The inference path of lens.predict / lens.predictBatch (core/numerics/infer.h) against the forward
// pass the page shows (mlp_forward + head_probabilities, state().probs): the same bits, on 2000
// test digits through every shipped model and on random networks of every activation, width,
// head and input map. This file runs natively and in wasm (ctest --preset web), so both builds
// hold it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/formats/bundle.h"
#include "core/numerics/infer.h"
#include "test_support.h"

namespace lens {
namespace {

// How many probabilities of infer_batch differ in any bit from the forward pass on the columns of
// x (infer_one must give the batch's first column).
long bits_differing(const Mlp& net, const Eigen::MatrixXf& x) {
  const Eigen::MatrixXf want = head_probabilities(net.head, mlp_forward(net, x));
  Eigen::MatrixXf got(net.outputs(), x.cols());
  InferScratch s;
  infer_batch(net, x.data(), int(x.cols()), got.data(), s);
  Eigen::VectorXf one(net.outputs());
  infer_one(net, x.col(0).data(), one.data(), s);
  EXPECT_EQ(std::memcmp(one.data(), got.data(), sizeof(float) * std::size_t(one.size())), 0)
      << "one sample equals the batch's first column";
  long differ = 0;
  for (Eigen::Index i = 0; i < got.size(); ++i)
    differ += std::memcmp(got.data() + i, want.data() + i, sizeof(float)) != 0;
  return differ;
}

// Images with MNIST-like sparsity: ~80% exact zeros, the rest in (0, 1].
Eigen::MatrixXf sparse_images(int inputs, int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXf x(inputs, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform() < 0.8f ? 0.f : rng.uniform(0.01f, 1.f);
  return x;
}

// Inputs a shipped model takes: test digits for the MNIST models, the corners and points between
// them for XOR, codes drawn from the prior (a standard normal) for the digit prior's decoder.
Eigen::MatrixXf inputs_for(const Mlp& net, int n) {
  if (net.inputs() == int(test::mnist_test_set().images.rows())) return test::mnist_test_set().images.leftCols(n);
  Rng rng(17);
  Eigen::MatrixXf x(net.inputs(), n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = net.inputs() == 2 ? rng.uniform() : rng.normal();
  return x;
}

TEST(Infer, EveryShippedModelGivesTheForwardPassBitForBit) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(test::assets_dir() + "/models"))
    if (e.path().extension() == ".lens") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 7u) << "the shipped models, the digit prior and xor included";
  for (const std::string& f : files) {
    const auto bundle = bundle_load(f);
    ASSERT_TRUE(bundle) << bundle.error;
    const Eigen::MatrixXf x = inputs_for(bundle->net, 2000);
    EXPECT_EQ(bits_differing(bundle->net, x), 0) << f << ": probabilities that differ from the forward pass";
  }
}

TEST(Infer, RandomNetworksOfEveryActivationHeadAndInputMapAgreeBitForBit) {
  int seed = 1;
  for (Activation act : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh, Activation::Identity})
    for (const std::vector<int>& sizes : std::vector<std::vector<int>>{{784, 128, 10}, {784, 37, 5, 10}, {30, 67, 3}, {2, 3, 1}})
      for (bool mapped : {false, true}) {
        const Head head = sizes.back() == 1 ? Head::Sigmoid : Head::Softmax;
        Mlp net = mlp_make(sizes, act, Activation::Identity, head);
        test::randomize(net, std::uint64_t(seed), 0.1f);
        if (mapped) net.norm = InputNorm{0.1307f, 0.3081f};  // torchvision's MNIST Normalize
        EXPECT_EQ(bits_differing(net, sparse_images(sizes[0], 17, std::uint64_t(seed))), 0)
            << activation_name(act) << " network of " << sizes.size() << " sizes starting " << sizes[1]
            << (mapped ? " with an input map" : "");
        ++seed;
      }
}

TEST(Infer, BytesAreScaledBy255) {
  Mlp net = mlp_make({784, 16, 10}, Activation::ReLU);
  test::randomize(net, 3, 0.1f);
  std::vector<unsigned char> bytes(784 * 2);
  Rng rng(4);
  for (unsigned char& b : bytes) b = rng.uniform() < 0.8f ? 0 : (unsigned char)(rng.below(256));
  Eigen::MatrixXf x(784, 2);
  for (int i = 0; i < 784 * 2; ++i) x.data()[i] = float(double(bytes[std::size_t(i)]) / 255.0);
  Eigen::MatrixXf from_floats(10, 2), from_bytes(10, 2);
  InferScratch s;
  infer_batch(net, x.data(), 2, from_floats.data(), s);
  infer_batch_u8(net, bytes.data(), 2, from_bytes.data(), s);
  EXPECT_EQ(from_floats, from_bytes);
}

// The benchmark's yardstick is the same product, dense: gemm's bits.
TEST(Infer, DenseMatvecIsTheProduct) {
  Mlp net = mlp_make({784, 128, 10}, Activation::ReLU);
  test::randomize(net, 5, 0.1f);
  const Eigen::MatrixXf x = sparse_images(784, 1, 6);
  Eigen::VectorXf y(128);
  Eigen::MatrixXf want;
  infer_matvec_dense(net.layers[0].W, x.data(), y.data());
  gemm(net.layers[0].W, x, want);
  EXPECT_EQ(std::memcmp(y.data(), want.data(), sizeof(float) * 128), 0);
}

}  // namespace
}  // namespace lens
