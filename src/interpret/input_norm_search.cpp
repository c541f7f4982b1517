#include "interpret/input_norm_search.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "interpret/numbers.h"

namespace lens {

// Digits per forward pass: bounds the activations held at once (a 16,384-unit layer over 256
// digits is 16 MB) whatever the model's width.
constexpr int kNormSearchBlock = 256;

const std::array<NormCandidate, 3>& norm_candidates() {
  static const std::array<NormCandidate, 3> all = {{
      {"raw", "Raw pixels", InputNorm{0.f, 1.f}},
      {"mnist", "MNIST (0.1307, 0.3081)", InputNorm{0.1307f, 0.3081f}},
      {"symmetric", "[-1, 1] (0.5, 0.5)", InputNorm{0.5f, 0.5f}},
  }};
  return all;
}

int norm_candidate_index(const InputNorm& norm) {
  const auto& all = norm_candidates();
  for (int k = 0; k < int(all.size()); ++k)
    if (all[std::size_t(k)].norm.mean == norm.mean && all[std::size_t(k)].norm.std == norm.std) return k;
  return -1;
}

// How many of test's digits [first, first + count) a net without a map of its own classifies right
// when its input goes through `norm` (what mlp_forward computes for the net with that map).
static int correct_in(const Mlp& raw, const InputNorm& norm, const DataSet& test, int first, int count) {
  const auto block = test.images.middleCols(first, count);
  const Eigen::MatrixXf logits = norm.identity() ? mlp_forward(raw, block) : mlp_forward(raw, input_normalize(norm, block));
  const std::vector<int> predicted = head_predict(raw.head, logits);
  int correct = 0;
  for (int n = 0; n < count; ++n)
    correct += logits.col(n).allFinite() && predicted[std::size_t(n)] == test.labels[std::size_t(first + n)];
  return correct;
}

NormSearchBuilder::NormSearchBuilder(const Mlp& net, const DataSet& test, int digits) : raw_(net), test_(test) {
  raw_.norm = InputNorm{};
  search_.digits = std::clamp(digits, 0, test.size());
  for (const NormCandidate& c : norm_candidates()) search_.scores.push_back(NormScore{c, 0});
}

bool NormSearchBuilder::step(int max_images) {
  for (int left = std::max(1, max_images); left > 0 && !done();) {
    const int count = std::min({kNormSearchBlock, search_.digits - next_, left});
    if (count > 0) {
      search_.scores[std::size_t(candidate_)].correct += correct_in(raw_, search_.scores[std::size_t(candidate_)].candidate.norm, test_, next_, count);
      next_ += count;
      left -= count;
    }
    if (next_ >= search_.digits) ++candidate_, next_ = 0;
  }
  return done();
}

float NormSearchBuilder::progress() const {
  const int all = int(norm_candidates().size()) * std::max(1, search_.digits);
  return done() ? 1.f : float(candidate_ * search_.digits + next_) / float(all);
}

double NormSearchBuilder::multiply_adds_per_image() const {
  double m = 0;
  for (const Layer& d : raw_.layers) m += d.multiply_adds();
  return m;
}

NormSearch NormSearchBuilder::finish() const {
  NormSearch search = search_;
  std::vector<int> correct;
  for (const NormScore& score : search.scores) correct.push_back(score.correct);
  search.best = norm_search_pick(correct, search.digits);
  return search;
}

NormSearch norm_search(const Mlp& net, const DataSet& test, int digits) {
  NormSearchBuilder b(net, test, digits);
  while (!b.step(kNormSearchBlock)) {}
  return b.finish();
}

int norm_search_pick(const std::vector<int>& correct, int digits) {
  // The digits a later candidate must gain: a point of them, rounded up, and never none.
  const int gain = std::max(1, int(std::ceil(kNormSearchMargin * digits - 1e-9)));
  int kept = 0;
  for (int i = 1; i < int(correct.size()); ++i)
    if (correct[std::size_t(i)] - correct[std::size_t(kept)] >= gain) kept = i;
  return kept;
}

bool NormSearch::best_scores_most() const {
  for (const NormScore& score : scores)
    if (score.correct > scores[std::size_t(best)].correct) return false;
  return true;
}

std::string norm_formula(const InputNorm& norm) {
  if (norm.identity()) return "raw pixels";
  return "(pixel - " + fmt("%.4g", double(norm.mean)) + ") / " + fmt("%.4g", double(norm.std));
}

std::string norm_search_sentence(const NormSearch& search) {
  static_assert(std::tuple_size<std::decay_t<decltype(norm_candidates())>>::value == 3, "the sentence counts three");
  const std::string used = norm_formula(search.chosen());
  const bool plural = search.chosen().identity();  // "raw pixels score", "(pixel - m) / s scores"
  const std::string scores = plural ? " score " : " scores ";
  std::string text = "No input normalization recorded, so three were measured on " + with_commas(search.digits) + " test digits " +
                     (search.best_scores_most() ? "and the best is used: " + used + scores
                                                : "and " + used + (plural ? " are" : " is") + " kept, as no other scores a point more: " +
                                                      used + scores) +
                     pct(search.accuracy(search.best));
  for (int i = 0; i < int(search.scores.size()); ++i)
    if (i != search.best) text += ", " + norm_formula(search.scores[std::size_t(i)].candidate.norm) + " " + pct(search.accuracy(i));
  return text + ".";
}

std::string norm_search_sentence_short(const NormSearch& search) {
  int runner_up = search.best == 0 ? 1 : 0;
  for (int i = 0; i < int(search.scores.size()); ++i)
    if (i != search.best && search.scores[std::size_t(i)].correct > search.scores[std::size_t(runner_up)].correct) runner_up = i;
  const InputNorm& used = search.chosen();
  const std::string first = used.identity() ? "Raw pixels" : "Inputs normalized as " + norm_formula(used);
  return first + ": " + pct(search.accuracy(search.best)) + " of " + with_commas(search.digits) + " test digits right, " +
         norm_formula(search.scores[std::size_t(runner_up)].candidate.norm) + ": " + pct(search.accuracy(runner_up)) +
         (search.best_scores_most() ? " (the best of three measured)." : " (kept: no other scores a point more).");
}

}  // namespace lens
