// A convnet seen as an MLP is (units.h): a channel is a unit, its response the mean of its map.
// The maximization objective of a channel against finite differences; ablation from every
// checkpoint against the plain forward pass; attributions through convolutions and pooling
// against finite differences; the shipped convnet analysed whole.
#include <gtest/gtest.h>

#include <cmath>

#include "core/formats/bytes.h"
#include "core/onnx/onnx_limits.h"
#include "core/onnx/onnx_import.h"
#include "interpret/ablation.h"
#include "interpret/actmax_objective.h"
#include "interpret/attribution.h"
#include "interpret/model_analysis.h"
#include "interpret/units.h"
#include "test_support.h"

namespace lens {
namespace {

Eigen::MatrixXf random_pixels(int rows, int n, std::uint64_t seed) { return test::random_matrix(rows, n, seed, false); }

Mlp truncated(const Mlp& net, int layer) {
  Mlp t = net;
  t.layers.resize(std::size_t(layer) + 1);
  return t;
}

// Worst relative error of g against central differences of f, on a floor of 1e-2.
template <class F>
double worst_against_differences(F f, const Eigen::VectorXf& x, const Eigen::VectorXf& g) {
  double worst = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const float h = 1.f / 128;
    Eigen::VectorXf up = x, down = x;
    up(i) += h;
    down(i) -= h;
    const double fd = (double(f(up)) - double(f(down))) / (2.0 * h);
    worst = std::max(worst, std::abs(fd - g(i)) / std::max(1e-2, std::abs(fd)));
  }
  return worst;
}

TEST(ConvUnits, AChannelsResponseIsTheMeanOfItsMap) {
  const Mlp net = test::small_convnet(Activation::ReLU, PoolKind::Max, false, 11);
  Trace t;
  mlp_forward_trace(net, random_pixels(net.inputs(), 3, 12), t);
  const Layer& d = net.layers[0];
  const Eigen::MatrixXf r = unit_responses(d, t.layers[0]);
  ASSERT_EQ(r.rows(), 3);
  const int P = unit_map_shape(d).size();
  EXPECT_EQ(P, 8 * 7);
  for (int c = 0; c < 3; ++c)
    for (int n = 0; n < 3; ++n)
      EXPECT_NEAR(r(c, n), t.layers[0].unpooled.block(c * P, n, P, 1).mean(), 1e-6) << "channel " << c;
  // a dense layer's units are its outputs as they are
  EXPECT_EQ(unit_responses(net.layers[2], t.layers[2]), t.layers[2].a);
}

// The maximization climbs a channel's response (the mean of its activation map); its gradient,
// back through convolutions, pooling, the affine map and the input normalization, against
// differences. (Smooth activations: through ReLU the climb takes a leak below 0 on purpose, and a
// mean over dozens of ReLU positions has a kink within any step a float difference can take;
// ConvBackward checks ReLU's backward with kinks skipped.)
TEST(ConvUnits, ChannelObjectiveGradientMatchesFiniteDifferences) {
  for (Activation act : {Activation::Sigmoid, Activation::Tanh})
    for (PoolKind pool : {PoolKind::None, PoolKind::Max, PoolKind::Average}) {
      Mlp net = test::small_convnet(act, pool, true, 21);
      net.norm = InputNorm{0.1307f, 0.3081f};
      const Eigen::VectorXf x = random_pixels(net.inputs(), 1, 22);
      for (int layer = 0; layer < 3; ++layer) {
        const Mlp part = truncated(net, layer);
        for (int unit = 0; unit < layer_units(part.layers.back()); ++unit) {
          const auto f = [&](const Eigen::VectorXf& v) {
            return actmax_objective_value(part, {unit}, ActmaxObjective::PreActivation, v)(0);
          };
          const Eigen::VectorXf g = actmax_objective_gradient(part, {unit}, ActmaxObjective::PreActivation, x).col(0);
          EXPECT_LT(worst_against_differences(f, x, g), 2e-2)
              << activation_name(act) << ", " << pool_kind_name(pool) << " pooling, layer " << layer << " unit " << unit;
        }
      }
    }
}

// Each image column climbs only its own channel, computed alone (a C_out-th of the layer's
// work): its value is what the whole layer gives that channel on that image.
TEST(ConvUnits, EachColumnsChannelAloneGivesTheWholeLayersResponse) {
  Mlp net = test::small_convnet(Activation::ReLU, PoolKind::Max, true, 31);
  net.norm = InputNorm{0.1307f, 0.3081f};
  const Eigen::MatrixXf x = random_pixels(net.inputs(), 3, 32);
  for (int layer = 0; layer < 2; ++layer) {
    const Mlp part = truncated(net, layer);
    const std::vector<int> units = layer == 0 ? std::vector<int>{2, 0, 1} : std::vector<int>{1, 0, 1};
    const Eigen::MatrixXf all = actmax_objective_all(part, ActmaxObjective::PreActivation, x);
    const Eigen::VectorXf mine = actmax_objective_value(part, units, ActmaxObjective::PreActivation, x);
    for (int u = 0; u < 3; ++u) EXPECT_NEAR(mine(u), all(units[std::size_t(u)], u), 1e-6f) << "layer " << layer << " column " << u;
  }
}

// Saliency and the logits' input gradients go back through pooling one seed at a time.
TEST(ConvUnits, InputGradientsOfTheLogitsMatchFiniteDifferences) {
  const Mlp net = test::small_convnet(Activation::LeakyReLU, PoolKind::Average, true, 31);
  const Eigen::VectorXf x = random_pixels(net.inputs(), 1, 32);
  const Eigen::MatrixXf g = logit_input_gradients(net, x);
  ASSERT_EQ(g.cols(), 4);
  for (int c = 0; c < 4; ++c) {
    const auto f = [&](const Eigen::VectorXf& v) { return mlp_forward(net, v)(c, 0); };
    EXPECT_LT(worst_against_differences(f, x, g.col(c)), 2e-2) << "class " << c;
    EXPECT_LT((saliency(net, x, c) - x.cwiseProduct(g.col(c))).cwiseAbs().maxCoeff(), 1e-5f);
  }
}

// With a convolution as the last hidden layer, each channel's contribution is the sum over its
// positions, and a class's contributions plus its bias are its logit.
TEST(ConvUnits, ContributionsOfTheLastConvLayerSumToTheLogits) {
  Mlp net = test::small_convnet(Activation::ReLU, PoolKind::Max, false, 41);
  net.layers.erase(net.layers.begin() + 1);  // conv 3 of 3x3, max pool -> 3x4x3, then dense
  net.layers[1] = mlp_make({net.layers[0].outputs(), 5}, Activation::Identity).layers[0];
  test::randomize(net, 42, 0.4f);
  const Eigen::VectorXf x = random_pixels(net.inputs(), 1, 43);
  const Eigen::MatrixXf contrib = hidden_contributions(net, x, 0);  // (5, 3)
  ASSERT_EQ(contrib.rows(), 5);
  ASSERT_EQ(contrib.cols(), 3);
  const Eigen::VectorXf logits = mlp_forward(net, x);
  EXPECT_LT((contrib.rowwise().sum() + net.layers[1].b - logits).cwiseAbs().maxCoeff(), 1e-5f);
  // a channel's votes are its outgoing weights summed over its positions
  const Eigen::MatrixXf votes = unit_outgoing_weights(net, 0);
  EXPECT_NEAR(votes(2, 1), net.layers[1].W.row(2).segment(12, 12).sum(), 1e-5);
}

// A switched-off channel's map is held at 0; a re-score from any checkpoint (the first layer's
// kept outputs, a deeper layer's, or none) counts what the plain ablated forward pass predicts.
TEST(ConvUnits, AblationFromEveryCheckpointCountsTheSame) {
  Mlp net = test::small_convnet(Activation::ReLU, PoolKind::Max, false, 51);
  DataSet data;
  data.images = random_pixels(net.inputs(), 300, 52);
  const Eigen::MatrixXf logits = mlp_forward(net, data.images);
  for (int n = 0; n < 300; ++n) {  // labels the clean network mostly gets right
    Eigen::Index k = 0;
    logits.col(n).maxCoeff(&k);
    data.labels.push_back(n % 5 == 0 ? int((k + 1) % 4) : int(k));
  }
  for (const auto& [layer, unit] : std::vector<std::pair<int, int>>{{0, 1}, {1, 0}, {1, 1}}) {
    Ablation ab = Ablation::none(net);
    ab.switch_off(layer, unit);
    const std::vector<int> predicted = head_predict(net.head, mlp_forward_ablated(net, data.images, ab));
    int expected = 0;
    for (int n = 0; n < 300; ++n) expected += predicted[std::size_t(n)] == data.labels[std::size_t(n)];
    for (int checkpoint : {-1, 0, 1}) {
      AblationScorer scorer(net, data, false);
      scorer.set_checkpoint(checkpoint);
      while (!scorer.prepare(70)) {}
      EXPECT_EQ(scorer.checkpoint(), checkpoint);
      EXPECT_NEAR(scorer.score(ab).accuracy, expected / 300.f, 1e-6) << "layer " << layer << " unit " << unit << ", checkpoint "
                                                                     << checkpoint;
    }
  }
  // the channel's map really is held: its unit response is 0 whatever the input
  Ablation ab = Ablation::none(net);
  ab.switch_off(0, 2);
  Mlp first = truncated(net, 0);
  Eigen::MatrixXf a = mlp_forward(first, data.images.leftCols(5));
  unit_clamp(net.layers[0], a, 2, 0.f);
  EXPECT_EQ(unit_means(a, 3).row(2).cwiseAbs().maxCoeff(), 0.f);
}

// The shipped convnet, analysed on 1,000 test digits as the page and lens-report analyse an MLP:
// every channel and unit measured, maximized, scored off and explained.
TEST(ConvAnalysis, TheShippedConvnetIsAnalysedWhole) {
  const DataSet& all = test::mnist_test_set();
  ASSERT_GE(all.size(), 1000);
  DataSet test;
  test.images = all.images.leftCols(1000);
  test.labels.assign(all.labels.begin(), all.labels.begin() + 1000);
  const Bundle b = test::shipped("cnn");
  ASSERT_TRUE(bundle_shown_as(b)) << bundle_shown_as(b).error;
  ModelAnalysis a;
  analysis_start(a, b, &test, 0);
  analysis_run(a);
  ASSERT_TRUE(a.done());
  ASSERT_EQ(a.stats.layers.size(), 2u);  // conv 8 of 5x5, conv 16 of 5x5, dense 256 -> 10
  EXPECT_EQ(a.stats.layers[0].units(), 8);
  EXPECT_EQ(a.stats.layers[1].units(), 16);
  EXPECT_GT(a.stats.accuracy, 0.97f);
  EXPECT_EQ(a.base_score.accuracy, a.stats.accuracy);
  ASSERT_TRUE(a.has_importance);
  for (int l = 0; l < 2; ++l) {
    Trace t;
    mlp_forward_trace(b.net, a.actmax[std::size_t(l)], t);
    const Eigen::MatrixXf response = unit_responses(b.net.layers[std::size_t(l)], t.layers[std::size_t(l)]);
    for (int c = 0; c < layer_units(b.net.layers[std::size_t(l)]); ++c) {
      const LayerStats& L = a.stats.layers[std::size_t(l)];
      if (L.is_dead(c)) continue;
      ASSERT_TRUE(a.actmax[std::size_t(l)].col(c).allFinite());
      // a channel's image excites it more than its strongest test digit does (the solver's target)
      EXPECT_GT(response(c, c), L.max(c)) << "layer " << l << " channel " << c;
      EXPECT_TRUE(std::isfinite(a.importance[std::size_t(l)](c)));
    }
  }
  ASSERT_TRUE(a.has_facts);
  EXPECT_EQ(a.neurons[0].size(), 8u);
  EXPECT_EQ(a.neurons[1].size(), 16u);
}

// A convnet's dense layers repeat every convolution at each maximization step: the PyTorch
// example's would take minutes in the page, so its channels are maximized and everything is
// explained first, and those layers' images come after, with the facts redone.
TEST(ConvAnalysis, CostlyLayersAreMaximizedAfterTheExplanations) {
  const auto onnx = file_read(test::onnx_fixtures_dir() + "/pytorch-mnist-example.onnx", kOnnxMaxBytes);
  ASSERT_TRUE(onnx) << onnx.error;
  const auto example = onnx_import(*onnx);
  ASSERT_TRUE(example) << example.error;
  ModelAnalysis costs;
  costs.bundle = &*example;
  EXPECT_FALSE(analysis_actmax_late(costs, 0));  // 32 channels of 26x26
  EXPECT_FALSE(analysis_actmax_late(costs, 1));  // 64 channels of 24x24: each alone, 1.8e10 in all
  EXPECT_TRUE(analysis_actmax_late(costs, 2));   // 128 units after 1.1e7 multiply-adds of convolutions
  EXPECT_TRUE(analysis_actmax_late(costs, 3));   // the 10 classes
  const Bundle b = test::shipped("cnn");
  costs.bundle = &b;
  for (int l = 0; l < 3; ++l) EXPECT_FALSE(analysis_actmax_late(costs, l)) << "cnn layer " << l;

  // the order, on cnn with a budget that sends its second conv layer and its classes last
  const DataSet& all = test::mnist_test_set();
  DataSet test;
  test.images = all.images.leftCols(300);
  test.labels.assign(all.labels.begin(), all.labels.begin() + 300);
  AnalysisSettings late;
  late.actmax_eager_madds = 2e8;
  late.importance = false;
  ModelAnalysis a;
  analysis_start(a, b, &test, 0, late);
  ASSERT_TRUE(analysis_actmax_late(a, 1) && analysis_actmax_late(a, 2) && !analysis_actmax_late(a, 0));
  static double clock = 0;
  const auto tick = [] { return clock += 1; };
  while (!a.has_facts && !a.done()) analysis_work(a, 0, tick);  // a slice at a time
  ASSERT_TRUE(a.has_facts);
  EXPECT_FALSE(a.done());
  EXPECT_TRUE(a.actmax_late_round);
  EXPECT_TRUE(a.actmax_done[0]);
  EXPECT_FALSE(a.actmax_done[1]);
  EXPECT_FALSE(a.neuron(1, 0)->actmax_known);
  EXPECT_TRUE(a.neuron(0, 0)->actmax_known);
  const float at_facts = a.progress();
  analysis_work(a, 0, tick);
  EXPECT_GE(a.progress(), at_facts);  // the late layers' own progress, from 0
  EXPECT_LT(a.progress(), 0.5f);
  analysis_run(a);
  ASSERT_TRUE(a.done());
  EXPECT_TRUE(a.actmax_done[1] && a.actmax_done[2]);
  EXPECT_TRUE(a.neuron(1, 0)->actmax_known);
  // the same images as in the usual order
  AnalysisSettings usual;
  usual.importance = false;
  ModelAnalysis u;
  analysis_start(u, b, &test, 0, usual);
  analysis_run(u);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(a.actmax[std::size_t(l)], u.actmax[std::size_t(l)]) << "layer " << l;
  EXPECT_EQ(a.neuron(1, 3)->actmax_preactivation, u.neuron(1, 3)->actmax_preactivation);
}

}  // namespace
}  // namespace lens
