// The trainer learns (XOR, a small MNIST subset), is deterministic, and its
// recipes round-trip through JSON and reject typos.
#include <gtest/gtest.h>

#include "core/formats/bundle.h"
#include "core/training/recipe.h"
#include "core/training/train_budget.h"
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

// The page's frames run a step in pieces of bounded work (Training::work): the same bits as
// step(), with and without an input normalization, however small the pieces, and no piece
// spends more than it was given once the first has run.
TEST(Train, WorkInPiecesEqualsSteps) {
  const DataSet small = dataset_slice(test::mnist_test_set(), 0, 300);
  for (const bool norm : {false, true}) {
    TrainConfig c;
    c.sizes = {784, 12, 8, 10};
    c.epochs = 2;
    c.batch = 50;
    c.seed = 4;
    c.optimizer = norm ? Optimizer::Sgd : Optimizer::Adam;
    c.lr = norm ? 0.05f : 0.003f;
    if (norm) c.norm = InputNorm{0.1307f, 0.3081f};
    Training whole(c, small), pieces(c, small);
    while (!whole.done()) whole.step(100);
    long most = 0;
    int calls = 0;
    for (long budget = 1000; !pieces.done(); budget = budget * 3 % 200000 + 1000, ++calls) {
      const long spent = pieces.work(budget, 1000, true);
      // One column of the largest product: 12 x 784 (forward) or 12 x 50 (dW of layer 0).
      EXPECT_LE(spent, std::max<long>(budget, 12 * 784)) << "budget " << budget;
      most = std::max(most, spent);
    }
    EXPECT_GT(calls, 50) << "a step took several pieces";
    EXPECT_EQ(pieces.samples_seen(), whole.samples_seen());
    EXPECT_GT(pieces.macs(), 0);
    for (std::size_t l = 0; l < c.sizes.size() - 1; ++l) {
      EXPECT_EQ(pieces.net().layers[l].W, whole.net().layers[l].W) << "layer " << l << (norm ? " with" : " without") << " normalization";
      EXPECT_EQ(pieces.net().layers[l].b, whole.net().layers[l].b) << "layer " << l;
    }
    EXPECT_EQ(pieces.epoch_loss(), whole.epoch_loss());
  }
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

// The learning rate's range says what it is: 0 is refused, so the message says "> 0".
TEST(TrainConfig, RangeMessagesSayTheRealLimits) {
  const auto zero = train_config_from_json({{"lr", 0}});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error, "recipe: \"lr\" must be a number > 0 and <= 100 (got 0)");
  const auto big = train_config_from_json({{"l2", 11}});
  EXPECT_EQ(big.error, "recipe: \"l2\" must be a number >= 0 and <= 10 (got 11)");
  const auto epochs = train_config_from_json({{"epochs", -1}});
  EXPECT_EQ(epochs.error, "recipe: \"epochs\" must be an integer from 0 to 100000 (got -1)");
  EXPECT_TRUE(train_config_from_json({{"lr", 100}})) << "the top of the range is allowed";
}

// The recipe's id is checked with the rest of it, before any training (it once failed only
// when the bundle was written, after the whole run).
TEST(RecipeText, RefusesAnIdABundleCannotCarry) {
  const auto bad = recipe_text_check({{"id", "Bad Id!"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error, "recipe key \"id\" must be 1-64 characters of a-z, 0-9, - and _ (got \"Bad Id!\")");
  EXPECT_EQ(recipe_text_check({{"notes", 5}}).error, "recipe key \"notes\" must be a string");
  EXPECT_EQ(recipe_text_check({{"dataset", "cifar"}}).error, "recipe: unknown dataset \"cifar\" (mnist, mnist-subset or xor)");
  EXPECT_EQ(*recipe_text_check({{"id", "mlp-32_b"}}), "mnist");
}

// [784, 16384, 16384, 16384, 10] passes the recipe's own checks but has 550 M parameters:
// refused with the count and the limit before anything is allocated.
TEST(TrainBudget, RefusesMoreParametersThanABundleHolds) {
  TrainConfig c;
  c.sizes = {784, 16384, 16384, 16384, 10};
  const auto r = train_config_fits(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error, "recipe: layers 784-16384-16384-16384-10 have 549,928,970 parameters; a run trains at most "
                     "16,777,216 (what one bundle holds)");
  EXPECT_EQ(train_memory(c, 0).parameters, 549928970u);
}

// A model within the bundle's limit can still ask for too much at a large batch.
TEST(TrainBudget, RefusesABatchWhoseActivationsExceedTheBudget) {
  TrainConfig c;
  c.sizes = {784, 16384, 10};
  c.batch = 65536;
  const auto r = train_config_fits(c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("at batch 65536 need 16,"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("more than the 2,048 MiB a run may use"), std::string::npos) << r.error;
  c.batch = 64;
  EXPECT_TRUE(train_config_fits(c));
  // MNIST's 60,000 training and 10,000 test images fit beside it; 342,000 images do not.
  EXPECT_GT(train_images_that_fit(c), 70000u);
  EXPECT_LT(train_images_that_fit(c), 342000u);
  const TrainConfig healthy;
  EXPECT_LE(train_memory(healthy, 70000).total(), kTrainMemoryBudgetBytes);
}

// A run whose loss becomes NaN stops at once and says where; train() hands the message back.
TEST(Train, StopsWhenTheLossDiverges) {
  TrainConfig c = xor_config(3);
  c.optimizer = Optimizer::Sgd;
  c.lr = 100.f;
  c.l2 = 10.f;
  Training t(c, xor_cloud(100, 0.15f, c.seed));
  while (!t.done()) t.step(1000);
  ASSERT_TRUE(t.diverged());
  EXPECT_EQ(t.divergence().rfind("training diverged at epoch 1, step ", 0), 0u) << t.divergence();
  EXPECT_NE(t.divergence().find(": the loss became "), std::string::npos) << t.divergence();
  EXPECT_NE(t.divergence().find("; try a smaller learning rate"), std::string::npos) << t.divergence();
  EXPECT_EQ(t.epoch(), 0) << "it stops where it diverged";
  std::string why;
  train(c, xor_cloud(100, 0.15f, c.seed), DataSet{}, {}, &why);
  EXPECT_EQ(why, t.divergence());
  // The lesson's own recipe does not diverge.
  std::string none;
  train(xor_config(2), xor_cloud(100, 0.15f, 2), DataSet{}, {}, &none);
  EXPECT_EQ(none, "");
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
