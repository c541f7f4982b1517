// The stroke-concept vocabulary: each rendering shows what its name says (checked on
// the pixels, not by running the scorer), the scores find known answers on networks
// built for the purpose, and the shape part of a summary beats random shape summaries.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <queue>

#include "core/formats/bundle.h"
#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/model_analysis.h"
#include "interpret/numbers.h"
#include "interpret/prose.h"
#include "test_support.h"

namespace lens {
namespace {

Eigen::VectorXf thumb(Concept c) { return concept_render(c, concept_variants()[kConceptThumbVariant]); }

bool ink(const Eigen::VectorXf& img, int x, int y) { return img(y * kSide + x) > 0.5f; }

// Share of the ink in rows [y0, y1) or columns [x0, x1).
float row_share(const Eigen::VectorXf& img, int y0, int y1) {
  float in = 0, all = img.sum();
  for (int y = y0; y < y1; ++y) in += img.segment(y * kSide, kSide).sum();
  return in / all;
}
float column_share(const Eigen::VectorXf& img, int x0, int x1) {
  float in = 0, all = img.sum();
  for (int y = 0; y < kSide; ++y) in += img.segment(y * kSide + x0, x1 - x0).sum();
  return in / all;
}

std::pair<double, double> mass_centre(const Eigen::VectorXf& img) {
  double m = 0, x = 0, y = 0;
  for (int i = 0; i < kPixels; ++i) m += img(i), x += img(i) * (i % kSide + 0.5), y += img(i) * (i / kSide + 0.5);
  return {x / m, y / m};
}

// Background pixels (no ink) reachable from the border: a closed ring leaves some unreached.
int enclosed_background(const Eigen::VectorXf& img) {
  std::vector<bool> seen(kPixels, false);
  std::queue<int> q;
  for (int i = 0; i < kSide; ++i)
    for (int p : {i, (kSide - 1) * kSide + i, i * kSide, i * kSide + kSide - 1})
      if (!ink(img, p % kSide, p / kSide) && !seen[std::size_t(p)]) seen[std::size_t(p)] = true, q.push(p);
  while (!q.empty()) {
    const int p = q.front(), x = p % kSide, y = p / kSide;
    q.pop();
    const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
    for (int k = 0; k < 4; ++k) {
      if (nx[k] < 0 || ny[k] < 0 || nx[k] >= kSide || ny[k] >= kSide) continue;
      const int n = ny[k] * kSide + nx[k];
      if (!seen[std::size_t(n)] && !ink(img, nx[k], ny[k])) seen[std::size_t(n)] = true, q.push(n);
    }
  }
  int enclosed = 0;
  for (int p = 0; p < kPixels; ++p) enclosed += !seen[std::size_t(p)] && !ink(img, p % kSide, p / kSide);
  return enclosed;
}

TEST(ConceptRender, EveryRenderingIsAnMnistLikeImage) {
  const ConceptProbe& p = concept_probe();
  ASSERT_EQ(p.images.rows(), kPixels);
  ASSERT_EQ(p.images.cols(), kConceptCount * p.variants);
  for (Eigen::Index r = 0; r < p.images.cols(); ++r) {
    const Eigen::VectorXf img = p.images.col(r);
    EXPECT_GE(img.minCoeff(), 0.f);
    EXPECT_LE(img.maxCoeff(), 1.f);
    EXPECT_GT(img.maxCoeff(), 0.8f) << "rendering " << r << " has a solid stroke";
    // Antialiased: some pixels are partly covered.
    EXPECT_GT(((img.array() > 0.05f) && (img.array() < 0.95f)).count(), 10) << "rendering " << r;
    // Inside the 28x28 field with MNIST's 4-pixel margin, give or take the variant's shift.
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x)
        if (x < 1 || y < 1 || x > 26 || y > 26) {
          EXPECT_EQ(img(y * kSide + x), 0.f) << "rendering " << r << " at " << x << "," << y;
        }
  }
}

TEST(ConceptRender, TheLoopIsAClosedRingAndNothingElseIs) {
  for (int v = 0; v < int(concept_variants().size()); ++v)
    EXPECT_GT(enclosed_background(concept_render(Concept::Loop, concept_variants()[std::size_t(v)])), 10) << "variant " << v;
  for (Concept c : {Concept::OpenTop, Concept::OpenBottom, Concept::ArcLeft, Concept::ArcRight, Concept::Crossing, Concept::Vertical})
    EXPECT_EQ(enclosed_background(thumb(c)), 0) << concept_info(c).id;
  // The ring's hole is in the middle.
  const Eigen::VectorXf loop = thumb(Concept::Loop);
  EXPECT_FALSE(ink(loop, 14, 14));
}

TEST(ConceptRender, BarsSitInTheirThirdOfTheBox) {
  // The box spans y 4..24: its thirds end at 10.7 and 17.3. Every rendering's bar has its
  // centre of mass in the named third, and most of its ink in the rows of that third.
  const double third = kDigitBox / 3.0, top = (kSide - kDigitBox) / 2.0;
  for (const ConceptVariant& v : concept_variants()) {
    const Concept bars[3] = {Concept::BarTop, Concept::BarMiddle, Concept::BarBottom};
    const int rows[4] = {0, 11, 17, kSide};
    for (int t = 0; t < 3; ++t) {
      const Eigen::VectorXf img = concept_render(bars[t], v);
      const double y = mass_centre(img).second;
      EXPECT_GT(y, top + t * third) << concept_info(bars[t]).id;
      EXPECT_LT(y, top + (t + 1) * third) << concept_info(bars[t]).id;
      EXPECT_GT(row_share(img, rows[t], rows[t + 1]), 0.85f) << concept_info(bars[t]).id;
    }
  }
  // A bar is wide and thin.
  const Eigen::VectorXf bar = thumb(Concept::BarMiddle);
  EXPECT_GT(column_share(bar, 0, 14), 0.4f);
  EXPECT_GT(column_share(bar, 14, 28), 0.4f);
}

TEST(ConceptRender, ArcsLieOnTheirSideAndBulgeOutwards) {
  const Eigen::VectorXf left = thumb(Concept::ArcLeft), right = thumb(Concept::ArcRight);
  EXPECT_GT(column_share(left, 0, 14), 0.7f);
  EXPECT_GT(column_share(right, 14, 28), 0.7f);
  // "(": the middle row's ink is further left than the top row's.
  auto first_ink = [](const Eigen::VectorXf& img, int y) { int x = 0; while (x < kSide && img(y * kSide + x) < 0.5f) ++x; return x; };
  auto last_ink = [](const Eigen::VectorXf& img, int y) { int x = kSide - 1; while (x >= 0 && img(y * kSide + x) < 0.5f) --x; return x; };
  EXPECT_LT(first_ink(left, 14) + 2, first_ink(left, 7));
  EXPECT_GT(last_ink(right, 14), last_ink(right, 7) + 2);
}

TEST(ConceptRender, StrokesRunTheWayTheirNamesSay) {
  const Eigen::VectorXf vert = thumb(Concept::Vertical), rising = thumb(Concept::DiagonalRising), falling = thumb(Concept::DiagonalFalling);
  EXPECT_GT(column_share(vert, 12, 16), 0.9f);
  EXPECT_GT(row_share(vert, 0, 14), 0.4f);
  // "/" has its top end on the right; "\" on the left.
  auto top_x = [](const Eigen::VectorXf& img) { auto c = 0.0, m = 0.0; for (int y = 0; y < 11; ++y) for (int x = 0; x < kSide; ++x) c += img(y * kSide + x) * x, m += img(y * kSide + x); return c / m; };
  EXPECT_GT(top_x(rising), 16);
  EXPECT_LT(top_x(falling), 12);
  // Open top: ink at the top on both sides but not between; open bottom the mirror image.
  const Eigen::VectorXf cup = thumb(Concept::OpenTop), arch = thumb(Concept::OpenBottom);
  EXPECT_TRUE(ink(cup, 9, 7) || ink(cup, 8, 7));
  EXPECT_FALSE(ink(cup, 14, 7));
  EXPECT_TRUE(ink(cup, 14, 21) || ink(cup, 14, 22));
  EXPECT_FALSE(ink(arch, 14, 21));
  EXPECT_TRUE(ink(arch, 14, 6) || ink(arch, 14, 7));
  // The crossing has ink at its centre and in all four corners of its box.
  const Eigen::VectorXf x = thumb(Concept::Crossing);
  EXPECT_TRUE(ink(x, 14, 14) || ink(x, 13, 13));
  EXPECT_GT(column_share(x, 0, 14) * column_share(x, 14, 28), 0.2f);
}

TEST(ConceptRender, WholeFiguresAreCentredByMassLikeMnist) {
  for (Concept c : {Concept::Loop, Concept::Vertical, Concept::OpenTop, Concept::OpenBottom, Concept::Crossing}) {
    const auto [x, y] = mass_centre(thumb(c));
    EXPECT_NEAR(x, 14.0, 0.3) << concept_info(c).id;
    EXPECT_NEAR(y, 14.0, 0.3) << concept_info(c).id;
  }
}

TEST(ConceptRender, IsDeterministic) {
  EXPECT_EQ(concept_render(Concept::Loop, concept_variants()[7]), concept_render(Concept::Loop, concept_variants()[7]));
  // Different knobs give different images.
  EXPECT_NE(concept_render(Concept::Loop, concept_variants()[0]), concept_render(Concept::Loop, concept_variants()[1]));
}

// Hidden unit k's incoming weights are concept k's thumbnail as a matched filter (minus its
// mean: ink on the stroke excites, ink elsewhere inhibits, as in trained first-layer units);
// output class k copies hidden unit k. (With the bare image, an arc's unit likes loops as much
// as arcs: a loop contains both arcs, and more ink.)
Mlp concept_detectors() {
  Mlp net = mlp_make({kPixels, kConceptCount, kConceptCount}, Activation::ReLU);
  for (int k = 0; k < kConceptCount; ++k) {
    const Eigen::VectorXf t = thumb(Concept(k));
    net.layers[0].W.row(k) = (t.array() - t.mean()).matrix().transpose();
    net.layers[1].W(k, k) = 1.f;
  }
  return net;
}

TEST(ConceptScores, AUnitWhoseWeightsAreAConceptRanksThatConceptFirst) {
  const std::vector<ConceptScores> all = concept_scores_all(concept_detectors(), concept_probe());
  ASSERT_EQ(all.size(), 2u);
  for (int layer = 0; layer < 2; ++layer)
    for (int k = 0; k < kConceptCount; ++k) {
      const std::vector<ConceptFact> r = concept_ranking(all[std::size_t(layer)], k);
      ASSERT_EQ(r.size(), std::size_t(kConceptCount));
      EXPECT_EQ(r[0].concept, k) << "layer " << layer << ": unit for " << concept_info(k).id << " ranks " << concept_info(r[0].concept).id
                                 << " first (" << r[0].score << " vs " << all[std::size_t(layer)].score(k, k) << ")";
      EXPECT_GE(r[0].score, kConceptNamed) << concept_info(k).id;
      EXPECT_GE(r[0].score, r.back().score);
    }
}

TEST(ConceptScores, ScoresAreCorrelationsOverTheFitHalf) {
  // A unit that is 1 on loops and 0 elsewhere scores exactly 1 for loops; a constant one is undefined.
  const ConceptProbe& p = concept_probe();
  Eigen::MatrixXf acts = Eigen::MatrixXf::Zero(2, p.images.cols());
  for (Eigen::Index r = 0; r < acts.cols(); ++r) acts(0, r) = p.concept_of[std::size_t(r)] == int(Concept::Loop) ? 1.f : 0.f;
  acts.row(1).setConstant(0.5f);
  const ConceptScores s = concept_scores(acts, p);
  EXPECT_NEAR(s.score(0, int(Concept::Loop)), 1.f, 1e-5f);
  EXPECT_LT(s.score(0, int(Concept::Vertical)), 0.f);
  EXPECT_TRUE(s.defined[0]);
  EXPECT_FALSE(s.defined[1]);
  EXPECT_TRUE(concept_ranking(s, 1).empty());
  bool defined = false;
  EXPECT_NEAR(concept_summary_score({int(Concept::Loop)}, acts.row(0), p, &defined), 1.f, 1e-5f);
  EXPECT_TRUE(defined);
  EXPECT_LT(concept_summary_score({int(Concept::Crossing)}, acts.row(0), p), 0.f);
  // The halves split every concept's renderings about evenly.
  int fit = 0;
  for (bool f : p.fit) fit += f;
  EXPECT_NEAR(double(fit) / double(p.fit.size()), 0.5, 0.05);
}

using test::shipped;

// The analysis without the slow parts (maximization barely runs, no ablation): the shape facts
// do not depend on them.
void analyse(ModelAnalysis& a, const Bundle& b) {
  AnalysisSettings quick;
  quick.hidden.steps = quick.output.steps = 1;
  quick.importance = false;
  analysis_start(a, b, &test::mnist_test_set(), 0, quick);
  analysis_run(a);
}

TEST(ConceptExplain, ShapeSummariesBeatRandomShapeSummariesOnMlp128) {
  const Bundle b = shipped("mlp128");
  ASSERT_FALSE(b.net.layers.empty());
  ModelAnalysis a;
  analyse(a, b);
  ASSERT_TRUE(a.has_facts && a.has_concepts);
  const ConceptProbe& p = concept_probe();
  Rng rng(13);
  double real = 0, random = 0;
  int named = 0, live = 0;
  for (const NeuronFacts& f : a.neurons[0]) {
    if (f.silent()) continue;
    ++live;
    if (f.shapes.empty()) continue;
    ASSERT_TRUE(f.shape_score_defined);
    std::vector<int> mine, theirs;
    for (const ConceptFact& c : f.shapes) {
      mine.push_back(c.concept);
      // Named shapes excite it at least as much as the average test digit does.
      EXPECT_GE(a.concepts[0].mean(f.unit, c.concept), a.stats.layers[0].mean(f.unit)) << "unit " << f.unit;
      EXPECT_GE(c.score, kConceptNamed);
    }
    while (theirs.size() < mine.size()) {
      const int k = int(rng.below(kConceptCount));
      if (std::find(theirs.begin(), theirs.end(), k) == theirs.end()) theirs.push_back(k);
    }
    // The score the facts carry is the held-out correlation of exactly these shapes.
    EXPECT_NEAR(f.shape_score, concept_summary_score(mine, a.concepts[0].acts.row(f.unit), p), 1e-6f);
    real += f.shape_score;
    random += concept_summary_score(theirs, a.concepts[0].acts.row(f.unit), p);
    ++named;
  }
  ASSERT_GT(named, live / 4) << "most live units of mlp128 name no shape";
  EXPECT_GT(real / named, random / named + 0.2) << "shape score " << real / named << " vs random " << random / named;
  std::printf("shape score over %d of %d live neurons naming shapes: %.3f (random shape summaries %.3f)\n", named, live,
              real / named, random / named);
}

TEST(ConceptExplain, SummariesAndTheNetworkSayWhichShapes) {
  const Bundle b = shipped("mlp32");
  ASSERT_FALSE(b.net.layers.empty());
  ModelAnalysis a;
  analyse(a, b);
  ASSERT_TRUE(a.has_facts);
  int said = 0;
  for (const NeuronFacts& f : a.neurons[0]) {
    const std::string text = render_plain(neuron_summary(f));
    if (f.silent()) {
      EXPECT_EQ(text.find("stroke shape"), std::string::npos);
      continue;
    }
    if (f.shapes.empty()) {
      const bool weak = f.concepts[0].score < kConceptNamed;
      EXPECT_NE(text.find(weak ? "No stroke shape stands out" : "no shape drives it as hard as a typical test digit"), std::string::npos) << text;
      continue;
    }
    const std::string first = std::string(concept_info(f.shapes[0].concept).phrase) + " (score " + fmt("%.2f", f.shapes[0].score) + ")";
    EXPECT_NE(text.find("responds most to " + first), std::string::npos) << text;
    ++said;
  }
  EXPECT_GT(said, 0);
  // The network summary lists, per layer, each covered shape with its best neuron, and the uncovered ones.
  const std::string net = render_markdown(network_summary(a.network));
  EXPECT_NE(net.find("**Shapes.**"), std::string::npos);
  const LayerFacts& L = a.network.layers[0];
  for (int k = 0; k < kConceptCount; ++k) {
    const bool uncovered = std::find(a.network.concepts_uncovered.begin(), a.network.concepts_uncovered.end(), k) != a.network.concepts_uncovered.end();
    EXPECT_EQ(uncovered, L.concept_unit[std::size_t(k)] < 0);
    if (!uncovered) {
      EXPECT_NE(net.find(std::string(concept_info(k).phrase) + " ([neuron " + std::to_string(L.concept_unit[std::size_t(k)]) + "]"),
                std::string::npos) << concept_info(k).id << "\n" << net;
    }
  }
}

TEST(ConceptExplain, TheSurvivorOfMlp6DeadTellsItsWholeStory) {
  const Bundle b = shipped("mlp6-dead");
  ASSERT_FALSE(b.net.layers.empty());
  ModelAnalysis a;
  analyse(a, b);
  const LadderFacts& d = a.network.layers[0].ladder;
  ASSERT_TRUE(d.present) << "mlp6-dead has one live neuron";
  const NeuronFacts& f = *a.neuron(0, d.unit);
  const std::string story = render_plain(neuron_ladder_story(f, d));
  ASSERT_FALSE(story.empty());
  // Every class is named with its outgoing weight, the largest push first.
  Eigen::Index up = 0, down = 0;
  const Eigen::VectorXf w = b.net.layers[1].W.col(d.unit);
  w.maxCoeff(&up);
  w.minCoeff(&down);
  EXPECT_NE(story.find("push towards " + std::to_string(up) + " (" + signed_number(w(up)) + ")"), std::string::npos) << story;
  EXPECT_NE(story.find("against " + std::to_string(down) + " (" + signed_number(w(down)) + ")"), std::string::npos) << story;
  for (int c = 0; c < kClasses; ++c) EXPECT_NE(story.find(std::to_string(c) + " (" + signed_number(w(c)) + ")"), std::string::npos) << c;
  // The digits in the order of their mean activation, lowest first.
  Eigen::Index lo = 0, hi = 0;
  a.stats.layers[0].class_mean.row(d.unit).minCoeff(&lo);
  a.stats.layers[0].class_mean.row(d.unit).maxCoeff(&hi);
  const std::size_t line_up = story.find("line up");
  ASSERT_NE(line_up, std::string::npos);
  EXPECT_LT(story.find(" " + std::to_string(lo) + " (", line_up), story.find(" < " + std::to_string(hi) + " (", line_up)) << story;
  EXPECT_NE(story.find("the answer runs"), std::string::npos);
  // Its shapes, when it names any, are the summary's.
  for (const ConceptFact& c : f.shapes) EXPECT_NE(story.find(concept_info(c.concept).phrase), std::string::npos);
  // Any other neuron has no such story.
  EXPECT_TRUE(neuron_ladder_story(*a.neuron(0, (d.unit + 1) % 6), d).empty());
}

}  // namespace
}  // namespace lens
