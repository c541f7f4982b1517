#include "interpret/model_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/constants.h"
#include "interpret/units.h"

namespace lens {

// Above this many multiply-adds, re-scoring the test set once per hidden unit is
// not done (a minute or more in the page): importance is then reported as unknown.
constexpr double kMaxImportanceMadds = 4e10;

// Multiply-adds of one sample through layers [first, last].
static double madds(const Mlp& net, int first, int last) {
  double m = 0;
  for (int l = first; l <= last; ++l) m += net.layers[std::size_t(l)].multiply_adds();
  return m;
}

static int slice_count(double budget_madds, double per_item) {
  return int(std::clamp(budget_madds / std::max(1.0, per_item), 1.0, 1e6));
}

float ModelAnalysis::progress() const {
  if (!bundle) return 0.f;
  const int L = int(bundle->net.layers.size());
  const float stats_share = test ? 0.3f : 0.f, actmax_share = test ? 0.45f : 1.f;
  switch (phase) {
    case Phase::Stats: return stats_share * (stats_builder ? stats_builder->progress() : 0.f);
    case Phase::Actmax: {
      const int U = layer_units(bundle->net.layers[std::size_t(actmax_layer)]);
      const float in_layer = (float(actmax_first) + (solver ? solver->progress() * float(solver->units().size()) : 0.f)) / float(U);
      if (actmax_late_round) {  // the explanations are out: this is the late layers' own progress
        int done_units = 0, all_units = 0;
        for (int l = 0; l < L; ++l) {
          if (!analysis_actmax_late(*this, l)) continue;
          const int H = layer_units(bundle->net.layers[std::size_t(l)]);
          all_units += H;
          if (l < actmax_layer) done_units += H;
        }
        return (float(done_units) + in_layer * float(U)) / float(std::max(1, all_units));
      }
      return stats_share + actmax_share * (float(actmax_layer) + in_layer) / float(L);
    }
    case Phase::Ablation: return 0.75f + 0.05f * (scorer ? scorer->progress() : 0.f);
    case Phase::Importance: {
      int done_units = 0, all_units = 0;
      for (int l = 0; l + 1 < L; ++l) {
        const int H = layer_units(bundle->net.layers[std::size_t(l)]);
        all_units += H;
        if (l < importance_layer) done_units += H;
      }
      done_units += importance_unit;
      return 0.8f + 0.15f * float(done_units) / float(std::max(1, all_units));
    }
    case Phase::Concepts: return 0.95f;
    case Phase::Facts: return 0.97f;
    case Phase::Done: return 1.f;
  }
  return 1.f;
}

const NeuronFacts* ModelAnalysis::neuron(int layer, int unit) const {
  if (!has_facts || layer < 0 || layer >= int(neurons.size())) return nullptr;
  const auto& units = neurons[std::size_t(layer)];
  return unit >= 0 && unit < int(units.size()) ? &units[std::size_t(unit)] : nullptr;
}

static bool is_output(const ModelAnalysis& a, int layer) { return layer + 1 == int(a.bundle->net.layers.size()); }

static const ActmaxConfig& actmax_config(const ModelAnalysis& a, int layer) {
  if (is_output(a, layer)) return a.settings.output;
  return a.bundle->net.layers[std::size_t(layer)].is_conv() ? a.settings.channels : a.settings.hidden;
}

// One image's forward work at a layer's maximization step: the layers below it and the target
// itself, a channel alone (a C_out-th of a convolutional layer: actmax_objective.h).
static double actmax_column_madds(const Mlp& net, int layer) {
  const Layer& d = net.layers[std::size_t(layer)];
  return madds(net, 0, layer - 1) + d.multiply_adds() / (d.is_conv() ? d.channels() : 1);
}

bool analysis_actmax_late(const ModelAnalysis& a, int layer) {
  const Mlp& net = a.bundle->net;
  const double cost = 3.0 * actmax_config(a, layer).steps * layer_units(net.layers[std::size_t(layer)]) * actmax_column_madds(net, layer);
  return net.has_conv() && cost > a.settings.actmax_eager_madds;
}

// The next layer from `from` to maximize now: before the explanations, the layers that are not
// late; after them (a.actmax_late_round), the rest. -1: none.
static int next_actmax_layer(const ModelAnalysis& a, int from) {
  for (int l = from; l < int(a.bundle->net.layers.size()); ++l)
    if (!a.actmax_done[std::size_t(l)] && (a.actmax_late_round || !analysis_actmax_late(a, l))) return l;
  return -1;
}

// A hidden unit's image must beat its strongest test digit (ActmaxSolver::set_targets), once the
// statistics say what that is.
static void set_actmax_targets(const ModelAnalysis& a, int layer, ActmaxSolver& solver) {
  if (!a.has_stats || is_output(a, layer)) return;
  const LayerStats& L = a.stats.layers[std::size_t(layer)];
  Eigen::VectorXf beat(Eigen::Index(solver.units().size()));
  for (std::size_t k = 0; k < solver.units().size(); ++k) {  // a unit no test digit excites has none to beat
    const int u = solver.units()[k];
    beat(Eigen::Index(k)) = L.is_dead(u) ? -std::numeric_limits<float>::infinity() : L.max(u);
  }
  solver.set_targets(beat);
}

// Units of one layer are maximized in groups small enough for a slice; the solver's
// jitter is shared by all columns, so a group's images equal the whole batch's.
static void start_actmax_group(ModelAnalysis& a, int layer, int first) {
  const Mlp& net = a.bundle->net;
  a.actmax_layer = layer;
  a.actmax_first = first;
  const int U = layer_units(net.layers[std::size_t(layer)]);
  const int group = std::min(U - first, slice_count(a.settings.slice_madds, 3.0 * actmax_column_madds(net, layer)));
  std::vector<int> units(static_cast<std::size_t>(group));
  std::iota(units.begin(), units.end(), first);
  a.solver = std::make_unique<ActmaxSolver>(net, layer, std::move(units), actmax_config(a, layer), a.settings.output_objective);
  set_actmax_targets(a, layer, *a.solver);
}

// The first group of the layers to maximize now, or the phase after them when there are none.
static void start_actmax(ModelAnalysis& a) {
  a.phase = ModelAnalysis::Phase::Actmax;
  if (const int l = next_actmax_layer(a, 0); l >= 0) return start_actmax_group(a, l, 0);
  a.phase = a.test ? ModelAnalysis::Phase::Ablation : ModelAnalysis::Phase::Concepts;
}

static void finish_stats(ModelAnalysis& a) {
  a.stats = a.stats_builder->finish();
  a.has_stats = true;
  a.scorer = std::make_unique<AblationScorer>(a.bundle->net, *a.test, a.stats_builder->take_first_layer());
  a.base_score.accuracy = a.stats.accuracy;  // what the scorer would count with nothing off
  a.base_score.class_accuracy = a.stats.class_accuracy;
  if (!a.settings.maximize) {
    a.phase = ModelAnalysis::Phase::Ablation;
    return;
  }
  start_actmax(a);
}

// Pre-activation each unit reaches on its own image (for hidden units), and for
// output classes the model's probability of the class on its image.
static void record_actmax_group(ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  const int l = a.actmax_layer;
  const std::vector<int>& units = a.solver->units();
  const Eigen::MatrixXf& x = a.solver->images();
  Trace t;
  mlp_forward_trace(net, x, t);
  const Eigen::MatrixXf z = unit_preactivations(net.layers[std::size_t(l)], t.layers[std::size_t(l)]);
  for (std::size_t k = 0; k < units.size(); ++k) a.actmax_preactivation[std::size_t(l)](units[k]) = z(units[k], Eigen::Index(k));
  if (is_output(a, l)) {
    const Eigen::MatrixXf p = head_probabilities(net.head, t.logits());
    for (std::size_t k = 0; k < units.size(); ++k) a.output_probability(units[k]) = p(units[k], Eigen::Index(k));
  }
}

static void finish_late_actmax(ModelAnalysis& a, double now);

static void actmax_slice(ModelAnalysis& a, double now) {
  const Mlp& net = a.bundle->net;
  const int l = a.actmax_layer;
  const int per_step = int(a.solver->units().size());
  const bool finished = a.solver->step(slice_count(a.settings.slice_madds, 3.0 * per_step * actmax_column_madds(net, l)));
  a.actmax[std::size_t(l)].middleCols(a.actmax_first, per_step) = a.solver->images();
  ++a.actmax_version;
  ++a.actmax_layer_version[std::size_t(l)];
  if (!finished) return;
  record_actmax_group(a);
  const int next = a.actmax_first + per_step;
  if (next < layer_units(net.layers[std::size_t(l)])) return start_actmax_group(a, l, next);
  a.actmax_done[std::size_t(l)] = true;
  a.actmax_done_ms[std::size_t(l)] = now;
  if (const int next = next_actmax_layer(a, l + 1); next >= 0) return start_actmax_group(a, next, 0);
  a.solver.reset();
  if (a.actmax_late_round) return finish_late_actmax(a, now);
  if (next_actmax_layer(a, 0) < 0) a.stats_actmax_ms = now;  // else when the late layers are done
  a.phase = a.test ? ModelAnalysis::Phase::Ablation : ModelAnalysis::Phase::Concepts;
}

// The layer a re-score with a unit of `layer` off starts from: an MLP's from its first layer's
// kept outputs (cheap whatever the layer); a convnet's from the outputs of `layer` itself, kept
// once per layer (its earlier convolutions are most of the work), or from the input when they
// are too many to keep.
static bool moves_checkpoint(const Mlp& net) { return net.has_conv(); }
static int rescore_from(const Mlp& net, int layer, int images) {
  if (!moves_checkpoint(net)) return 1;
  return double(net.layers[std::size_t(layer)].outputs()) * images <= double(kAblationKeptFloats) ? layer + 1 : 0;
}

static double importance_madds(const ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  const int L = int(net.layers.size()), N = a.test->size();
  double total = 0;
  for (int l = 0; l + 1 < L; ++l) total += double(layer_units(net.layers[std::size_t(l)])) * N * madds(net, rescore_from(net, l, N), L - 1);
  return total;
}

static void start_importance(ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  a.importance.clear();
  a.hurt_class.clear();
  a.hurt_class_accuracy.clear();
  for (int l = 0; l + 1 < int(net.layers.size()); ++l) {
    const int H = layer_units(net.layers[std::size_t(l)]);
    a.importance.push_back(Eigen::VectorXf::Zero(H));
    a.hurt_class.push_back(Eigen::VectorXi::Constant(H, -1));
    a.hurt_class_accuracy.push_back(Eigen::VectorXf::Zero(H));
  }
  a.importance_layer = a.importance_unit = 0;
  const bool affordable = importance_madds(a) <= kMaxImportanceMadds;
  // The shapes run without maximization too: the sidecar carries their scores (lens-stats).
  a.phase = a.settings.importance && affordable ? ModelAnalysis::Phase::Importance : ModelAnalysis::Phase::Concepts;
}

// One unit switched off, scored over a slice of the test set at a time (a convnet's layer
// outputs kept first, in slices too).
static void importance_slice(ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  const int l = a.importance_layer, h = a.importance_unit, L = int(net.layers.size());
  const int from = rescore_from(net, l, a.scorer->size());
  if (moves_checkpoint(net) && a.scorer->checkpoint() != from - 1) a.scorer->set_checkpoint(from - 1);
  if (!a.scorer->ready()) {
    a.scorer->prepare(slice_count(a.settings.slice_madds, madds(net, 0, from - 1)));
    return;
  }
  Ablation ab = Ablation::none(net);
  ab.switch_off(l, h);
  const int images = slice_count(a.settings.slice_madds, madds(net, from, L - 1));
  a.scorer->count_correct(ab, a.importance_image, images, a.importance_correct);
  a.importance_image += images;
  if (a.importance_image < a.scorer->size()) return;
  const Score s = a.scorer->score_from(a.importance_correct);
  a.importance_image = 0;
  a.importance_correct.setZero();
  a.importance[std::size_t(l)](h) = a.base_score.accuracy - s.accuracy;
  Eigen::Index k = 0;
  (a.base_score.class_accuracy - s.class_accuracy).maxCoeff(&k);
  a.hurt_class[std::size_t(l)](h) = int(k);
  a.hurt_class_accuracy[std::size_t(l)](h) = s.class_accuracy(k);
  if (++a.importance_unit >= layer_units(net.layers[std::size_t(l)])) a.importance_unit = 0, ++a.importance_layer;
  if (a.importance_layer + 1 >= L) {
    if (moves_checkpoint(net)) a.scorer->set_checkpoint(0);  // back where a switch on the page starts from
    a.has_importance = true;
    a.phase = ModelAnalysis::Phase::Concepts;
  }
}

// Three slices: drawing the shape families (once per page, shared by every model), how much
// each shape digit looks like each family, then one forward pass of both through the network.
static void concepts_slice(ModelAnalysis& a) {
  if (!a.concepts_drawn) {
    concept_probe();
    a.concepts_drawn = true;
    return;
  }
  if (!a.shape_scores_from_file.empty()) {  // the sidecar measured them on the shape digits
    a.concepts = concept_scores_all(a.bundle->net, concept_probe());
    for (std::size_t l = 0; l < a.concepts.size() && l < a.shape_scores_from_file.size(); ++l)
      concept_adopt_digit_scores(a.concepts[l], a.shape_scores_from_file[l]);
    a.shape_scores_from_file.clear();
    a.has_concepts = !a.concepts.empty();
    a.phase = a.settings.maximize ? ModelAnalysis::Phase::Facts : ModelAnalysis::Phase::Done;
    return;
  }
  if (!a.shape_test && a.shape_test_coming) return;  // analysis_work stops until they are in
  if (a.shape_test && a.shape_digits.images.cols() == 0) {
    a.shape_digits = concept_digits(*a.shape_test, concept_probe());
    if (a.shape_digits.images.cols() > 0) return;
  }
  const bool digits = a.shape_digits.images.cols() > 0;
  a.concepts = concept_scores_all(a.bundle->net, concept_probe(), digits ? &a.shape_digits : nullptr);
  a.shape_digits = ConceptDigits();  // the scores are all the facts need (3 MB less per model)
  a.has_concepts = !a.concepts.empty();
  a.phase = a.settings.maximize ? ModelAnalysis::Phase::Facts : ModelAnalysis::Phase::Done;
}

static void facts_slice(ModelAnalysis& a, double now) {
  if (a.has_stats) {
    analysis_facts(a);
    a.has_facts = true;
    a.facts_ms = now;
  }
  a.phase = ModelAnalysis::Phase::Done;
  if (!a.settings.maximize || a.actmax_late_round) return;
  a.actmax_late_round = true;  // the late layers' images, then their facts again
  if (next_actmax_layer(a, 0) >= 0) start_actmax(a);
}

// The late layers' images are in: the facts that read them (a dead unit's best image) are redone.
static void finish_late_actmax(ModelAnalysis& a, double now) {
  a.stats_actmax_ms = now;
  if (a.has_stats) analysis_facts(a);
  a.phase = ModelAnalysis::Phase::Done;
}

static void work_slice(ModelAnalysis& a, double now) {
  switch (a.phase) {
    case ModelAnalysis::Phase::Stats:
      a.phase_label = "Measuring neurons";
      if (a.stats_builder->step(slice_count(a.settings.slice_madds, madds(a.bundle->net, 0, int(a.bundle->net.layers.size()) - 1)))) {
        a.stats_ms = now;
        finish_stats(a);
      }
      break;
    case ModelAnalysis::Phase::Actmax:
      a.phase_label = "Maximizing";  // in the late round too: the bar is short, and its tooltip tells
      actmax_slice(a, now);
      break;
    case ModelAnalysis::Phase::Ablation:
      a.phase_label = "Preparing ablation";
      if (a.scorer->prepare(slice_count(a.settings.slice_madds, madds(a.bundle->net, 0, 0)))) start_importance(a);
      break;
    case ModelAnalysis::Phase::Importance:
      a.phase_label = "Switching neurons off";
      importance_slice(a);
      break;
    case ModelAnalysis::Phase::Concepts:
      a.phase_label = "Measuring shapes";
      concepts_slice(a);
      break;
    case ModelAnalysis::Phase::Facts:
      a.phase_label = "Explaining";
      facts_slice(a, now);
      break;
    case ModelAnalysis::Phase::Done: break;
  }
}

void analysis_start(ModelAnalysis& a, const Bundle& bundle, const DataSet* test, double now_ms,
                    const AnalysisSettings& settings) {
  a = ModelAnalysis{};
  a.bundle = &bundle;
  a.settings = settings;
  const Mlp& net = bundle.net;
  const bool images = net.inputs() == kPixels;
  a.test = images && test && test->size() > 0 && test->images.rows() == net.inputs() ? test : nullptr;
  a.shape_test = a.test;
  a.started_at = now_ms;
  for (const Layer& d : net.layers) {
    a.actmax.push_back(Eigen::MatrixXf::Zero(net.inputs(), layer_units(d)));
    a.actmax_done.push_back(false);
    a.actmax_done_ms.push_back(0);
    a.actmax_layer_version.push_back(0);
    a.actmax_preactivation.push_back(Eigen::VectorXf::Zero(layer_units(d)));
  }
  a.output_probability = Eigen::VectorXf::Zero(net.outputs());
  if (!images) {  // a model of the plane (XOR): nothing here is about images
    a.phase = ModelAnalysis::Phase::Done;
    a.finished_at = now_ms;
    return;
  }
  if (a.test) {
    a.stats_builder = std::make_unique<StatsBuilder>(net, *a.test, settings.top_k);
    // the ablation scorer starts from them (when they fit its checkpoint: ablation.h)
    a.stats_builder->keep_first_layer(double(net.layers[0].outputs()) * a.test->size() <= double(kAblationKeptFloats));
    a.phase = ModelAnalysis::Phase::Stats;
  } else {
    start_actmax(a);
  }
}

static bool shapes_waiting(const ModelAnalysis& a) {
  return a.phase == ModelAnalysis::Phase::Concepts && a.concepts_drawn && !a.shape_test && a.shape_test_coming;
}

bool analysis_work(ModelAnalysis& a, double budget_ms, double (*now_ms)()) {
  if (!a.bundle || a.done()) return true;
  const double t0 = now_ms();
  do {
    const bool concepts = a.phase == ModelAnalysis::Phase::Concepts;
    const double t = now_ms();
    work_slice(a, t);
    if (concepts) a.concepts_ms += now_ms() - t;
  } while (!a.done() && !shapes_waiting(a) && now_ms() - t0 < budget_ms);
  a.seconds_spent += (now_ms() - t0) / 1000.0;
  if (a.done() && a.finished_at == 0) a.finished_at = now_ms();
  return a.done();
}

void analysis_run(ModelAnalysis& a) {
  while (a.bundle && !a.done()) work_slice(a, 0.0);
}

void analysis_regenerate_actmax(ModelAnalysis& a, int layer, const ActmaxConfig& config) {
  if (!a.bundle || layer < 0 || layer >= int(a.bundle->net.layers.size())) return;
  const Mlp& net = a.bundle->net;
  std::vector<int> units(std::size_t(layer_units(net.layers[std::size_t(layer)])));
  std::iota(units.begin(), units.end(), 0);
  ActmaxSolver s(net, layer, units, config, a.settings.output_objective);
  set_actmax_targets(a, layer, s);
  while (!s.step(64)) {}
  a.actmax[std::size_t(layer)] = s.images();
  a.actmax_done[std::size_t(layer)] = true;
  ++a.actmax_version;
  ++a.actmax_layer_version[std::size_t(layer)];
}

Eigen::VectorXf analysis_actmax_single(const ModelAnalysis& a, int layer, int unit) {
  if (a.actmax_done[std::size_t(layer)]) return a.actmax[std::size_t(layer)].col(unit);
  ActmaxSolver s(a.bundle->net, layer, {unit}, actmax_config(a, layer), a.settings.output_objective);
  set_actmax_targets(a, layer, s);
  while (!s.step(64)) {}
  return s.images().col(0);
}

}  // namespace lens
