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
  int best = 0;                   // index into scores of the one to use
  const InputNorm& chosen() const { return scores[std::size_t(best)].candidate.norm; }
  double accuracy(int i) const { return digits ? double(scores[std::size_t(i)].correct) / digits : 0.0; }
};

// Scores every candidate on the first `digits` digits of `test` (all of them when it has fewer):
// the share classified right, a digit whose outputs are not finite counting as wrong. The best
// is the highest share; on a tie the earlier candidate wins (raw before MNIST before [-1, 1]), so
// a model that does not care keeps the pixels as they are. The net's own map is ignored.
NormSearch norm_search(const Mlp& net, const DataSet& test, int digits = kNormSearchDigits);

// "raw pixels" for the identity, else "(pixel - 0.1307) / 0.3081".
std::string norm_formula(const InputNorm& norm);
// The one sentence the page shows and lens-import prints, the one used first in it: "No input
// normalization recorded, so three were measured on 1,000 test digits and the best is used:
// (pixel - 0.1307) / 0.3081 scores 91.8%, raw pixels 62.3%, (pixel - 0.5) / 0.5 85.0%."
std::string norm_search_sentence(const NormSearch& search);
// The same, shorter, for a short screen (a projector, an embed): the one used and the best other.
// "Inputs normalized as (pixel - 0.1307) / 0.3081: 91.3% of 1,000 test digits right, raw pixels:
// 82.3% (the best of three measured)."
std::string norm_search_sentence_short(const NormSearch& search);

}  // namespace lens
