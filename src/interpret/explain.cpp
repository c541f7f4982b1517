#include "interpret/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace lens {

static std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string join_classes(const std::vector<int>& c) {
  std::string s;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i) s += i + 1 == c.size() ? " and " : ", ";
    s += std::to_string(c[i]);
  }
  return s;
}

static std::string join_or(const std::vector<int>& c) {
  std::string s = join_classes(c);
  const auto pos = s.rfind(" and ");
  if (pos != std::string::npos) s.replace(pos, 5, " or ");
  return s;
}

NeuronExplanation explain_neuron(const Mlp& net, const NetworkStats& stats, int layer, int unit) {
  const LayerStats& L = stats.layers[std::size_t(layer)];
  NeuronExplanation e;
  e.layer = layer;
  e.unit = unit;
  const std::string name = "Neuron " + std::to_string(unit) + " of hidden layer " + std::to_string(layer + 1);
  e.dead = L.active_rate(unit) == 0.f;
  e.nearly_dead = !e.dead && L.active_rate(unit) < kNearlyDeadRate;
  if (e.dead) {
    e.one_line = "Dead: never fires on any test image.";
    e.text = name + " never fires on any of the " + std::to_string(stats.images) +
             " test images: its weighted input stays below zero, so it passes nothing on and, because a "
             "ReLU's gradient is zero there too, training cannot revive it. It is dead.";
    return e;
  }
  const Eigen::RowVectorXf m = L.class_mean.row(unit);
  const float lo = m.minCoeff(), hi = m.maxCoeff(), span = hi - lo;
  std::vector<int> order(std::size_t(m.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return m(a) > m(b); });
  std::vector<int> weak;
  for (int c : order) {
    const float t = span > 0 ? (m(c) - lo) / span : 0.f;
    (t >= 0.6f ? e.strong : t >= 0.3f ? e.moderate : weak).push_back(c);
  }
  std::string text = name + " fires most for " + join_classes(e.strong) + " (mean activation " +
                     fmt("%.2g", double(m(e.strong[0]))) + (e.strong.size() > 1 ? " and below" : "") + ")";
  if (!e.moderate.empty()) text += ", moderately for " + join_classes(e.moderate);
  std::vector<int> least(weak.end() - std::min<std::ptrdiff_t>(2, std::ptrdiff_t(weak.size())), weak.end());
  std::reverse(least.begin(), least.end());
  if (!least.empty()) text += ", and hardly at all for " + join_or(least);
  text += ". It is active on " + fmt("%.1f", 100.0 * double(L.active_rate(unit))) + "% of test images";
  if (e.nearly_dead) text += ", so it is nearly dead";
  text += ".";
  e.one_line = (e.nearly_dead ? "Nearly dead; " : "") + std::string("fires for ") + join_classes(e.strong) +
               (e.moderate.empty() ? "" : ", some " + join_classes(e.moderate)) + ".";

  // How it pushes the outputs: its outgoing weights, when the next layer is the output.
  if (layer + 2 == int(net.layers.size())) {
    const Eigen::VectorXf w = net.layers.back().W.col(unit);
    std::vector<int> cls(std::size_t(w.size()));
    std::iota(cls.begin(), cls.end(), 0);
    std::sort(cls.begin(), cls.end(), [&](int a, int b) { return w(a) > w(b); });
    for (int k = 0; k < 2 && k < int(cls.size()); ++k) {
      if (w(cls[std::size_t(k)]) > 0) e.pushes_up.push_back(cls[std::size_t(k)]);
      if (w(cls[cls.size() - 1 - std::size_t(k)]) < 0) e.pushes_down.push_back(cls[cls.size() - 1 - std::size_t(k)]);
    }
    if (!e.pushes_up.empty() || !e.pushes_down.empty()) {
      text += " When it fires it pushes the answer";
      if (!e.pushes_up.empty()) text += " towards " + join_classes(e.pushes_up);
      if (!e.pushes_up.empty() && !e.pushes_down.empty()) text += " and";
      if (!e.pushes_down.empty()) text += " away from " + join_or(e.pushes_down);
      text += ".";
    }
  }
  e.text = text;
  return e;
}

float simulated_correlation(const std::vector<int>& strong, const std::vector<int>& moderate,
                            const Eigen::Ref<const Eigen::RowVectorXf>& a, const std::vector<int>& labels, bool* defined) {
  const std::size_t N = std::min(labels.size(), std::size_t(a.size()));
  double level[10] = {0};
  for (int c : strong) if (c >= 0 && c < 10) level[c] = 1.0;
  for (int c : moderate) if (c >= 0 && c < 10) level[c] = 0.5;
  double ms = 0, ma = 0;
  for (std::size_t n = 0; n < N; ++n) {
    ms += labels[n] >= 0 && labels[n] < 10 ? level[labels[n]] : 0;
    ma += a(Eigen::Index(n));
  }
  ms /= double(N);
  ma /= double(N);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t n = 0; n < N; ++n) {
    const double s = (labels[n] >= 0 && labels[n] < 10 ? level[labels[n]] : 0) - ms, t = a(Eigen::Index(n)) - ma;
    sxy += s * t;
    sxx += s * s;
    syy += t * t;
  }
  const bool ok = sxx > 1e-12 && syy > 1e-12;
  if (defined) *defined = ok;
  return ok ? float(std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0)) : 0.f;
}

void explanation_score(NeuronExplanation& e, const Eigen::Ref<const Eigen::RowVectorXf>& activations,
                       const std::vector<int>& labels) {
  e.score = simulated_correlation(e.strong, e.moderate, activations, labels, &e.score_defined);
}

std::string explain_network(const Mlp& net, const BundleInfo& info, const NetworkStats& stats,
                            const std::vector<std::vector<NeuronExplanation>>& neurons,
                            const std::vector<Eigen::VectorXf>& importance) {
  std::string t;
  const std::vector<int> sizes = net.sizes();
  int hidden = 0, dead = 0, nearly = 0;
  for (const LayerStats& L : stats.layers) {
    hidden += L.units();
    dead += int(L.dead.size());
    nearly += int(L.nearly_dead.size());
  }
  t += "**" + info.name + "** has " + std::to_string(stats.layers.size()) + " hidden layer" +
       (stats.layers.size() == 1 ? "" : "s") + " (" + std::to_string(hidden) + " neurons in all) and classifies " +
       fmt("%.2f", 100.0 * stats.accuracy) + "% of the " + std::to_string(stats.images) + " test images correctly.";
  // Weakest and strongest classes.
  Eigen::Index worst = 0, best = 0;
  stats.class_accuracy.minCoeff(&worst);
  stats.class_accuracy.maxCoeff(&best);
  t += " It is best on " + std::to_string(best) + "s (" + fmt("%.1f", 100.0 * stats.class_accuracy(best)) +
       "%) and worst on " + std::to_string(worst) + "s (" + fmt("%.1f", 100.0 * stats.class_accuracy(worst)) + "%).\n\n";

  if (dead > 0) {
    t += std::to_string(dead) + " of its " + std::to_string(hidden) + " hidden neurons are dead (";
    bool first = true;
    for (std::size_t l = 0; l < stats.layers.size(); ++l)
      for (int u : stats.layers[l].dead) {
        t += (first ? "" : ", ") + std::string("layer ") + std::to_string(l + 1) + " #" + std::to_string(u);
        first = false;
      }
    t += "): they never fire on any test image, so they contribute nothing.";
    if (nearly > 0) t += " " + std::to_string(nearly) + " more are nearly dead (active on under 1% of images).";
    t += "\n\n";
  } else if (nearly > 0) {
    t += std::to_string(nearly) + " hidden neurons are nearly dead (active on under 1% of images); none is fully dead.\n\n";
  } else {
    t += "Every hidden neuron is alive: each fires on at least 1% of the test images.\n\n";
  }

  // Which features carry the work: the accuracy lost when a single neuron is switched off.
  for (std::size_t l = 0; l < importance.size() && l < neurons.size(); ++l) {
    const Eigen::VectorXf& imp = importance[l];
    std::vector<int> order(std::size_t(imp.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return imp(a) > imp(b); });
    int show = 0;  // units whose loss is visible at all, at most three
    while (show < std::min<int>(3, int(order.size())) && imp(order[std::size_t(show)]) > 5e-4f) ++show;
    if (show == 0) {
      t += "In hidden layer " + std::to_string(l + 1) + " no single neuron matters: switching any one off costs "
           "less than 0.05 points of accuracy.\n\n";
      continue;
    }
    t += "In hidden layer " + std::to_string(l + 1) + (show == 1 ? " the work is carried entirely by " : " the work is carried most by ");
    for (int k = 0; k < show; ++k) {
      const int u = order[std::size_t(k)];
      const NeuronExplanation& e = neurons[l][std::size_t(u)];
      t += (k ? (k + 1 == show ? " and " : ", ") : "") + std::string("neuron ") + std::to_string(u) + " (switching it off costs " +
           fmt("%.1f", 100.0 * imp(u)) + " points" + (e.dead ? "" : "; it fires for " + join_classes(e.strong)) + ")";
    }
    t += ".";
    if (imp.size() > 0 && imp(order[0]) > 0.2f)
      t += " Losing that one neuron would cost more than a fifth of the accuracy: the network leans on very few features.";
    t += "\n\n";
  }

  // What would improve it.
  std::vector<std::string> advice;
  if (dead > 0 && hidden > 0 && dead * 4 >= hidden)
    advice.push_back("Revive the dead neurons: start the hidden biases at zero or slightly positive instead of negative, "
                     "lower the learning rate, or use leaky ReLU so a unit below zero still gets a gradient.");
  else if (dead > 0)
    advice.push_back("A few dead neurons are wasted capacity; a smaller learning rate or a small positive bias at the start "
                     "would keep them alive.");
  if (stats.accuracy < 0.95f && sizes.size() >= 3 && hidden < 32)
    advice.push_back("With only " + std::to_string(hidden) + " hidden neurons the network cannot separate all ten digits "
                     "well; more hidden neurons (32 already reach about 97%) would help most.");
  if (stats.accuracy >= 0.97f)
    advice.push_back("Further gains would come from a convolutional network or data augmentation (small shifts and "
                     "rotations of the training digits) rather than from more neurons in this layer.");
  if (!advice.empty()) {
    t += "**What would improve it.** ";
    for (const std::string& a : advice) t += a + " ";
    t.pop_back();
    t += "\n";
  }
  return t;
}

}  // namespace lens
