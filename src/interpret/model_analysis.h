// The one analysis of a model: statistics over the test set, maximization images
// (hidden units and output classes), single-unit ablation (importance and the
// digit hurt most) and the facts the explanations are written from. The page runs
// it in per-frame slices (analysis_work with a time budget); lens-report runs it
// to the end (analysis_run). Both get the same settings, numbers and facts.
// Shape letters: I = inputs, H = units of a hidden layer, C = classes, N = test images.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

#include "core/formats/bundle.h"
#include "core/formats/mnist.h"
#include "interpret/ablation.h"
#include "interpret/actmax.h"
#include "interpret/concepts.h"
#include "interpret/facts.h"
#include "interpret/neuron_stats.h"
#include "interpret/stats_file.h"

namespace lens {

struct AnalysisSettings {
  int top_k = 9;                                       // strongest test images kept per unit
  ActmaxConfig hidden = {};                            // maximization of hidden units
  ActmaxConfig output = actmax_output_defaults();      // maximization of output classes
  ActmaxConfig channels = actmax_channel_defaults();   // maximization of convolutional channels
  ActmaxObjective output_objective = ActmaxObjective::Logit;
  bool importance = true;                              // re-score the test set with each unit off
  bool maximize = true;                                // false: measure only (statistics, ablation, the shapes; lens-stats)
  // Work per slice in multiply-adds, so one slice of even a large model fits a frame.
  double slice_madds = 4e6;
  // A convnet's dense layers repeat every convolution at each of each unit's steps (the PyTorch
  // example's 128 units: minutes in the page). A convnet's layers whose maximization costs more
  // multiply-adds than this go last, after the explanations; an MLP's whole maximization takes
  // seconds and keeps its order.
  double actmax_eager_madds = 2e10;
};

struct ModelAnalysis {
  enum class Phase { Stats, Actmax, Ablation, Importance, Concepts, Facts, Done };

  const Bundle* bundle = nullptr;
  const DataSet* test = nullptr;       // null when the model does not take MNIST images
  AnalysisSettings settings;
  Phase phase = Phase::Stats;
  const char* phase_label = "";

  // Statistics over the test set.
  std::unique_ptr<StatsBuilder> stats_builder;
  NetworkStats stats;
  bool has_stats = false;
  bool stats_from_file = false;        // statistics and ablation came from a sidecar (stats_file.h), not measured here
  std::uint32_t stats_data_identity = 0;  // the test set the sidecar was measured on (stats_data_identity)

  // Maximization images, per layer (hidden layers, then the output layer): (I, U).
  std::vector<Eigen::MatrixXf> actmax;
  std::vector<bool> actmax_done;
  std::vector<Eigen::VectorXf> actmax_preactivation;  // (U) per layer: what each unit's own image reaches
  Eigen::VectorXf output_probability;                 // (C) the model's probability of class c on image c
  std::vector<int> actmax_layer_version;              // per layer: bumps when its images change
  int actmax_version = 0;                             // bumps when any image changes
  int actmax_layer = 0, actmax_first = 0;             // the group of units being solved
  bool actmax_late_round = false;                     // maximizing the late layers, after the facts (analysis_actmax_late)
  std::unique_ptr<ActmaxSolver> solver;

  // Ablation: the test set re-scored with each hidden unit alone switched off.
  std::unique_ptr<AblationScorer> scorer;
  Score base_score;
  std::vector<Eigen::VectorXf> importance;            // (H) accuracy lost per unit
  std::vector<Eigen::VectorXi> hurt_class;            // (H) class that loses most
  std::vector<Eigen::VectorXf> hurt_class_accuracy;   // (H) its accuracy with the unit off
  int importance_layer = 0, importance_unit = 0;    // the unit being scored ...
  int importance_image = 0;                           // ... up to this test image
  Eigen::VectorXi importance_correct;                 // (C) its correct answers so far
  bool has_importance = false;

  // Every layer's units (the output layer last) against the shape families (concepts.h). The
  // explanation scores need the test digits: a.test, or the sidecar's scores, or (from a sidecar
  // without them) the page's digits once loaded, which the page attaches to shape_test and waits for.
  std::vector<ConceptScores> concepts;
  const DataSet* shape_test = nullptr;
  bool shape_test_coming = false;  // the page is fetching them: the shapes wait (analysis_work returns)
  ConceptDigits shape_digits;
  // From a sidecar that carries them (stats_file.h): the shape digits' scores, one per layer,
  // adopted by the concepts step instead of measuring (then nothing waits for the test digits).
  std::vector<ConceptDigitScores> shape_scores_from_file;
  bool has_concepts = false, concepts_drawn = false;
  double concepts_ms = 0;                             // wall time of that step, drawing included (0 when run by analysis_run)

  // What the explanations are written from.
  std::vector<std::vector<NeuronFacts>> neurons;      // [hidden layer][unit]
  NetworkFacts network;
  bool has_facts = false;

  double seconds_spent = 0;                           // compute time so far
  double started_at = 0, finished_at = 0;             // wall clock (ms)
  double stats_actmax_ms = 0;                         // clock when statistics and all images were done
  std::vector<double> actmax_done_ms;                 // per layer: clock when its images were done (0: not yet)
  double facts_ms = 0;                                // clock when the facts were first written
  double stats_ms = 0;                                // clock when the statistics were measured (0: not, or from a sidecar)

  float progress() const;                             // overall, 0..1
  bool done() const { return phase == Phase::Done; }
  int hidden_layers() const { return bundle ? int(bundle->net.layers.size()) - 1 : 0; }
  const NeuronFacts* neuron(int layer, int unit) const;  // null until the facts exist
};

// test may be null or of another input size (then only maximization runs).
void analysis_start(ModelAnalysis& a, const Bundle& bundle, const DataSet* test, double now_ms,
                    const AnalysisSettings& settings = {});
// Works until budget_ms has passed on the given clock; true when all is done.
bool analysis_work(ModelAnalysis& a, double budget_ms, double (*now_ms)());
// Started with the measurements of a statistics sidecar instead of a test set: only the
// maximization images, shapes and facts are computed. No test set is needed, and none is
// attached (a.test stays null); analysis_attach_scorer adds one for interactive ablation (a
// convnet's kept maps prepared in slices, AblationScorer::prepare).
void analysis_start_from_file(ModelAnalysis& a, const Bundle& bundle, StatsFile file, double now_ms,
                              const AnalysisSettings& settings = {});
// The ablation scorer over the test set, for an analysis that has none yet (from a sidecar).
void analysis_attach_scorer(ModelAnalysis& a, const DataSet& test);
// What a sidecar holds, from a finished (or measured: maximize = false) analysis.
StatsFile analysis_stats_file(const ModelAnalysis& a);
// Everything at once (lens-report, tests).
void analysis_run(ModelAnalysis& a);
// The inspector's "regenerate": one layer's maximization again with other settings.
void analysis_regenerate_actmax(ModelAnalysis& a, int layer, const ActmaxConfig& config);
// Fills a.neurons and a.network from the measurements (analysis_facts.cpp).
void analysis_facts(ModelAnalysis& a);
// Whether a layer's maximization waits until the facts are written: a convnet's layer whose
// images would cost over settings.actmax_eager_madds. The explanations come first; progress()
// then counts the late layers alone.
bool analysis_actmax_late(const ModelAnalysis& a, int layer);
// One unit's maximization image: the finished batch's column, or solved now with the same settings.
Eigen::VectorXf analysis_actmax_single(const ModelAnalysis& a, int layer, int unit);

}  // namespace lens
