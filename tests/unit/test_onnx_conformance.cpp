// The ONNX project's own backend tests (Debian libonnx-testdata) against our reader and
// evaluator: every node test and the pytorch-converted / pytorch-operator models are read,
// run on each test_data_set_*'s inputs and compared with its expected outputs at the suite's
// tolerance (onnx/backend/test/runner: rtol 1e-3, atol 1e-7). A model using something we do
// not support must be refused with a message that says what is supported, never crash or
// give a wrong answer. The counts are printed.
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/onnx/onnx_graph.h"
#include "test_support.h"

namespace lens {
namespace {

constexpr double kRtol = 1e-3, kAtol = 1e-7;

std::vector<std::string> list_dir(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.rfind(prefix, 0) == 0) out.push_back(name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

enum class Outcome { Passed, Failed, Refused };

struct Case {
  std::string name;
  Outcome outcome = Outcome::Refused;
  std::string detail;
};

bool close_enough(const OnnxTensor& got, const OnnxTensor& want, std::string& why) {
  if (got.dims != want.dims) {
    why = "shape differs";
    return false;
  }
  if (want.is_int() != got.is_int() || got.count() != want.count()) {
    why = "type or count differs";
    return false;
  }
  for (std::size_t k = 0; k < want.count(); ++k) {
    const double g = got.is_int() ? double(got.ints[k]) : double(got.values[k]);
    const double w = want.is_int() ? double(want.ints[k]) : double(want.values[k]);
    if (std::isnan(w) && std::isnan(g)) continue;
    if (!(std::abs(g - w) <= kAtol + kRtol * std::abs(w))) {
      why = "element " + std::to_string(k) + ": " + std::to_string(g) + " vs " + std::to_string(w);
      return false;
    }
  }
  return true;
}

Case run_case(const std::string& dir, const std::string& name) {
  Case c{name, Outcome::Refused, ""};
  auto bytes = file_read(dir + "/model.onnx");
  if (!bytes) { c.outcome = Outcome::Failed; c.detail = bytes.error; return c; }
  auto model = onnx_model_parse(*bytes);
  if (!model) { c.detail = model.error; return c; }
  auto graph = onnx_graph_make(*model);
  if (!graph) { c.detail = graph.error; return c; }
  const auto sets = list_dir(dir, "test_data_set_");
  if (sets.empty()) { c.outcome = Outcome::Failed; c.detail = "no test data sets"; return c; }
  for (const std::string& set : sets) {
    std::vector<OnnxTensor> inputs, expected;
    for (auto [prefix, list] : {std::pair{"input_", &inputs}, std::pair{"output_", &expected}}) {
      for (std::size_t k = 0;; ++k) {
        auto pb = file_read(dir + "/" + set + "/" + prefix + std::to_string(k) + ".pb");
        if (!pb) break;
        auto t = onnx_tensor_parse(*pb);
        if (!t) { c.detail = set + ": " + t.error; return c; }  // e.g. string inputs: refused
        list->push_back(std::move(*t));
      }
    }
    auto out = onnx_graph_run(*graph, inputs);
    if (!out) { c.detail = out.error; return c; }
    if (out->size() != expected.size()) {
      c.outcome = Outcome::Failed;
      c.detail = set + ": " + std::to_string(out->size()) + " outputs, expected " + std::to_string(expected.size());
      return c;
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
      std::string why;
      if (!close_enough((*out)[k], expected[k], why)) {
        c.outcome = Outcome::Failed;
        c.detail = set + " output " + std::to_string(k) + ": " + why;
        return c;
      }
    }
  }
  c.outcome = Outcome::Passed;
  return c;
}

// The node tests for the operators the evaluator supports: each of these must pass.
const char* const kMustPass[] = {
    "test_gemm_all_attributes", "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_matrix_bias",
    "test_gemm_default_no_bias", "test_gemm_default_scalar_bias", "test_gemm_default_single_elem_vector_bias",
    "test_gemm_default_vector_bias", "test_gemm_default_zero_bias", "test_gemm_transposeA", "test_gemm_transposeB",
    "test_matmul_2d", "test_add", "test_add_bcast", "test_relu", "test_leakyrelu", "test_leakyrelu_default",
    "test_leakyrelu_example", "test_sigmoid", "test_sigmoid_example", "test_tanh", "test_tanh_example",
    "test_softmax_axis_0", "test_softmax_axis_1", "test_softmax_axis_2", "test_softmax_default_axis",
    "test_softmax_example", "test_softmax_large_number", "test_softmax_negative_axis", "test_logsoftmax_axis_0",
    "test_logsoftmax_axis_1", "test_logsoftmax_axis_2", "test_logsoftmax_default_axis", "test_logsoftmax_example_1",
    "test_logsoftmax_large_number", "test_logsoftmax_negative_axis", "test_flatten_axis0", "test_flatten_axis1",
    "test_flatten_axis2", "test_flatten_axis3", "test_flatten_default_axis", "test_flatten_negative_axis1",
    "test_reshape_extended_dims", "test_reshape_negative_dim", "test_reshape_one_dim", "test_reshape_reduced_dims",
    "test_reshape_reordered_all_dims", "test_reshape_zero_dim", "test_identity", "test_dropout_default",
    "test_constant", "test_Linear",
    // Convolutional networks: Conv, the pools, BatchNormalization, Transpose, Pad, Sub, Mul, Div.
    "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_conv_with_autopad_same",
    "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding",
    "test_Conv2d", "test_Conv2d_dilated", "test_Conv2d_no_bias", "test_Conv2d_padding", "test_Conv2d_strided",
    "test_operator_conv", "test_maxpool_2d_ceil", "test_maxpool_2d_default", "test_maxpool_2d_dilations",
    "test_maxpool_2d_pads", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_same_upper",
    "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_same_lower", "test_maxpool_2d_same_upper",
    "test_maxpool_2d_strides", "test_maxpool_with_argmax_2d_precomputed_pads", "test_MaxPool2d",
    "test_MaxPool2d_stride_padding_dilation", "test_averagepool_2d_ceil", "test_averagepool_2d_default",
    "test_averagepool_2d_pads", "test_averagepool_2d_pads_count_include_pad", "test_averagepool_2d_precomputed_pads",
    "test_averagepool_2d_precomputed_pads_count_include_pad", "test_averagepool_2d_precomputed_same_upper",
    "test_averagepool_2d_precomputed_strides", "test_averagepool_2d_same_lower", "test_averagepool_2d_same_upper",
    "test_averagepool_2d_strides", "test_AvgPool2d", "test_AvgPool2d_stride", "test_batchnorm_epsilon",
    "test_batchnorm_example", "test_BatchNorm1d_3d_input_eval", "test_BatchNorm2d_eval", "test_BatchNorm2d_momentum_eval",
    "test_BatchNorm3d_eval", "test_BatchNorm3d_momentum_eval", "test_transpose_default",
    "test_transpose_all_permutations_0", "test_transpose_all_permutations_1", "test_transpose_all_permutations_2",
    "test_transpose_all_permutations_3", "test_transpose_all_permutations_4", "test_transpose_all_permutations_5",
    "test_PixelShuffle", "test_operator_permute2", "test_ZeroPad2d", "test_sub", "test_sub_bcast", "test_sub_example",
    "test_mul", "test_mul_bcast", "test_mul_example", "test_div", "test_div_bcast", "test_div_example"};

// Node tests of the same operators that must be refused, each with the words that say why: what
// the evaluator does not run is never half run.
const std::pair<const char*, const char*> kMustRefuse[] = {
    {"test_Conv1d", "Conv on a 3-D input [2, 4, 10] ([N, C, L]); supported: images [N, C, H, W]"},
    {"test_Conv3d", "Conv on a 5-D input [2, 3, 3, 4, 5] ([N, C, D, H, W]); supported: images [N, C, H, W]"},
    {"test_maxpool_1d_default", "MaxPool on a 3-D input"}, {"test_maxpool_3d_default", "MaxPool on a 5-D input"},
    {"test_averagepool_1d_default", "AveragePool on a 3-D input"}, {"test_averagepool_3d_default", "AveragePool on a 5-D input"},
    {"test_Conv2d_groups", "group 2: depthwise and grouped convolutions are not supported"},
    {"test_Conv2d_depthwise", "group 4: depthwise and grouped convolutions are not supported"},
    {"test_batchnorm_example_training_mode", "training mode (training_mode = 1"},
    {"test_batchnorm_epsilon_training_mode", "export with model.eval()"},
    {"test_maxpool_with_argmax_2d_precomputed_strides", "(storage_order 1) are not supported"},
    {"test_constant_pad", "Pad with the value 1.2 is not supported; supported: 0"},
    {"test_ConstantPad2d", "Pad with the value 2 is not supported"},
    {"test_ReflectionPad2d", "Pad in mode 'reflect' is not supported"},
    {"test_ReplicationPad2d", "Pad in mode 'edge' is not supported"},
    {"test_globalaveragepool", "opset 1 of the default domain"}};

TEST(OnnxConformance, BackendNodeTestsPassOrAreRefusedClearly) {
  const std::string root = test::onnx_testdata_dir();
  std::vector<Case> cases;
  for (const char* group : {"node", "pytorch-converted", "pytorch-operator"})
    for (const std::string& name : list_dir(root + "/" + group, "test_"))
      cases.push_back(run_case(root + "/" + group + "/" + name, name));
  ASSERT_GT(cases.size(), 500u) << "the ONNX backend test data is missing under " << root
                                << " (tools/bootstrap.sh installs Debian's libonnx-testdata)";
  int passed = 0, failed = 0, refused = 0;
  for (const Case& c : cases) {
    if (c.outcome == Outcome::Passed) ++passed;
    if (c.outcome == Outcome::Failed) {
      ++failed;
      ADD_FAILURE() << c.name << ": wrong result: " << c.detail;
    }
    if (c.outcome == Outcome::Refused) {
      ++refused;
      // A refusal says what went wrong and, for an operator, what is supported.
      EXPECT_EQ(c.detail.rfind("onnx: ", 0), 0u) << c.name << ": " << c.detail;
      if (c.detail.find("operator ") != std::string::npos) {
        EXPECT_NE(c.detail.find("supported"), std::string::npos) << c.detail;
      }
    }
  }
  for (const char* name : kMustPass) {
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const Case& c) { return c.name == name; });
    ASSERT_NE(it, cases.end()) << name << " is not in the suite";
    EXPECT_EQ(int(it->outcome), int(Outcome::Passed)) << name << ": " << it->detail;
  }
  for (const auto& refusal : kMustRefuse) {
    const char* name = refusal.first;  // a lambda cannot capture a structured binding in C++17 (clang refuses it)
    const char* why = refusal.second;
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const Case& c) { return c.name == name; });
    ASSERT_NE(it, cases.end()) << name << " is not in the suite";
    EXPECT_EQ(int(it->outcome), int(Outcome::Refused)) << name;
    EXPECT_NE(it->detail.find(why), std::string::npos) << name << ": " << it->detail;
  }
  std::printf("ONNX backend tests (%s): %zu run, %d passed, %d failed, %d refused\n", root.c_str(), cases.size(), passed,
              failed, refused);
  if (const char* list = std::getenv("LENS_ONNX_CONFORMANCE_LIST"); list && *list)
    for (const Case& c : cases)
      std::printf("  %-7s %s%s%s\n", c.outcome == Outcome::Passed ? "passed" : c.outcome == Outcome::Failed ? "FAILED" : "refused",
                  c.name.c_str(), c.detail.empty() ? "" : ": ", c.detail.c_str());
}

}  // namespace
}  // namespace lens
