// What the analysis found, as facts: which classes, which neurons, which numbers.
// No wording here: prose.h turns facts into sentences, and the page and the
// Markdown report render those sentences. Thresholds come from thresholds.h.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/numerics/activation.h"
#include "core/numerics/mlp.h"
#include "interpret/concepts.h"

namespace lens {

enum class NeuronStatus { Alive, NearlyDead, Dead, Constant };


// What a first-layer unit's incoming weights look like (dead units only: why it died).
enum class WeightShape { NotMeasured, Decayed, Speckle, Shaped };

struct NeuronFacts {
  int layer = 0, unit = 0;            // hidden layer (from 0) and unit (from 0)
  bool channel = false;               // the unit is a convolutional layer's channel (units.h), not a neuron
  Activation activation = Activation::ReLU;
  NeuronStatus status = NeuronStatus::Alive;
  int images = 0;                     // test images measured on
  float active_rate = 0, max_activation = 0, selectivity = 0;

  // Alive or nearly dead: its class profile.
  std::vector<int> strong, moderate;  // digit classes, strongest first
  std::vector<int> weakest;           // the kWeakClassesNamed weakest, weakest first
  float strongest_mean = 0;           // mean activation on its strongest class
  // Its strongest test images: how many fire, and which digit most of them are.
  std::vector<int> top;               // test image indices, strongest first
  int top_firing = 0;
  int top_common_class = -1, top_common_count = 0;
  bool top_disagrees = false;         // most of them are a digit the class profile does not call strong

  // Constant: the value it outputs for every image.
  float constant_value = 0;

  // Dead: why.
  float best_preactivation = 0;       // highest weighted input on any test image
  float bias = 0;
  float actmax_preactivation = 0;     // what the maximization image reaches ...
  bool actmax_known = true;           // ... once its layer's images exist (analysis_actmax_late)
  WeightShape weights = WeightShape::NotMeasured;
  float weight_smoothness = 0, largest_weight = 0;

  // Votes (the last hidden layer only): output classes it raises and lowers most.
  bool votes_known = false;
  std::vector<int> pushes_up, pushes_down;
  std::vector<float> votes;           // its outgoing weight to each class

  // Shapes (alive units of an image model, concepts.h): every family, most exciting drawn alone
  // first, and the named ones (the rule in thresholds.h).
  bool concepts_known = false;
  bool concepts_scored = false;       // the explanation scores were measured (test digits at hand)
  std::vector<ConceptFact> concepts;  // every family, most exciting drawn alone first
  std::vector<ConceptFact> shapes;    // the named ones
  // The shape part of the summary as a prediction on the shape digits (concept_summary_score).
  float shape_score = 0;
  bool shape_score_defined = false;

  // Importance: accuracy lost when it alone is switched off; the class hurt most.
  bool importance_known = false;
  float importance = 0;
  int hurt_class = -1;
  float hurt_before = 0, hurt_after = 0;
  bool hurt_visible = false;

  // Explanation score: the summary's class simulation correlated with the true activation.
  float score = 0;
  bool score_defined = false;

  bool silent() const { return status == NeuronStatus::Dead || status == NeuronStatus::Constant; }
};

// One live unit carries a whole layer: the answer as a function of its one activation.
struct LadderFacts {
  bool present = false;
  int layer = 0, unit = 0;
  float max_activation = 0;
  std::vector<std::pair<int, float>> runs;  // (answer, activation from which it wins), in order
  std::vector<float> class_mean;            // per digit: where its typical image lands
  std::vector<int> answer_at_mean;          // per digit: the answer there
  // What the course's sentence about the survivor is checked against (prose: course_check).
  std::vector<int> strong, moderate;        // its class profile
  bool concepts_known = false, concepts_scored = false;
  std::vector<ConceptFact> concepts, shapes;  // as in its NeuronFacts
};

struct LayerFacts {
  int layer = 0, units = 0;
  bool channels = false;                    // a convolutional layer: its units are channels (units.h)
  Activation activation = Activation::ReLU;
  std::vector<int> dead, nearly_dead, constant, alive;  // alive = ever fires (incl. nearly dead)
  std::vector<int> carriers;                // up to kCarriersNamed units whose loss is visible, biggest first
  std::vector<float> carrier_drop;
  bool spread = false;                      // no unit costs kSpreadDrop or more
  float largest_drop = 0;
  LadderFacts ladder;                       // when exactly one unit is alive and feeds the output
  // Shapes: per family, the unit of this layer that scores highest on it when that unit names
  // it (-1: no unit of the layer does), and its score.
  std::vector<int> concept_unit;
  std::vector<float> concept_unit_score;
};

enum class Advice { ReviveMany, ReviveFew, MoreUnits, BeyondMlp };

struct NetworkFacts {
  std::string name;
  int hidden_layers = 0, hidden_units = 0, images = 0;
  float accuracy = 0;                       // measured here
  int nonfinite_images = 0;                 // images whose outputs were not finite numbers
  bool recorded_known = false;
  float recorded_accuracy = 0;              // what the bundle says
  bool recorded_differs = false;
  bool normalized = false;                  // the model carries an input map (x - mean) / std
  float norm_mean = 0, norm_std = 1;
  int best_class = 0, worst_class = 0;
  float best_class_accuracy = 0, worst_class_accuracy = 0;
  int dead = 0, nearly_dead = 0, constant = 0;
  std::vector<Activation> dead_activations; // the activations of the layers that have dead units
  std::vector<LayerFacts> layers;
  bool concepts_known = false;
  // Families that, drawn alone, excite no unit of any hidden layer more than most others do
  // (in no unit's top kConceptTopRanks): the ones "no neuron responds to".
  std::vector<int> concepts_uncovered;
  std::vector<Advice> advice;
};

}  // namespace lens
