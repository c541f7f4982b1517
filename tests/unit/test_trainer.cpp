// The trainer learns (XOR, a small MNIST subset), is deterministic, and its
// recipes round-trip through JSON and reject typos.
#include <gtest/gtest.h>

#include "core/formats/bundle.h"
#include "core/training/trainer.h"
#include "test_support.h"

namespace lens {
namespace {

TrainConfig xor_config(std::uint64_t seed) {
  TrainConfig c;
  c.sizes = {2, 2, 1};
  c.hidden = Activation::Tanh;
  c.head = Head::Sigmoid;
  c.init = Init::Xavier;
  c.lr = 0.05f;
  c.batch = 16;
  c.epochs = 100;
  c.seed = seed;
  return c;
}

// 100 epochs of 400 noisy points is the budget; the shipped recipe's seed must solve XOR in it.
TEST(Train, SolvesXorWithinBudget) {
  const TrainConfig c = xor_config(2);
  const Mlp net = train(c, xor_cloud(100, 0.15f, c.seed), DataSet{});
  const Evaluation e = evaluate(net, xor_points());
  EXPECT_EQ(e.accuracy, 1.f) << "loss " << e.loss;
  EXPECT_LT(e.loss, 0.05f);
}

TEST(Train, LearnsFromASmallMnistSubset) {
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;
  const DataSet train_set = dataset_slice(*test, 0, 2000), held_out = dataset_slice(*test, 2000, 1000);
  TrainConfig c;
  c.sizes = {784, 32, 10};
  c.epochs = 8;
  c.batch = 32;
  c.seed = 5;
  const Mlp net = train(c, train_set, DataSet{});
  const Evaluation e = evaluate(net, held_out);
  EXPECT_GT(e.accuracy, 0.85f);
  std::printf("2000-image training, 1000 held out: accuracy %.2f%%\n", 100.0 * e.accuracy);
}

// A recipe's "normalize": the network trains on (x - mean) / std, keeps the map, learns as
// well, and the recipe round-trips with it (and without it, as before).
TEST(Train, LearnsWithAnInputNormalization) {
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;
  const DataSet train_set = dataset_slice(*test, 0, 2000), held_out = dataset_slice(*test, 2000, 1000);
  auto c = train_config_from_json({{"layers", {784, 32, 10}}, {"epochs", 8}, {"batch", 32}, {"seed", 5u},
                                   {"normalize", {0.1307, 0.3081}}});
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(train_config_to_json(*c)["normalize"][1], 0.3081f);
  EXPECT_FALSE(train_config_to_json(TrainConfig{}).contains("normalize"));
  EXPECT_FALSE(train_config_from_json({{"normalize", {0.1, 0.0}}}));
  const Mlp net = train(*c, train_set, DataSet{});
  EXPECT_FLOAT_EQ(net.norm.mean, 0.1307f);
  const Evaluation e = evaluate(net, held_out);
  EXPECT_GT(e.accuracy, 0.85f);
  std::printf("2000-image training on normalized input, 1000 held out: accuracy %.2f%%\n", 100.0 * e.accuracy);
}

// The page trains a few batches per frame; however the steps are sliced, the weights are
// the same bits as one uninterrupted run.
TEST(Train, SlicedTrainingEqualsOneRun) {
  const DataSet small = dataset_slice(test::mnist_test_set(), 0, 700);
  TrainConfig c;
  c.sizes = {784, 16, 10};
  c.epochs = 3;
  c.batch = 32;
  c.seed = 9;
  const Mlp whole = train(c, small, DataSet{});
  Training t(c, small);
  EXPECT_EQ(t.steps_per_epoch(), 700 / 32);
  int slices = 0, epochs_seen = 0;
  for (int n = 1; !t.done(); n = n % 7 + 1, ++slices) {
    const int ran = t.step(n);
    EXPECT_GE(ran, 1);
    EXPECT_LE(ran, n);
    if (t.epoch_ended()) ++epochs_seen;
  }
  EXPECT_EQ(epochs_seen, 3);
  EXPECT_GT(slices, 3 * 21 / 7);
  EXPECT_EQ(t.samples_seen(), 3L * 21 * 32);
  for (std::size_t l = 0; l < whole.layers.size(); ++l) {
    EXPECT_EQ(t.net().layers[l].W, whole.layers[l].W) << "layer " << l;
    EXPECT_EQ(t.net().layers[l].b, whole.layers[l].b) << "layer " << l;
  }
  EXPECT_EQ(t.step(5), 0) << "a finished run does nothing";
}

TEST(Train, SameSeedGivesIdenticalBundles) {
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;
  const DataSet small = dataset_slice(*test, 0, 500);
  TrainConfig c;
  c.sizes = {784, 8, 10};
  c.epochs = 2;
  c.optimizer = Optimizer::Sgd;
  c.lr = 0.05f;
  auto bundle_for = [&](std::uint64_t seed) {
    c.seed = seed;
    Bundle b;
    b.info.id = "determinism";
    b.net = train(c, small, DataSet{});
    return bundle_write(b);
  };
  EXPECT_EQ(bundle_for(9), bundle_for(9));
  EXPECT_NE(bundle_for(9), bundle_for(10)) << "the seed must matter";
}

TEST(TrainConfig, RoundTripsThroughJson) {
  TrainConfig c = xor_config(77);
  c.schedule = Schedule::Step;
  c.l2 = 0.25f;
  const auto back = train_config_from_json(train_config_to_json(c));
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(train_config_to_json(*back), train_config_to_json(c));
}

TEST(TrainConfig, RejectsUnknownKeysAndBadValues) {
  auto expect_error = [](const char* text, const char* fragment) {
    const auto r = train_config_from_json(nlohmann::json::parse(text));
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error.find(fragment), std::string::npos) << r.error;
  };
  expect_error(R"({"learning_rate": 0.1})", "unknown key \"learning_rate\"");
  expect_error(R"({"optimizer": "adagrad"})", "sgd, adam");
  expect_error(R"({"lr": -1})", "\"lr\"");
  expect_error(R"({"layers": [784]})", "\"layers\"");
  expect_error(R"({"seed": -3})", "\"seed\"");
}

TEST(SplitValidation, PartitionsWithoutOverlap) {
  const auto test = mnist_load(test::mnist_dir(), "t10k");
  ASSERT_TRUE(test) << test.error;
  DataSet a, b;
  split_validation(*test, 1000, 3, a, b);
  EXPECT_EQ(a.size(), 9000);
  EXPECT_EQ(b.size(), 1000);
  EXPECT_NEAR(a.images.cast<double>().sum() + b.images.cast<double>().sum(), test->images.cast<double>().sum(), 1e-6);
}

}  // namespace
}  // namespace lens
