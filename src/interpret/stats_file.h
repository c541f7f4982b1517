// The statistics sidecar (assets/models/<id>.stats): everything the analysis measures on
// the test set (NetworkStats and the single-unit ablation), computed natively with the
// same code (lens-stats, tools/lens_stats.cpp), so the page need not download the 10k test digits or
// spend seconds measuring before it can explain the default model.
//
// Byte layout (little-endian, version 1; docs/formats.md):
//   "LENSSTAT" magic (8 bytes), u32 version, u32 bundle identity (the CRC-32 trailer of the
//   bundle as bundle_write writes it), u32 test-set identity (stats_data_identity),
//   u32 images N, u32 classes C, u32 top_k K, u32 hidden layers L, L x u32 units H,
//   u32 flags (bit 0: importance measured), then
//   network: C*C i32 confusion (row = true class), C f32 class accuracy, C i32 class count,
//            i32 nonfinite, f32 accuracy, f32 base-score accuracy, C f32 base-score class accuracy;
//   per layer: H*C f32 class means (unit by unit), then H f32 each of mean, max, min,
//            mean_square, max_preactivation, active_rate, selectivity, importance,
//            hurt_class_accuracy; H i32 hurt_class; then per unit min(K, N) entries of
//            (i32 image, f32 value, i32 label);
//   when flags bit 1 is set (the shapes' scores on the shape digits, concepts.h), for each layer
//   of U units, the hidden layers then the output layer: U*kConceptCount f32 explanation scores
//   (unit by unit, each in [-1, 1]), U f32 summary scores (in [-1, 1]), U u32 summary defined
//   (0 or 1; the summary is 0 when not);
//   u32 CRC-32 of every byte before it.
// dead and nearly_dead are not stored: they follow from active_rate by the one rule
// (liveness.h), as StatsBuilder derives them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/formats/bundle.h"
#include "core/formats/bytes.h"
#include "core/constants.h"
#include "core/formats/mnist.h"
#include "core/result.h"
#include "interpret/ablation.h"
#include "interpret/concepts.h"
#include "interpret/neuron_stats.h"

namespace lens {

constexpr std::uint32_t kStatsVersion = 1;
constexpr int kStatsMaxImages = 1 << 20;
constexpr int kStatsMaxTopK = 256;

// The test set a sidecar must have been measured on: its identity (stats_data_identity) and
// size. The page and the tools expect the shipped MNIST test set; the unit tests measure on
// its first few digits and say so.
struct StatsDataSet {
  std::uint32_t identity = 0;
  int images = 0;
};
// The shipped MNIST test set: 10,000 digits (StatsFile.ShippedTestSetIdentityIsNamed pins it).
constexpr StatsDataSet kStatsMnistTest{0x190e897bu, kMnistTestDigits};

struct StatsFile {
  std::uint32_t bundle_identity = 0;
  std::uint32_t data_identity = 0;
  int top_k = 9;
  NetworkStats stats;
  Score base_score;
  bool has_importance = false;
  std::vector<Eigen::VectorXf> importance;           // (H) per hidden layer; zeros when not measured
  std::vector<Eigen::VectorXi> hurt_class;           // (H), -1 when not measured
  std::vector<Eigen::VectorXf> hurt_class_accuracy;  // (H)
  std::vector<ConceptDigitScores> shapes;            // one per layer, the output layer last; empty when not carried
};

// The CRC-32 trailer of the bundle's canonical bytes: changes with any weight or header field.
std::uint32_t stats_bundle_identity(const Bundle& bundle);
// CRC-32 of the data set as IDX-style bytes (each pixel x*255 rounded, then each label).
std::uint32_t stats_data_identity(const DataSet& data);

Bytes stats_file_write(const StatsFile& file);
// Checks everything against the bundle it is meant for (identity, layer count and widths,
// classes) and the test set it must have been measured on (identity and size), every count
// and index against N, K and C, rates and accuracies in [0, 1] and consistent with the counts
// (the accuracy is the confusion matrix's diagonal over N, to half an image), every other
// number finite, and the checksum; a file that fails any check is refused with a message
// saying which.
Result<StatsFile> stats_file_read(const Bytes& bytes, const Bundle& bundle, const StatsDataSet& measured_on = kStatsMnistTest);
// The same, with the bundle's identity given: stats_bundle_identity writes the whole bundle, which
// a caller that reads many files against one model (the fuzz target) does once.
Result<StatsFile> stats_file_read(const Bytes& bytes, const Bundle& bundle, std::uint32_t bundle_identity,
                                  const StatsDataSet& measured_on);

}  // namespace lens
