// The neuron-by-neuron sections of an MNIST report: an overview of each hidden
// layer, then one section per neuron (a convolutional layer's: per channel) with its
// explanation and figures.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/thresholds.h"
#include "interpret/prose.h"
#include "figures/figures.h"
#include "figures/tiles.h"
#include "interpret/units.h"
#include "report/report_sections.h"
#include "report/report_svg.h"
#include "report/report_text.h"

namespace lens {

constexpr const char* kWeightLegend = "orange = positive weight (ink here excites), purple = negative";
// A deeper convolutional layer's kernels weigh the channels below it, not ink.
constexpr const char* kKernelLegend = "orange = positive weight (that channel firing there excites), purple = negative";
// A deeper convolutional layer's filters are drawn while they stay legible: a channel's strip of
// kernels up to this many, the layer's whole figure up to kFiltersDrawn kernels.
constexpr int kStripKernels = 32, kFiltersDrawn = 512;

// The stroke-shape vocabulary (interpret/concepts.h) and how its scores are read.
static void shapes_guide(ReportPage& page, const std::string& unit) {
  Eigen::MatrixXf thumbs(kPixels, kConceptCount);
  std::vector<int> all;
  std::string names;
  for (int k = 0; k < kConceptCount; ++k) {
    thumbs.col(k) = concept_render(Concept(k), concept_variants()[kConceptThumbVariant]);
    all.push_back(k);
    names += std::string(k ? ", " : "") + concept_info(k).label;
  }
  page.md +=
      "**Shapes.** Each " + unit + " is also shown " + std::to_string(kConceptCount) + " families of lone shapes, each drawn " +
      std::to_string(concept_variants().size()) +
      " times (two sizes, three aspects, three slants) as strokes on the page's canvas with its brush, then preprocessed "
      "exactly as a drawing is (cropped, scaled to 20 pixels, centred by mass) and fed through the model's own input "
      "normalization. Shapes are listed by the " + unit + "'s median activation on a family's drawings, highest first: what a "
      "lecturer sees who draws that shape. A shape's *score* is how well it explains the " + unit + " on real digits: the "
      "correlation, over the first " + with_commas(kShapeDigits) + " test digits, between how much a digit looks like the "
      "shape (its best cosine similarity with the family's drawings) and the " + unit + "'s activation. A summary names up to " +
      std::to_string(kConceptsNamed) + " shapes that are among the " + std::to_string(kConceptTopRanks) +
      " strongest drawn alone (and above the median shape) and score " + fmt("%.1f", kConceptNamed) + " or more; its *shape "
      "score* is the same correlation for the named shapes together. A bar across the bottom of a digit is not a shape here: "
      "the preprocessing centres a lone stroke, so it cannot show where in a digit it sits.\n\n";
  page.figure({page.png("shapes.png", digit_grid(thumbs, all, kConceptCount, 2, 4)),
               "The " + std::to_string(kConceptCount) + " shapes, left to right: " + names,
               "The shapes, left to right: " + names + "."});
}

// The reading guide's bullet on incoming weights: a dense first layer's weight images, a
// convolutional layer's filters.
static std::string incoming_weights_guide(const Mlp& net) {
  if (!net.layers[0].is_conv())
    return "- **Incoming weights** (first hidden layer only): the neuron's 784 weights drawn as a 28×28 image, " +
           std::string(kWeightLegend) + " (ink there inhibits), light grey ≈ 0.\n";
  const Window& w = net.layers[0].window;
  return "- **Filter** (convolutional layers): the channel's weights, enlarged. In hidden layer 0 they are one " +
         std::to_string(w.kh) + "×" + std::to_string(w.kw) + " patch of pixels that the channel slides over the image, " +
         kWeightLegend + " (ink there inhibits), light grey ≈ 0. A deeper layer's channel has one kernel per channel of the "
         "layer below, drawn side by side, that layer's channel 0 on the left: " + kKernelLegend + ".\n";
}

void section_reading_guide(ReportPage& page, const ReportContext& c) {
  const int top = c.analysis.stats.layers.empty() || c.analysis.stats.layers[0].top.empty()
                      ? 0
                      : int(c.analysis.stats.layers[0].top[0].size());
  const std::string unit = report_unit(c);
  const bool conv = c.bundle.net.has_conv();
  page.md +=
      "## " + reading_guide_title(c) + "\n\n"
      "Each hidden " + unit + " gets a section with its plain-language explanation and these figures:\n\n"
      "- **Maximization image**: the input that raises the " + unit + "'s weighted input (before the ReLU" +
      (conv ? "; for a channel, its mean over the map" : "") + ") the most, "
      "found by gradient ascent from a blank page. Dark = ink.\n" +
      (c.prior ? "- **Digit-prior image**: the same search run in the code space of a generative model of MNIST digits "
                 "(a VAE decoder), so the result is the digit-like image that excites the " + unit + " most.\n" : std::string()) +
      incoming_weights_guide(c.bundle.net) +
      "- **Mean activation by digit**: the " + unit + "'s average output on the test images of each class. Orange "
      "bars are the classes its explanation calls strong, light orange moderate.\n"
      "- **Strongest test images**: the " +
      std::to_string(top) +
      " test images that make it fire hardest, strongest first, read row by row.\n"
      "- **Outgoing weights** (last hidden layer only): how much each unit of its activation adds to (orange) "
      "or takes from (purple) each output's logit" +
      (c.bundle.net.layers[std::size_t(c.analysis.hidden_layers()) - 1].is_conv()
           ? "; a channel's are the output layer's weights from every position of its map, added up (what a map of ones "
             "would add)"
           : "") +
      ".\n\n"
      "The numbers: *active on* is the share of test images on which it fires; *max activation* its largest output on "
      "any test image; "
      "*selectivity* is (mean on its favourite digit − mean on the others) / (the two added), 0 for a " + unit + " "
      "that treats all digits alike and 1 for one that fires for a single digit only; *importance* and the "
      "*explanation score* are defined [above](#" + unit + "s-ranked-by-importance).\n\n";
  shapes_guide(page, unit);
}

static std::string neuron_name(const NeuronFacts& e) {  // for alt text, mid-sentence
  return "hidden layer " + std::to_string(e.layer) + ", " + unit_noun(e.channel) + " " + std::to_string(e.unit);
}

static std::string kernel_size(const Layer& d) { return std::to_string(d.window.kh) + "×" + std::to_string(d.window.kw); }

// A convolutional layer's filter for one channel, each kernel about `side` pixels across: in
// layer 0 one kernel over the image; deeper, a strip of its kernels over the channels below.
static RgbImage filter_image(const Layer& d, int unit, float limit, int side) {
  const Window& w = d.window;
  const Eigen::VectorXf row = d.W.row(unit).transpose();
  if (d.in.c == 1) return filter_tile(row, w.kh, w.kw, limit, filter_scale(w.kh, w.kw, side));
  return filter_strip(row, w.kh, w.kw, limit, filter_scale(w.kh, w.kw, side), 3);
}

// The layer overview's figure of a convolutional layer's filters: layer 0's in the grid of the
// maximization images; a deeper layer's one channel per row.
static void filters_overview(ReportPage& page, const Layer& d, int l, int per_row, int scale) {
  const int H = d.channels();
  const std::string layer = "hidden layer " + std::to_string(l), k = kernel_size(d);
  const std::string by = std::to_string(d.window.kh) + " by " + std::to_string(d.window.kw);
  const Eigen::VectorXf limit = filter_limits(d.W);
  if (d.in.c * H > kFiltersDrawn || d.in.c > kStripKernels) {
    page.md += "The filters of " + layer + " are not drawn: its " + std::to_string(H) + " channels have " +
               std::to_string(d.in.c) + " kernels of " + k + " each, too many to read as pictures.\n\n";
    return;
  }
  std::vector<RgbImage> tiles;
  // Layer 0's tiles as large as the maximization images above them; a deeper layer's kernels smaller.
  for (int u = 0; u < H; ++u) tiles.push_back(filter_image(d, u, limit(u), d.in.c == 1 ? kSide * scale : kSide + 12));
  const std::string file = "l" + std::to_string(l) + "-filters-grid.png";
  if (d.in.c == 1) {
    page.figure({page.png(file, image_grid(tiles, per_row, 4)),
                 "Filters of all " + std::to_string(H) + " channels of " + layer + " as " + by + " images",
                 "Filters of the same channels, in the same order: each channel's " + k + " weights, enlarged, the "
                 "pattern it slides over the image, " + std::string(kWeightLegend) +
                     ". Each tile has its own colour scale, but never finer than half the layer's strongest, so weak "
                     "weights look weak."});
    return;
  }
  const std::string below = "hidden layer " + std::to_string(l - 1);
  page.figure({page.png(file, image_grid(tiles, 1, 10)),  // rows further apart than kernels: a row is a channel
               "Filters of all " + std::to_string(H) + " channels of " + layer + ", one row per channel, one " + by +
                   " kernel per channel of " + below,
               "Filters of the same channels, one row per channel (0 at the top): each channel's " + std::to_string(d.in.c) +
                   " kernels of " + k + ", one per channel of " + below + " (that layer's channel 0 on the left), " +
                   kKernelLegend + ". Each row has its own colour scale, but never finer than half the layer's strongest."});
}

static std::string file_stem(const NeuronFacts& e) {  // "l0-n003", a channel's "l0-c003"
  char buf[32];
  std::snprintf(buf, sizeof buf, "l%d-%c%03d", e.layer, e.channel ? 'c' : 'n', e.unit);
  return buf;
}

static void layer_overview(ReportPage& page, const ReportContext& c, int l) {
  const ModelAnalysis& a = c.analysis;
  const LayerStats& L = a.stats.layers[std::size_t(l)];
  const Layer& d = c.bundle.net.layers[std::size_t(l)];
  const int H = L.units(), per_row = figure_grid_columns(H), scale = H <= 16 ? 3 : 2;
  const std::string units = unit_noun(d.is_conv()) + "s";
  std::vector<int> all(static_cast<std::size_t>(H));
  for (int h = 0; h < H; ++h) all[std::size_t(h)] = h;
  std::string order =
      capitalized(units) + " 0 to " + std::to_string(H - 1) +
      (H > per_row ? ", row by row from the top left (" + std::to_string(per_row) + " per row)" : ", left to right");
  std::string dead;
  for (int u : L.dead) dead += (dead.empty() ? "" : ", ") + std::to_string(u);
  if (!dead.empty()) order += "; dead: " + dead;
  const std::string layer = "hidden layer " + std::to_string(l);
  const std::string grid = page.png("l" + std::to_string(l) + "-actmax-grid.png",
                                    digit_grid(a.actmax[std::size_t(l)], all, per_row, scale, 4));
  page.figure({grid, "Maximization images of all " + std::to_string(H) + " " + units + " of " + layer,
               "Maximization images of all " + units + " of " + layer + ". " + order + "."});
  if (l == 0 && d.is_conv())
    page.md +=
        "A channel's image climbs the mean of its whole map, so it repeats what the filter looks for wherever it fits: "
        "stripes or slants, a texture rather than a digit. A filter whose weights add up to clearly more than 0 is excited "
        "most by ink everywhere (a filled square), and a channel that fires on blank paper by an empty page; the filters "
        "below show what each one weighs.\n\n";
  if (d.is_conv()) filters_overview(page, d, l, per_row, scale);
  else if (l == 0) {
    const std::string w = page.png("l0-weights-grid.png", weight_grid(c.bundle.net.layers[0].W, per_row, scale, 4));
    page.figure({w, "Incoming weights of all " + std::to_string(H) + " neurons of hidden layer 0 as 28 by 28 images",
                 "Incoming weights of the same neurons, in the same order: " + std::string(kWeightLegend) +
                     ". Each tile has its own colour scale, but never finer than half the layer's strongest, so weak "
                     "weights look weak."});
  }
}

static std::string class_chart(const ReportContext& c, const NeuronFacts& e) {
  return svg_bar_chart(neuron_class_chart(c.analysis.stats.layers[std::size_t(e.layer)], e));
}

static std::string outgoing_chart(const Mlp& net, const NeuronFacts& e) {
  const Eigen::VectorXf w = unit_outgoing_weights(net, e.layer).col(e.unit);
  BarChart chart;
  for (int k = 0; k < int(w.size()); ++k) {
    chart.values.push_back(w(k));
    chart.labels.push_back(std::to_string(k));
    chart.colours.push_back(w(k) >= 0 ? kChartStrong : kChartNegative);
  }
  chart.title = "Outgoing weights of " + neuron_name(e) +
                " to the logits of digits 0 to 9";
  chart.axis = "weight to logit";
  return svg_bar_chart(chart);
}

static std::string numbers_line(const NeuronFacts& e) {
  std::string s = e.status == NeuronStatus::NearlyDead ? "**Nearly dead** · " : e.status == NeuronStatus::Constant ? "**Constant** · " : "**Alive** · ";
  s += "active on " + pct(e.active_rate) + " of test images · max activation " + fmt("%.2f", e.max_activation) +
       " · selectivity " + fmt("%.2f", e.selectivity) + " · explanation score " +
       (e.score_defined ? "**" + signed_number(e.score, 2) + "**" : std::string("undefined")) +
       (e.shape_score_defined ? " · shape score " + signed_number(e.shape_score, 2) : std::string());
  return s + "\n\n" + render_markdown(neuron_importance(e)) + "\n\n";
}

static std::string top_caption(const ReportContext& c, const NeuronFacts& e) {
  std::string labels;
  for (int i : e.top) labels += (labels.empty() ? "" : " ") + std::to_string(c.test.labels[std::size_t(i)]);
  std::string s = "Its " + std::to_string(e.top.size()) + " strongest test images (labels " + labels + ")";
  if (e.top_firing < int(e.top.size())) s += "; only " + std::to_string(e.top_firing) + " of them make it fire at all";
  return s;
}

// The figures every neuron section starts with: its maximization image and, in the
// first layer, its incoming weights as an image; a channel's filter in any layer.
static std::vector<Figure> image_figures(ReportPage& page, const ReportContext& c, const NeuronFacts& e) {
  const Mlp& net = c.bundle.net;
  const Layer& d = net.layers[std::size_t(e.layer)];
  const std::string stem = file_stem(e), who = neuron_name(e);
  std::vector<Figure> images;
  images.push_back({page.png(stem + "-actmax.png", digit_tile(c.analysis.actmax[std::size_t(e.layer)].col(e.unit), 4)),
                    "Maximization image of " + who, "Maximization image"});
  if (c.prior)
    images.push_back({page.png(stem + "-digit-prior.png", digit_tile((*c.prior)[std::size_t(e.layer)].col(e.unit), 4)),
                      "Digit-prior maximization image of " + who, "Digit-prior image"});
  if (d.is_conv()) {
    const std::string below = "hidden layer " + std::to_string(e.layer - 1);
    const auto filter = [&] { return filter_image(d, e.unit, filter_limits(d.W)(e.unit), kSide * (d.in.c == 1 ? 4 : 2)); };
    if (d.in.c == 1)
      images.push_back({page.png(stem + "-filter.png", filter()), "Filter of " + who + ": its " + kernel_size(d) + " weights, enlarged",
                        "Filter (" + kernel_size(d) + ", enlarged)<br>" + kWeightLegend});
    else if (d.in.c <= kStripKernels)
      images.push_back({page.png(stem + "-filter.png", filter()),
                        "Filter of " + who + ": one " + kernel_size(d) + " kernel per channel of " + below,
                        "Filter: a " + kernel_size(d) + " kernel per channel of " + below + ", its channel 0 on the left<br>" +
                            kKernelLegend});
  } else if (e.layer == 0) {
    images.push_back(
        {page.png(stem + "-weights.png",
                  weight_tile(net.layers[0].W.row(e.unit).transpose(), weight_limits(net.layers[0].W)(e.unit), 4)),
         "Incoming weights of " + who + " as a 28 by 28 image", std::string("Incoming weights<br>") + kWeightLegend});
  }
  return images;
}

// "Shapes drawn alone (median activation, score): loop 8.2 (0.52) · left arc 7.9 (0.41) · ..."
// (every shape, most exciting first).
static std::string shapes_line(const NeuronFacts& e) {
  if (!e.concepts_known) return "";
  std::string s = "Shapes drawn alone (median activation, score): ";
  for (std::size_t i = 0; i < e.concepts.size(); ++i)
    s += std::string(i ? " · " : "") + concept_info(e.concepts[i].concept).label + " " + fmt("%.2g", e.concepts[i].drawn) + " (" +
         (e.concepts_scored ? signed_number(e.concepts[i].score, 2) : std::string("n/a")) + ")";
  return md_escape(s) + "\n\n";
}

static void neuron_alive(ReportPage& page, const ReportContext& c, const NeuronFacts& e) {
  const Mlp& net = c.bundle.net;
  const std::string stem = file_stem(e), who = neuron_name(e);
  page.md += numbers_line(e);  // the status right under the summary, as for every neuron
  const Paragraph story = neuron_ladder_story(e, c.analysis.network.layers[std::size_t(e.layer)].ladder);
  if (!story.empty()) page.md += render_markdown(story) + "\n\n";
  page.md += shapes_line(e);
  std::vector<Figure> images = image_figures(page, c, e);
  if (!e.top.empty()) {
    const int per_row = int(std::ceil(std::sqrt(double(e.top.size()))));
    images.push_back({page.png(stem + "-top.png", digit_grid(c.test.images, e.top, per_row, 2, 3)),
                      "The test images that excite " + who + " most", top_caption(c, e)});
  }
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

// A silent neuron (dead or constant): why, and its images; no "strongest test digits".
static void neuron_silent(ReportPage& page, const ReportContext& c, const NeuronFacts& e) {
  if (e.status == NeuronStatus::Dead) page.md += "**Dead.** " + render_markdown(neuron_dead_detail(e)) + "\n\n";
  else page.md += "**Constant.** " + render_markdown(neuron_importance(e)) + "\n\n";
  std::vector<Figure> images = image_figures(page, c, e);
  page.figure_row(images);
}

void section_layer(ReportPage& page, const ReportContext& c, int l) {
  const LayerFacts& L = c.analysis.network.layers[std::size_t(l)];
  const int alive = int(L.alive.size()) - int(L.nearly_dead.size());
  const Layer& d = c.bundle.net.layers[std::size_t(l)];
  page.md += "## Hidden layer " + std::to_string(l) + "\n\n" + std::to_string(L.units) + " " + unit_noun(L.channels) + "s" +
             (d.is_conv() ? " (" + hidden_layer_text(d) + ")" : "") + ": " + std::to_string(alive) +
             " alive, " + std::to_string(L.nearly_dead.size()) + " nearly dead, " + std::to_string(L.dead.size()) + " dead" +
             (L.constant.empty() ? "" : ", " + std::to_string(L.constant.size()) + " constant") + ".\n\n";
  layer_overview(page, c, l);
  for (const NeuronFacts& e : c.analysis.neurons[std::size_t(l)]) {
    page.md += "### " + neuron_title(e.layer, e.unit, e.channel) + "\n\n" + render_markdown(neuron_summary(e)) + "\n\n";
    if (e.silent()) neuron_silent(page, c, e);
    else neuron_alive(page, c, e);
  }
}

}  // namespace lens
