// Every threshold the explanations use, named once. The page, the report and the
// tests read them from here, so a sentence such as "nearly dead (active on under
// 1% of images)" is always true of the number that decided it.
#pragma once

namespace lens {

// A unit is nearly dead when it fires on fewer than this share of the test images.
constexpr float kNearlyDeadRate = 0.01f;
// A unit whose activation varies by less than this over the whole test set is constant.
constexpr float kConstantSpread = 1e-6f;

// Class-level reading of a unit: a class is "strong" when its mean activation is at
// least this far from the weakest class towards the strongest, "moderate" from the second.
constexpr float kStrongClassFraction = 0.6f;
constexpr float kModerateClassFraction = 0.3f;
// How many of the weakest classes the summary names ("hardly at all for 1 or 7").
constexpr int kWeakClassesNamed = 2;
// How many output classes a unit's votes name in each direction.
constexpr int kVotesNamed = 2;

// The strongest test images "are mostly" one digit when at least this share of them is.
constexpr float kMostlyShare = 0.5f;

// Accuracy points (fractions of 1) lost when one unit is switched off:
constexpr float kMeaningfulDrop = 0.0005f;  // visible at all: 5 of the 10,000 test images
constexpr float kSpreadDrop = 0.015f;       // below this for every unit, the layer spreads its knowledge
constexpr float kCrucialDrop = 0.2f;        // above this, the network leans on one feature
constexpr int kCarriersNamed = 3;           // units named as carrying a layer's work
// The digit hurt most by switching a unit off is named when its accuracy falls this much.
constexpr float kVisibleClassDrop = 0.01f;

// The bundle's recorded accuracy and the one measured here disagree beyond this (0.5 points).
constexpr float kAccuracyMismatch = 0.005f;

// Advice: a network with fewer hidden units than this and accuracy below kWeakAccuracy
// is told it needs more units; at kStrongAccuracy it is told where further gains come from.
constexpr int kFewHiddenUnits = 32;
constexpr float kWeakAccuracy = 0.95f;
constexpr float kStrongAccuracy = 0.97f;
// "Many" dead units: at least this share of the hidden units.
constexpr float kManyDeadShare = 0.25f;

// First-layer weight images: neighbouring weights correlating above this are a shaped
// feature, not noise; a largest |w| below kDecayedWeight has decayed away.
constexpr float kShapedWeights = 0.15f;
constexpr float kDecayedWeight = 1e-3f;

// Shape families (concepts.h): a unit's summary names a family when both hold:
// - drawn alone on the canvas, the family excites the unit more than most others: its median
//   activation ranks among the kConceptTopRanks highest of the kConceptCount families and lies
//   above the median family's, and so do most of its drawings (more than half): a family whose
//   typical drawing leads only because half its drawings do is not what a lecturer's drawing
//   reliably shows (mlp32's neuron 14: 9 of 18 cups, and a hand-drawn cup ranked 7th);
// - its explanation score (the correlation, over the shape test digits, between how much a
//   digit looks like the family and the unit's activation) is at least kConceptNamed.
// At most kConceptsNamed of them, most exciting first. A layer "covers" a family when one of
// its units names it.
constexpr float kConceptNamed = 0.3f;
constexpr int kConceptsNamed = 2;
constexpr int kConceptTopRanks = 3;  // the top third of the 10 families

// A story banner on the page when at least this share of the hidden units is dead.
constexpr float kStoryDeadShare = 0.5f;

}  // namespace lens
