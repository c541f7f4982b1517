#include "app/model_analysis.h"

#include <numeric>

namespace lens {

static std::vector<int> all_units(int n) {
  std::vector<int> u(std::size_t(n), 0);
  std::iota(u.begin(), u.end(), 0);
  return u;
}

float ModelAnalysis::progress() const {
  const int L = bundle ? int(bundle->net.layers.size()) : 1;
  // Rough weights of each phase in time, so the bar moves evenly.
  switch (phase) {
    case Phase::Stats: return 0.30f * (stats_builder ? stats_builder->progress() : 0.f);
    case Phase::Actmax: return 0.30f + 0.45f * (float(actmax_layer) + (solver ? solver->progress() : 0.f)) / float(L);
    case Phase::Ablation: return 0.75f + 0.10f * (scorer ? scorer->progress() : 0.f);
    case Phase::Explain: return 0.85f;
    case Phase::Importance: return 0.90f;
    case Phase::Done: return 1.f;
  }
  return 1.f;
}

static void start_actmax_layer(ModelAnalysis& a, int layer) {
  a.actmax_layer = layer;
  const Mlp& net = a.bundle->net;
  const bool output = layer + 1 == int(net.layers.size());
  a.solver = std::make_unique<ActmaxSolver>(net, layer, all_units(net.layers[std::size_t(layer)].outputs()),
                                            output ? actmax_output_defaults() : a.actmax_config);
}

void analysis_start(ModelAnalysis& a, const Bundle& bundle, const DataSet* test, double now_ms) {
  a = ModelAnalysis{};
  a.bundle = &bundle;
  a.test = test && test->images.rows() == bundle.net.inputs() ? test : nullptr;
  a.started_at = now_ms;
  const Mlp& net = bundle.net;
  for (const Dense& d : net.layers) {
    a.actmax.push_back(Eigen::MatrixXf::Zero(net.inputs(), d.outputs()));
    a.actmax_done.push_back(false);
    a.actmax_layer_version.push_back(0);
  }
  if (a.test) {
    a.stats_builder = std::make_unique<StatsBuilder>(net, *a.test);
    a.stats_builder->keep_activations(true);
    a.phase = ModelAnalysis::Phase::Stats;
  } else {
    a.phase = ModelAnalysis::Phase::Actmax;
    start_actmax_layer(a, 0);
  }
}

// One slice of work in the current phase; each slice takes a few milliseconds.
static void work_slice(ModelAnalysis& a) {
  const Mlp& net = a.bundle->net;
  const int L = int(net.layers.size());
  switch (a.phase) {
    case ModelAnalysis::Phase::Stats:
      a.phase_label = "Measuring neurons";
      if (a.stats_builder->step(100)) {
        a.stats = a.stats_builder->finish();
        a.has_stats = true;
        a.phase = ModelAnalysis::Phase::Actmax;
        start_actmax_layer(a, 0);
      }
      break;
    case ModelAnalysis::Phase::Actmax: {
      a.phase_label = "Maximizing";
      const bool finished = a.solver->step(2);
      a.actmax[std::size_t(a.actmax_layer)] = a.solver->images();
      ++a.actmax_version;
      ++a.actmax_layer_version[std::size_t(a.actmax_layer)];
      if (finished) {
        a.actmax_done[std::size_t(a.actmax_layer)] = true;
        if (a.actmax_layer + 1 < L) start_actmax_layer(a, a.actmax_layer + 1);
        else {
          a.solver.reset();
          a.phase = a.test ? ModelAnalysis::Phase::Ablation : ModelAnalysis::Phase::Done;
          a.stats_actmax_ms = a.now_ms();
          // The statistics pass already has the first layer's activations: the scorer starts from them.
          if (a.test) a.scorer = std::make_unique<AblationScorer>(net, *a.test, a.stats_builder->activations()[0]);
        }
      }
      break;
    }
    case ModelAnalysis::Phase::Ablation:
      a.phase_label = "Preparing ablation";
      if (a.scorer->prepare(200)) {
        a.base_score = a.scorer->score(Ablation::none(net));
        a.phase = ModelAnalysis::Phase::Explain;
      }
      break;
    case ModelAnalysis::Phase::Explain: {
      a.phase_label = "Explaining";
      const auto& acts = a.stats_builder->activations();
      a.explanations.assign(std::size_t(L - 1), {});
      for (int l = 0; l + 1 < L; ++l)
        for (int h = 0; h < net.layers[std::size_t(l)].outputs(); ++h) {
          NeuronExplanation e = explain_neuron(net, a.stats, l, h);
          explanation_score(e, acts[std::size_t(l)].row(h), a.test->labels);
          a.explanations[std::size_t(l)].push_back(std::move(e));
        }
      for (int l = 0; l + 1 < L; ++l) a.importance.push_back(Eigen::VectorXf::Zero(net.layers[std::size_t(l)].outputs()));
      a.phase = ModelAnalysis::Phase::Importance;
      break;
    }
    case ModelAnalysis::Phase::Importance: {
      a.phase_label = "Ablating";
      Ablation ab = Ablation::none(net);
      ab.switch_off(a.importance_layer, a.importance_unit);
      a.importance[std::size_t(a.importance_layer)](a.importance_unit) = a.base_score.accuracy - a.scorer->score(ab).accuracy;
      if (++a.importance_unit >= net.layers[std::size_t(a.importance_layer)].outputs()) {
        a.importance_unit = 0;
        ++a.importance_layer;
      }
      if (a.importance_layer + 1 >= L) {
        a.network_text = explain_network(net, a.bundle->info, a.stats, a.explanations, a.importance);
        a.phase = ModelAnalysis::Phase::Done;
      }
      break;
    }
    case ModelAnalysis::Phase::Done: break;
  }
}

bool analysis_work(ModelAnalysis& a, double budget_ms, double (*now_ms)()) {
  if (!a.bundle || a.done()) return true;
  a.now_ms = now_ms;
  const double t0 = now_ms();
  while (!a.done() && now_ms() - t0 < budget_ms) work_slice(a);
  a.seconds_spent += (now_ms() - t0) / 1000.0;
  if (a.done() && a.finished_at == 0) a.finished_at = now_ms();
  return a.done();
}

void analysis_regenerate_actmax(ModelAnalysis& a, int layer, const ActmaxConfig& config) {
  if (!a.bundle) return;
  const Mlp& net = a.bundle->net;
  ActmaxSolver s(net, layer, all_units(net.layers[std::size_t(layer)].outputs()), config);
  while (!s.step(64)) {}
  a.actmax[std::size_t(layer)] = s.images();
  a.actmax_done[std::size_t(layer)] = true;
  ++a.actmax_version;
  ++a.actmax_layer_version[std::size_t(layer)];
}

Eigen::VectorXf analysis_actmax_single(const ModelAnalysis& a, int layer, int unit) {
  if (a.actmax_done[std::size_t(layer)]) return a.actmax[std::size_t(layer)].col(unit);
  const bool output = layer + 1 == int(a.bundle->net.layers.size());
  ActmaxSolver s(a.bundle->net, layer, {unit}, output ? actmax_output_defaults() : a.actmax_config);
  while (!s.step(64)) {}
  return s.images().col(0);
}

}  // namespace lens
