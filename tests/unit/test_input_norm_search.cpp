// The input normalization found by measuring (interpret/input_norm_search.h): a model trained on
// normalized pixels that records nothing comes out as MNIST's, a model trained on raw pixels stays
// raw, ties go to raw, and the sentence names every score.
#include <gtest/gtest.h>

#include "core/constants.h"
#include "core/formats/bytes.h"
#include "core/onnx/onnx_import.h"
#include "interpret/input_norm_search.h"
#include "interpret/numbers.h"
#include "test_support.h"

namespace lens {
namespace {

Bundle onnx_fixture(const std::string& file) {
  const auto bytes = file_read(test::onnx_fixtures_dir() + "/" + file);
  EXPECT_TRUE(bytes) << bytes.error;
  if (!bytes) return {};
  auto b = onnx_import(*bytes);
  EXPECT_TRUE(b) << b.error;
  return b ? *b : Bundle{};
}

// The share of the first `digits` test digits the net gets right under its own map.
double accuracy_with(const Mlp& net, int digits) {
  const DataSet& test = test::mnist_test_set();
  const std::vector<int> predicted = head_predict(net.head, mlp_forward(net, test.images.leftCols(digits)));
  int correct = 0;
  for (int n = 0; n < digits; ++n) correct += predicted[std::size_t(n)] == test.labels[std::size_t(n)];
  return double(correct) / digits;
}

void print_scores(const char* what, const NormSearch& s) {
  for (int i = 0; i < int(s.scores.size()); ++i)
    std::printf("%s: %-9s %.1f%% (%d of %d)\n", what, s.scores[std::size_t(i)].candidate.id, 100 * s.accuracy(i),
                s.scores[std::size_t(i)].correct, s.digits);
}

TEST(InputNormSearch, FindsMnistNormalizationForAModelTrainedOnItThatRecordsNone) {
  const Bundle b = onnx_fixture("mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(b.net.norm.identity()) << "the fixture records no normalization";
  const NormSearch s = norm_search(b.net, test::mnist_test_set());
  print_scores("mlp-norm-unrecorded", s);
  ASSERT_EQ(s.scores.size(), 3u);
  EXPECT_EQ(s.digits, kNormSearchDigits);
  EXPECT_STREQ(s.scores[std::size_t(s.best)].candidate.id, "mnist");
  EXPECT_FLOAT_EQ(s.chosen().mean, 0.1307f);
  EXPECT_FLOAT_EQ(s.chosen().std, 0.3081f);
  // Each score is what the model with that map gets right (the forward pass the page runs).
  for (int i = 0; i < 3; ++i) {
    Mlp with = b.net;
    with.norm = s.scores[std::size_t(i)].candidate.norm;
    EXPECT_DOUBLE_EQ(s.accuracy(i), accuracy_with(with, kNormSearchDigits)) << s.scores[std::size_t(i)].candidate.id;
  }
  // Raw pixels cost this model 9 points on these digits; chance moves a score on 1,000 digits by
  // about 1 point (the binomial standard deviation), so the choice is not luck.
  EXPECT_GT(s.accuracy(1), s.accuracy(0) + 0.05);
  const NormSearch all = norm_search(b.net, test::mnist_test_set(), kMnistTestDigits);
  print_scores("mlp-norm-unrecorded, all 10,000", all);
  EXPECT_EQ(all.best, s.best) << "the whole test set agrees";
  const std::string sentence = norm_search_sentence(s);
  std::printf("%s\n", sentence.c_str());
  EXPECT_EQ(sentence, "No input normalization recorded, so three were measured on 1,000 test digits and the best is used: "
                      "(pixel - 0.1307) / 0.3081 scores " + pct(s.accuracy(1)) + ", raw pixels " + pct(s.accuracy(0)) +
                      ", (pixel - 0.5) / 0.5 " + pct(s.accuracy(2)) + ".");
  EXPECT_EQ(norm_search_sentence_short(s), "Inputs normalized as (pixel - 0.1307) / 0.3081: " + pct(s.accuracy(1)) +
                                           " of 1,000 test digits right, raw pixels: " + pct(s.accuracy(0)) + " (the best of three measured).")
      << "the one used and the best other";
}

TEST(InputNormSearch, KeepsRawPixelsForModelsTrainedOnThem) {
  for (const char* file : {"mlp-tanh-logsoftmax.onnx", "mlp-sigmoid-logits.onnx"}) {
    const Bundle b = onnx_fixture(file);
    const NormSearch s = norm_search(b.net, test::mnist_test_set());
    print_scores(file, s);
    EXPECT_STREQ(s.scores[std::size_t(s.best)].candidate.id, "raw") << file;
    EXPECT_TRUE(s.chosen().identity()) << file;
    EXPECT_TRUE(test::has(norm_search_sentence(s), "the best is used: raw pixels score " + pct(s.accuracy(0)) + ", (pixel - 0.1307) / 0.3081 "))
        << norm_search_sentence(s);
    EXPECT_EQ(norm_search_sentence_short(s), "Raw pixels: " + pct(s.accuracy(0)) + " of 1,000 test digits right, (pixel - 0.1307) / 0.3081: " +
                                             pct(s.accuracy(1)) + " (the best of three measured).");
    EXPECT_EQ(norm_candidate_index(s.chosen()), 0);
  }
}

// A model whose answer does not depend on its input scores the same under every map: the tie
// keeps raw pixels. The net's own map is set aside, and the digits scored are what was asked for.
TEST(InputNormSearch, BreaksTiesTowardRawAndIgnoresTheNetsOwnMap) {
  Mlp constant = mlp_make({784, 4, 10}, Activation::ReLU);  // zero weights: class 0 for every digit
  const NormSearch tie = norm_search(constant, test::mnist_test_set(), 200);
  EXPECT_EQ(tie.digits, 200);
  EXPECT_EQ(tie.scores[0].correct, tie.scores[1].correct);
  EXPECT_EQ(tie.scores[1].correct, tie.scores[2].correct);
  EXPECT_EQ(tie.best, 0);

  Bundle b = onnx_fixture("mlp-norm-unrecorded.onnx");
  const NormSearch plain = norm_search(b.net, test::mnist_test_set(), 300);
  b.net.norm = InputNorm{0.5f, 0.5f};
  const NormSearch given_a_map = norm_search(b.net, test::mnist_test_set(), 300);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(plain.scores[std::size_t(i)].correct, given_a_map.scores[std::size_t(i)].correct);
  EXPECT_EQ(plain.best, given_a_map.best);

  const DataSet few = dataset_slice(test::mnist_test_set(), 0, 50);
  EXPECT_EQ(norm_search(b.net, few).digits, 50) << "never more digits than there are";
  EXPECT_TRUE(test::has(norm_search_sentence(norm_search(b.net, few)), "measured on 50 test digits"));
}

// A later candidate replaces an earlier one only with a point more of the digits right, so a near
// tie keeps raw pixels (then MNIST's): the Keras convnet fixture's first 1,000 digits give MNIST's
// map 952 and raw pixels 951, all 10,000 give raw pixels 2 digits more.
TEST(InputNormSearch, ALaterMapMustScoreAPointMoreToReplaceAnEarlierOne) {
  EXPECT_EQ(norm_search_pick({951, 952, 864}, 1000), 0) << "one digit more is chance";
  EXPECT_EQ(norm_search_pick({951, 960, 864}, 1000), 0) << "9 of 1,000 is less than a point";
  EXPECT_EQ(norm_search_pick({951, 961, 864}, 1000), 1) << "10 of 1,000 is a point";
  EXPECT_EQ(norm_search_pick({823, 913, 749}, 1000), 1);
  EXPECT_EQ(norm_search_pick({900, 910, 915}, 1000), 1) << "[-1, 1] must gain a point on MNIST's, once MNIST's is kept";
  EXPECT_EQ(norm_search_pick({900, 905, 912}, 1000), 2) << "against raw pixels, kept until then";
  EXPECT_EQ(norm_search_pick({40, 41, 39}, 50), 1) << "a point of 50 digits rounds up to one digit";
  EXPECT_EQ(norm_search_pick({7, 7, 7}, 50), 0);

  NormSearch near;
  near.digits = 1000;
  for (int i = 0; i < 3; ++i) near.scores.push_back({norm_candidates()[std::size_t(i)], std::vector<int>{951, 952, 864}[std::size_t(i)]});
  near.best = norm_search_pick({951, 952, 864}, 1000);
  EXPECT_FALSE(near.best_scores_most());
  EXPECT_EQ(norm_search_sentence(near), "No input normalization recorded, so three were measured on 1,000 test digits and raw pixels are "
                                        "kept, as no other scores a point more: raw pixels score 95.1%, (pixel - 0.1307) / 0.3081 95.2%, "
                                        "(pixel - 0.5) / 0.5 86.4%.");
  EXPECT_EQ(norm_search_sentence_short(near), "Raw pixels: 95.1% of 1,000 test digits right, (pixel - 0.1307) / 0.3081: 95.2% "
                                              "(kept: no other scores a point more).");
}

}  // namespace
}  // namespace lens
