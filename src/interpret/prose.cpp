#include "interpret/prose.h"

#include <algorithm>
#include <cmath>

#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/numbers.h"
#include "interpret/thresholds.h"

namespace lens {

namespace {

// Appends spans; adjacent plain text merges into one span.
struct Writer {
  Paragraph p;
  Writer& operator<<(const std::string& s) {
    if (!p.empty() && p.back().style == Span::Style::Plain && p.back().unit < 0) p.back().text += s;
    else p.push_back(Span{s});
    return *this;
  }
  Writer& strong(const std::string& s) {
    p.push_back(Span{s, Span::Style::Strong});
    return *this;
  }
  Writer& neuron(int layer, int unit, const std::string& s, bool channel = false) {
    Span x{s, Span::Style::Plain, layer, unit};
    x.channel = channel;
    p.push_back(x);
    return *this;
  }
  // "neuron 3" ("channel 3") as a reference to unit u of layer L.
  Writer& unit(const LayerFacts& L, int u) {
    return neuron(L.layer, u, unit_noun(L.channels) + " " + std::to_string(u), L.channels);
  }
  // "neuron 3", "neurons 1, 4 and 5" (or channels) with each number a reference.
  Writer& neurons(const LayerFacts& L, const std::vector<int>& units, bool sentence_start = false) {
    const std::string one = unit_noun(L.channels), noun = units.size() == 1 ? one : one + "s";
    *this << (sentence_start ? capitalized(noun) : noun) << " ";
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (i) *this << (i + 1 == units.size() ? " and " : ", ");
      neuron(L.layer, units[i], std::to_string(units[i]), L.channels);
    }
    return *this;
  }
};

}  // namespace

std::string network_unit_noun(const NetworkFacts& f) {
  bool neurons = false, channels = false;
  for (const LayerFacts& L : f.layers) (L.channels ? channels : neurons) = true;
  return neurons && channels ? "unit" : unit_noun(channels);
}

namespace {

const char* is_are(long long n) { return n == 1 ? "is" : "are"; }

std::string layer_name(int layer) { return "hidden layer " + std::to_string(layer); }

std::string subject(const NeuronFacts& f) {
  return capitalized(unit_noun(f.channel)) + " " + std::to_string(f.unit) + " of " + layer_name(f.layer);
}

// What "never fires" means for the unit's activation function, after "so".
std::string silent_clause(Activation act) {
  switch (act) {
    case Activation::ReLU: return "its ReLU outputs 0 every time, passes nothing on and gets no gradient";
    case Activation::LeakyReLU: return "its leaky ReLU only ever passes on a faint " + pct(kLeakySlope, 0) + " of it";
    case Activation::Sigmoid: return "its sigmoid never rises above 0.5";
    case Activation::Tanh: return "its tanh is never positive";
    case Activation::Identity: return "its output is never positive";
  }
  return "it stays silent";
}

bool revivable_by_training(Activation act) { return act != Activation::ReLU; }

std::string digits_plural(int c) { return std::to_string(c) + "s"; }

// "closed loops (1st of 10 drawn alone, score 0.52) and arcs bulging left, like a C (2nd, score 0.41)"
std::string concept_list(const std::vector<ConceptFact>& shapes) {
  std::string s;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (i) s += i + 1 == shapes.size() ? " and " : ", ";
    s += std::string(concept_info(shapes[i].concept).phrase) + " (" + ordinal(shapes[i].rank + 1) +
         (i ? "" : " of " + std::to_string(kConceptCount) + " drawn alone") + ", score " + fmt("%.2f", shapes[i].score) + ")";
  }
  return s;
}

// Why no shape is named: none stands out drawn alone, or those that do do not predict it on digits.
std::string no_shape(const NeuronFacts& f) {
  const ConceptFact& top = f.concepts.front();
  const std::string name = concept_info(top.concept).phrase;
  const std::string drawn = "drawn alone, " + name + " excite it most (median activation " + fmt("%.2g", top.drawn) + ")";
  if (!top.excites) return "No shape stands out for it: " + drawn + ", hardly more than most other shapes";
  if (!f.concepts_scored) return "No shape is named for it: " + drawn + ", but without test digits it could not be checked on real digits";
  return "No shape is named for it: " + drawn + ", but on test digits looking like one predicts its activation only weakly (score " +
         fmt("%.2f", top.score) + ", under " + fmt("%.1f", kConceptNamed) + ")";
}

// The course's sentence about the lone survivor, and each of its claims against what was measured.
constexpr const char* kCourseSurvivor = "captures smooth, rounded shapes or arcs: high for 0, moderate for 6 and 3";

bool has(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

void course_check(Writer& w, const LadderFacts& d) {
  w << "The course says the survivor \u201c" << kCourseSurvivor << "\u201d. Measured here: rounded shapes: ";
  std::vector<ConceptFact> rounded;
  for (const ConceptFact& c : d.shapes)
    if (concept_info(c.concept).rounded) rounded.push_back(c);
  if (!rounded.empty()) {
    w << "confirmed";
    for (const ConceptFact& c : rounded) w << ", " << concept_info(c.concept).label << " " << fmt("%.2f", c.score);
  } else if (d.concepts_known && !d.concepts.empty() && concept_info(d.concepts.front().concept).rounded) {
    w << "partly (drawn alone, " << concept_info(d.concepts.front().concept).label << " excites it most, but scores only "
      << fmt("%.2f", d.concepts.front().score) << " on test digits)";
  } else if (d.concepts_known && !d.concepts.empty()) {
    w << "not confirmed (drawn alone, " << concept_info(d.concepts.front().concept).label << " excites it most)";
  } else {
    w << "not measured";
  }
  const bool high0 = !d.strong.empty() && d.strong.front() == 0;
  w << "; high for 0: " << (high0 ? "confirmed" : has(d.strong, 0) ? "confirmed, among its strongest digits" : "not confirmed");
  w << "; moderate for 6 and 3: ";
  auto level = [&](int c) { return has(d.moderate, c) ? "moderate" : has(d.strong, c) ? "strong" : "weak"; };
  // Confirmed when both are moderate; partly when both respond at least moderately (one is strong).
  const bool moderate = has(d.moderate, 6) && has(d.moderate, 3);
  const bool at_least = (has(d.moderate, 6) || has(d.strong, 6)) && (has(d.moderate, 3) || has(d.strong, 3));
  w << (moderate ? "confirmed" : at_least ? "partly" : "not confirmed") << " (6 " << level(6) << ", 3 " << level(3) << ").";
}

}  // namespace

Paragraph neuron_shapes(const NeuronFacts& f) {
  Writer w;
  if (!f.concepts_known || f.concepts.empty()) return w.p;
  if (!f.shapes.empty())
    w << "Among shapes drawn alone it responds most to " << concept_list(f.shapes)
      << ": the more a test digit looks like " << (f.shapes.size() == 1 ? "it" : "them") << ", the more it fires.";
  else w << no_shape(f) << ".";
  return w.p;
}

std::string join_classes(const std::vector<int>& c, bool with_or) {
  std::string s;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i) s += i + 1 == c.size() ? (with_or ? " or " : " and ") : ", ";
    s += std::to_string(c[i]);
  }
  return s;
}

std::string unit_noun(bool channel) { return channel ? "channel" : "neuron"; }

std::string neuron_title(int layer, int unit, bool channel) {
  return "Hidden layer " + std::to_string(layer) + ", " + unit_noun(channel) + " " + std::to_string(unit);
}

std::string neuron_anchor(int layer, int unit, bool channel) {
  return "hidden-layer-" + std::to_string(layer) + "-" + unit_noun(channel) + "-" + std::to_string(unit);
}

Paragraph neuron_summary(const NeuronFacts& f) {
  Writer w;
  const std::string images = with_commas(f.images);
  switch (f.status) {
    case NeuronStatus::Dead:
      w << subject(f) << " never fires on any of the " << images << " test images: its weighted input stays at or below 0, so "
        << silent_clause(f.activation) << ". ";
      w << (revivable_by_training(f.activation) ? "It is dead for now, though a small gradient still reaches it."
                                                 : "Training cannot revive it: it is dead.");
      return w.p;
    case NeuronStatus::Constant:
      w << subject(f) << " outputs the same value, " << signed_number(f.constant_value, 3) << ", for every one of the "
        << images << " test images: it carries no information about the digit and acts only as a fixed extra bias for the "
        << (f.votes_known ? "output layer." : "next layer.");
      return w.p;
    case NeuronStatus::Alive:
    case NeuronStatus::NearlyDead: break;
  }
  if (int(f.strong.size()) >= kClasses) {
    w << subject(f) << " responds about equally to every digit (mean activation " << fmt("%.2g", f.strongest_mean) << ")";
  } else {
    w << subject(f) << " fires most for " << join_classes(f.strong) << " (mean activation " << fmt("%.2g", f.strongest_mean)
      << (f.strong.size() > 1 ? " and below" : "") << ")";
    if (!f.moderate.empty()) w << ", moderately for " << join_classes(f.moderate);
    if (!f.weakest.empty()) w << ", and hardly at all for " << join_classes(f.weakest, true);
  }
  w << ". ";
  if (f.top_disagrees)
    w << "Its " << std::to_string(f.top.size()) << " strongest single test digits, though, are mostly "
      << digits_plural(f.top_common_class) << " (" << std::to_string(f.top_common_count) << " of " << std::to_string(f.top.size())
      << "). ";
  if (const Paragraph shapes = neuron_shapes(f); !shapes.empty()) w << render_plain(shapes) << " ";
  w << "It is active on " << pct(f.active_rate) << " of test images";
  if (f.status == NeuronStatus::NearlyDead) w << " (under " << pct(kNearlyDeadRate, 0) << "), so it is nearly dead";
  w << ".";
  if (!f.pushes_up.empty() || !f.pushes_down.empty()) {
    w << " When it fires it pushes the answer";
    if (!f.pushes_up.empty()) w << " towards " << join_classes(f.pushes_up);
    if (!f.pushes_up.empty() && !f.pushes_down.empty()) w << " and";
    if (!f.pushes_down.empty()) w << " away from " << join_classes(f.pushes_down, true);
    w << ".";
  }
  return w.p;
}

Paragraph neuron_one_line(const NeuronFacts& f) {
  Writer w;
  switch (f.status) {
    case NeuronStatus::Dead: w << "Dead: never fires on any test image."; return w.p;
    case NeuronStatus::Constant: w << "Constant: outputs " << signed_number(f.constant_value, 3) << " for every image."; return w.p;
    case NeuronStatus::NearlyDead: w << "Nearly dead; "; break;
    case NeuronStatus::Alive: break;
  }
  if (int(f.strong.size()) >= kClasses) w << "responds to every digit alike";
  else w << "fires for " << join_classes(f.strong);
  if (!f.moderate.empty()) w << ", some " << join_classes(f.moderate);
  if (f.top_disagrees) w << "; its strongest digits are mostly " << digits_plural(f.top_common_class);
  w << ".";
  return w.p;
}

Paragraph neuron_ladder_story(const NeuronFacts& f, const LadderFacts& d) {
  Writer w;
  if (!d.present || d.unit != f.unit || d.layer != f.layer || f.votes.empty()) return w.p;
  w.strong("It does all the work.");
  w << " It is the only " << unit_noun(f.channel) << " of " << layer_name(f.layer) << " that ever fires, so the output layer sees each image as one number: "
    << "how strongly it responds. ";
  if (!f.shapes.empty()) w << "What it captures, in shapes: " << concept_list(f.shapes) << ". ";
  else if (f.concepts_known && !f.concepts.empty()) w << no_shape(f) << ". ";
  std::vector<int> order(f.votes.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = int(c);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return f.votes[std::size_t(a)] > f.votes[std::size_t(b)]; });
  w << "Its outgoing weights push";
  bool first = true;
  for (int c : order)
    if (f.votes[std::size_t(c)] > 0) w << (first ? " towards " : ", ") << std::to_string(c) << " (" << signed_number(f.votes[std::size_t(c)]) << ")", first = false;
  bool against = true;
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (f.votes[std::size_t(*it)] <= 0) w << (against ? (first ? " against " : ", against ") : ", ") << std::to_string(*it) << " (" << signed_number(f.votes[std::size_t(*it)]) << ")", against = false;
  w << ": the more it fires, the more the digits early in that list gain on the others. ";
  std::vector<int> along(d.class_mean.size());
  for (std::size_t c = 0; c < along.size(); ++c) along[c] = int(c);
  std::stable_sort(along.begin(), along.end(), [&](int a, int b) { return d.class_mean[std::size_t(a)] < d.class_mean[std::size_t(b)]; });
  w << "Along its single activation the digits line up, by where their typical test image lands: ";
  for (std::size_t i = 0; i < along.size(); ++i)
    w << (i ? " < " : "") << std::to_string(along[i]) << " (" << fmt("%.1f", d.class_mean[std::size_t(along[i])]) << ")";
  w << "; as it rises, the answer runs ";
  for (std::size_t i = 0; i < d.runs.size(); ++i) w << (i ? " \u2192 " : "") << std::to_string(d.runs[i].first);
  w << ". ";
  course_check(w, d);
  return w.p;
}

Paragraph neuron_dead_detail(const NeuronFacts& f) {
  Writer w;
  if (f.status != NeuronStatus::Dead) return w.p;
  w << "Its weighted input peaks at " << signed_number(f.best_preactivation) << " on the test set (its bias is "
    << signed_number(f.bias) << ").";
  const std::string no_gradient = f.activation == Activation::ReLU ? "gets no gradient" : "gets almost no gradient";
  switch (f.weights) {
    case WeightShape::Decayed:
      w << " Its incoming weights have decayed to almost nothing (the largest is "
        << (f.largest_weight < 1e-6f ? std::string("under a millionth") : fmt("%.1g", f.largest_weight))
        << ", so its weight image is blank): weight decay shrinks every weight a little at each step, and a " << unit_noun(f.channel)
        << " that never fires " << no_gradient << " from the data to push back. Its weighted input is its bias alone, for every image.";
      break;
    case WeightShape::Speckle:
      w << " Its incoming weights are unstructured speckle (neighbouring weights correlate at "
        << signed_number(f.weight_smoothness) << "): a " << unit_noun(f.channel) << " that never fires " << no_gradient
        << ", so they are still close to the random values it started with.";
      break;
    case WeightShape::Shaped:
      w << " Its incoming weights do have structure (neighbouring weights correlate at " << signed_number(f.weight_smoothness)
        << "), so it learned something before it died.";
      break;
    case WeightShape::NotMeasured: break;
  }
  if (!f.actmax_known)
    w << " Its maximization image is still being computed.";
  else if (f.actmax_preactivation <= 0)
    w << " Even the image built to excite it gets its weighted input no higher than " << signed_number(f.actmax_preactivation)
      << ": no input in [0, 1] can switch it on.";
  else
    w << " Gradient ascent can build an input that lifts its weighted input to " << signed_number(f.actmax_preactivation)
      << " (the maximization image), but no real digit comes close.";
  return w.p;
}

Paragraph neuron_importance(const NeuronFacts& f) {
  Writer w;
  if (!f.importance_known) {
    w << "Its importance was not measured: the model is too large to re-score the test set once per " << unit_noun(f.channel) << ".";
    return w.p;
  }
  if (std::abs(f.importance) < kMeaningfulDrop)
    w << "Switching it off changes the test accuracy by less than " << points(kMeaningfulDrop, 2) << ".";
  else if (f.importance > 0)
    w << "Switching it off costs " << points(f.importance) << " of test accuracy";
  else
    w << "Switching it off gains " << points(-f.importance) << " of test accuracy";
  if (std::abs(f.importance) >= kMeaningfulDrop) {
    if (f.hurt_visible)
      w << " (" << digits_plural(f.hurt_class) << " fall from " << pct(f.hurt_before, 0) << " to " << pct(f.hurt_after, 0) << ")";
    w << ".";
  }
  return w.p;
}

Paragraph accuracy_check(const NetworkFacts& f) {
  Writer w;
  if (!f.recorded_differs) return w.p;
  const float diff = f.recorded_accuracy - f.accuracy;
  w << "Its bundle records a test accuracy of " << pct(f.recorded_accuracy, 2) << ", " << points(std::abs(diff))
    << (diff > 0 ? " higher" : " lower") << " than the " << pct(f.accuracy, 2) << " measured here on the same images.";
  if (diff > 0 && !f.normalized)
    w << " Likely cause: missing input normalization. The model records none, so it sees raw pixels in [0, 1]; if it was "
      << "trained on normalized ones (torchvision's Normalize((0.1307,), (0.3081,)), say), give that when importing it "
      << "(lens-import --normalize 0.1307,0.3081, or lens.loadBundle's normalize option). Otherwise the record is wrong.";
  else if (f.normalized)
    w << " The model normalizes its input as (pixel - " << fmt("%.4g", double(f.norm_mean)) << ") / " << fmt("%.4g", double(f.norm_std))
      << "; if it was trained with other values, or without, that explains it. Otherwise the record is wrong.";
  else
    w << " The model may expect its input prepared differently, or the record is wrong.";
  return w.p;
}

static void headline(Writer& w, const NetworkFacts& f) {
  w.strong(f.name);
  w << " has " << count_of(f.hidden_layers, "hidden layer", "hidden layers") << " ("
    << count_of(f.hidden_units, network_unit_noun(f), network_unit_noun(f) + "s") << " in all) and classifies " << pct(f.accuracy, 2) << " of the "
    << with_commas(f.images) << " test images correctly.";
  if (f.nonfinite_images > 0)
    w << " On " << with_commas(f.nonfinite_images) << " of them its outputs overflow (they are not finite numbers); those count as wrong.";
  if (f.recorded_differs) w << " " << render_plain(accuracy_check(f));
  w << " It is best on " << digits_plural(f.best_class) << " (" << pct(f.best_class_accuracy) << ") and worst on "
    << digits_plural(f.worst_class) << " (" << pct(f.worst_class_accuracy) << ").";
}

static void dead_paragraph(Writer& w, const NetworkFacts& f) {
  const std::string hidden = "hidden " + network_unit_noun(f), hiddens = hidden + "s";
  const std::string nearly_rule = "active on under " + pct(kNearlyDeadRate, 0) + " of test images";
  if (f.dead > 0) {
    w << std::to_string(f.dead) << " of its " << std::to_string(f.hidden_units) << " " << hiddens << " " << is_are(f.dead)
      << " dead (";
    bool first = true;
    for (const LayerFacts& L : f.layers) {
      if (L.dead.empty()) continue;
      if (!first) w << "; ";
      first = false;
      if (f.hidden_layers > 1) w << layer_name(L.layer) << ": ";
      w.neurons(L, L.dead);
    }
    w << "). A dead " << network_unit_noun(f) << "'s weighted input never rises above 0 on any test image, so ";
    for (std::size_t i = 0; i < f.dead_activations.size(); ++i)
      w << (i ? "; or " : "") << silent_clause(f.dead_activations[i]);
    w << ".";
    if (f.nearly_dead > 0) w << " " << std::to_string(f.nearly_dead) << " more " << is_are(f.nearly_dead) << " nearly dead (" << nearly_rule << ").";
  } else if (f.nearly_dead > 0) {
    w << count_of(f.nearly_dead, hidden, hiddens) << " " << is_are(f.nearly_dead) << " nearly dead (" << nearly_rule
      << "); none is dead.";
  } else {
    w << "Every " << hidden << " is alive: each fires on at least " << pct(kNearlyDeadRate, 0) << " of the test images.";
  }
  if (f.constant > 0)
    w << " " << count_of(f.constant, hidden + " outputs", hiddens + " output")
      << " the same value for every image and so carr" << (f.constant == 1 ? "ies" : "y") << " no information about the digit.";
}

static void carriers_paragraph(Writer& w, const NetworkFacts& f, const LayerFacts& L) {
  w << "In " << layer_name(L.layer);
  if (L.carriers.empty()) {
    w << " no single " << unit_noun(L.channels) << " matters: switching any one off changes the test accuracy by less than " << points(kMeaningfulDrop, 2) << ".";
    return;
  }
  w << (L.carriers.size() == 1 ? " the work is carried by " : " the work is carried most by ");
  for (std::size_t k = 0; k < L.carriers.size(); ++k) {
    if (k) w << (k + 1 == L.carriers.size() ? " and " : ", ");
    w.unit(L, L.carriers[k]);
    w << " (switching it off costs " << points(L.carrier_drop[k]) << " and leaves " << pct(f.accuracy - L.carrier_drop[k]) << ")";
  }
  w << ".";
  if (L.largest_drop > kCrucialDrop)
    w << " Losing " << unit_noun(L.channels) << " " << std::to_string(L.carriers.front()) << " alone would cost more than " << points(kCrucialDrop, 0)
      << ": the network leans on very few features.";
}

static void survivors_paragraph(Writer& w, const LayerFacts& L) {
  if (L.ladder.present) {
    const LadderFacts& d = L.ladder;
    w.strong("One neuron does all the work.");
    w << " Only ";
    w.unit(L, d.unit);
    w << " of " << layer_name(L.layer) << " ever fires, so everything the output layer knows about an image is one number: how "
      << "strongly that neuron responds. As its activation rises from 0 to its test maximum of " << fmt("%.1f", d.max_activation)
      << ", the answer runs ";
    for (std::size_t i = 0; i < d.runs.size(); ++i) w << (i ? " \u2192 " : "") << std::to_string(d.runs[i].first);
    if (d.runs.size() > 1) {
      w << " (";
      for (std::size_t i = 0; i + 1 < d.runs.size(); ++i)
        w << (i ? ", " : "") << std::to_string(d.runs[i].first) << " up to " << fmt("%.1f", d.runs[i + 1].second);
      w << ", then " << std::to_string(d.runs.back().first) << ")";
    }
    w << ". No other answer is possible, whatever the image. ";
    course_check(w, d);
    return;
  }
  w.strong("Only " + std::to_string(L.alive.size()) + " of " + std::to_string(L.units) + " " + unit_noun(L.channels) + "s of " + layer_name(L.layer) +
           " ever fire");
  w << " (";
  w.neurons(L, L.alive);
  w << "), so the next layer sees each image as just " << std::to_string(L.alive.size()) << " numbers.";
}

Paragraph network_shapes(const NetworkFacts& f) {
  Writer w;
  if (!f.concepts_known) return w.p;
  w.strong("Shapes.");
  w << " Of the " << std::to_string(kConceptCount) << " shapes drawn alone on the canvas (loops, arcs, cups, arches, bars, "
    << "verticals, diagonals, X and + crossings), ";
  for (std::size_t i = 0; i < f.layers.size(); ++i) {
    const LayerFacts& L = f.layers[i];
    if (i) w << "; ";
    w << layer_name(L.layer);
    std::vector<int> covered;
    for (int k = 0; k < kConceptCount && k < int(L.concept_unit.size()); ++k)
      if (L.concept_unit[std::size_t(k)] >= 0) covered.push_back(k);
    if (covered.empty()) {
      w << " names none (no " << unit_noun(L.channels) << " has a shape among its " << std::to_string(kConceptTopRanks) << " strongest drawn alone that also scores "
        << fmt("%.1f", kConceptNamed) << " on test digits)";
      continue;
    }
    w << " names " << std::to_string(covered.size()) << ": ";
    for (std::size_t j = 0; j < covered.size(); ++j) {
      const int k = covered[j];
      if (j) w << ", ";
      w << concept_info(k).phrase << " (";
      w.unit(L, L.concept_unit[std::size_t(k)]);
      w << ", " << fmt("%.2f", L.concept_unit_score[std::size_t(k)]) << ")";
    }
  }
  w << ". ";
  if (f.concepts_uncovered.empty()) {
    w << "Every shape, drawn alone, is among the " << std::to_string(kConceptTopRanks) << " strongest for some " << network_unit_noun(f) << ".";
  } else {
    w << "Drawn alone, ";
    for (std::size_t j = 0; j < f.concepts_uncovered.size(); ++j) {
      if (j) w << (j + 1 == f.concepts_uncovered.size() ? " and " : ", ");
      w << concept_info(f.concepts_uncovered[j]).phrase;
    }
    w << " excite no " << network_unit_noun(f) << " more than most other shapes do.";
  }
  return w.p;
}

Paragraph network_advice(const NetworkFacts& f) {
  Writer w;
  if (f.advice.empty()) return w.p;
  w.strong("What would improve it.");
  const std::string unit = network_unit_noun(f);
  const bool relu = std::find(f.dead_activations.begin(), f.dead_activations.end(), Activation::ReLU) != f.dead_activations.end();
  for (Advice a : f.advice) {
    switch (a) {
      case Advice::ReviveMany:
        w << " Revive the dead " << unit << "s: start the hidden biases at zero or slightly positive instead of negative, or lower the "
             "learning rate"
          << (relu ? ", or use leaky ReLU so that a " + unit + " below zero still gets a gradient." : ".");
        break;
      case Advice::ReviveFew:
        w << " A few dead " << unit << "s are wasted capacity; a smaller learning rate or a small positive bias at the start would keep "
             "them alive.";
        break;
      case Advice::MoreUnits:
        w << " With only " << count_of(f.hidden_units, "hidden " + unit, "hidden " + unit + "s")
          << " the network cannot separate all ten digits well; more hidden " << unit << "s would help most.";
        break;
      case Advice::BeyondMlp:
        w << " Further gains would come from a convolutional network or data augmentation (small shifts and rotations of the "
             "training digits) rather than from more neurons.";
        break;
    }
  }
  return w.p;
}

Text network_summary(const NetworkFacts& f) {
  Text t;
  Writer head;
  headline(head, f);
  t.push_back(head.p);
  Writer dead;
  dead_paragraph(dead, f);
  t.push_back(dead.p);
  for (const LayerFacts& L : f.layers) {
    if (L.alive.size() > 0 && L.alive.size() <= 3 && int(L.alive.size()) < L.units) {
      Writer s;
      survivors_paragraph(s, L);
      t.push_back(s.p);
    }
    if (L.spread) {
      Writer s;
      const std::string unit = unit_noun(L.channels);
      s << "No single " << unit << " of " << layer_name(L.layer) << " matters much: the worst loss from switching one off is "
        << points(L.largest_drop) << ". What the layer knows is spread over many " << unit << "s, so read its " << unit
        << "s as pieces of a "
        << "shared code rather than as self-contained digit detectors.";
      t.push_back(s.p);
    } else if (!L.alive.empty() && (L.largest_drop != 0 || !L.carriers.empty())) {
      Writer s;
      carriers_paragraph(s, f, L);
      t.push_back(s.p);
    }
  }
  if (Paragraph shapes = network_shapes(f); !shapes.empty()) t.push_back(shapes);
  return t;
}

Paragraph dead_story(const NetworkFacts& f) {
  Writer w;
  if (f.hidden_units == 0 || float(f.dead) < kStoryDeadShare * float(f.hidden_units)) return w.p;
  w << std::to_string(f.dead) << " of " << std::to_string(f.hidden_units) << " hidden " << network_unit_noun(f) << "s " << is_are(f.dead)
    << " dead: " << (f.dead == 1 ? "it never fires" : "they never fire") << " on any test digit, so "
    << (f.dead == 1 ? "it passes" : "they pass") << " nothing on. ";
  const LayerFacts& first = f.layers.front();
  if (first.alive.empty()) {
    w << "No " << unit_noun(first.channels) << " of " << layer_name(0) << " fires at all, so the network gives the same answer for every image: "
      << pct(f.accuracy, 0) << " accuracy.";
  } else {
    w.neurons(first, first.alive, true);
    w << (first.alive.size() == 1 ? " carries" : " carry") << " all the work of " << layer_name(0)
      << ", so the network can tell only a few kinds of digit apart: " << pct(f.accuracy, 0) << " accuracy.";
  }
  w << " Grey cards are the dead " << network_unit_noun(f) << "s; the Network tab tells the whole story.";
  return w.p;
}

Paragraph dead_story_short(const NetworkFacts& f) {
  Writer w;
  if (f.hidden_units == 0 || float(f.dead) < kStoryDeadShare * float(f.hidden_units)) return w.p;
  const LayerFacts& first = f.layers.front();
  if (first.alive.empty()) {
    w << "No " << unit_noun(first.channels) << " of " << layer_name(0) << " fires, so every image gets the same answer (" << pct(f.accuracy, 0) << " accuracy).";
    return w.p;
  }
  w.neurons(first, first.alive, true);
  w << (first.alive.size() == 1 ? " carries" : " carry") << " all the work: the other " << std::to_string(f.dead) << " of "
    << std::to_string(f.hidden_units) << " are dead (" << pct(f.accuracy, 0) << " accuracy).";
  return w.p;
}

std::string render_plain(const Paragraph& p) {
  std::string s;
  for (const Span& x : p) s += x.text;
  return s;
}

static std::string md_escape_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' || c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string render_markdown(const Paragraph& p) {
  std::string s;
  for (const Span& x : p) {
    const std::string text = md_escape_text(x.text);
    if (x.unit >= 0) s += "[" + text + "](#" + neuron_anchor(x.layer, x.unit, x.channel) + ")";
    else if (x.style == Span::Style::Strong) s += "**" + text + "**";
    else s += text;
  }
  return s;
}

std::string render_markdown(const Text& t) {
  std::string s;
  for (const Paragraph& p : t) s += render_markdown(p) + "\n\n";
  return s;
}

}  // namespace lens
