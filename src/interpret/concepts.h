// A fixed vocabulary of stroke concepts (Network Dissection's idea, Bau et al. 2017, for
// MNIST: the "concepts" are the strokes digits are made of), rendered as synthetic 28x28
// images, and how strongly each unit of a network prefers each concept.
//
// Each concept is drawn as polylines in the 20x20 box MNIST fits a digit into (u right,
// v down, both 0..1), at several positions, sizes and stroke widths, antialiased (a pixel's
// ink is the share of it the stroke covers, approximated from its distance to the stroke's
// centre line). Shapes that stand for a whole figure (a loop, a vertical stroke, a cup) are
// then centred by mass in 28x28 like MNIST's digits; a bar at the top or an arc on the left
// keeps its place in the box, because the place is what it means.
//
// The score of a concept for a unit is the correlation, over the probe renderings, between
// the unit's activation and "this rendering shows the concept" (1 or 0): scale-free, so
// comparable across units and layers, and it asks which shapes the unit prefers among the
// vocabulary. Concepts are scored on every other rendering (the "fit" half); the shape
// part of a summary is scored on the other half, which it has never seen (explain.h).
// Shape letters: I = pixels (784), K = concepts, R = renderings, U = units of a layer.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/numerics/mlp.h"

namespace lens {

enum class Concept {
  Loop, Vertical, BarTop, BarMiddle, BarBottom, DiagonalRising, DiagonalFalling,
  ArcLeft, ArcRight, OpenTop, OpenBottom, Crossing
};
constexpr int kConceptCount = 12;

struct ConceptInfo {
  Concept concept;
  const char* id;      // "loop": the JS API and the report's tables
  const char* phrase;  // "closed loops": in sentences, after "responds to"
  const char* label;   // "loop": under a thumbnail
};
const ConceptInfo& concept_info(Concept c);
inline const ConceptInfo& concept_info(int k) { return concept_info(Concept(k)); }

// One rendering's knobs: where, how large and how thick the concept is drawn.
struct ConceptVariant {
  float dx = 0, dy = 0;  // shift in pixels
  float size = 1;        // scale about the box's centre
  float width = 2.5f;    // stroke width in pixels
};
// The renderings every concept gets, in a fixed order (positions x sizes x widths).
const std::vector<ConceptVariant>& concept_variants();
// The rendering a thumbnail shows: centred, middle size, middle width.
constexpr int kConceptThumbVariant = 4;

// One concept at one variant: 784 values in [0, 1], row-major 28x28, deterministic
// (the same bits natively and in wasm: no library sin/cos).
Eigen::VectorXf concept_render(Concept c, const ConceptVariant& v);

// Every concept at every variant: (I, R) with R = K x variants, concept-major.
struct ConceptProbe {
  Eigen::MatrixXf images;       // (I, R)
  std::vector<int> concept_of;  // (R) concept index of each rendering
  std::vector<bool> fit;        // (R) in the half concepts are scored on (else: the held-out half)
  int variants = 0;
};
const ConceptProbe& concept_probe();  // built once, then shared

// One layer's units against the vocabulary. Per unit and concept: the correlation (on
// the fit half) and the mean activation (on all renderings of that concept).
struct ConceptScores {
  Eigen::MatrixXf score;        // (U, K); 0 where undefined
  Eigen::MatrixXf mean;         // (U, K)
  std::vector<bool> defined;    // (U) false when the unit's activation is the same on every rendering
  Eigen::MatrixXf acts;         // (U, R) the activations they come from
};
// A concept and a unit's score for it.
struct ConceptFact {
  int concept = 0;
  float score = 0;
};
// A unit's concepts, strongest first (ties by the vocabulary's order); empty when undefined.
std::vector<ConceptFact> concept_ranking(const ConceptScores& s, int unit);

// acts: (U, R) activations over the probe's renderings.
ConceptScores concept_scores(const Eigen::Ref<const Eigen::MatrixXf>& acts, const ConceptProbe& probe);
// Every layer of the network (hidden activations; logits for the output layer).
std::vector<ConceptScores> concept_scores_all(const Mlp& net, const ConceptProbe& probe);

// The shape part of a summary as a simulation: 1 on renderings of the named concepts, 0
// elsewhere, correlated with the unit's activation over the held-out half. *defined is
// false when either side is constant.
float concept_summary_score(const std::vector<int>& named, const Eigen::Ref<const Eigen::RowVectorXf>& acts,
                            const ConceptProbe& probe, bool* defined = nullptr);

}  // namespace lens
