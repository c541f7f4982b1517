#include "report/report_xor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/training/trainer.h"
#include "figures/colormap.h"
#include "interpret/plane.h"
#include "report/report_sections.h"
#include "report/report_svg.h"
#include "report/report_text.h"

namespace lens {

static std::string corner(const Eigen::MatrixXf& x, int k) {
  return "(" + fmt("%g", x(0, k)) + ", " + fmt("%g", x(1, k)) + ")";
}

static void points_table(ReportPage& page, const Mlp& net, const DataSet& pts, const Trace& t) {
  const Eigen::MatrixXf p = head_probabilities(net.head, t.logits());
  const std::vector<int> answer = head_predict(net.head, t.logits());
  const PlaneFacts f = plane_facts(net);
  std::vector<std::string> head = {"x₁", "x₂", "target"};
  for (const PlaneUnitFacts& u : f.units) head.push_back(plane_unit_name(f, u.layer, u.unit));
  head.insert(head.end(), {"logit", "p(output = 1)", "answer"});
  std::vector<std::vector<std::string>> rows;
  for (int k = 0; k < pts.size(); ++k) {
    std::vector<std::string> r = {fmt("%g", pts.images(0, k)), fmt("%g", pts.images(1, k)),
                                  std::to_string(pts.labels[std::size_t(k)])};
    for (const PlaneUnitFacts& u : f.units) r.push_back(signed_number(t.layers[std::size_t(u.layer)].a(u.unit, k)));
    r.push_back(signed_number(t.logits()(0, k)));
    r.push_back(fmt("%.3f", p(0, k)));
    r.push_back(std::to_string(answer[std::size_t(k)]) +
                (answer[std::size_t(k)] == pts.labels[std::size_t(k)] ? " ✓" : " ✗"));
    rows.push_back(r);
  }
  page.md +=
      "## The four points\n\nThe whole test set: every corner of the unit square, traced through the network.\n\n";
  page.md += md_table(head, rows, std::string(head.size(), 'r')) + "\n";
}

static void weights_tables(ReportPage& page, const Mlp& net) {
  const PlaneFacts f = plane_facts(net);
  page.md += "## Weights\n\n";
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Dense& d = net.layers[l];
    const bool output = l + 1 == net.layers.size();
    std::vector<std::string> head = {"unit"};
    for (int i = 0; i < d.inputs(); ++i)
      head.push_back("from " + (l == 0 ? "x" + std::to_string(i + 1) : plane_unit_name(f, int(l) - 1, i)));
    head.push_back("bias");
    std::vector<std::vector<std::string>> rows;
    for (int u = 0; u < d.outputs(); ++u) {
      std::vector<std::string> r = {output ? "output" : plane_unit_name(f, int(l), u)};
      for (int i = 0; i < d.inputs(); ++i) r.push_back(signed_number(d.W(u, i)));
      r.push_back(signed_number(d.b(u)));
      rows.push_back(r);
    }
    page.md += (output ? "Output layer (logit, then " + std::string(head_name(net.head)) + ")"
                       : "Hidden layer " + std::to_string(l) + " (" + activation_name(d.act) + ")") +
               ":\n\n" + md_table(head, rows, "l" + std::string(std::size_t(d.inputs()) + 1, 'r')) + "\n";
  }
}

static void how_it_works(ReportPage& page, const Mlp& net) {
  page.md += "## How the network works\n\n" + render_markdown(plane_summary(plane_facts(net)));
}

// The first layer's lines (each unit's w1 x1 + w2 x2 + b = 0), told apart by their dashes; the
// page trains 2 to 4 hidden units. With no hidden layer the one line is the output's own.
constexpr int kRegionLines = 4;
const char* const kLineDash[kRegionLines] = {"none", "6 4", "2 3", "8 3 2 3"};
const char* const kLineStyle[kRegionLines] = {"solid", "dashed", "dotted", "dash-dot"};

static int region_lines(const Mlp& net) { return std::min(net.layers[0].outputs(), kRegionLines); }

// "hidden 1" for unit 1 of the one hidden layer, "hidden 0.1" with more layers, "output" with none.
static std::string region_line_name(const Mlp& net, int unit) {
  const std::size_t hidden_layers = net.layers.size() - 1;
  if (hidden_layers == 0) return "output";
  return "hidden " + std::string(hidden_layers > 1 ? "0." : "") + std::to_string(unit);
}

// The figure's title: "... the lines drawn by the three hidden neurons".
static std::string region_title(const Mlp& net) {
  static const char* const count[kRegionLines + 1] = {"no", "one", "two", "three", "four"};
  const int n = region_lines(net), hidden_layers = int(net.layers.size()) - 1;
  const std::string lines =
      hidden_layers == 0 ? "the output's own line"
      : hidden_layers == 1 ? "the lines drawn by the " + std::string(count[n]) + " hidden neuron" + (n == 1 ? "" : "s")
                           : "the lines drawn by the first hidden layer's " + std::string(count[n]) + " neuron" + (n == 1 ? "" : "s");
  const std::string more = net.layers[0].outputs() > n ? " (the first " + std::string(count[n]) + " of " +
                                                             std::to_string(net.layers[0].outputs()) + ")"
                                                       : "";
  return "Decision regions of the XOR network over the plane from -0.5 to 1.5, with the four corners and " + lines + more;
}

// Two lines to a legend row: "solid: hidden 0 = 0 · dashed: hidden 1 = 0".
static std::vector<std::string> region_legend(const Mlp& net) {
  std::vector<std::string> rows;
  for (int u = 0; u < region_lines(net); ++u) {
    const std::string entry = std::string(kLineStyle[u]) + ": " + region_line_name(net, u) + " = 0";
    if (u % 2 == 0) rows.push_back(entry);
    else rows.back() += " · " + entry;
  }
  return rows;
}

static std::string region_svg(const Mlp& net, const DataSet& pts) {
  const int plot = 240, margin = 34, side = plot + 2 * margin, cells = 48, legend_row = 16;
  const float lo = -0.5f, hi = 1.5f;
  const std::vector<std::string> legend = region_legend(net);
  auto px = [&](float v) { return margin + plot * (v - lo) / (hi - lo); };
  auto py = [&](float v) { return margin + plot * (hi - v) / (hi - lo); };
  Eigen::MatrixXf grid(2, cells * cells);
  for (int j = 0; j < cells; ++j)
    for (int i = 0; i < cells; ++i)
      grid.col(j * cells + i) << lo + (i + 0.5f) * (hi - lo) / cells, lo + (j + 0.5f) * (hi - lo) / cells;
  const Eigen::MatrixXf p = head_probabilities(net.head, mlp_forward(net, grid));
  char buf[320];
  std::string s = svg_open(side, side + 12 + legend_row * int(legend.size()), region_title(net));
  const double cell = double(plot) / cells;
  for (int j = 0; j < cells; ++j)
    for (int i = 0; i < cells; ++i) {
      // Half strength: the light end of the map, so the dots, lines and labels stay readable on it.
      const Rgb c = colormap_diverging(0.5f * (2.f * p(0, j * cells + i) - 1.f));
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.2f\" fill=\"#%02x%02x%02x\"/>",
                    margin + i * cell, margin + plot - (j + 1) * cell, cell + 0.3, cell + 0.3, c[0], c[1], c[2]);
      s += buf;
    }
  s += "\n<clipPath id=\"plot\"><rect x=\"" + std::to_string(margin) + "\" y=\"" + std::to_string(margin) +
       "\" width=\"" + std::to_string(plot) + "\" height=\"" + std::to_string(plot) + "\"/></clipPath>\n";
  const Dense& h = net.layers[0];  // with no hidden layer, the output's own line
  for (int u = 0; u < region_lines(net); ++u) {  // w1 x1 + w2 x2 + b = 0, clipped to the plot
    const float w1 = h.W(u, 0), w2 = h.W(u, 1), b = h.b(u);
    float x0, y0, x1, y1;
    if (std::abs(w2) >= std::abs(w1) && w2 != 0)
      x0 = -10, x1 = 10, y0 = -(b + w1 * x0) / w2, y1 = -(b + w1 * x1) / w2;
    else if (w1 != 0)
      y0 = -10, y1 = 10, x0 = -(b + w2 * y0) / w1, x1 = -(b + w2 * y1) / w1;
    else
      continue;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\" "
                  "stroke-dasharray=\"%s\" clip-path=\"url(#plot)\"/>\n",
                  px(x0), py(y0), px(x1), py(y1), kLineDash[u]);
    s += buf;
  }
  for (int k = 0; k < pts.size(); ++k) {
    const bool one = pts.labels[std::size_t(k)] == 1;
    std::snprintf(buf, sizeof buf,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\" stroke=\"#000\" stroke-width=\"1.5\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" stroke=\"#fff\" stroke-width=\"3\" "
                  "paint-order=\"stroke\">%s</text>\n",
                  px(pts.images(0, k)), py(pts.images(1, k)), one ? "#000" : "#fff", px(pts.images(0, k)) + 9,
                  py(pts.images(1, k)) - 8, svg_escape(corner(pts.images, k)).c_str());
    s += buf;
  }
  std::snprintf(buf, sizeof buf,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">x₁ →</text>"
                "<text transform=\"translate(%d %.1f) rotate(-90)\" text-anchor=\"middle\">x₂ →</text>\n",
                margin, margin, plot, plot, margin + plot / 2.0, margin + plot + 26, margin - 16, margin + plot / 2.0);
  s += buf;
  for (std::size_t r = 0; r < legend.size(); ++r)
    s += "<text x=\"" + std::to_string(margin) + "\" y=\"" + std::to_string(side + 14 + legend_row * int(r)) + "\">" +
         svg_escape(legend[r]) + "</text>\n";
  for (int v = 0; v <= 1; ++v) {  // ticks at 0 and 1 on both axes
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
                  px(float(v)), margin + plot + 12, v, margin - 4, py(float(v)) + 3.5, v);
    s += buf;
  }
  return s + svg_close();
}

void report_xor(ReportPage& page, const Bundle& bundle, const std::string& model_file) {
  const Mlp& net = bundle.net;
  const DataSet pts = xor_points();
  Trace t;
  mlp_forward_trace(net, pts.images, t);
  const std::vector<int> answer = head_predict(net.head, t.logits());
  int right = 0;
  for (int k = 0; k < pts.size(); ++k) right += answer[std::size_t(k)] == pts.labels[std::size_t(k)];
  const BundleInfo& info = bundle.info;
  page.md += "# " + md_escape(info.name) + ": a neuron-by-neuron report\n\n";
  page.md += "Generated by `lens-report` from the weight bundle `" +
             std::filesystem::path(model_file).filename().string() +
             "`. The XOR task has only four inputs, the corners of the unit square, so everything below is exact. "
             "The inputs are not images, so instead of pictures of neurons the report shows the weights as tables and "
             "the network's answer over the whole plane.\n\n";
  if (!info.notes.empty()) page.md += "> " + md_escape(info.notes) + "\n\n";
  page.md +=
      "## The model\n\n" +
      md_facts({{"name", md_escape(info.name)},
                {"id", "`" + info.id + "`"},
                {"layers", layers_text(net)},
                {"parameters", with_commas((long long)net.parameter_count())},
                {"accuracy", "**" + std::to_string(right) + " of 4** corners right (recomputed); the bundle records " +
                                 (info.test_accuracy >= 0 ? pct(info.test_accuracy, 0) : std::string("none"))}});
  page.md += "### Training recipe\n\n" + recipe_table(info.training);
  points_table(page, net, pts, t);
  how_it_works(page, net);
  weights_tables(page, net);
  page.md += "## Decision regions\n\n";
  const std::string region = page.svg("xor-regions.svg", region_svg(net, pts));
  page.figure({region,
               "The plane coloured by the network's answer, with the four corners and the first layer's lines",
               "The network's probability of answering 1 over the plane: orange = 1, purple = 0, light = unsure. "
               "Filled dots are corners whose target is 1, hollow dots target 0. Each line is where one hidden "
               "neuron's weighted input is 0."});
}

}  // namespace lens
