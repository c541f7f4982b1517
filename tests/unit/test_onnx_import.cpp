// ONNX import: hand-built graphs folded into an Mlp agree with the graph evaluator, what is
// not supported is refused by name, and the PyTorch-exported fixtures (tests/onnx, written by
// tools/onnx-fixtures.py) give PyTorch's probabilities on MNIST test images.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/onnx/onnx_import.h"
#include "onnx_writer.h"
#include "test_support.h"

namespace lens {
namespace {

using test::OnnxAttr;
using test::onnx_model;
using test::onnx_node;
using test::onnx_tensor;
using test::onnx_value;

std::vector<float> ramp(std::size_t n, float scale, float shift = 0.f) {
  std::vector<float> v(n);
  for (std::size_t k = 0; k < n; ++k) v[k] = scale * (float(k % 17) - 8.f) + shift;
  return v;
}

// 784 -> 5 (Gemm, transB) -> LeakyRelu -> 10 (MatMul + Add) -> Softmax, on [N, 1, 28, 28].
Bytes small_mlp(const std::string& last_op = "Softmax", float leaky = 0.01f,
                const std::vector<std::pair<std::string, std::string>>& meta = {}) {
  std::vector<test::PbWriter> nodes = {
      onnx_node("Flatten", {"x"}, {"f"}, "flat"),
      onnx_node("Gemm", {"f", "W1", "b1"}, {"h"}, "fc1", {{"transB", 2, 0, 1}}),
      onnx_node("LeakyRelu", {"h"}, {"a"}, "act1", {{"alpha", 1, leaky, 0}}),
      onnx_node("MatMul", {"a", "W2"}, {"m"}, "fc2"),
      onnx_node("Add", {"m", "b2"}, {"z"}, "bias2")};
  std::string out = "z";
  if (!last_op.empty()) {
    nodes.push_back(onnx_node(last_op, {"z"}, {"p"}, "head", {{"axis", 2, 0, 1}}));
    out = "p";
  }
  return onnx_model(nodes,
                    {onnx_tensor("W1", {5, 784}, ramp(5 * 784, 0.002f)), onnx_tensor("b1", {5}, ramp(5, 0.1f)),
                     onnx_tensor("W2", {5, 10}, ramp(50, 0.05f)), onnx_tensor("b2", {10}, ramp(10, 0.01f))},
                    onnx_value("x", {-1, 1, 28, 28}), onnx_value(out, {-1, 10}), 13, meta);
}

// The folded Mlp's probabilities equal the evaluator's run of the ONNX graph as written.
TEST(OnnxImport, FoldedNetworkMatchesTheGraphEvaluator) {
  for (const char* last : {"Softmax", "LogSoftmax", ""}) {
    const Bytes bytes = small_mlp(last);
    auto b = onnx_import(bytes);
    ASSERT_TRUE(b) << b.error;
    EXPECT_EQ(b->net.sizes(), (std::vector<int>{784, 5, 10}));
    EXPECT_EQ(b->net.layers[0].act, Activation::LeakyReLU);
    auto m = onnx_model_parse(bytes);
    auto g = onnx_graph_make(*m);
    ASSERT_TRUE(g) << g.error;
    Eigen::MatrixXf x(784, 3);
    for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = float((k * 37) % 101) / 100.f;
    OnnxTensor in;
    in.dims = {3, 1, 28, 28};
    in.values.assign(x.data(), x.data() + x.size());  // column-major 784 x 3 = row-major 3 x 784
    auto out = onnx_graph_run(*g, {in});
    ASSERT_TRUE(out) << out.error;
    const Eigen::MatrixXf p = head_probabilities(Head::Softmax, mlp_forward(b->net, x));
    for (int n = 0; n < 3; ++n)
      for (int c = 0; c < 10; ++c) {
        float want = (*out)[0].values[std::size_t(n * 10 + c)];
        if (std::string(last) == "LogSoftmax") want = std::exp(want);
        if (std::string(last).empty()) want = p(c, n);  // logits: compared below instead
        EXPECT_NEAR(p(c, n), want, 1e-6f) << last << " image " << n << " class " << c;
      }
    if (std::string(last).empty()) {
      const Eigen::MatrixXf z = mlp_forward(b->net, x);
      for (int c = 0; c < 10; ++c) EXPECT_NEAR(z(c, 0), (*out)[0].values[std::size_t(c)], 1e-5f);
    }
  }
}

// An operator outside the set is refused with its name, the node's name and what is supported.
TEST(OnnxImport, RefusesAnUnsupportedOperatorByName) {
  const Bytes bytes = onnx_model({onnx_node("Conv", {"x", "W"}, {"y"}, "conv1")}, {onnx_tensor("W", {1, 1, 3, 3}, ramp(9, 1))},
                                 onnx_value("x", {-1, 1, 28, 28}), onnx_value("y", {-1, 1, 26, 26}));
  auto b = onnx_import(bytes);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error.find("Conv"), std::string::npos) << b.error;
  EXPECT_NE(b.error.find("'conv1'"), std::string::npos) << b.error;
  EXPECT_NE(b.error.find("supported: Gemm"), std::string::npos) << b.error;
}

// The lens activations have one leaky slope (0.01, PyTorch's default); others are refused.
TEST(OnnxImport, RefusesALeakySlopeOtherThanTheDefault) {
  auto b = onnx_import(small_mlp("Softmax", 0.2f));
  ASSERT_FALSE(b);
  EXPECT_NE(b.error.find("LeakyRelu with alpha 0.2"), std::string::npos) << b.error;
  EXPECT_NE(b.error.find("'act1'"), std::string::npos) << b.error;
}

// Normalization and the recorded accuracy come from metadata, or from options that win over it.
TEST(OnnxImport, TakesNormalizationAndAccuracyFromMetadataOrOptions) {
  const Bytes bytes = small_mlp("Softmax", 0.01f, {{"lens.input_mean", "0.1307"}, {"lens.input_std", "0.3081"},
                                                   {"lens.test_accuracy", "0.932"}, {"lens.name", "Lab MLP"}});
  auto b = onnx_import(bytes);
  ASSERT_TRUE(b) << b.error;
  EXPECT_FLOAT_EQ(b->net.norm.mean, 0.1307f);
  EXPECT_FLOAT_EQ(b->net.norm.std, 0.3081f);
  EXPECT_DOUBLE_EQ(b->info.test_accuracy, 0.932);
  EXPECT_EQ(b->info.name, "Lab MLP");
  OnnxImportOptions o;
  o.norm = InputNorm{0.5f, 0.5f};
  o.test_accuracy = 0.5;
  auto c = onnx_import(bytes, o);
  ASSERT_TRUE(c) << c.error;
  EXPECT_FLOAT_EQ(c->net.norm.mean, 0.5f);
  EXPECT_DOUBLE_EQ(c->info.test_accuracy, 0.5);
}

// Metadata numbers must be numbers, whole: "0.3081xyz" was read as 0.3081.
TEST(OnnxImport, RefusesMetadataNumbersThatDoNotParseWhole) {
  const auto refused = [](const char* key, const char* value) {
    auto b = onnx_import(small_mlp("Softmax", 0.01f, {{key, value}}));
    EXPECT_FALSE(b) << key << " = " << value;
    return b.error;
  };
  EXPECT_EQ(refused("lens.input_std", "0.3081xyz"),
            "onnx: metadata lens.input_std is \"0.3081xyz\", not a number (the whole text must be one, e.g. 0.3081)");
  EXPECT_NE(refused("lens.input_mean", " 0.1").find("metadata lens.input_mean is \" 0.1\", not a number"), std::string::npos);
  EXPECT_NE(refused("lens.input_mean", "").find("not a number"), std::string::npos);
  EXPECT_NE(refused("lens.input_std", "1e999").find("not a finite number"), std::string::npos);
  EXPECT_NE(refused("lens.test_accuracy", "0.9%").find("metadata lens.test_accuracy is \"0.9%\", not a number"), std::string::npos);
  EXPECT_NE(refused("lens.test_accuracy", "93").find("not in [0, 1]"), std::string::npos);
  EXPECT_TRUE(onnx_import(small_mlp("Softmax", 0.01f, {{"lens.input_std", "3.081e-1"}}))) << "exponent form is a number";
}

// Cut anywhere, a model is refused with a message, never read out of bounds.
TEST(OnnxImport, RefusesEveryTruncation) {
  const Bytes good = small_mlp();
  for (std::size_t n = 0; n + 1 < good.size(); n += 7) {
    const Bytes cut(good.begin(), good.begin() + std::ptrdiff_t(n));
    auto b = onnx_import(cut);
    EXPECT_FALSE(b) << "accepted a model cut to " << n << " bytes";
    EXPECT_EQ(b.error.rfind("onnx: ", 0), 0u) << b.error;
  }
}

// Names from the file that are not valid UTF-8 (the bundle header is JSON) are cleaned, not
// passed on to crash the writer (found by fuzz_onnx).
TEST(OnnxImport, CleansNamesThatAreNotUtf8) {
  auto b = onnx_import(small_mlp("Softmax", 0.01f, {{"lens.name", std::string("lab \xff\xfe model \xe2\x82\xac\x01")}}));
  ASSERT_TRUE(b) << b.error;
  EXPECT_EQ(b->info.name, "lab ?? model \xe2\x82\xac?");
  EXPECT_EQ(b->info.id, "lab-model");
}

// Weights the bundle reader would refuse (absurd magnitudes) are refused on import too.
TEST(OnnxImport, RefusesAbsurdWeights) {
  std::vector<float> w = ramp(5 * 784, 0.002f);
  w[3] = 3e38f;
  const Bytes bytes = onnx_model({onnx_node("Gemm", {"x", "W1"}, {"y"}, "fc1", {{"transB", 2, 0, 1}})},
                                 {onnx_tensor("W1", {5, 784}, w)}, onnx_value("x", {-1, 784}), onnx_value("y", {-1, 5}));
  auto b = onnx_import(bytes);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error.find("absurd value"), std::string::npos) << b.error;
}

}  // namespace
}  // namespace lens

namespace lens {
namespace {

struct Fixture {
  std::string id;
  double torch_accuracy;
  bool normalized, recorded;
};

std::vector<Fixture> fixtures() {
  auto bytes = file_read(test::onnx_fixtures_dir() + "/fixtures.json");
  EXPECT_TRUE(bytes) << bytes.error;
  std::vector<Fixture> out;
  if (!bytes) return out;
  const auto j = nlohmann::json::parse(bytes->begin(), bytes->end());
  for (const auto& m : j["models"])
    out.push_back({m["id"].get<std::string>(), m["torch_accuracy"].get<double>(), !m["normalize"].is_null(),
                   m["normalize_recorded"].get<bool>()});
  return out;
}

// PyTorch-exported MLPs (tools/onnx-fixtures.py): the imported bundle's probabilities on the
// first 1000 MNIST test images match PyTorch's within 1e-4, and its accuracy on all 10,000
// matches PyTorch's (recorded in the file's metadata) to the image.
TEST(OnnxFixtures, ProbabilitiesAndAccuracyMatchPyTorch) {
  const DataSet& test_set = test::mnist_test_set();
  ASSERT_EQ(test_set.size(), 10000);
  const auto list = fixtures();
  ASSERT_GE(list.size(), 5u);
  for (const Fixture& f : list) {
    auto onnx = file_read(test::onnx_fixtures_dir() + "/" + f.id + ".onnx");
    auto probs = file_read(test::onnx_fixtures_dir() + "/" + f.id + ".probs");
    ASSERT_TRUE(onnx && probs) << f.id;
    ASSERT_EQ(probs->size(), 1000u * 10u * 4u);
    OnnxImportOptions o;
    if (f.normalized && !f.recorded) o.norm = InputNorm{0.1307f, 0.3081f};  // what lens-import --normalize gives
    auto b = onnx_import(*onnx, o);
    ASSERT_TRUE(b) << f.id << ": " << b.error;
    EXPECT_EQ(!b->net.norm.identity(), f.normalized) << f.id;
    const Eigen::MatrixXf p = head_probabilities(b->net.head, mlp_forward(b->net, test_set.images.leftCols(1000)));
    float worst = 0;
    for (int n = 0; n < 1000; ++n)
      for (int c = 0; c < 10; ++c) {
        float want;
        std::memcpy(&want, probs->data() + 4 * (n * 10 + c), 4);
        worst = std::max(worst, std::abs(p(c, n) - want));
      }
    EXPECT_LE(worst, 1e-4f) << f.id;
    const std::vector<int> predicted = head_predict(b->net.head, mlp_forward(b->net, test_set.images));
    int correct = 0;
    for (int n = 0; n < test_set.size(); ++n) correct += predicted[std::size_t(n)] == test_set.labels[std::size_t(n)];
    const double accuracy = correct / 10000.0;
    EXPECT_NEAR(accuracy, f.torch_accuracy, 1.01e-4) << f.id;
    EXPECT_NEAR(b->info.test_accuracy, f.torch_accuracy, 1e-9) << f.id << ": recorded from the metadata";
    std::printf("%-22s max |p_lens - p_torch| = %.2e over 1000 images; accuracy %.4f (PyTorch %.4f)\n", f.id.c_str(),
                double(worst), accuracy, f.torch_accuracy);
  }
}

// Without the normalization it was trained with, a model scores lower on raw pixels: the
// case the page must flag (recorded accuracy vs measured).
TEST(OnnxFixtures, UnrecordedNormalizationLowersTheMeasuredAccuracy) {
  auto onnx = file_read(test::onnx_fixtures_dir() + "/mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(onnx);
  auto b = onnx_import(*onnx);
  ASSERT_TRUE(b) << b.error;
  EXPECT_TRUE(b->net.norm.identity());
  const DataSet& test_set = test::mnist_test_set();
  const std::vector<int> predicted = head_predict(b->net.head, mlp_forward(b->net, test_set.images));
  int correct = 0;
  for (int n = 0; n < test_set.size(); ++n) correct += predicted[std::size_t(n)] == test_set.labels[std::size_t(n)];
  EXPECT_LT(correct / 10000.0, b->info.test_accuracy - 0.005);
}

}  // namespace
}  // namespace lens
