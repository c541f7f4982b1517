// Training convnets: a recipe's "conv" layers read, checked and written back; the network they
// build and its seeded initialisation; training that gives the same bits twice and however it is
// sliced, and whose loss falls; a recipe-built convnet's gradients against finite differences
// and against PyTorch's on the same weights (tests/onnx/conv-grad-fixture.json, written by
// tools/conv-grad-fixture.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/formats/bytes.h"
#include "core/formats/crc32.h"
#include "core/numerics/loss.h"
#include "core/training/train_budget.h"
#include "core/training/trainer.h"
#include "test_support.h"

namespace lens {
namespace {

using nlohmann::json;

// The TF.js example's shape: conv 8 of 5x5, pool 2, conv 16 of 5x5, pool 2, dense 256 -> 10.
json cnn_recipe() {
  return json::parse(R"({"conv": [{"channels": 8, "kernel": 5, "pool": 2}, {"channels": 16, "kernel": 5, "pool": 2}],
                         "layers": ["auto", 10], "seed": 3})");
}

// A convnet small enough to train in a test: conv 4 of 5x5 stride 2 (12x12), pool 2 (6x6), dense 144 -> 16 -> 10.
TrainConfig tiny_convnet() {
  auto c = train_config_from_json(json::parse(R"({"conv": [{"channels": 4, "kernel": 5, "stride": 2, "pool": 2}],
      "layers": ["auto", 16, 10], "lr": 0.003, "batch": 32, "epochs": 1, "seed": 11, "bias_init": 0.05})"));
  EXPECT_TRUE(c) << c.error;
  return c ? *c : TrainConfig{};
}

std::uint32_t weights_crc(const Mlp& net) {
  std::uint32_t crc = 0;
  for (const Layer& d : net.layers) {
    crc = crc32(reinterpret_cast<const std::uint8_t*>(d.W.data()), std::size_t(d.W.size()) * 4, crc);
    crc = crc32(reinterpret_cast<const std::uint8_t*>(d.b.data()), std::size_t(d.b.size()) * 4, crc);
  }
  return crc;
}

bool same_bits(const Mlp& a, const Mlp& b) {
  if (a.layers.size() != b.layers.size()) return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const Layer &x = a.layers[l], &y = b.layers[l];
    if (x.W.rows() != y.W.rows() || x.W.cols() != y.W.cols() || x.b.size() != y.b.size()) return false;
    if (std::memcmp(x.W.data(), y.W.data(), std::size_t(x.W.size()) * 4) ||
        std::memcmp(x.b.data(), y.b.data(), std::size_t(x.b.size()) * 4))
      return false;
  }
  return true;
}

TEST(ConvRecipe, ReadsAutoAndRoundTrips) {
  auto c = train_config_from_json(cnn_recipe());
  ASSERT_TRUE(c) << c.error;
  ASSERT_EQ(c->conv.size(), 2u);
  EXPECT_EQ(c->conv[1].channels, 16);
  EXPECT_EQ(c->conv[1].stride, 1);  // the defaults
  EXPECT_EQ(c->conv[1].pad, 0);
  EXPECT_EQ(c->sizes, (std::vector<int>{256, 10}));  // "auto": 16 x 4 x 4
  const json j = train_config_to_json(*c);
  EXPECT_EQ(j["conv"][0], json::parse(R"({"channels": 8, "kernel": 5, "stride": 1, "pad": 0, "pool": 2})"));
  EXPECT_EQ(j["layers"], json::parse("[256, 10]"));  // written resolved
  const auto back = train_config_from_json(j);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->conv, c->conv);
  EXPECT_EQ(train_config_to_json(*back), j);
  EXPECT_EQ(train_config_inputs(*c), 784);
}

// An MLP's recipe says nothing of convolutions, so its bundles keep their bytes.
TEST(ConvRecipe, AnMlpRecipeIsWrittenAsBefore) {
  const json j = train_config_to_json(TrainConfig{});
  EXPECT_FALSE(j.contains("conv"));
  EXPECT_EQ(j.dump(),
            R"({"activation":"relu","adam_eps":9.99999993922529e-09,"batch":64,"beta1":0.8999999761581421,"beta2":0.9990000128746033,)"
            R"("bias_init":0.0,"epochs":10,"head":"softmax","init":"he","l2":0.0,"layers":[784,32,10],"lr":0.0010000000474974513,)"
            R"("lr_decay":0.5,"lr_step":5,"momentum":0.8999999761581421,"optimizer":"adam","schedule":"constant","seed":1,"validation":5000})");
}

TEST(ConvRecipe, RefusesWhatCannotTrainWithAMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"conv": {"channels": 8}, "layers": ["auto", 10]})", R"("conv" must be a list of 1 to 8 layers)"},
      {R"({"conv": [], "layers": ["auto", 10]})", R"("conv" must be a list of 1 to 8 layers)"},
      {R"({"conv": [8], "layers": ["auto", 10]})", R"("conv" layer 1: must be an object)"},
      {R"({"conv": [{"channels": 8}], "layers": ["auto", 10]})", R"("conv" layer 1: needs "kernel")"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "size": 2}], "layers": ["auto", 10]})", R"("conv" layer 1: unknown key "size")"},
      {R"({"conv": [{"channels": 0, "kernel": 5}], "layers": ["auto", 10]})",
       R"("conv" layer 1: "channels" must be an integer from 1 to 1024 (got 0))"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "pad": 5}], "layers": ["auto", 10]})",
       R"("conv" layer 1: "pad" must be an integer from 0 to 4 (got 5))"},
      {R"({"conv": [{"channels": 8, "kernel": 3, "stride": 1.5}], "layers": ["auto", 10]})",
       R"("conv" layer 1: "stride" must be an integer from 1 to 28 (got 1.5))"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "pool": 2}, {"channels": 8, "kernel": 5, "pool": 2},
                    {"channels": 8, "kernel": 5}], "layers": ["auto", 10]})",
       R"("conv" layer 3: a 5 x 5 kernel does not fit a 4 x 4 map)"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "pool": 25}], "layers": ["auto", 10]})",
       R"("conv" layer 1: pool 25: a 25 x 25 kernel does not fit a 24 x 24 map)"},
      {R"({"conv": [{"channels": 1024, "kernel": 7, "pad": 6}], "layers": ["auto", 10]})",
       R"("conv" layer 1: its maps, 1024x34x34, have more than the 1048576 values a bundle holds)"},
      {R"({"conv": [{"channels": 256, "kernel": 1}, {"channels": 1024, "kernel": 3}], "layers": ["auto", 10]})",
       R"("conv" layers take 1595 million multiply-adds per image; a bundle holds at most 128 million)"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "pool": 2}, {"channels": 16, "kernel": 5, "pool": 2}], "layers": [100, 10]})",
       R"("layers" starts with 100 but the "conv" layers give 16x4x4 = 256 values: start it with 256 or "auto")"},
      {R"({"conv": [{"channels": 8, "kernel": 5, "pool": 2}], "layers": [784, 10]})",
       R"("layers" starts with 784 but the "conv" layers give 8x12x12 = 1152 values)"},
      {R"({"conv": [{"channels": 2, "kernel": 3, "pad": 1}, {"channels": 2, "kernel": 3, "pad": 1}],
           "layers": ["auto", 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10]})",
       R"("conv" and "layers" make 17 layers; a bundle holds at most 16)"},
      {R"({"layers": ["auto", 10]})", R"("layers" sizes must be integers in [1, 16384])"},
      {R"({"conv": [{"channels": 8, "kernel": 5}], "layers": [10, "auto"]})", R"("layers" sizes must be integers)"},
  };
  for (const auto& [text, message] : cases) {
    const auto c = train_config_from_json(json::parse(text));
    ASSERT_FALSE(c) << text;
    EXPECT_TRUE(test::has(c.error, message)) << text << "\n  got: " << c.error << "\n  want: " << message;
  }
}

TEST(ConvRecipe, BuildsTheNetworkItDescribes) {
  const auto c = train_config_from_json(cnn_recipe());
  ASSERT_TRUE(c) << c.error;
  const Mlp net = train_config_network(*c);
  ASSERT_EQ(net.layers.size(), 3u);
  EXPECT_EQ(layer_description(net.layers[0]), "conv 8 of 5x5, relu -> 8x24x24, max pool 2x2 stride 2 -> 8x12x12");
  EXPECT_EQ(layer_description(net.layers[1]), "conv 16 of 5x5, relu -> 16x8x8, max pool 2x2 stride 2 -> 16x4x4");
  EXPECT_EQ(layer_description(net.layers[2]), "dense 256 -> 10, identity");
  EXPECT_EQ(net.inputs(), 784);
  // What the run's budget counts is what the network has.
  EXPECT_EQ(train_memory(*c, 1).parameters, net.parameter_count());
  EXPECT_EQ(net.parameter_count(), std::size_t(8 * 26 + 16 * 201 + 10 * 257));
}

// He initialisation draws a filter's weights with variance 2 / (C_in kh kw), from the seed.
TEST(ConvRecipe, InitialisesFiltersByTheirTaps) {
  auto c = train_config_from_json(cnn_recipe());
  ASSERT_TRUE(c) << c.error;
  auto drawn = [&](Init init) {
    Mlp net = train_config_network(*c);
    Rng rng(c->seed);
    mlp_initialize(net, init, 0.1f, rng);
    return net;
  };
  const Mlp he = drawn(Init::He), again = drawn(Init::He), xavier = drawn(Init::Xavier);
  EXPECT_TRUE(same_bits(he, again));
  const Eigen::MatrixXf& W2 = he.layers[1].W;  // 16 x 200: 3,200 draws
  const double sd = std::sqrt(double(W2.squaredNorm()) / double(W2.size()));
  EXPECT_NEAR(sd, std::sqrt(2.0 / 200), 0.05 * std::sqrt(2.0 / 200));
  const Eigen::MatrixXf& X2 = xavier.layers[1].W;  // fans 200 and 16 x 25
  EXPECT_NEAR(std::sqrt(double(X2.squaredNorm()) / double(X2.size())), std::sqrt(2.0 / 600), 0.05 * std::sqrt(2.0 / 600));
  EXPECT_EQ(he.layers[0].b(0), 0.1f);
  EXPECT_EQ(he.layers[2].b(0), 0.f);  // the output layer's biases start at 0
}

const DataSet& training_digits() {  // 640 test digits: enough for 20 steps of 32
  static const DataSet d = dataset_slice(test::mnist_test_set(), 0, 640);
  return d;
}

TEST(ConvTrain, SameBitsTwiceAndHoweverTheStepsAreSliced) {
  const TrainConfig c = tiny_convnet();
  Training a(c, training_digits()), b(c, training_digits()), sliced(c, training_digits());
  while (!a.done()) a.step(3);
  while (!b.done()) b.step(1000);
  // work() in budgets smaller than a step: each call runs one whole step (at_least_one).
  int calls = 0;
  while (!sliced.done() && calls < 100) sliced.work(1000, 1, true), ++calls;
  EXPECT_EQ(a.epoch(), 1);
  EXPECT_TRUE(same_bits(a.net(), b.net()));
  EXPECT_TRUE(same_bits(a.net(), sliced.net()));
  EXPECT_EQ(calls, a.steps_per_epoch());
  // and a budget too small for a step, without at_least_one, runs nothing
  Training idle(c, training_digits());
  EXPECT_EQ(idle.work(1000, 1, false), 0);
  EXPECT_EQ(idle.samples_seen(), 0);
  // The run's weights, pinned: a change to what a convnet's step computes shows here, and the
  // ctests kernels_same_bits_sse and _avx2 run this test with the SIMD width capped.
  EXPECT_EQ(weights_crc(a.net()), 0xd7422816u);
}

TEST(ConvTrain, TheLossFallsAndEvaluateRuns) {
  TrainConfig c = tiny_convnet();
  c.epochs = 2;
  const DataSet held_out = dataset_slice(test::mnist_test_set(), 2000, 500);
  Training t(c, training_digits());
  const Evaluation before = evaluate(t.net(), held_out);
  while (!t.done()) t.step(1000);
  const Evaluation after = evaluate(t.net(), held_out);
  EXPECT_LT(after.loss, 0.7f * before.loss) << before.loss << " -> " << after.loss;
  EXPECT_GT(after.accuracy, 0.3f);  // 40 steps of 32 digits: well above chance (0.1), far from done
  // mlp_forward in passes: the same logits as one trace of the whole set
  Trace trace;
  mlp_forward_trace(t.net(), held_out.images, trace);
  const Eigen::MatrixXf logits = mlp_forward(t.net(), held_out.images);
  EXPECT_EQ(std::memcmp(logits.data(), trace.logits().data(), std::size_t(logits.size()) * 4), 0);
}

// train() runs a convnet to the end and stops one that diverges before a weight changes.
TEST(ConvTrain, DivergenceStopsTheRun) {
  TrainConfig c = tiny_convnet();
  c.lr = 100.f;
  c.optimizer = Optimizer::Sgd;
  c.epochs = 3;
  std::string divergence;
  train(c, training_digits(), DataSet{}, {}, &divergence);
  EXPECT_TRUE(test::has(divergence, "training diverged at epoch")) << divergence;
}

TEST(ConvTrain, GradientsMatchFiniteDifferences) {
  auto c = train_config_from_json(json::parse(R"({"conv": [{"channels": 2, "kernel": 5, "stride": 2, "pool": 2},
      {"channels": 3, "kernel": 3, "pad": 1, "pool": 2}], "layers": ["auto", 5, 10], "activation": "tanh"})"));
  ASSERT_TRUE(c) << c.error;
  for (Activation act : {Activation::Tanh, Activation::ReLU}) {
    Mlp net = train_config_network(*c);
    for (Layer& d : net.layers) d.act = &d == &net.layers.back() ? Activation::Identity : act;
    Rng rng(5);
    mlp_initialize(net, Init::He, 0.05f, rng);
    const Eigen::MatrixXf x = dataset_slice(test::mnist_test_set(), 0, 2).images;
    const test::GradientCheck r = test::check_gradients(net, x, one_hot({7, 2}, 10));
    std::printf("%s convnet: %d gradients against finite differences, max relative error %.2e\n", activation_name(act),
                r.checked, r.worst);
    EXPECT_GT(r.checked, 100);
    EXPECT_LT(r.worst, 1e-2) << activation_name(act);  // test_conv.cpp's bound: float rounding in a difference
  }
}

// The tiny convnet of tools/conv-grad-fixture.py, built from the fixture's recipe with
// PyTorch's weights: the logits, the loss and every weight's and bias's gradient agree.
TEST(ConvTrain, GradientsMatchPyTorch) {
  const auto bytes = file_read(test::onnx_fixtures_dir() + "/conv-grad-fixture.json");
  ASSERT_TRUE(bytes) << bytes.error;
  const json f = json::parse(bytes->begin(), bytes->end());
  const auto c = train_config_from_json(f["recipe"]);
  ASSERT_TRUE(c) << c.error;
  Mlp net = train_config_network(*c);
  ASSERT_EQ(net.layers.size(), f["layers"].size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    Layer& d = net.layers[l];
    const json& w = f["layers"][l]["W"];
    ASSERT_EQ(w.size(), std::size_t(d.W.size())) << "layer " << l;
    for (Eigen::Index i = 0; i < d.W.rows(); ++i)
      for (Eigen::Index k = 0; k < d.W.cols(); ++k) d.W(i, k) = w[std::size_t(i * d.W.cols() + k)].get<float>();
    for (Eigen::Index i = 0; i < d.b.size(); ++i) d.b(i) = f["layers"][l]["b"][std::size_t(i)].get<float>();
  }
  const std::vector<int> labels = f["labels"].get<std::vector<int>>();
  const Eigen::Index N = Eigen::Index(labels.size());
  Eigen::MatrixXf x(784, N);
  for (Eigen::Index n = 0; n < N; ++n)
    for (Eigen::Index i = 0; i < 784; ++i) x(i, n) = f["x"][std::size_t(n * 784 + i)].get<float>();
  Trace trace;
  mlp_forward_trace(net, x, trace);
  const LossResult loss = cross_entropy(net.head, trace.logits(), one_hot(labels, 10));
  const Gradients g = mlp_backward(net, trace, loss.dlogits);

  // Relative to each number, with a floor of 1e-3 of the largest in its tensor (a gradient of
  // 1e-9 beside ones of 1e-1 is rounding in both).
  double worst = 0;
  auto compare = [&](const char* what, std::size_t l, const float* ours, const json& theirs) {
    double largest = 0;
    for (const json& v : theirs) largest = std::max(largest, std::abs(v.get<double>()));
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const double t = theirs[i].get<double>(), e = std::abs(double(ours[i]) - t) / std::max(std::abs(t), 1e-3 * largest);
      worst = std::max(worst, e);
      EXPECT_LT(e, 1e-4) << what << " of layer " << l << " [" << i << "]: " << ours[i] << " vs PyTorch's " << t;
    }
  };
  EXPECT_NEAR(loss.loss, f["loss"].get<double>(), 1e-5);
  Eigen::MatrixXf logits = trace.logits();  // (10, N): sample after sample, as the fixture
  compare("logits", net.layers.size(), logits.data(), f["logits"]);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> dW = g.dW[l];  // the fixture's order
    compare("dW", l, dW.data(), f["layers"][l]["dW"]);
    compare("db", l, g.db[l].data(), f["layers"][l]["db"]);
  }
  std::printf("convnet gradients against PyTorch (float64) on the same weights: max relative error %.2e\n", worst);
}

}  // namespace
}  // namespace lens
