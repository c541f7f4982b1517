// "How the network works": the network summary (the same paragraphs the page's
// Network tab shows), the answer ladder of a single surviving neuron, the
// dead-neuron table and the neurons ranked by importance.
#include <algorithm>
#include <numeric>

#include "interpret/prose.h"
#include "report/report_sections.h"
#include "report/report_text.h"

namespace lens {

static std::string status_text(const NeuronFacts& f) {
  switch (f.status) {
    case NeuronStatus::Dead: return "**dead**";
    case NeuronStatus::NearlyDead: return "nearly dead";
    case NeuronStatus::Constant: return "constant";
    case NeuronStatus::Alive: return "alive";
  }
  return "";
}

static std::string links(const LayerFacts& L, const std::vector<int>& units) {
  std::string s;
  for (int u : units) s += (s.empty() ? "" : ", ") + neuron_link(L.layer, u, L.channels);
  return s.empty() ? "none" : s;
}

static void dead_table(ReportPage& page, const ReportContext& c) {
  std::vector<std::vector<std::string>> rows;
  for (const LayerFacts& L : c.analysis.network.layers)
    rows.push_back({std::to_string(L.layer), std::to_string(L.units), std::to_string(L.dead.size()) + ": " + links(L, L.dead),
                    std::to_string(L.nearly_dead.size()) + ": " + links(L, L.nearly_dead), std::to_string(L.alive.size())});
  const std::string unit = report_unit(c);
  page.md +=
      "### Dead and nearly dead " + unit + "s\n\n"
      "A " + unit + " is *dead* when its weighted input stays at or below zero for every test image" +
      (c.bundle.net.has_conv() ? " (for a channel: at every position of its map)" : "") +
      ", so it never fires "
      "(for a ReLU: it always outputs 0, passes nothing on, and gets no gradient, so training cannot bring it back). "
      "*Nearly dead* " + unit + "s fire on fewer than " +
      pct(kNearlyDeadRate, 0) + " of the images.\n\n";
  page.md += md_table({"hidden layer", unit + "s", "dead", "nearly dead", "ever fire"}, rows, "rrllr") + "\n";
}

// Where a typical image of each digit lands on the single surviving neuron's scale.
static std::string ladder_table(const LadderFacts& d) {
  std::vector<std::string> head = {"digit"}, mean = {"mean activation"}, answer = {"answer there"};
  for (std::size_t k = 0; k < d.class_mean.size(); ++k) {
    const int at = d.answer_at_mean[k];
    head.push_back(std::to_string(k));
    mean.push_back(fmt("%.1f", d.class_mean[k]));
    answer.push_back(at == int(k) ? "**" + std::to_string(at) + "**" : std::to_string(at));
  }
  return "Where a typical image of each digit lands:\n\n" +
         md_table(head, {mean, answer}, "l" + std::string(d.class_mean.size(), 'r')) + "\n";
}

static void importance_table(ReportPage& page, const ReportContext& c, int l) {
  const auto& neurons = c.analysis.neurons[std::size_t(l)];
  std::vector<int> order(neurons.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return neurons[std::size_t(a)].importance > neurons[std::size_t(b)].importance; });
  std::vector<std::vector<std::string>> rows;
  for (int u : order) {
    const NeuronFacts& f = neurons[std::size_t(u)];
    const std::string hurt = f.hurt_visible ? std::to_string(f.hurt_class) + "s: " + pct(f.hurt_before, 0) + " → " + pct(f.hurt_after, 0) : "—";
    rows.push_back({neuron_link(l, u, f.channel), status_text(f), f.silent() ? "—" : join_classes(f.strong), pct(f.active_rate),
                    f.importance_known ? signed_number(100.0 * f.importance, 1) : "—", hurt,
                    f.score_defined ? signed_number(f.score, 2) : "—"});
  }
  if (c.analysis.hidden_layers() > 1) page.md += "**Hidden layer " + std::to_string(l) + "**\n\n";
  page.md += md_table({unit_noun(c.analysis.network.layers[std::size_t(l)].channels), "status", "fires most for", "active on", "accuracy points lost when off", "digit hurt most",
                       "explanation score"},
                      rows, "rllrrlr") +
             "\n";
}

void section_summary(ReportPage& page, const ReportContext& c) {
  const ModelAnalysis& a = c.analysis;
  page.md += "## How the network works\n\n" + render_markdown(network_summary(a.network));
  for (const LayerFacts& L : a.network.layers)
    if (L.ladder.present) page.md += ladder_table(L.ladder);
  if (const Paragraph advice = network_advice(a.network); !advice.empty()) page.md += render_markdown(advice) + "\n\n";
  dead_table(page, c);
  const std::string unit = report_unit(c);
  page.md +=
      "### " + capitalized(unit) + "s ranked by importance\n\n"
      "Importance is the accuracy the network loses when that one " + unit + " is switched off (held at 0) and the "
      "test set is scored again; the digit hurt most is the class whose accuracy falls furthest (named when it falls by " +
      points(kVisibleClassDrop, 0) +
      " or more). The explanation score says how well the " + unit + "'s summary (\"fires most for …\") predicts its actual "
      "activation image by image: the correlation between the two, where 1 would be perfect and 0 means the summary "
      "tells you nothing.\n\n";
  for (int l = 0; l < a.hidden_layers(); ++l) importance_table(page, c, l);
}

}  // namespace lens
