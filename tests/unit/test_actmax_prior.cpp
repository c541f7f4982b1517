// Activation maximization through the digit prior (interpret/actmax_prior.h) and diversity
// (interpret/diversity.h) on the shipped models, asserted at the figures the docs quote (issue
// 13's goals were looser: 30% closer, 9/10 and 8/10 classes, 9 of 10 neurons). The figures are
// printed so they can be quoted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/formats/bundle.h"
#include "interpret/actmax.h"
#include "interpret/actmax_prior.h"
#include "interpret/diversity.h"
#include "test_support.h"

namespace lens {
namespace {

const char* const kMnistModels[] = {"mlp6-dead", "mlp6", "mlp32", "mlp128", "mlp2x64"};

using test::shipped;

const Mlp& decoder() {
  static const Mlp d = shipped("digit-prior").net;
  return d;
}

std::vector<int> all_units(int n) {
  std::vector<int> u(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) u[std::size_t(i)] = i;
  return u;
}

// Euclidean distance from each column of images to its nearest test digit.
Eigen::VectorXf nearest_distance(const Eigen::MatrixXf& images) {
  const Eigen::MatrixXf& T = test::mnist_test_set().images;
  const Eigen::RowVectorXf tn = T.colwise().squaredNorm();
  const Eigen::MatrixXf dots = images.transpose() * T;  // (images, 10k)
  Eigen::VectorXf out(images.cols());
  for (Eigen::Index i = 0; i < images.cols(); ++i) {
    const float in = images.col(i).squaredNorm();
    out(i) = std::sqrt(std::max(0.f, (tn.array() - 2.f * dots.row(i).array()).minCoeff() + in));
  }
  return out;
}

// The page's raw maximization images of one layer (model_analysis' settings).
Eigen::MatrixXf raw_images(const Mlp& net, int layer) {
  const bool output = layer + 1 == int(net.layers.size());
  return actmax_run(net, layer, all_units(net.layers[std::size_t(layer)].outputs()),
                    output ? actmax_output_defaults() : ActmaxConfig{}, ActmaxObjective::Logit);
}

Eigen::MatrixXf prior_images(const Mlp& net, int layer) {
  return prior_actmax_run(net, decoder(), layer, all_units(net.layers[std::size_t(layer)].outputs()), PriorActmaxConfig{});
}

// Digit-prior images are closer to their nearest real digit than raw ones: at least 35% closer
// over the hidden neurons of mlp128 (measured 6.52 vs 10.05) and at least 53% over the output
// classes of every MNIST model (4.77 vs 10.21).
TEST(ActmaxPrior, ImagesAreCloserToRealDigits) {
  const Mlp net = shipped("mlp128").net;
  const float raw = nearest_distance(raw_images(net, 0)).mean(), prior = nearest_distance(prior_images(net, 0)).mean();
  std::printf("[ goal ] mlp128 hidden (128): mean distance to nearest test digit raw %.2f, digit prior %.2f (%.0f%% lower)\n",
              double(raw), double(prior), 100.0 * (1 - prior / raw));
  EXPECT_GE(1.0 - double(prior) / double(raw), 0.35);
  double raw_sum = 0, prior_sum = 0;
  int n = 0;
  for (const char* id : kMnistModels) {
    const Mlp m = shipped(id).net;
    const int L = int(m.layers.size()) - 1;
    const Eigen::VectorXf r = nearest_distance(raw_images(m, L)), p = nearest_distance(prior_images(m, L));
    std::printf("[ goal ] %-9s classes: mean distance raw %.2f, digit prior %.2f\n", id, double(r.mean()), double(p.mean()));
    raw_sum += r.sum();
    prior_sum += p.sum();
    n += int(r.size());
  }
  std::printf("[ goal ] output classes of %d models: mean distance raw %.2f, digit prior %.2f (%.0f%% lower)\n", 5,
              raw_sum / n, prior_sum / n, 100.0 * (1 - prior_sum / raw_sum));
  EXPECT_GE(1.0 - prior_sum / raw_sum, 0.53);
}

// The classes a model predicts for at least one test digit. mlp6-dead's logits are straight
// lines in its single live neuron's activation, so only the classes on their upper envelope can
// ever win (0, 1, 2, 4 and 7): no image at all is classified as any other.
std::vector<int> reachable_classes(const Mlp& m) {
  std::vector<bool> seen(10, false);
  for (int k : head_predict(m.head, mlp_forward(m, test::mnist_test_set().images))) seen[std::size_t(k)] = true;
  std::vector<int> classes;
  for (int c = 0; c < 10; ++c)
    if (seen[std::size_t(c)]) classes.push_back(c);
  return classes;
}

// Each model's digit-prior class images are classified as their class by the model itself, all
// 10 (mlp6, mlp32, mlp128, mlp2x64), and by a different shipped model, at least 9 of 10. A model
// that can output only R < 10 classes (mlp6-dead: R = 5, the classes 0, 1, 2, 4 and 7) gets all
// R right both ways.
TEST(ActmaxPrior, ClassImagesAreClassifiedAsTheirClass) {
  for (const char* id : kMnistModels) {
    const Mlp m = shipped(id).net;
    const std::vector<int> classes = reachable_classes(m);
    const int reachable = int(classes.size());
    const std::string other_id = std::string(id) == "mlp128" ? "mlp32" : "mlp128";
    const Mlp other = shipped(other_id).net;
    const Eigen::MatrixXf x = prior_images(m, int(m.layers.size()) - 1);
    const std::vector<int> own = head_predict(m.head, mlp_forward(m, x)), by_other = head_predict(other.head, mlp_forward(other, x));
    int own_ok = 0, other_ok = 0;
    for (int c = 0; c < 10; ++c) {
      own_ok += own[std::size_t(c)] == c;
      other_ok += by_other[std::size_t(c)] == c;
    }
    std::printf("[ goal ] %-9s class images: %d/10 by itself, %d/10 by %s (it predicts %d classes on the test set)\n", id,
                own_ok, other_ok, other_id.c_str(), reachable);
    EXPECT_EQ(own_ok, reachable) << id;
    EXPECT_GE(other_ok, std::min(9, reachable)) << id << " judged by " << other_id;
    if (std::string(id) == "mlp6-dead") EXPECT_EQ(classes, (std::vector<int>{0, 1, 2, 4, 7}));
    else EXPECT_EQ(reachable, 10) << id;
  }
}

// A digit-prior image excites its neuron more than the strongest test digit does, for all 10
// sampled hidden neurons of mlp128 (a seeded sample).
TEST(ActmaxPrior, ImagesExciteAsMuchAsTheStrongestTestDigit) {
  const Mlp net = shipped("mlp128").net;
  Rng rng(2017);
  std::vector<int> sample = all_units(128);
  for (int i = 127; i > 0; --i) std::swap(sample[std::size_t(i)], sample[rng.below(std::uint32_t(i + 1))]);
  sample.resize(10);
  const Eigen::MatrixXf x = prior_actmax_run(net, decoder(), 0, sample, PriorActmaxConfig{});
  Trace own, test_digits;
  mlp_forward_trace(net, x, own);
  mlp_forward_trace(net, test::mnist_test_set().images, test_digits);
  int ok = 0;
  for (std::size_t k = 0; k < sample.size(); ++k) {
    const int u = sample[k];
    const float mine = own.layers[0].z(u, Eigen::Index(k)), best = test_digits.layers[0].z.row(u).maxCoeff();
    std::printf("[ goal ] mlp128 neuron %3d: digit-prior image %.2f, strongest test digit %.2f\n", u, double(mine), double(best));
    ok += mine > best;
  }
  std::printf("[ goal ] %d of 10 sampled neurons excited more than by the strongest test digit\n", ok);
  EXPECT_EQ(ok, 10);
}

// The chain rule through the decoder: the code gradient against central finite differences.
TEST(ActmaxPrior, CodeGradientMatchesFiniteDifferences) {
  Mlp net = mlp_make({12, 5, 4}, Activation::Tanh), dec = mlp_make({3, 6, 12}, Activation::Tanh, Activation::Sigmoid);
  test::randomize(net, 1);
  test::randomize(dec, 2);
  Eigen::MatrixXf z(3, 2);
  z << 0.3f, -0.5f, 1.1f, 0.2f, -0.7f, 0.9f;
  const std::vector<int> cols = {2, 0};
  for (ActmaxObjective obj : {ActmaxObjective::Logit, ActmaxObjective::LogProbability}) {
    const Eigen::MatrixXf g = prior_code_gradient(net, dec, cols, obj, z);
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      Eigen::MatrixXf up = z, down = z;
      const float h = 1.f / 256;
      up.data()[i] += h;
      down.data()[i] -= h;
      const Eigen::Index c = i / z.rows();
      const double num = (double(actmax_objective_value(net, cols, obj, mlp_forward(dec, up))(c)) -
                          double(actmax_objective_value(net, cols, obj, mlp_forward(dec, down))(c))) / (2.0 * h);
      EXPECT_NEAR(g.data()[i], num, 2e-3 + 2e-3 * std::abs(num)) << "coordinate " << i;
    }
  }
}

// Diversity: several images per neuron, pushed apart, for raw and digit-prior maximization;
// each still excites its neuron.
TEST(ActmaxPrior, DiversityPushesImagesApart) {
  const Mlp net = shipped("mlp128").net;
  const std::vector<int> units = {3, 40, 77, 101};
  PriorActmaxConfig alike = prior_actmax_defaults(3), apart = prior_actmax_defaults(3);
  alike.diversity = 0.f;
  ASSERT_GT(apart.diversity, 0.f);
  const float p0 = mean_pairwise_cosine(prior_actmax_run(net, decoder(), 0, units, alike), 3);
  PriorActmaxSolver s(net, decoder(), 0, units, apart);
  while (!s.step(16)) {}
  const float p1 = mean_pairwise_cosine(s.images(), 3);
  ActmaxConfig raw_alike, raw_apart;
  raw_alike.count = raw_apart.count = 3;
  raw_apart.diversity = kRawDiversity;
  const float r0 = mean_pairwise_cosine(actmax_run(net, 0, units, raw_alike), 3);
  // As the page makes them: each image must beat its neuron's strongest test digit.
  Trace digits;
  mlp_forward_trace(net, test::mnist_test_set().images, digits);
  ActmaxSolver raw(net, 0, units, raw_apart);
  Eigen::VectorXf strongest(Eigen::Index(units.size()));
  for (std::size_t k = 0; k < units.size(); ++k) strongest(Eigen::Index(k)) = digits.layers[0].a.row(units[k]).maxCoeff();
  raw.set_targets(strongest);
  while (!raw.step(64)) {}
  const float r1 = mean_pairwise_cosine(raw.images(), 3);
  std::printf("[ diversity ] mean pairwise cosine of 3 images per neuron: digit prior %.3f -> %.3f, raw %.3f -> %.3f\n",
              double(p0), double(p1), double(r0), double(r1));
  EXPECT_LT(p1, p0 - 0.05f);
  EXPECT_LT(r1, 0.75f) << "the raw images differ visibly (at the old weight, 2, they stayed at 0.896)";
  const Eigen::VectorXf raw_got = raw.achieved();
  for (Eigen::Index c = 0; c < raw_got.size(); ++c)
    EXPECT_GT(raw_got(c), strongest(c / 3)) << "neuron " << units[std::size_t(c / 3)] << " raw image " << c % 3;
  // Pushed apart, each image still excites its neuron far above a typical test digit.
  const Eigen::VectorXf got = s.achieved();
  Trace t;
  mlp_forward_trace(net, test::mnist_test_set().images, t);
  for (Eigen::Index c = 0; c < got.size(); ++c) {
    const int u = units[std::size_t(c / 3)];
    EXPECT_GT(got(c), t.layers[0].z.row(u).mean() + 2 * std::sqrt((t.layers[0].z.row(u).array() - t.layers[0].z.row(u).mean()).square().mean()))
        << "neuron " << u << " image " << c % 3;
  }
  ASSERT_EQ(s.images().cols(), 12);
}

TEST(ActmaxPrior, SameSeedSameImages) {
  const Mlp net = shipped("mlp32").net;
  PriorActmaxConfig c;
  c.steps = 10;
  EXPECT_TRUE(prior_actmax_run(net, decoder(), 1, {3, 7}, c) == prior_actmax_run(net, decoder(), 1, {3, 7}, c));
}

}  // namespace
}  // namespace lens
