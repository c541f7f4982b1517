#include "app/core/live_input.h"

#include <algorithm>
#include <chrono>

#include "interpret/attribution.h"
#include "interpret/units.h"

namespace lens {

void live_update(LiveInput& live, const Mlp& net, const Ablation& ablation, int chosen_class) {
  const auto t0 = std::chrono::steady_clock::now();
  if (live.x.size() != net.inputs()) live.x = Eigen::VectorXf::Zero(net.inputs());
  live.blank = live.x.isZero();
  mlp_forward_trace(net, live.x, live.trace);
  live.probs = head_probabilities(net.head, live.trace.logits()).col(0);
  live.predicted = head_predict(net.head, live.trace.logits())[0];
  const int hidden = int(net.layers.size()) - 1;
  live.responses.resize(std::size_t(std::max(0, hidden)));
  for (int l = 0; l < hidden; ++l) live.responses[std::size_t(l)] = unit_responses(net.layers[std::size_t(l)], live.trace.layers[std::size_t(l)]).col(0);
  live.contributions = hidden > 0 ? hidden_contributions(net, live.trace, hidden - 1) : Eigen::MatrixXf();
  live.saliency_class = chosen_class >= 0 && chosen_class < net.outputs() ? chosen_class : live.predicted;
  // A single sigmoid output (XOR) has one logit whatever the predicted class.
  live.saliency = saliency(net, live.trace, net.outputs() == 1 ? 0 : live.saliency_class);
  live.ablated = ablation.any();
  if (live.ablated) {
    const Eigen::MatrixXf logits = mlp_forward_ablated(net, live.x, ablation);
    live.ablated_probs = head_probabilities(net.head, logits).col(0);
    live.ablated_predicted = head_predict(net.head, logits)[0];
  }
  ++live.version;
  live.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace lens
