// When a hidden unit is dead or nearly dead: one rule, used by the statistics (StatsBuilder),
// the sidecar reader (stats_file), the page's neuron cards and the trainer's list of dead
// neurons, so that a neuron the list calls dead never has a card that says "~dead".
// Shape letters: H = units in a layer, N = images.
#pragma once
#include <Eigen/Core>

#include "core/numerics/activation.h"
#include "interpret/thresholds.h"

namespace lens {

enum class Liveness { Alive, NearlyDead, Dead };

// The rule, on the share of the measured images a unit fired on: dead when it fired on none,
// nearly dead when on fewer than kNearlyDeadRate of them.
Liveness liveness_of_rate(float active_rate);
// The share as the statistics store it (what the sidecar keeps): active / images, in float.
float liveness_rate(int active, int images);
inline Liveness liveness_of(int active, int images) { return liveness_of_rate(liveness_rate(active, images)); }

// (H) how many of the N images (columns of acts, (H, N)) each unit fired on, "firing" as
// activation_is_active says; NaN never fires.
Eigen::VectorXi liveness_count_firing(const Eigen::MatrixXf& acts, Activation act);

}  // namespace lens
