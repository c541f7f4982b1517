// "How the network works": explain_network's summary, completed with what it cannot
// say on its own (a network run by one neuron, a layer with no indispensable neuron),
// the dead-neuron table and the neurons ranked by importance.
#include <algorithm>
#include <numeric>

#include "report_sections.h"
#include "report_text.h"

namespace lens {

constexpr float kMeaningfulDrop = 0.0005f;  // 0.05 accuracy points: 5 of the 10k test images
constexpr float kSpreadDrop = 0.015f;       // below this for every unit, no neuron is indispensable

static std::string status_text(const NeuronExplanation& e) {
  return e.dead ? "**dead**" : e.nearly_dead ? "nearly dead" : "alive";
}

static void dead_table(ReportPage& page, const ReportContext& c) {
  std::vector<std::vector<std::string>> rows;
  for (int l = 0; l < c.analysis.hidden_layers(); ++l) {
    const LayerStats& L = c.analysis.stats.layers[std::size_t(l)];
    auto links = [&](const std::vector<int>& units) {
      std::string s;
      for (int u : units) s += (s.empty() ? "" : ", ") + neuron_link(l, u);
      return s.empty() ? "none" : s;
    };
    const int alive = L.units() - int(L.dead.size());
    rows.push_back({std::to_string(l + 1), std::to_string(L.units()),
                    std::to_string(L.dead.size()) + ": " + links(L.dead),
                    std::to_string(L.nearly_dead.size()) + ": " + links(L.nearly_dead), std::to_string(alive)});
  }
  page.md +=
      "### Dead and nearly dead neurons\n\n"
      "A ReLU neuron is *dead* when its weighted input stays below zero for every test image: it always outputs "
      "0, passes nothing on, and gets no gradient, so training cannot bring it back. *Nearly dead* neurons fire "
      "on fewer than " +
      pct(kNearlyDeadRate, 0) + " of the images.\n\n";
  page.md += md_table({"hidden layer", "neurons", "dead", "nearly dead", "ever fire"}, rows, "rrllr") + "\n";
}
// With a single live unit u feeding the output layer, logit_c = W(c,u) a + b_c: the answer
// depends on a alone.
static int answer_at(const Mlp& net, int unit, float a) {
  Eigen::Index best = 0;
  (net.layers.back().W.col(unit) * a + net.layers.back().b).maxCoeff(&best);
  return int(best);
}

// Walks the one activation from 0 to its largest test value, reports where the answer
// changes, and where each digit's mean activation lands.
static std::string answer_ladder(const Mlp& net, const LayerStats& L, int unit) {
  const float a_max = L.max(unit);
  const int steps = 2000;
  std::vector<std::pair<int, float>> runs;  // (class, activation where it starts winning)
  for (int i = 0; i <= steps; ++i) {
    const float a = a_max * float(i) / steps;
    const int best = answer_at(net, unit, a);
    if (runs.empty() || runs.back().first != best) runs.emplace_back(best, a);
  }
  std::string path, detail;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    path += (i ? " → " : "") + std::to_string(runs[i].first);
    if (i + 1 < runs.size())
      detail += (i ? ", " : "") + std::to_string(runs[i].first) + " up to " + fmt("%.1f", runs[i + 1].second);
  }
  if (runs.size() > 1) detail += ", then " + std::to_string(runs.back().first);
  std::string t = " As that one activation rises from 0 to its test maximum of " + fmt("%.1f", a_max) +
                  ", the network's answer runs " + path + (runs.size() > 1 ? " (" + detail + ")" : "") +
                  ". No other answer is possible, whatever the image. Where a typical image of each digit lands:\n\n";
  std::vector<std::string> head = {"digit"}, mean = {"mean activation"}, answer = {"answer there"};
  for (int k = 0; k < int(L.class_mean.cols()); ++k) {
    const int at = answer_at(net, unit, L.class_mean(unit, k));
    head.push_back(std::to_string(k));
    mean.push_back(fmt("%.1f", L.class_mean(unit, k)));
    answer.push_back(at == k ? "**" + std::to_string(at) + "**" : std::to_string(at));
  }
  return t + md_table(head, {mean, answer}, "l" + std::string(std::size_t(L.class_mean.cols()), 'r'));
}

static std::string responds_to(const NeuronExplanation& e) {
  return "most to " + join_classes(e.strong) + (e.moderate.empty() ? "" : ", less to " + join_classes(e.moderate));
}

// When only a few neurons survive, say plainly what that leaves the next layer to work with.
static std::string survivors_note(const ReportContext& c) {
  std::string md;
  const Mlp& net = c.bundle.net;
  for (int l = 0; l < c.analysis.hidden_layers(); ++l) {
    const LayerStats& L = c.analysis.stats.layers[std::size_t(l)];
    const std::vector<int> alive = alive_units(L);
    if (int(alive.size()) > 3 || int(alive.size()) == L.units() || alive.empty()) continue;
    const std::string layer = "hidden layer " + std::to_string(l + 1);
    if (alive.size() == 1) {
      const int u = alive[0];
      md += "**One neuron does all the work.** Only neuron " + neuron_link(l, u) + " of " + layer +
            " ever fires, so everything the next layer knows about an image is a single number: how strongly that "
            "neuron responds (" +
            responds_to(c.analysis.neurons[std::size_t(l)][std::size_t(u)]) +
            "). One number can only place the digits on a single scale from \"not at all\" to \"very much\".";
      md += l + 2 == int(net.layers.size()) ? answer_ladder(net, L, u) + "\n" : "\n\n";
    } else {
      std::string list;
      for (int u : alive) list += (list.empty() ? "" : ", ") + neuron_link(l, u);
      md += "**Only " + std::to_string(alive.size()) + " of " + std::to_string(L.units()) + " neurons of " + layer +
            " ever fire** (" + list + "), so the next layer sees each image as just " + std::to_string(alive.size()) +
            " numbers.\n\n";
    }
  }
  return md;
}

// Wide layers spread what they know: say so, or the per-neuron stories read as a set of detectors.
static std::string spread_note(const ReportContext& c) {
  std::string md;
  for (int l = 0; l < c.analysis.hidden_layers(); ++l) {
    const Eigen::VectorXf& imp = c.analysis.importance[std::size_t(l)];
    if (imp.size() == 0 || imp.maxCoeff() >= kSpreadDrop) continue;
    md += "No single neuron of hidden layer " + std::to_string(l + 1) +
          " matters much: the worst loss from switching "
          "one off is " +
          fmt("%.1f", 100.0 * imp.maxCoeff()) +
          " accuracy points. What the layer knows is spread over "
          "many neurons, so read the neuron sections below as pieces of a shared code rather than as self-contained "
          "digit detectors.\n\n";
  }
  return md;
}

// explain_network names the top three units of each layer; when fewer than three matter at
// all that would credit dead units with "carrying the work", so we say it ourselves instead.
static bool importance_reads_well(const ReportAnalysis& a) {
  for (const Eigen::VectorXf& imp : a.importance) {
    Eigen::VectorXf sorted = imp;
    std::sort(sorted.data(), sorted.data() + sorted.size(), std::greater<float>());
    if (sorted(std::min<Eigen::Index>(2, sorted.size() - 1)) < kMeaningfulDrop) return false;
  }
  return true;
}

static std::string importance_paragraph(const ReportContext& c, int l) {
  const Eigen::VectorXf& imp = c.analysis.importance[std::size_t(l)];
  std::vector<int> order(static_cast<std::size_t>(imp.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return imp(x) > imp(y); });
  std::vector<int> matter;
  for (int u : order)
    if (imp(u) >= kMeaningfulDrop && matter.size() < 3) matter.push_back(u);
  const std::string layer = "In hidden layer " + std::to_string(l + 1);
  if (matter.empty())
    return layer + " no single neuron matters: switching any one off changes the accuracy by less than 0.1 points.\n\n";
  std::string t = layer + " the work is carried by ";
  for (std::size_t k = 0; k < matter.size(); ++k) {
    const int u = matter[k];
    t += (k ? (k + 1 == matter.size() ? " and " : ", ") : "") + std::string("neuron ") + neuron_link(l, u) +
         (matter.size() == 1 ? " alone" : "") + " (switching it off costs " + fmt("%.1f", 100.0 * imp(u)) +
         " accuracy points and leaves " + pct(c.analysis.stats.accuracy - imp(u)) + ")";
  }
  int rest = 0;
  for (Eigen::Index u = 0; u < imp.size(); ++u) rest += imp(u) < kMeaningfulDrop;
  if (rest == int(imp.size()) - int(matter.size()) && rest > 0) t += "; switching off any other neuron changes nothing";
  return t + ".\n\n";
}

static void importance_table(ReportPage& page, const ReportContext& c, int l) {
  const auto& neurons = c.analysis.neurons[std::size_t(l)];
  const Eigen::VectorXf& imp = c.analysis.importance[std::size_t(l)];
  const LayerStats& L = c.analysis.stats.layers[std::size_t(l)];
  std::vector<int> order(neurons.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return imp(a) > imp(b); });
  std::vector<std::vector<std::string>> rows;
  for (int u : order) {
    const NeuronExplanation& e = neurons[std::size_t(u)];
    const int hurt = c.analysis.hurt_class[std::size_t(l)](u);
    const float before = c.analysis.stats.class_accuracy(hurt),
                after = c.analysis.hurt_class_accuracy[std::size_t(l)](u);
    const std::string hurt_text =
        before - after >= 0.01f ? std::to_string(hurt) + "s: " + pct(before, 0) + " → " + pct(after, 0) : "—";
    rows.push_back({neuron_link(l, u), status_text(e), e.dead ? "—" : join_classes(e.strong), pct(L.active_rate(u)),
                    signed_number(100.0 * imp(u), 1), hurt_text, e.score_defined ? signed_number(e.score, 2) : "—"});
  }
  if (c.analysis.hidden_layers() > 1) page.md += "**Hidden layer " + std::to_string(l + 1) + "**\n\n";
  page.md += md_table({"neuron", "status", "fires most for", "active on", "accuracy points lost when off",
                       "digit hurt most", "explanation score"},
                      rows, "rllrrlr") +
             "\n";
}

void section_summary(ReportPage& page, const ReportContext& c) {
  const ReportAnalysis& a = c.analysis;
  page.md += "## How the network works\n\n";
  const bool own_importance = !importance_reads_well(a);
  std::string text = explain_network(c.bundle.net, c.bundle.info, a.stats, a.neurons,
                                     own_importance ? std::vector<Eigen::VectorXf>{} : a.importance);
  // Our paragraphs go before the advice, which should close the summary.
  const std::size_t advice = std::min(text.find("**What would improve it.**"), text.size());
  std::string ours;
  if (own_importance)
    for (int l = 0; l < a.hidden_layers(); ++l) ours += importance_paragraph(c, l);
  ours += survivors_note(c);
  ours += spread_note(c);
  page.md += text.substr(0, advice) + ours + text.substr(advice) + "\n";
  dead_table(page, c);
  page.md +=
      "### Neurons ranked by importance\n\n"
      "Importance is the accuracy the network loses when that one neuron is switched off (held at 0) and the "
      "test set is scored again; the digit hurt most is the class whose accuracy falls furthest. The explanation score "
      "says how well the neuron's one-line summary (\"fires "
      "most for …\") predicts its actual activation image by image: the correlation between the two, where 1 "
      "would be perfect and 0 means the summary tells you nothing.\n\n";
  for (int l = 0; l < a.hidden_layers(); ++l) importance_table(page, c, l);
}

}  // namespace lens
