// The input normalization of a model that records none, found by measuring instead of guessed.
// An ONNX file has no place for the normalization a model was trained with, and a model fed
// pixels on another scale than it learnt on loses accuracy with no other sign
// (tests/onnx/mlp-norm-unrecorded.onnx: 91.7% of the test digits as trained, 85.4% on raw
// pixels). So the page and lens-import score the maps MNIST code uses on the first test digits
// and use the best, saying so with every score in one sentence. The same function decides in both, so they always agree.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "core/formats/mnist.h"
#include "core/numerics/mlp.h"

namespace lens {

// How many test digits the search scores each candidate on by default: enough that a wrong map
// (tens of points lower) cannot win by chance, few enough that a convolutional model (about
// 12 million multiply-adds a digit) is measured in seconds, not minutes, in the page.
constexpr int kNormSearchDigits = 1000;
// How much more of the digits a later candidate must get right to replace an earlier one: a point
// (10 of 1,000 digits). A model that scores nearly the same under two maps does not care which it
// gets, and then the earlier (raw pixels first) is kept rather than a winner by chance: the Keras
// convnet among the fixtures scores 95.2% with MNIST's map and 95.1% raw on the first 1,000
// digits, 96.29% and 96.31% on all 10,000. A wrong map costs the MLP fixtures 9 to 76 points.
constexpr double kNormSearchMargin = 0.01;

struct NormCandidate {
  const char* id;     // "raw", "mnist", "symmetric" (the JS API's names)
  const char* label;  // what the page's control calls it
  InputNorm norm;
};
// The candidates in the order ties are broken: raw pixels, then MNIST's (0.1307, 0.3081)
// (torchvision's Normalize in the PyTorch MNIST example), then [-1, 1] (0.5, 0.5).
const std::array<NormCandidate, 3>& norm_candidates();
// The index of the candidate that is exactly this map, or -1.
int norm_candidate_index(const InputNorm& norm);

struct NormScore {
  NormCandidate candidate;
  int correct = 0;  // of NormSearch::digits
};

struct NormSearch {
  std::vector<NormScore> scores;  // one per candidate, in norm_candidates() order
  int digits = 0;                 // the test digits each was scored on
  int best = 0;                   // index into scores of the one to use (norm_search_pick)
  const InputNorm& chosen() const { return scores[std::size_t(best)].candidate.norm; }
  double accuracy(int i) const { return digits ? double(scores[std::size_t(i)].correct) / digits : 0.0; }
  // Whether the one used scores the most (else another scored more, by less than the margin).
  bool best_scores_most() const;
};

// The one to use of candidates that got correct[i] of `digits` right: going through them in order
// (raw, MNIST's, [-1, 1]), a candidate replaces the one kept so far only when it gets at least
// kNormSearchMargin of the digits more right (and at least one digit more). So a tie, or a near
// one, keeps raw pixels, then MNIST's.
int norm_search_pick(const std::vector<int>& correct, int digits);
// Scores every candidate on the first `digits` digits of `test` (all of them when it has fewer):
// the share classified right, a digit whose outputs are not finite counting as wrong, and picks
// one (norm_search_pick). The net's own map is ignored.
NormSearch norm_search(const Mlp& net, const DataSet& test, int digits = kNormSearchDigits);

// The same search in pieces, so the page measures a convnet (36 G multiply-adds for the PyTorch
// example's three candidates) over frames instead of at once. finish() equals norm_search().
class NormSearchBuilder {
 public:
  NormSearchBuilder(const Mlp& net, const DataSet& test, int digits = kNormSearchDigits);
  // Scores up to max_images more (candidate, digit) pairs; true once every candidate is scored.
  bool step(int max_images);
  bool done() const { return candidate_ >= int(norm_candidates().size()); }
  float progress() const;
  double multiply_adds_per_image() const;
  NormSearch finish() const;  // once done()

 private:
  Mlp raw_;  // the net without a map of its own
  const DataSet& test_;
  NormSearch search_;
  int candidate_ = 0, next_ = 0;
};

// "raw pixels" for the identity, else "(pixel - 0.1307) / 0.3081".
std::string norm_formula(const InputNorm& norm);
// The one sentence the page shows and lens-import prints, the one used first in it: "No input
// normalization recorded, so three were measured on 1,000 test digits and the best is used:
// (pixel - 0.1307) / 0.3081 scores 91.8%, raw pixels 62.3%, (pixel - 0.5) / 0.5 85.0%." When
// another scored a little more, "... and raw pixels are kept, as no other scores a point more:
// raw pixels score 95.1%, (pixel - 0.1307) / 0.3081 95.2%, (pixel - 0.5) / 0.5 86.4%."
std::string norm_search_sentence(const NormSearch& search);
// The same, shorter, for a short screen (a projector, an embed): the one used and the best other.
// "Inputs normalized as (pixel - 0.1307) / 0.3081: 91.3% of 1,000 test digits right, raw pixels:
// 82.3% (the best of three measured)."; "(kept: no other scores a point more)" in a near tie.
std::string norm_search_sentence_short(const NormSearch& search);

}  // namespace lens
