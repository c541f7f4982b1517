// The neuron-by-neuron sections of an MNIST report: an overview of each hidden
// layer, then one section per neuron with its explanation and figures.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/constants.h"
#include "report_images.h"
#include "report_sections.h"
#include "report_svg.h"
#include "report_text.h"

namespace lens {

// Neighbour correlation (weight_smoothness) above which a weight image is a shaped feature, not noise.
constexpr float kShapedWeights = 0.15f;
// Largest |w| below which a unit's incoming weights count as decayed away (He initialisation
// for 784 inputs starts them around 0.05, trained features reach 0.3 and more).
constexpr float kDecayedWeight = 1e-3f;
constexpr const char* kWeightLegend = "orange = positive weight (ink here excites), purple = negative";

void section_reading_guide(ReportPage& page, const ReportContext& c) {
  const int top = c.analysis.stats.layers.empty() || c.analysis.stats.layers[0].top.empty()
                      ? 0
                      : int(c.analysis.stats.layers[0].top[0].size());
  page.md +=
      "## How to read the neuron sections\n\n"
      "Each hidden neuron gets a section with its plain-language explanation and these figures:\n\n"
      "- **Maximization image**: the input that raises the neuron's weighted input (before the ReLU) the most, "
      "found by gradient ascent from a blank page. Dark = ink.\n"
      "- **Incoming weights** (first hidden layer only): the neuron's 784 weights drawn as a 28×28 image, " +
      std::string(kWeightLegend) +
      " (ink there inhibits), light grey ≈ 0.\n"
      "- **Mean activation by digit**: the neuron's average output on the test images of each class. Orange "
      "bars are the classes its explanation calls strong, light orange moderate.\n"
      "- **Strongest test images**: the " +
      std::to_string(top) +
      " test images that make it fire hardest, strongest first, read row by row.\n"
      "- **Outgoing weights** (last hidden layer only): how much each unit of its activation adds to (orange) "
      "or takes from (purple) each output's logit.\n\n"
      "The numbers: *active on* is the share of test images on which it fires; *max activation* its largest output on "
      "any test image; "
      "*selectivity* is (mean on its favourite digit − mean on the others) / (the two added), 0 for a neuron "
      "that treats all digits alike and 1 for one that fires for a single digit only; *importance* and the "
      "*explanation score* are defined [above](#neurons-ranked-by-importance).\n\n";
}

static std::string neuron_name(int layer, int unit) {  // for alt text, mid-sentence
  return "layer " + std::to_string(layer + 1) + ", neuron " + std::to_string(unit);
}

static std::string file_stem(int layer, int unit) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "l%d-n%03d", layer + 1, unit);
  return buf;
}

static int grid_columns(int units) { return units <= 8 ? units : units <= 32 ? 8 : 16; }

static void layer_overview(ReportPage& page, const ReportContext& c, int l) {
  const ReportAnalysis& a = c.analysis;
  const LayerStats& L = a.stats.layers[std::size_t(l)];
  const int H = L.units(), per_row = grid_columns(H), scale = H <= 16 ? 3 : 2;
  std::vector<int> all(static_cast<std::size_t>(H));
  for (int h = 0; h < H; ++h) all[std::size_t(h)] = h;
  std::string order =
      "Neurons 0 to " + std::to_string(H - 1) +
      (H > per_row ? ", row by row from the top left (" + std::to_string(per_row) + " per row)" : ", left to right");
  std::string dead;
  for (int u : L.dead) dead += (dead.empty() ? "" : ", ") + std::to_string(u);
  if (!dead.empty()) order += "; dead: " + dead;
  const std::string layer = "hidden layer " + std::to_string(l + 1);
  const std::string grid = page.png("l" + std::to_string(l + 1) + "-actmax-grid.png",
                                    digit_grid(a.hidden_actmax[std::size_t(l)], all, per_row, scale, 4));
  page.figure({grid, "Maximization images of all " + std::to_string(H) + " neurons of " + layer,
               "Maximization images of all neurons of " + layer + ". " + order + "."});
  if (l == 0) {
    const std::string w = page.png("l1-weights-grid.png", weight_grid(c.bundle.net.layers[0].W, per_row, scale, 4));
    page.figure({w, "Incoming weights of all " + std::to_string(H) + " neurons of hidden layer 1 as 28 by 28 images",
                 "Incoming weights of the same neurons, in the same order: " + std::string(kWeightLegend) +
                     ". Each tile has its own colour scale, but never finer than half the layer's strongest, so weak "
                     "weights look weak."});
  }
}

static std::string class_chart(const ReportContext& c, const NeuronExplanation& e) {
  const LayerStats& L = c.analysis.stats.layers[std::size_t(e.layer)];
  BarChart chart;
  for (int k = 0; k < int(L.class_mean.cols()); ++k) {
    chart.values.push_back(L.class_mean(e.unit, k));
    chart.labels.push_back(std::to_string(k));
    const bool strong = std::count(e.strong.begin(), e.strong.end(), k) > 0;
    const bool moderate = std::count(e.moderate.begin(), e.moderate.end(), k) > 0;
    chart.colours.push_back(strong ? kSvgStrong : moderate ? kSvgModerate : kSvgOther);
  }
  chart.title = "Mean activation of layer " + std::to_string(e.layer + 1) + ", neuron " + std::to_string(e.unit) +
                " for digits 0 to 9; highest for " + join_classes(e.strong);
  chart.axis = "mean activation";
  return svg_bar_chart(chart);
}

static std::string outgoing_chart(const Mlp& net, const NeuronExplanation& e) {
  const Eigen::VectorXf w = net.layers[std::size_t(e.layer) + 1].W.col(e.unit);
  BarChart chart;
  for (int k = 0; k < int(w.size()); ++k) {
    chart.values.push_back(w(k));
    chart.labels.push_back(std::to_string(k));
    chart.colours.push_back(w(k) >= 0 ? kSvgStrong : kSvgNegative);
  }
  chart.title = "Outgoing weights of layer " + std::to_string(e.layer + 1) + ", neuron " + std::to_string(e.unit) +
                " to the logits of digits 0 to 9";
  chart.axis = "weight to logit";
  return svg_bar_chart(chart);
}

static std::string numbers_line(const ReportContext& c, const NeuronExplanation& e) {
  const LayerStats& L = c.analysis.stats.layers[std::size_t(e.layer)];
  const float imp = c.analysis.importance[std::size_t(e.layer)](e.unit);
  std::string s = e.nearly_dead ? "**Nearly dead** · " : "**Alive** · ";
  s += "active on " + pct(L.active_rate(e.unit)) + " of test images · max activation " + fmt("%.2f", L.max(e.unit)) +
       " · selectivity " + fmt("%.2f", L.selectivity(e.unit)) + " · importance: ";
  s += imp >= 0 ? "switching it off costs " + fmt("%.1f", 100.0 * imp) + " accuracy points"
                : "switching it off *gains* " + fmt("%.1f", -100.0 * imp) + " accuracy points";
  const int hurt = c.analysis.hurt_class[std::size_t(e.layer)](e.unit);
  const float before = c.analysis.stats.class_accuracy(hurt),
              after = c.analysis.hurt_class_accuracy[std::size_t(e.layer)](e.unit);
  if (before - after >= 0.01f)  // name the digit that suffers, when one visibly does
    s += " (" + std::to_string(hurt) + "s fall from " + pct(before, 0) + " to " + pct(after, 0) + ")";
  s += " · explanation score " + (e.score_defined ? "**" + signed_number(e.score, 2) + "**" : std::string("undefined"));
  return s + "\n\n";
}

static std::string top_caption(const ReportContext& c, const NeuronExplanation& e, const std::vector<int>& top) {
  const Activation act = c.bundle.net.layers[std::size_t(e.layer)].act;
  const Eigen::MatrixXf& acts = c.analysis.trace.layers[std::size_t(e.layer)].a;
  std::string labels;
  int firing = 0;
  for (int i : top) {
    labels += (labels.empty() ? "" : " ") + std::to_string(c.test.labels[std::size_t(i)]);
    firing += activation_is_active(act, acts(e.unit, i));
  }
  std::string s = "Its " + std::to_string(top.size()) + " strongest test images (labels " + labels + ")";
  if (firing < int(top.size())) s += "; only " + std::to_string(firing) + " of them make it fire at all";
  return s;
}

// The figures every neuron section starts with: its maximization image and, in the
// first layer, its incoming weights as an image.
static std::vector<Figure> image_figures(ReportPage& page, const ReportContext& c, const NeuronExplanation& e) {
  const Mlp& net = c.bundle.net;
  const std::string stem = file_stem(e.layer, e.unit), who = neuron_name(e.layer, e.unit);
  std::vector<Figure> images;
  images.push_back({page.png(stem + "-actmax.png", digit_tile(c.analysis.hidden_actmax[std::size_t(e.layer)].col(e.unit), 4)),
                    "Maximization image of " + who, "Maximization image"});
  if (e.layer == 0) {
    images.push_back(
        {page.png(stem + "-weights.png",
                  weight_tile(net.layers[0].W.row(e.unit).transpose(), weight_limits(net.layers[0].W)(e.unit), 4)),
         "Incoming weights of " + who + " as a 28 by 28 image", std::string("Incoming weights<br>") + kWeightLegend});
  }
  return images;
}

static void neuron_alive(ReportPage& page, const ReportContext& c, const NeuronExplanation& e) {
  const ReportAnalysis& a = c.analysis;
  const Mlp& net = c.bundle.net;
  const std::string stem = file_stem(e.layer, e.unit), who = neuron_name(e.layer, e.unit);
  page.md += numbers_line(c, e) + e.text + "\n\n";
  std::vector<Figure> images = image_figures(page, c, e);
  const std::vector<int>& top = a.stats.layers[std::size_t(e.layer)].top[std::size_t(e.unit)];
  const int per_row = int(std::ceil(std::sqrt(double(top.size()))));
  images.push_back({page.png(stem + "-top.png", digit_grid(c.test.images, top, per_row, 2, 3)),
                    "The test images that excite " + who + " most", top_caption(c, e, top)});
  page.figure_row(images);

  std::vector<Figure> charts;
  charts.push_back({page.svg(stem + "-classes.svg", class_chart(c, e)),
                    "Bar chart: mean activation of " + who + " per digit",
                    "Mean activation by digit (orange: " + join_classes(e.strong) +
                        (e.moderate.empty() ? "" : "; light orange: " + join_classes(e.moderate)) + ")"});
  if (e.layer + 2 == int(net.layers.size()))
    charts.push_back({page.svg(stem + "-outputs.svg", outgoing_chart(net, e)), "Bar chart: outgoing weights of " + who,
                      "Outgoing weights to the 10 logits (orange raises, purple lowers)"});
  page.figure_row(charts);
}

static void neuron_dead(ReportPage& page, const ReportContext& c, const NeuronExplanation& e) {
  const ReportAnalysis& a = c.analysis;
  const Mlp& net = c.bundle.net;
  const std::string stem = file_stem(e.layer, e.unit), who = neuron_name(e.layer, e.unit);
  const float best_z = a.max_preactivation[std::size_t(e.layer)](e.unit);
  const float reached = a.hidden_achieved[std::size_t(e.layer)](e.unit);
  page.md += "**Dead.** It never fires on any of the " + with_commas(a.stats.images) +
             " test images: its weighted input peaks at " + signed_number(best_z) + " (its bias is " +
             signed_number(net.layers[std::size_t(e.layer)].b(e.unit)) + "), so the ReLU passes on 0 every time.";
  if (e.layer == 0) {
    const float smooth = a.weight_smoothness(e.unit), largest = net.layers[0].W.row(e.unit).cwiseAbs().maxCoeff();
    if (largest < kDecayedWeight)
      page.md += " Its incoming weights have decayed to almost nothing (the largest is " +
                 (largest < 1e-6f ? std::string("under a millionth") : fmt("%.1g", largest)) +
                 ", so its weight image is blank): weight decay shrinks every weight a little at each step, and a "
                 "neuron that never fires gets no gradient from the data to push back. Its weighted input is its bias "
                 "alone, for every image.";
    else if (smooth < kShapedWeights)
      page.md += " Its incoming weights are unstructured speckle (neighbouring weights correlate at " +
                 signed_number(smooth) +
                 "): a neuron that never fires gets no gradient, so they are still the random values it started with.";
    else
      page.md += " Its incoming weights do have structure (neighbouring weights correlate at " + signed_number(smooth) +
                 "), so it learned something before it died.";
  }
  if (reached <= 0)
    page.md += " Even the image built to excite it gets its weighted input no higher than " + signed_number(reached) +
               ": nothing can switch it on.";
  else
    page.md += " Gradient ascent can build an input that lifts its weighted input to " + signed_number(reached) +
               " (the maximization image), but no real digit comes close.";
  page.md += "\n\n";
  std::vector<Figure> images = image_figures(page, c, e);
  page.figure_row(images);
}

void section_layer(ReportPage& page, const ReportContext& c, int l) {
  const LayerStats& L = c.analysis.stats.layers[std::size_t(l)];
  page.md += "## Hidden layer " + std::to_string(l + 1) + "\n\n" + std::to_string(L.units()) +
             " neurons: " + std::to_string(L.units() - int(L.dead.size()) - int(L.nearly_dead.size())) + " alive, " +
             std::to_string(L.nearly_dead.size()) + " nearly dead, " + std::to_string(L.dead.size()) + " dead.\n\n";
  layer_overview(page, c, l);
  for (const NeuronExplanation& e : c.analysis.neurons[std::size_t(l)]) {
    page.md += "### " + neuron_heading(e.layer, e.unit) + "\n\n";
    if (e.dead)
      neuron_dead(page, c, e);
    else
      neuron_alive(page, c, e);
  }
}

}  // namespace lens
