// Shape concepts measured where the network looks: families of lone shapes (loops, arcs,
// cups, arches, bars, verticals, diagonals, crossings), each drawn as strokes on the page's
// canvas with the page's brush, through the very preprocessing a drawing goes through
// (preprocess_canvas: crop, scale the longer side to 20 px, centre by mass), then through the
// model's own input normalization (mlp_forward_trace applies it) into the network. So what a
// family's drawings do to a unit is what a lecturer who draws that shape sees.
//
// Two measurements per unit and family:
// - drawn: the unit's median activation over the family's drawings (several sizes, aspects and
//   slants: what a typical drawing of it does), the "drawn alone" ranking of the families;
// - score: whether the shape explains the unit on real digits: the correlation, over the first
//   kShapeDigits test digits, between how much a digit looks like the family (its best cosine
//   similarity with any of the family's drawings) and the unit's activation on it.
// Position-bound ideas ("a bar across the bottom") are not families: a lone stroke is
// centred by the preprocessing, so it cannot show where in a digit it sits.
// Shape letters: I = pixels (784), K = families, R = drawings, U = units, N = shape digits.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/formats/mnist.h"
#include "core/numerics/mlp.h"

namespace lens {

enum class Concept { Loop, ArcLeft, ArcRight, Cup, Arch, Vertical, Bar, DiagonalRising, DiagonalFalling, Crossing, Plus };
constexpr int kConceptCount = 11;
constexpr int kShapeDigits = 1000;  // the first test digits the explanation score is measured on

struct ConceptInfo {
  Concept concept;
  const char* id;      // "arc-left": the JS API and the report's tables
  const char* phrase;  // "arcs bulging left, like a C": in sentences, after "responds to"
  const char* label;   // "left arc": under a thumbnail, and "shape: left arc 0.41"
  bool rounded;        // a smooth, rounded shape (loops, arcs, cups, arches)
};
const ConceptInfo& concept_info(Concept c);
inline const ConceptInfo& concept_info(int k) { return concept_info(Concept(k)); }

// One drawing's knobs, in canvas units: how tall the shape is drawn (a share of the canvas: the
// smaller, the thicker its stroke after scaling to 20 px), its width for its height, and a slant
// (x shifts by slant times the height above the centre; a bar tilts instead).
struct ConceptVariant {
  float size = 0.6f;
  float aspect = 0.8f;
  float slant = 0;
};
// The drawings every family gets, in a fixed order (sizes x aspects x slants).
const std::vector<ConceptVariant>& concept_variants();
// The drawing a thumbnail shows: the larger size, middle aspect, upright.
constexpr int kConceptThumbVariant = 13;

// One family's strokes at one variant, in canvas pixels (x0, y0, x1, y1, ...), snapped to whole
// pixels as the page snaps a stroke: what lens.drawStroke would be given, times kCanvasSide.
std::vector<std::vector<float>> concept_strokes(Concept c, const ConceptVariant& v);
// Those strokes drawn with the page's default brush and preprocessed like a drawing: 784 values
// in [0, 1], row-major 28x28, the same bits natively and in wasm (no library sin/cos).
Eigen::VectorXf concept_render(Concept c, const ConceptVariant& v);

// Every family at every variant: (I, R), family-major.
struct ConceptProbe {
  Eigen::MatrixXf images;       // (I, R)
  std::vector<int> concept_of;  // (R) family of each drawing
  int variants = 0;
};
const ConceptProbe& concept_probe();  // built once, then shared

// The shape digits: the first kShapeDigits test digits, and how much each looks like each
// family (the best cosine similarity between the digit and any of the family's drawings).
struct ConceptDigits {
  Eigen::MatrixXf images;       // (I, N)
  Eigen::MatrixXf resemblance;  // (K, N)
};
ConceptDigits concept_digits(const DataSet& test, const ConceptProbe& probe);

// One layer's units against the families.
struct ConceptScores {
  Eigen::MatrixXf drawn;        // (U, K) median activation over the family's drawings
  Eigen::MatrixXf above;        // (U, K) share of the family's drawings above the median family's median
  Eigen::MatrixXf score;        // (U, K) explanation score; 0 where undefined
  bool scored = false;          // shape digits were at hand (else every score is undefined)
  std::vector<bool> defined;    // (U) false when the unit's activation is the same on every drawing
  Eigen::MatrixXf acts;         // (U, R) activations on the drawings
  // The named families' summary as a prediction on the shape digits (concept_summary_score);
  // summary_defined false when nothing is named or either side is constant (summary 0 then).
  Eigen::VectorXf summary;             // (U)
  std::vector<bool> summary_defined;   // (U)
};

// What the shape digits add to a layer's scores, as the statistics sidecar carries it
// (stats_file.h): a page that explains a shipped model from it need not fetch the test digits.
struct ConceptDigitScores {
  Eigen::MatrixXf score;               // (U, K)
  Eigen::VectorXf summary;             // (U)
  std::vector<bool> summary_defined;   // (U)
};
ConceptDigitScores concept_digit_scores(const ConceptScores& s);
// The scores of a layer measured without the digits (s.scored false), completed from a sidecar's.
// False, and s unchanged, when the unit counts differ.
bool concept_adopt_digit_scores(ConceptScores& s, const ConceptDigitScores& from);
// A family and what it does to a unit.
struct ConceptFact {
  int concept = 0;
  float drawn = 0;     // median activation drawn alone
  float above = 0;     // share of its drawings above the median family (drawn)
  float score = 0;     // explanation score on the shape digits
  int rank = 0;        // 0 = the family that, drawn alone, excites the unit most
  bool excites = false;  // in the top kConceptTopRanks, above the median family, and most of its drawings too
};
// A unit's families, most exciting drawn alone first (ties by the vocabulary's order); empty
// when undefined.
std::vector<ConceptFact> concept_ranking(const ConceptScores& s, int unit);
// The families a unit is named for (thresholds.h): excites && score >= kConceptNamed, at most
// kConceptsNamed, most exciting first.
std::vector<ConceptFact> concept_named(const ConceptScores& s, int unit);

// acts: (U, R) on the probe's drawings; digit_acts: (U, N) on the shape digits, or empty.
ConceptScores concept_scores(const Eigen::Ref<const Eigen::MatrixXf>& acts, const ConceptProbe& probe,
                             const Eigen::Ref<const Eigen::MatrixXf>& digit_acts, const ConceptDigits* digits);
// Every layer of the network (hidden activations; logits for the output layer). digits may be
// null (no test digits at hand): then nothing is scored, and nothing named.
std::vector<ConceptScores> concept_scores_all(const Mlp& net, const ConceptProbe& probe, const ConceptDigits* digits = nullptr);

// The shape part of a summary as a prediction: the correlation, over the shape digits, between
// the summed resemblance to the named families and the unit's activation. *defined is false
// when either side is constant.
float concept_summary_score(const std::vector<int>& named, const Eigen::Ref<const Eigen::RowVectorXf>& digit_acts,
                            const ConceptDigits& digits, bool* defined = nullptr);

}  // namespace lens
