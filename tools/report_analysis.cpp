#include "report_analysis.h"

#include <cmath>
#include <numeric>

#include "core/constants.h"
#include "interpret/ablation.h"
#include "interpret/actmax.h"

namespace lens {

void analyze_neurons(const Mlp& net, const DataSet& test, int top_k, ReportAnalysis& a) {
  a.stats = stats_compute(net, test, top_k);
  mlp_forward_trace(net, test.images, a.trace);
  a.neurons.assign(std::size_t(a.hidden_layers()), {});
  a.max_preactivation.clear();
  for (int l = 0; l < a.hidden_layers(); ++l) {
    const LayerTrace& t = a.trace.layers[std::size_t(l)];
    a.max_preactivation.push_back(t.z.rowwise().maxCoeff());
    for (int h = 0; h < a.stats.layers[std::size_t(l)].units(); ++h) {
      NeuronExplanation e = explain_neuron(net, a.stats, l, h);
      explanation_score(e, t.a.row(h), test.labels);
      a.neurons[std::size_t(l)].push_back(std::move(e));
    }
  }
  a.weight_smoothness.resize(net.layers[0].outputs());
  for (int h = 0; h < net.layers[0].outputs(); ++h)
    a.weight_smoothness(h) = weight_smoothness(net.layers[0].W.row(h).transpose());
}

float weight_smoothness(const Eigen::Ref<const Eigen::VectorXf>& w) {
  const int margin = (kSide - kDigitBox) / 2;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  int n = 0;
  auto pair = [&](float a, float b) {
    sa += a, sb += b, saa += double(a) * a, sbb += double(b) * b, sab += double(a) * b, ++n;
  };
  for (int y = margin; y < kSide - margin; ++y)
    for (int x = margin; x < kSide - margin; ++x) {
      if (x + 1 < kSide - margin) pair(w(y * kSide + x), w(y * kSide + x + 1));
      if (y + 1 < kSide - margin) pair(w(y * kSide + x), w((y + 1) * kSide + x));
    }
  const double cov = sab / n - (sa / n) * (sb / n), va = saa / n - (sa / n) * (sa / n),
               vb = sbb / n - (sb / n) * (sb / n);
  return va > 1e-20 && vb > 1e-20 ? float(cov / std::sqrt(va * vb)) : 0.f;
}

void analyze_importance(const Mlp& net, const DataSet& test, ReportAnalysis& a) {
  const AblationScorer scorer(net, test);
  const Score base = scorer.score(Ablation::none(net));
  a.importance.clear();
  a.hurt_class.clear();
  a.hurt_class_accuracy.clear();
  for (int l = 0; l < a.hidden_layers(); ++l) {
    const int H = net.layers[std::size_t(l)].outputs();
    Eigen::VectorXf drop(H), hurt_accuracy(H);
    Eigen::VectorXi hurt(H);
    for (int h = 0; h < H; ++h) {
      Ablation ab = Ablation::none(net);
      ab.switch_off(l, h);
      const Score s = scorer.score(ab);
      drop(h) = base.accuracy - s.accuracy;
      Eigen::Index k = 0;
      (base.class_accuracy - s.class_accuracy).maxCoeff(&k);
      hurt(h) = int(k);
      hurt_accuracy(h) = s.class_accuracy(k);
    }
    a.importance.push_back(drop);
    a.hurt_class.push_back(hurt);
    a.hurt_class_accuracy.push_back(hurt_accuracy);
  }
}

static std::vector<int> all_units(int n) {
  std::vector<int> u(static_cast<std::size_t>(n));
  std::iota(u.begin(), u.end(), 0);
  return u;
}

void analyze_actmax(const Mlp& net, ReportAnalysis& a) {
  const ActmaxConfig config;  // the defaults, as the page uses them
  a.hidden_actmax.clear();
  a.hidden_achieved.clear();
  for (int l = 0; l < a.hidden_layers(); ++l) {
    ActmaxSolver solver(net, l, all_units(net.layers[std::size_t(l)].outputs()), config);
    while (!solver.step(config.steps)) {
    }
    a.hidden_actmax.push_back(solver.images());
    // The pre-activation, not solver.achieved() (the activation): for a dead unit we want to
    // say how far below zero even its best image stays.
    Trace t;
    mlp_forward_trace(net, solver.images(), t);
    a.hidden_achieved.push_back(t.layers[std::size_t(l)].z.diagonal());
  }
  const int C = net.outputs(), last = int(net.layers.size()) - 1;
  ActmaxSolver solver(net, last, all_units(C), config, ActmaxObjective::Logit);
  while (!solver.step(config.steps)) {
  }
  a.output_actmax = solver.images();
  const Eigen::MatrixXf p = head_probabilities(net.head, mlp_forward(net, a.output_actmax));
  a.output_probability = p.diagonal();
}

}  // namespace lens
