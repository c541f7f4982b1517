// Native and wasm builds agree: tools/lens-forward-ref (native) writes a seeded
// model and its logits on the first 1000 MNIST test images; this test, run in
// both builds, recomputes them. Native against native checks the file itself;
// wasm under node against the native file is the cross-platform check.
#include <gtest/gtest.h>

#include <cstring>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "test_support.h"

namespace lens {
namespace {

TEST(NativeWasmAgreement, ForwardMatchesNativeReferenceOn1000TestImages) {
  const std::string dir = test::forward_ref_dir();
  ASSERT_FALSE(dir.empty()) << "LENS_FORWARD_REF_DIR is not set (CTest sets it; run through ctest)";
  const auto model = bundle_load(dir + "/forward-ref.lens");
  ASSERT_TRUE(model) << model.error;
  const auto logits = file_read(dir + "/forward-ref.logits");
  ASSERT_TRUE(logits) << logits.error;
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;

  const int N = 1000, C = model->net.outputs();
  ASSERT_EQ(logits->size(), sizeof(float) * std::size_t(N * C));
  Eigen::MatrixXf expected(C, N);
  std::memcpy(expected.data(), logits->data(), logits->size());
  const Eigen::MatrixXf actual = mlp_forward(model->net, test->images.leftCols(N));
  const float worst = (actual - expected).cwiseAbs().maxCoeff();
  // The products keep one summation order everywhere (core/numerics/gemm.h): the same bits, not just close.
  EXPECT_EQ(worst, 0.f) << "max |native - this build| over " << N << " images";
  std::printf("forward agreement: max abs difference %.3g over %d images x %d logits\n", double(worst), N, C);
}

}  // namespace
}  // namespace lens
