// The graph evaluator's convolutional operators beyond what the ONNX backend tests cover: the
// convolutional fixtures (tests/onnx/convnets.json, PyTorch exports) run as written give
// PyTorch's probabilities; the suite's GlobalAveragePool cases are opset 1 (refused), so it is
// checked here against its definition; a zero Pad before an AveragePool is the
// AveragePool that counts its padding, MaxPool's Indices count the images and channels before,
// and an untrusted node's attributes, shapes and work are checked before anything is allocated
// or computed, with messages that name what is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/formats/mnist.h"
#include "core/onnx/onnx_graph.h"
#include "test_support.h"

namespace lens {
namespace {

using Dims = std::vector<std::int64_t>;
using test::has;

OnnxAttribute ints(const std::string& name, const Dims& v) {
  OnnxAttribute a;
  a.name = name, a.type = kOnnxAttrInts, a.ints = v;
  return a;
}
OnnxAttribute int1(const std::string& name, std::int64_t v) {
  OnnxAttribute a;
  a.name = name, a.type = kOnnxAttrInt, a.i = v;
  return a;
}
OnnxAttribute str(const std::string& name, const std::string& v) {
  OnnxAttribute a;
  a.name = name, a.type = kOnnxAttrString, a.s = v;
  return a;
}
OnnxAttribute flt(const std::string& name, float v) {
  OnnxAttribute a;
  a.name = name, a.type = kOnnxAttrFloat, a.f = v;
  return a;
}

OnnxNode node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out,
              const std::vector<OnnxAttribute>& attrs = {}) {
  OnnxNode n;
  n.op = op, n.name = op + "_node", n.inputs = in, n.outputs = out, n.attributes = attrs;
  return n;
}

// A float tensor of these dims holding 0.5, 1.5, 2.5, ... minus an offset (or the given values).
OnnxTensor tensor(const Dims& dims, float offset = 0.f, std::vector<float> values = {}) {
  OnnxTensor t;
  t.dims = dims;
  std::size_t n = 1;
  for (std::int64_t d : dims) n *= std::size_t(d);
  if (values.empty())
    for (std::size_t k = 0; k < n; ++k) values.push_back(float(k % 23) + 0.5f - offset);
  t.values = values;
  return t;
}

OnnxTensor int_tensor(const Dims& v) {
  OnnxTensor t;
  t.type = kOnnxInt64, t.dims = {std::int64_t(v.size())}, t.ints = v;
  return t;
}

// One node run on its inputs, with the default budget unless one is given; the error, or "".
std::string run(const OnnxNode& n, const std::vector<const OnnxTensor*>& in, std::vector<OnnxTensor>* out = nullptr,
                std::int64_t opset = 13, OnnxBudget budget = {}) {
  auto r = onnx_node_run(n, opset, in, budget);
  if (r && out) *out = std::move(*r);
  return r ? std::string() : r.error;
}

// A one-node model over a float input x of the given dims, as onnx_graph_make sees it.
Result<OnnxGraph> graph_of(const OnnxNode& n, const Dims& x, std::int64_t opset, std::vector<OnnxTensor> inits = {}) {
  OnnxModel m;
  m.opset = opset;
  m.nodes = {n};
  m.initializers = std::move(inits);
  m.inputs = {OnnxValueInfo{"x", kOnnxFloat, true, x}};
  for (const std::string& o : n.outputs)
    if (!o.empty()) m.outputs.push_back(OnnxValueInfo{o, 0, false, {}});
  return onnx_graph_make(m);
}

TEST(OnnxEval, GlobalAveragePoolAveragesEachChannelOverEverySpatialAxis) {
  const OnnxTensor x = tensor({2, 3, 4, 5});
  std::vector<OnnxTensor> out;
  ASSERT_EQ(run(node("GlobalAveragePool", {"x"}, {"y"}), {&x}, &out), "");
  ASSERT_EQ(out[0].dims, (Dims{2, 3, 1, 1}));
  for (std::size_t k = 0; k < 6; ++k) {
    double sum = 0;
    for (std::size_t j = 0; j < 20; ++j) sum += x.values[k * 20 + j];
    EXPECT_FLOAT_EQ(out[0].values[k], float(sum / 20)) << k;
  }
  const OnnxTensor line = tensor({1, 2, 3}, 0.f, {1, 2, 3, 4, 5, 9});
  ASSERT_EQ(run(node("GlobalAveragePool", {"x"}, {"y"}), {&line}, &out), "");
  EXPECT_EQ(out[0].dims, (Dims{1, 2, 1}));
  EXPECT_EQ(out[0].values, (std::vector<float>{2, 6}));
  const OnnxTensor flat = tensor({2, 3});
  EXPECT_TRUE(has(run(node("GlobalAveragePool", {"x"}, {"y"}), {&flat}), "GlobalAveragePool on a 2-D input [2, 3]"));
}

// What torch.onnx.export writes for AvgPool2d(padding=1): a Pad of zeros (a Constant of 8 pads
// from opset 11, an attribute before), then an AveragePool that counts every cell it covers.
// It is the AveragePool with the padding and count_include_pad = 1.
TEST(OnnxEval, AZeroPadThenAveragePoolIsThePoolThatCountsItsPadding) {
  const OnnxTensor x = tensor({2, 3, 5, 6}, 11.f);
  const OnnxTensor pads = int_tensor({0, 0, 1, 2, 0, 0, 1, 2});
  const OnnxTensor zero = tensor({}, 0.f, {0.f});
  std::vector<OnnxTensor> padded, padded10, pooled, direct;
  ASSERT_EQ(run(node("Pad", {"x", "pads", "zero"}, {"p"}), {&x, &pads, &zero}, &padded, 11), "");
  EXPECT_EQ(padded[0].dims, (Dims{2, 3, 7, 10}));
  ASSERT_EQ(run(node("Pad", {"x"}, {"p"}, {ints("pads", pads.ints), str("mode", "constant")}), {&x}, &padded10, 10), "");
  EXPECT_EQ(padded10[0].values, padded[0].values);
  const std::vector<OnnxAttribute> window = {ints("kernel_shape", {3, 3}), ints("strides", {2, 2})};
  ASSERT_EQ(run(node("AveragePool", {"p"}, {"y"}, window), {&padded[0]}, &pooled), "");
  std::vector<OnnxAttribute> with_pads = window;
  with_pads.push_back(ints("pads", {1, 2, 1, 2}));
  with_pads.push_back(int1("count_include_pad", 1));
  ASSERT_EQ(run(node("AveragePool", {"x"}, {"y"}, with_pads), {&x}, &direct), "");
  ASSERT_EQ(pooled[0].dims, (Dims{2, 3, 3, 4}));
  ASSERT_EQ(direct[0].dims, pooled[0].dims);
  for (std::size_t k = 0; k < direct[0].values.size(); ++k) EXPECT_FLOAT_EQ(direct[0].values[k], pooled[0].values[k]) << k;
  // Without count_include_pad the border means are over fewer cells, so they differ.
  with_pads.pop_back();
  ASSERT_EQ(run(node("AveragePool", {"x"}, {"y"}, with_pads), {&x}, &direct), "");
  EXPECT_NE(direct[0].values[0], pooled[0].values[0]);
}

// ceil_mode keeps a last window that starts inside the input; one that would start in the
// trailing padding is dropped (PyTorch's rule). A mean never counts cells past the padded input.
TEST(OnnxEval, CeilModeKeepsOnlyWindowsThatStartInTheInput) {
  const OnnxTensor ones = tensor({1, 1, 4, 4}, 0.f, std::vector<float>(16, 1.f));
  std::vector<OnnxTensor> out;
  ASSERT_EQ(run(node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), int1("ceil_mode", 1),
                                                    int1("count_include_pad", 1)}),
                {&ones}, &out),
            "");
  EXPECT_EQ(out[0].dims, (Dims{1, 1, 2, 2}));
  EXPECT_EQ(out[0].values, (std::vector<float>{1, 1, 1, 1}));
  // 5 cells, kernel 2, stride 2, pads 1 and 1: ceil((5 + 2 - 2) / 2) + 1 = 4 windows, but the
  // fourth would start at cell 5, in the trailing padding: 3 windows per axis.
  const OnnxTensor x = tensor({1, 1, 5, 5});
  ASSERT_EQ(run(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}),
                                                int1("ceil_mode", 1)}),
                {&x}, &out),
            "");
  EXPECT_EQ(out[0].dims, (Dims{1, 1, 3, 3}));
  auto win = onnx_window_2d(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}),
                                                          str("auto_pad", "SAME_LOWER")}),
                            {1, 1, 5, 5}, nullptr);
  ASSERT_TRUE(win) << win.error;
  EXPECT_EQ(win->out[0], 3);
  EXPECT_EQ((Dims{win->pads[0], win->pads[1], win->pads[2], win->pads[3]}), (Dims{1, 1, 0, 0}));  // the odd cell first
}

// Indices are flat row-major indices into X, images and channels included.
TEST(OnnxEval, MaxPoolIndicesCountTheImagesAndChannelsBefore) {
  const OnnxTensor x = tensor({2, 3, 2, 2}, 0.f, {1, 4, 2, 3, 9, 5, 6, 7, 0, 0, 8, 1, 3, 2, 1, 0, 5, 6, 7, 8, 2, 9, 4, 4});
  std::vector<OnnxTensor> out;
  ASSERT_EQ(run(node("MaxPool", {"x"}, {"y", "i"}, {ints("kernel_shape", {2, 2})}), {&x}, &out), "");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].values, (std::vector<float>{4, 9, 8, 3, 8, 9}));
  EXPECT_EQ(out[1].type, kOnnxInt64);
  EXPECT_EQ(out[1].dims, (Dims{2, 3, 1, 1}));
  EXPECT_EQ(out[1].ints, (Dims{1, 4, 10, 12, 19, 21}));
  // Before opset 8 MaxPool has no second output.
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y", "i"}, {ints("kernel_shape", {2, 2})}), {&x}, nullptr, 7),
                  "MaxPool gives a second output (Indices) from opset 8"));
}

TEST(OnnxEval, TransposeMovesIntegersAndChecksItsPermutation) {
  OnnxTensor x = int_tensor({1, 2, 3, 4, 5, 6});
  x.dims = {2, 3};
  std::vector<OnnxTensor> out;
  ASSERT_EQ(run(node("Transpose", {"x"}, {"y"}), {&x}, &out), "");
  EXPECT_EQ(out[0].dims, (Dims{3, 2}));
  EXPECT_EQ(out[0].ints, (Dims{1, 4, 2, 5, 3, 6}));
  EXPECT_TRUE(has(run(node("Transpose", {"x"}, {"y"}, {ints("perm", {0, 0})}), {&x}), "perm [0, 0] is not an order of the input's 2 axes"));
  EXPECT_TRUE(has(run(node("Transpose", {"x"}, {"y"}, {ints("perm", {1, 0, 2})}), {&x}), "perm [1, 0, 2] is not an order"));
}

// Every attribute of a window is checked before it is used, and each message names the list.
TEST(OnnxLimits, RefusesConvAndPoolAttributesThatMakeNoSense) {
  const OnnxTensor x = tensor({1, 2, 5, 5}), w = tensor({3, 2, 3, 3}), b = tensor({3});
  auto conv = [&](std::vector<OnnxAttribute> attrs, const OnnxTensor& weight, const OnnxTensor* bias = nullptr) {
    std::vector<const OnnxTensor*> in = {&x, &weight};
    if (bias) in.push_back(bias);
    return run(node("Conv", {"x", "w", bias ? "b" : ""}, {"y"}, attrs), in);
  };
  EXPECT_EQ(conv({}, w, &b), "");
  EXPECT_TRUE(has(conv({ints("pads", {-1, 0, 0, 0})}, w), "pads [-1, 0, 0, 0]: each must be from 0 to 16777216")) << conv({ints("pads", {-1, 0, 0, 0})}, w);
  EXPECT_TRUE(has(conv({ints("pads", {1, 1})}, w), "pads [1, 1] has 2 values; a 2-D Conv takes 4"));
  EXPECT_TRUE(has(conv({ints("strides", {0, 1})}, w), "strides [0, 1]: each must be from 1 to 16777216"));
  EXPECT_TRUE(has(conv({ints("strides", {1})}, w), "strides [1] has 1 value; a 2-D Conv takes 2"));
  EXPECT_TRUE(has(conv({ints("dilations", {1, 0})}, w), "dilations [1, 0]: each must be from 1"));
  EXPECT_TRUE(has(conv({ints("dilations", {3, 1})}, w), "the kernel spans 7 rows but the padded input has 5 (5 and pads 0 and 0)"));
  EXPECT_TRUE(has(conv({ints("pads", {std::int64_t(1) << 40, 0, 0, 0})}, w), "each must be from 0 to 16777216"));
  EXPECT_TRUE(has(conv({ints("kernel_shape", {2, 2})}, w), "kernel_shape [2, 2] does not match the weight W [3, 2, 3, 3]"));
  EXPECT_TRUE(has(conv({str("auto_pad", "SAME_UPPER"), ints("pads", {1, 1, 1, 1})}, w), "with auto_pad SAME_UPPER; a node gives one or the other"));
  EXPECT_TRUE(has(conv({str("auto_pad", "FULL\x01")}, w), "auto_pad 'FULL?' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER"));
  EXPECT_TRUE(has(conv({}, tensor({3, 4, 3, 3})), "the weight W [3, 4, 3, 3] takes 4 input channels but the input [1, 2, 5, 5] has 2"));
  EXPECT_TRUE(has(conv({}, tensor({3, 2, 3})), "the weight W [3, 2, 3] must be 4-D"));
  const OnnxTensor b2 = tensor({2});
  EXPECT_TRUE(has(conv({}, w, &b2), "the bias B [2] must be [3], one value per output channel"));
  EXPECT_TRUE(has(conv({int1("group", 2)}, w), "group 2: depthwise and grouped convolutions are not supported"));
  // A pooling window that covers only padding has no maximum and no mean.
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("pads", {2, 0, 0, 0})}), {&x}),
                  "the window of output row 0 takes no cell of the input, only padding (pads [2, 0, 0, 0])"));
  EXPECT_TRUE(has(run(node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("pads", {0, 0, 0, 3}), ints("strides", {1, 3})}), {&x}),
                  "the window of output column 2 takes no cell of the input"));
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y"}), {&x}), "MaxPool needs the attribute kernel_shape"));
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {6, 2})}), {&x}), "the kernel spans 6 rows but the padded input has 5"));
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {1 << 13, 1 << 13})}), {&x}),
                  "kernel_shape [8192, 8192] has more than 16777216 cells"));
}

// Shapes and work are booked before anything is allocated or computed.
TEST(OnnxLimits, BooksAConvsAndAPoolsWorkBeforeComputing) {
  // 1 x 1 input padded by 2^23 on each side: an output of (2^24 + 1)^2 cells, refused from its shape.
  const OnnxTensor dot = tensor({1, 1, 1, 1}), one = tensor({1, 1, 1, 1});
  const std::int64_t p = std::int64_t(1) << 23;
  EXPECT_TRUE(has(run(node("Conv", {"x", "w"}, {"y"}, {ints("pads", {p, p, p, p})}), {&dot, &one}),
                  "the output: shape [1, 1, 16777217, 16777217] has 281475010265089 elements; a tensor holds at most 16777216"));
  // 2 x 64 x 32 x 32 by 128 x 64 x 5 x 5: 2 * 128 * 28 * 28 outputs of 1600 taps each.
  const OnnxTensor x = tensor({2, 64, 32, 32}), w = tensor({128, 64, 5, 5});
  OnnxBudget budget;
  budget.multiply_adds = 300'000'000;
  EXPECT_TRUE(has(run(node("Conv", {"x", "w"}, {"y"}), {&x, &w}, nullptr, 13, budget),
                  "it needs 321126400 multiply-adds, past the budget of one import or run (268435456 in all; 300000000 left)"));
  budget.multiply_adds = 1000;
  const OnnxTensor small = tensor({1, 1, 32, 32});
  EXPECT_TRUE(has(run(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {3, 3})}), {&small}, nullptr, 13, budget),
                  "it needs 8100 multiply-adds"));
  EXPECT_TRUE(has(run(node("GlobalAveragePool", {"x"}, {"y"}), {&small}, nullptr, 13, budget), "it needs 1024 multiply-adds"));
  budget = {};
  budget.bytes = 1000;
  EXPECT_TRUE(has(run(node("Pad", {"x"}, {"y"}, {ints("pads", {0, 0, 1, 1, 0, 0, 1, 1})}), {&small}, nullptr, 10, budget),
                  "its output (4624 bytes) passes the budget"));
}

TEST(OnnxLimits, RefusesPadsThatAreNotZeroPaddingOfEveryAxis) {
  const OnnxTensor x = tensor({1, 1, 2, 2});
  const OnnxTensor neg = int_tensor({0, 0, -1, 0, 0, 0, 0, 0}), short_pads = int_tensor({1, 1, 1, 1});
  const OnnxTensor two = tensor({}, 0.f, {2.f});
  EXPECT_TRUE(has(run(node("Pad", {"x", "p"}, {"y"}), {&x, &neg}, nullptr, 11), "has a negative value (a crop), which is not supported"));
  EXPECT_TRUE(has(run(node("Pad", {"x", "p"}, {"y"}), {&x, &short_pads}, nullptr, 11),
                  "pads [1, 1, 1, 1] has 4 values; an input of rank 4 [1, 1, 2, 2] takes 8"));
  // A list from the file is quoted in part: an attribute may hold 2^24 values.
  EXPECT_TRUE(has(run(node("Pad", {"x"}, {"y"}, {ints("pads", Dims(20, 1))}), {&x}, nullptr, 10),
                  "pads [1, 1, 1, 1, 1, 1, 1, 1, ... (20 values)] has 20 values; an input of rank 4 [1, 1, 2, 2] takes 8"));
  const OnnxTensor pads = int_tensor({0, 0, 1, 1, 0, 0, 1, 1});
  EXPECT_TRUE(has(run(node("Pad", {"x", "p", "v"}, {"y"}), {&x, &pads, &two}, nullptr, 11), "Pad with the value 2 is not supported; supported: 0"));
  EXPECT_TRUE(has(run(node("Pad", {"x", "p"}, {"y"}, {str("mode", "reflect")}), {&x, &pads}, nullptr, 11),
                  "Pad in mode 'reflect' is not supported; supported: mode 'constant' with the value 0"));
  EXPECT_TRUE(has(run(node("Pad", {"x"}, {"y"}), {&x}, nullptr, 11), "Pad takes its pads as its second input from opset 11"));
  EXPECT_TRUE(has(run(node("Pad", {"x"}, {"y"}, {ints("pads", pads.ints)}), {&x}, nullptr, 11),
                  "attribute 'pads' of Pad is not in opset 11 (it exists up to opset 10)"));
  EXPECT_TRUE(has(run(node("Pad", {"x", "p"}, {"y"}), {&x, &pads}, nullptr, 9), "Pad takes its pads as an attribute before opset 11"));
}

// What a model's opset or mode rules out is refused when the graph is made, before any run.
TEST(OnnxLimits, RefusesTrainingModesAndAttributesTheOpsetLacksWhenTheGraphIsMade) {
  const std::vector<OnnxTensor> stats = {tensor({2}), tensor({2}), tensor({2}), tensor({2}, 0.f, {1.f, 2.f})};
  std::vector<OnnxTensor> named = stats;
  const char* const names[] = {"s", "b", "m", "v"};
  for (int k = 0; k < 4; ++k) named[std::size_t(k)].name = names[k];
  auto bn = [&](std::int64_t opset, std::vector<std::string> outputs, std::vector<OnnxAttribute> attrs) {
    auto g = graph_of(node("BatchNormalization", {"x", "s", "b", "m", "v"}, outputs, attrs), {1, 2, 3, 3}, opset, named);
    return g ? std::string() : g.error;
  };
  EXPECT_EQ(bn(15, {"y"}, {}), "");
  EXPECT_EQ(bn(6, {"y"}, {int1("is_test", 1)}), "");
  EXPECT_TRUE(has(bn(15, {"y", "rm", "rv"}, {int1("training_mode", 1)}), "training mode (training_mode = 1")) << bn(15, {"y", "rm", "rv"}, {int1("training_mode", 1)});
  EXPECT_TRUE(has(bn(9, {"y", "m2", "v2"}, {}), "running statistics as outputs (training mode) is not supported; export with model.eval()"));
  EXPECT_TRUE(has(bn(6, {"y"}, {}), "is_test = 0 (training mode in opset 6)"));
  EXPECT_TRUE(has(bn(7, {"y"}, {int1("spatial", 0)}), "spatial = 0 (statistics per activation) is not supported"));
  EXPECT_TRUE(has(bn(9, {"y"}, {int1("spatial", 1)}), "attribute 'spatial' of BatchNormalization is not in opset 9 (it exists up to opset 8)"));
  EXPECT_TRUE(has(bn(13, {"y"}, {int1("training_mode", 0)}), "attribute 'training_mode' of BatchNormalization is not in opset 13 (it exists from opset 14)"));
  auto g = graph_of(node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), int1("ceil_mode", 1)}), {1, 1, 4, 4}, 9);
  ASSERT_FALSE(g);
  EXPECT_TRUE(has(g.error, "node 'MaxPool_node' (#0, MaxPool): attribute 'ceil_mode' of MaxPool is not in opset 9 (it exists from opset 10)")) << g.error;
  OnnxTensor w = tensor({3, 1, 3, 3});
  w.name = "w";
  g = graph_of(node("Conv", {"x", "w"}, {"y"}, {int1("group", 3)}), {1, 3, 4, 4}, 13, {w});
  ASSERT_FALSE(g);
  EXPECT_TRUE(has(g.error, "group 3: depthwise and grouped convolutions are not supported; supported: group 1")) << g.error;
  // The evaluator's own checks agree: the same BatchNormalization in training mode is refused by a run.
  std::vector<const OnnxTensor*> in = {nullptr, &stats[0], &stats[1], &stats[2], &stats[3]};
  const OnnxTensor x = tensor({1, 2, 3, 3});
  in[0] = &x;
  EXPECT_TRUE(has(run(node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}, {int1("training_mode", 1)}), in, nullptr, 15),
                  "export with model.eval()"));
  EXPECT_TRUE(has(run(node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}), {&x, &stats[0], &x, &stats[2], &stats[3]}, nullptr, 15),
                  "B [1, 2, 3, 3] must be [2], one value per channel of the input [1, 2, 3, 3]"));
  std::vector<OnnxTensor> out;
  ASSERT_EQ(run(node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}, {flt("epsilon", 0.5f)}), in, &out, 15), "");
  const double scale = stats[0].values[1] / std::sqrt(2.0 + 0.5);
  EXPECT_FLOAT_EQ(out[0].values[9], float((x.values[9] - stats[2].values[1]) * scale + stats[1].values[1]));
}

// The convolutional fixtures (tools/onnx-conv-fixtures.py: PyTorch's MNIST examples, the Keras
// and TF.js convnets in tf2onnx's NHWC layout with Transposes, BatchNorm, zero Pad + AveragePool,
// strides, dilation, GlobalAveragePool), run as written by the evaluator, give PyTorch's
// probabilities on the first MNIST test images within 1e-4. Each model runs once on as many
// images as half a run's multiply-add budget covers (at most 100), measured on one image first.
TEST(OnnxFixtures, ConvnetsRunAsWrittenGivePyTorchsProbabilities) {
  const std::string dir = test::onnx_fixtures_dir();
  auto manifest = file_read(dir + "/convnets.json");
  ASSERT_TRUE(manifest) << manifest.error;
  const auto j = nlohmann::json::parse(manifest->begin(), manifest->end());
  const DataSet& test_set = test::mnist_test_set();
  int convnets = 0;
  for (const auto& m : j["models"]) {
    const std::string id = m["id"].get<std::string>(), final = m["final"].get<std::string>();
    auto onnx = file_read(dir + "/" + m["onnx"].get<std::string>());
    auto probs = file_read(dir + "/" + m["probs"].get<std::string>());
    ASSERT_TRUE(onnx && probs) << id;
    ASSERT_EQ(probs->size(), 1000u * 10u * 4u) << id;
    auto model = onnx_model_parse(*onnx);
    ASSERT_TRUE(model) << id << ": " << model.error;
    auto g = onnx_graph_make(*model);
    ASSERT_TRUE(g) << id << ": " << g.error;
    ASSERT_EQ(g->inputs.size(), 1u) << id;
    const bool nhwc = m["layout"].get<std::string>() == "NHWC";  // one channel: the same floats as NCHW
    float mean = 0.f, sd = 1.f;
    if (!m["normalize"].is_null()) mean = m["normalize"][0].get<float>(), sd = m["normalize"][1].get<float>();
    auto images = [&](int from, int n) {
      OnnxTensor x;
      x.dims = nhwc ? Dims{n, 28, 28, 1} : Dims{n, 1, 28, 28};
      for (int k = from; k < from + n; ++k)
        for (int p = 0; p < 784; ++p) x.values.push_back((test_set.images(p, k) - mean) / sd);
      return x;
    };
    OnnxBudget one;
    ASSERT_TRUE(onnx_graph_run(*g, {images(0, 1)}, one)) << id;
    const std::uint64_t per_image = std::max<std::uint64_t>(1, kOnnxMaxMultiplyAdds - one.multiply_adds);
    const int n = int(std::min<std::uint64_t>(100, kOnnxMaxMultiplyAdds / 2 / per_image));
    ASSERT_GE(n, 10) << id;
    auto out = onnx_graph_run(*g, {images(0, n)});
    ASSERT_TRUE(out) << id << ": " << out.error;
    ASSERT_EQ((*out)[0].dims, (Dims{n, 10})) << id;
    float worst = 0;
    for (int k = 0; k < n; ++k) {
      const float* z = (*out)[0].values.data() + 10 * k;
      double top = *std::max_element(z, z + 10), sum = 0;
      for (int c = 0; c < 10; ++c) sum += std::exp(double(z[c]) - top);
      for (int c = 0; c < 10; ++c) {
        const double got = final == "softmax" ? z[c] : final == "logsoftmax" ? std::exp(double(z[c])) : std::exp(z[c] - top) / sum;
        float want;
        std::memcpy(&want, probs->data() + 4 * (10 * k + c), 4);
        worst = std::max(worst, float(std::abs(got - want)));
      }
    }
    EXPECT_LE(worst, 1e-4f) << id;
    std::printf("%-22s evaluated as written: max |p - p_torch| = %.2e over %d images (%llu multiply-adds each)\n", id.c_str(),
                double(worst), n, (unsigned long long)per_image);
    convnets += m["layout"].get<std::string>() == "NHWC" || std::find(m["ops"].begin(), m["ops"].end(), "Conv") != m["ops"].end();
  }
  EXPECT_GE(convnets, 6);
}

}  // namespace
}  // namespace lens
