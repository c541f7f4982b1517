// From measurements to facts: which classes a unit responds to, whether it is
// dead and why, what it votes for, how much the network needs it, and what the
// network as a whole does. Every threshold is in thresholds.h.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/constants.h"
#include "interpret/explain.h"
#include "interpret/model_analysis.h"
#include "interpret/units.h"

namespace lens {

// Units ordered by a value, largest first; NaN sorts last, ties by index (a strict weak order).
static std::vector<int> order_desc(const Eigen::Ref<const Eigen::VectorXf>& v) {
  std::vector<int> o(std::size_t(v.size()));
  std::iota(o.begin(), o.end(), 0);
  auto key = [&](int i) { return std::isnan(v(i)) ? -INFINITY : v(i); };
  std::stable_sort(o.begin(), o.end(), [&](int a, int b) { return key(a) > key(b); });
  return o;
}

static void class_profile(NeuronFacts& f, const Eigen::RowVectorXf& m) {
  const std::vector<int> order = order_desc(m.transpose());
  const float hi = m(order.front()), lo = m(order.back()), span = hi - lo;
  std::vector<int> weak;
  for (int c : order) {
    const float t = span > 0 ? (m(c) - lo) / span : 1.f;  // all alike: every class is "strong"
    (t >= kStrongClassFraction ? f.strong : t >= kModerateClassFraction ? f.moderate : weak).push_back(c);
  }
  for (int k = 0; k < kWeakClassesNamed && k < int(weak.size()); ++k) f.weakest.push_back(weak[weak.size() - 1 - std::size_t(k)]);
  f.strongest_mean = hi;
}

// Which digit most of its strongest test images are, and whether its class profile says so.
static void top_images(NeuronFacts& f, const LayerStats& L) {
  f.top = L.top[std::size_t(f.unit)];
  int count[kClasses] = {0};
  for (std::size_t k = 0; k < f.top.size(); ++k) {
    f.top_firing += activation_is_active(f.activation, L.top_value[std::size_t(f.unit)][k]);
    const int y = L.top_label[std::size_t(f.unit)][k];
    if (y >= 0 && y < kClasses) ++count[y];
  }
  const int common = int(std::max_element(count, count + kClasses) - count);
  f.top_common_class = common;
  f.top_common_count = count[common];
  const bool mostly = !f.top.empty() && float(count[common]) >= kMostlyShare * float(f.top.size()) && count[common] > 1;
  f.top_disagrees = mostly && std::find(f.strong.begin(), f.strong.end(), common) == f.strong.end();
}

static void votes(NeuronFacts& f, const Mlp& net) {
  if (f.layer + 2 != int(net.layers.size())) return;
  f.votes_known = true;
  const Eigen::VectorXf w = unit_outgoing_weights(net, f.layer).col(f.unit);
  f.votes.assign(w.data(), w.data() + w.size());
  const std::vector<int> order = order_desc(w);
  for (int k = 0; k < kVotesNamed && k < int(order.size()); ++k) {
    const int up = order[std::size_t(k)], down = order[order.size() - 1 - std::size_t(k)];
    if (w(up) > 0) f.pushes_up.push_back(up);
    if (w(down) < 0) f.pushes_down.push_back(down);
  }
}

// Its families, most exciting drawn alone first; the named ones; and how well naming them
// predicts the unit on the shape digits.
static void shapes(NeuronFacts& f, const ModelAnalysis& a) {
  if (!a.has_concepts) return;
  const ConceptScores& S = a.concepts[std::size_t(f.layer)];
  f.concepts = concept_ranking(S, f.unit);
  f.concepts_known = !f.concepts.empty();
  f.concepts_scored = S.scored;
  if (!f.concepts_known) return;
  f.shapes = concept_named(S, f.unit);
  if (f.shapes.empty() || !S.summary_defined[std::size_t(f.unit)]) return;
  f.shape_score = S.summary(f.unit);
  f.shape_score_defined = true;
}

static void why_dead(NeuronFacts& f, const ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  const LayerStats& L = a.stats.layers[std::size_t(f.layer)];
  f.best_preactivation = L.max_preactivation(f.unit);
  f.bias = net.layers[std::size_t(f.layer)].b(f.unit);
  f.actmax_preactivation = a.actmax_preactivation[std::size_t(f.layer)](f.unit);
  if (f.layer != 0 || net.inputs() != kPixels || net.layers[0].is_conv()) return;  // a filter is not a picture of the digit
  const Eigen::VectorXf w = net.layers[0].W.row(f.unit).transpose();
  f.largest_weight = w.cwiseAbs().maxCoeff();
  f.weight_smoothness = weight_smoothness(w);
  f.weights = f.largest_weight < kDecayedWeight   ? WeightShape::Decayed
              : f.weight_smoothness < kShapedWeights ? WeightShape::Speckle
                                                     : WeightShape::Shaped;
}

static NeuronFacts neuron_facts(const ModelAnalysis& a, int l, int h) {
  const Mlp& net = a.bundle->net;
  const LayerStats& L = a.stats.layers[std::size_t(l)];
  NeuronFacts f;
  f.layer = l;
  f.unit = h;
  f.actmax_known = a.actmax_done[std::size_t(l)];
  f.channel = net.layers[std::size_t(l)].is_conv();
  f.activation = net.layers[std::size_t(l)].act;
  f.images = a.stats.images;
  f.active_rate = L.active_rate(h);
  f.max_activation = L.max(h);
  f.selectivity = L.selectivity(h);
  const Liveness live = L.liveness(h);
  const bool constant = live != Liveness::Dead && std::abs(L.max(h) - L.min(h)) <= kConstantSpread * std::max(1.f, std::abs(L.max(h)));
  f.status = live == Liveness::Dead ? NeuronStatus::Dead
             : constant ? NeuronStatus::Constant
             : live == Liveness::NearlyDead ? NeuronStatus::NearlyDead
                                            : NeuronStatus::Alive;
  if (f.status == NeuronStatus::Dead) why_dead(f, a);
  if (f.status == NeuronStatus::Constant) f.constant_value = L.max(h);
  if (!f.silent()) {
    class_profile(f, L.class_mean.row(h));
    top_images(f, L);
    f.score = explanation_score(f, L, a.stats.class_count, &f.score_defined);
    shapes(f, a);
  }
  if (!f.silent() || f.status == NeuronStatus::Constant) votes(f, net);
  if (a.has_importance) {
    f.importance_known = true;
    f.importance = a.importance[std::size_t(l)](h);
    f.hurt_class = a.hurt_class[std::size_t(l)](h);
    f.hurt_before = a.base_score.class_accuracy(f.hurt_class);
    f.hurt_after = a.hurt_class_accuracy[std::size_t(l)](h);
    f.hurt_visible = f.hurt_before - f.hurt_after >= kVisibleClassDrop;
  }
  return f;
}

// With a single live unit u feeding the output layer, logit_c = W(c,u) a + b_c: the answer
// depends on a alone, so walking a from 0 to its test maximum lists every possible answer.
static LadderFacts ladder(const Mlp& net, const LayerStats& L, int l, int u) {
  LadderFacts f;
  f.present = true;
  f.layer = l;
  f.unit = u;
  f.max_activation = L.max(u);
  auto answer_at = [&](float act) {
    Eigen::Index best = 0;
    (net.layers.back().W.col(u) * act + net.layers.back().b).maxCoeff(&best);
    return int(best);
  };
  const int steps = 2000;
  for (int i = 0; i <= steps; ++i) {
    const float act = f.max_activation * float(i) / steps;
    const int best = answer_at(act);
    if (f.runs.empty() || f.runs.back().first != best) f.runs.emplace_back(best, act);
  }
  for (int c = 0; c < int(L.class_mean.cols()); ++c) {
    f.class_mean.push_back(L.class_mean(u, c));
    f.answer_at_mean.push_back(answer_at(L.class_mean(u, c)));
  }
  return f;
}

static LayerFacts layer_facts(const ModelAnalysis& a, int l) {
  const Mlp& net = a.bundle->net;
  const LayerStats& L = a.stats.layers[std::size_t(l)];
  LayerFacts f;
  f.layer = l;
  f.units = L.units();
  f.channels = net.layers[std::size_t(l)].is_conv();
  f.activation = net.layers[std::size_t(l)].act;
  for (const NeuronFacts& n : a.neurons[std::size_t(l)]) {
    switch (n.status) {
      case NeuronStatus::Dead: f.dead.push_back(n.unit); break;
      case NeuronStatus::Constant: f.constant.push_back(n.unit); break;
      case NeuronStatus::NearlyDead: f.nearly_dead.push_back(n.unit), f.alive.push_back(n.unit); break;
      case NeuronStatus::Alive: f.alive.push_back(n.unit); break;
    }
  }
  if (a.has_importance) {
    const Eigen::VectorXf& imp = a.importance[std::size_t(l)];
    for (int u : order_desc(imp)) {
      if (int(f.carriers.size()) >= kCarriersNamed || !(imp(u) >= kMeaningfulDrop)) break;
      f.carriers.push_back(u);
      f.carrier_drop.push_back(imp(u));
    }
    f.largest_drop = imp.size() ? imp.maxCoeff() : 0.f;
    f.spread = f.units > 1 && f.largest_drop < kSpreadDrop && f.alive.size() > 1;
  }
  // (a channel's logits depend on its whole map, not on one number)
  if (f.alive.size() == 1 && l + 2 == int(net.layers.size()) && !net.layers[std::size_t(l)].is_conv()) {
    f.ladder = ladder(net, L, l, f.alive[0]);
    const NeuronFacts& n = a.neurons[std::size_t(l)][std::size_t(f.alive[0])];
    f.ladder.strong = n.strong, f.ladder.moderate = n.moderate;
    f.ladder.concepts_known = n.concepts_known, f.ladder.concepts_scored = n.concepts_scored;
    f.ladder.concepts = n.concepts, f.ladder.shapes = n.shapes;
  }
  if (a.has_concepts) {
    f.concept_unit.assign(kConceptCount, -1);
    f.concept_unit_score.assign(kConceptCount, 0.f);
    for (const NeuronFacts& n : a.neurons[std::size_t(l)])
      for (const ConceptFact& c : n.shapes)
        if (f.concept_unit[std::size_t(c.concept)] < 0 || c.score > f.concept_unit_score[std::size_t(c.concept)])
          f.concept_unit[std::size_t(c.concept)] = n.unit, f.concept_unit_score[std::size_t(c.concept)] = c.score;
  }
  return f;
}

static void network_facts(ModelAnalysis& a) {
  const BundleInfo& info = a.bundle->info;
  NetworkFacts& f = a.network;
  f = NetworkFacts{};
  f.name = info.name;
  f.hidden_layers = a.hidden_layers();
  f.images = a.stats.images;
  f.accuracy = a.stats.accuracy;
  f.nonfinite_images = a.stats.nonfinite;
  f.recorded_known = info.test_accuracy >= 0;
  f.recorded_accuracy = float(info.test_accuracy);
  f.recorded_differs = f.recorded_known && std::abs(f.recorded_accuracy - f.accuracy) > kAccuracyMismatch;
  f.normalized = !a.bundle->net.norm.identity();
  f.norm_mean = a.bundle->net.norm.mean;
  f.norm_std = a.bundle->net.norm.std;
  const std::vector<int> by_accuracy = order_desc(a.stats.class_accuracy);
  f.best_class = by_accuracy.front();
  f.worst_class = by_accuracy.back();
  f.best_class_accuracy = a.stats.class_accuracy(f.best_class);
  f.worst_class_accuracy = a.stats.class_accuracy(f.worst_class);
  for (int l = 0; l < f.hidden_layers; ++l) {
    LayerFacts L = layer_facts(a, l);
    f.hidden_units += L.units;
    f.dead += int(L.dead.size());
    f.nearly_dead += int(L.nearly_dead.size());
    f.constant += int(L.constant.size());
    if (!L.dead.empty() && std::find(f.dead_activations.begin(), f.dead_activations.end(), L.activation) == f.dead_activations.end())
      f.dead_activations.push_back(L.activation);
    f.layers.push_back(std::move(L));
  }
  f.concepts_known = a.has_concepts;
  for (int k = 0; k < kConceptCount && a.has_concepts; ++k) {
    bool excites = false;
    for (const auto& layer : a.neurons)
      for (const NeuronFacts& n : layer)
        for (const ConceptFact& c : n.concepts) excites = excites || (c.concept == k && c.excites);
    if (!excites) f.concepts_uncovered.push_back(k);
  }
  if (f.dead > 0) f.advice.push_back(float(f.dead) >= kManyDeadShare * float(f.hidden_units) ? Advice::ReviveMany : Advice::ReviveFew);
  if (f.accuracy < kWeakAccuracy && f.hidden_units < kFewHiddenUnits) f.advice.push_back(Advice::MoreUnits);
  // (a convnet is already the first advice's network)
  if (f.accuracy >= kStrongAccuracy && !a.bundle->net.has_conv()) f.advice.push_back(Advice::BeyondMlp);
}

void analysis_facts(ModelAnalysis& a) {
  a.neurons.assign(std::size_t(a.hidden_layers()), {});
  for (int l = 0; l < a.hidden_layers(); ++l)
    for (int h = 0; h < a.stats.layers[std::size_t(l)].units(); ++h) a.neurons[std::size_t(l)].push_back(neuron_facts(a, l, h));
  network_facts(a);
}

}  // namespace lens
