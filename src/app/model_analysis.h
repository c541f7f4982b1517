// Everything the page shows about a model that does not depend on the current
// input: statistics over the test set, maximization images, explanations,
// ablation scores. Computed in slices within a per-frame time budget, so the
// page never freezes while a model is being analysed.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/bundle.h"
#include "core/mnist.h"
#include "interpret/ablation.h"
#include "interpret/actmax.h"
#include "interpret/explain.h"
#include "interpret/neuron_stats.h"

namespace lens {

struct ModelAnalysis {
  enum class Phase { Stats, Actmax, Ablation, Explain, Importance, Done };

  const Bundle* bundle = nullptr;
  const DataSet* test = nullptr;       // null for models without image data (XOR)
  Phase phase = Phase::Stats;
  std::string phase_label;

  std::unique_ptr<StatsBuilder> stats_builder;
  NetworkStats stats;
  bool has_stats = false;

  ActmaxConfig actmax_config;
  int actmax_layer = 0;                // layer whose solver is running
  std::unique_ptr<ActmaxSolver> solver;
  std::vector<Eigen::MatrixXf> actmax;  // per layer, hidden layers then output: (784, U)
  std::vector<bool> actmax_done;
  int actmax_version = 0;              // bumps whenever images change (texture refresh)
  std::vector<int> actmax_layer_version;  // per layer: which layers' images changed

  std::unique_ptr<AblationScorer> scorer;
  Score base_score;
  std::vector<std::vector<NeuronExplanation>> explanations;  // [hidden layer][unit]
  std::vector<Eigen::VectorXf> importance;                   // accuracy lost per unit switched off
  int importance_layer = 0, importance_unit = 0;
  std::string network_text;

  double seconds_spent = 0;            // compute time so far
  double stats_actmax_ms = 0;          // clock when statistics and all maximization images were done
  double (*now_ms)() = nullptr;        // the clock analysis_work was given
  double started_at = 0, finished_at = 0;  // wall clock (ms)
  float progress() const;              // overall, 0..1
  bool done() const { return phase == Phase::Done; }
  int hidden_layers() const { return bundle ? int(bundle->net.layers.size()) - 1 : 0; }
};

void analysis_start(ModelAnalysis& a, const Bundle& bundle, const DataSet* test, double now_ms);
// Works until budget_ms has passed (measured with the given clock); returns true when all is done.
bool analysis_work(ModelAnalysis& a, double budget_ms, double (*now_ms)());
// Restarts the maximization of one layer with another config (the inspector's regenerate).
void analysis_regenerate_actmax(ModelAnalysis& a, int layer, const ActmaxConfig& config);
// One unit's maximization, synchronously (for the JS API when the batch is not there yet).
Eigen::VectorXf analysis_actmax_single(const ModelAnalysis& a, int layer, int unit);

}  // namespace lens
