// The analysis and its statistics sidecar (stats_file.h): started from one, or written to one.
// Run once per model, not per sample: compiled for size in the page (src/CMakeLists.txt).
#include "interpret/model_analysis.h"

namespace lens {

void analysis_start_from_file(ModelAnalysis& a, const Bundle& bundle, StatsFile file, double now_ms,
                              const AnalysisSettings& settings) {
  analysis_start(a, bundle, nullptr, now_ms, settings);
  a.stats = std::move(file.stats);
  a.has_stats = true;
  a.stats_from_file = true;
  a.stats_data_identity = file.data_identity;
  a.base_score = std::move(file.base_score);
  a.importance = std::move(file.importance);
  a.hurt_class = std::move(file.hurt_class);
  a.hurt_class_accuracy = std::move(file.hurt_class_accuracy);
  a.has_importance = file.has_importance;
  a.shape_scores_from_file = std::move(file.shapes);
}

void analysis_attach_scorer(ModelAnalysis& a, const DataSet& test) {
  if (!a.bundle || a.scorer || a.bundle->net.inputs() != test.images.rows() || test.size() == 0) return;
  // an MLP's first layer over the test digits at once; a convnet's maps in slices (prepare())
  a.scorer = std::make_unique<AblationScorer>(a.bundle->net, test, !a.bundle->net.has_conv());
}

StatsFile analysis_stats_file(const ModelAnalysis& a) {
  StatsFile f;
  f.bundle_identity = stats_bundle_identity(*a.bundle);
  f.data_identity = a.test ? stats_data_identity(*a.test) : 0;
  f.top_k = a.settings.top_k;
  f.stats = a.stats;
  f.base_score = a.base_score;
  f.has_importance = a.has_importance;
  f.importance = a.importance;
  f.hurt_class = a.hurt_class;
  f.hurt_class_accuracy = a.hurt_class_accuracy;
  if (a.has_concepts && !a.concepts.empty() && a.concepts.front().scored)
    for (const ConceptScores& s : a.concepts) f.shapes.push_back(concept_digit_scores(s));
  return f;
}

}  // namespace lens
