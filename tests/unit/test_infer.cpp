// The inference path of lens.predict / lens.predictBatch (core/numerics/infer.h) against the forward
// pass it must agree with (mlp_forward + head_probabilities) within 1e-6, on real digits
// through the shipped mlp128 and on random networks of every activation, width and head.
#include <gtest/gtest.h>

#include <cmath>

#include "core/formats/bundle.h"
#include "core/numerics/infer.h"
#include "test_support.h"

namespace lens {
namespace {

// The largest |difference| between infer_batch and the forward pass on the columns of x.
float max_difference(const Mlp& net, const Eigen::MatrixXf& x) {
  const Eigen::MatrixXf want = head_probabilities(net.head, mlp_forward(net, x));
  Eigen::MatrixXf got(net.outputs(), x.cols());
  InferScratch s;
  infer_batch(net, x.data(), int(x.cols()), got.data(), s);
  Eigen::VectorXf one(net.outputs());
  infer_one(net, x.col(0).data(), one.data(), s);
  EXPECT_EQ(one, got.col(0)) << "one sample equals the batch's first column";
  return (got - want).cwiseAbs().maxCoeff();
}

// Images with MNIST-like sparsity: ~80% exact zeros, the rest in (0, 1].
Eigen::MatrixXf sparse_images(int inputs, int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXf x(inputs, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform() < 0.8f ? 0.f : rng.uniform(0.01f, 1.f);
  return x;
}

TEST(Infer, Mlp128AgreesWithTheForwardPassOnTestDigits) {
  const DataSet& test = test::mnist_test_set();
  ASSERT_GE(test.images.cols(), 1000);
  const auto bundle = bundle_load(test::assets_dir() + "/models/mlp128.lens");
  ASSERT_TRUE(bundle) << bundle.error;
  EXPECT_LT(max_difference(bundle->net, test.images.leftCols(1000)), 1e-6f);
}

TEST(Infer, RandomNetworksOfEveryActivationAndHeadAgree) {
  int seed = 1;
  for (Activation act : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh, Activation::Identity})
    for (const std::vector<int>& sizes : std::vector<std::vector<int>>{{784, 128, 10}, {784, 37, 5, 10}, {30, 67, 3}, {2, 3, 1}}) {
      const Head head = sizes.back() == 1 ? Head::Sigmoid : Head::Softmax;
      Mlp net = mlp_make(sizes, act, Activation::Identity, head);
      test::randomize(net, std::uint64_t(seed), 0.1f);
      EXPECT_LT(max_difference(net, sparse_images(sizes[0], 17, std::uint64_t(seed))), 1e-6f)
          << activation_name(act) << " network of " << sizes.size() << " sizes starting " << sizes[1];
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

// The benchmark's yardstick is the same product, dense.
TEST(Infer, DenseMatvecIsTheProduct) {
  Mlp net = mlp_make({784, 128, 10}, Activation::ReLU);
  test::randomize(net, 5, 0.1f);
  const Eigen::MatrixXf x = sparse_images(784, 1, 6);
  Eigen::VectorXf y(128);
  infer_matvec_dense(net.layers[0].W, x.data(), y.data());
  EXPECT_LT((y - net.layers[0].W * x.col(0)).cwiseAbs().maxCoeff(), 1e-5f);
}

}  // namespace
}  // namespace lens
