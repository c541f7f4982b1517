// "What each output class looks for": one maximization image per class, and the
// model's own verdict on each.
#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/thresholds.h"
#include "interpret/prose.h"
#include "figures/tiles.h"
#include "interpret/units.h"
#include "report/report_sections.h"
#include "report/report_text.h"

namespace lens {

// With one live unit in the last hidden layer, every logit is a line in that unit's activation:
// each class's best image can only be "as much of it as possible" or "as little as possible".
// Not so for a channel: the logits weigh every position of its map, not its mean.
static std::string single_feature_outputs(const ReportContext& c) {
  const int l = c.analysis.hidden_layers() - 1;
  const std::vector<int>& alive = c.analysis.network.layers[std::size_t(l)].alive;
  if (alive.size() != 1 || c.bundle.net.layers[std::size_t(l)].is_conv()) return "";
  const int u = alive[0];
  const Eigen::VectorXf w = unit_outgoing_weights(c.bundle.net, l).col(u);
  const float big = 0.1f * w.cwiseAbs().maxCoeff();  // smaller weights leave a nearly blank picture
  std::vector<int> more, less, flat, sure;
  for (int k = 0; k < int(w.size()); ++k) {
    (w(k) > big ? more : w(k) < -big ? less : flat).push_back(k);
    if (c.analysis.output_probability(k) > 0.5f) sure.push_back(k);
  }
  std::string t =
      "With a single live neuron feeding the outputs, every class's logit is a straight line in that "
      "neuron's activation, so the pictures above come in few kinds: as much of neuron " +
      neuron_link(l, u) + "'s pattern as possible";
  if (!more.empty()) t += " for " + join_classes(more) + ", whose weight from it is positive";
  if (!less.empty()) t += "; as little of it as possible for " + join_classes(less);
  if (!flat.empty()) t += "; and nearly blank for " + join_classes(flat) + ", whose logit hardly depends on it";
  t += ". ";
  if (sure.empty())
    t += "On none of them is the network sure of the class the image was built for.";
  else
    t += "Only on the image" + std::string(sure.size() > 1 ? "s" : "") + " for " + join_classes(sure) +
         " is the network sure of the class it was built for; on the others it still prefers another answer.";
  return t + "\n\n";
}

void section_outputs(ReportPage& page, const ReportContext& c) {
  const ModelAnalysis& a = c.analysis;
  const Eigen::MatrixXf& images = a.actmax.back();
  const int C = int(images.cols());
  std::vector<RgbImage> tiles;
  for (int k = 0; k < C; ++k) tiles.push_back(digit_tile(images.col(k), 3));
  page.md +=
      "## What each output class looks for\n\n"
      "For each digit, gradient ascent starts from a blank page and changes the pixels to raise that class's "
      "logit as far as possible, while penalties keep the ink sparse and smooth (" + std::to_string(a.settings.output.steps) +
      " steps, the same settings as the MNIST Lens page). The result is what the network would most like to see for that answer — "
      "often not much like a handwritten digit.\n\n";
  const std::string strip = page.png("outputs-actmax.png", image_grid(tiles, C, 6));
  page.figure({strip, "Ten images, one per digit 0 to 9 from left to right, each built to maximize that digit's logit",
               "Maximization images for the output classes 0 to 9, left to right (dark = ink)."});
  if (c.prior) {
    const Eigen::MatrixXf& prior = c.prior->back();
    std::vector<RgbImage> ptiles;
    for (int k = 0; k < C; ++k) ptiles.push_back(digit_tile(prior.col(k), 3));
    page.md +=
        "The same search run through a digit prior — in the code space of a generative model of MNIST digits (a VAE decoder) "
        "instead of over free pixels — gives the digit-like image the network finds most convincing for each class:\n\n";
    const std::string pstrip = page.png("outputs-digit-prior.png", image_grid(ptiles, C, 6));
    page.figure({pstrip, "Ten digit-like images, one per digit 0 to 9 from left to right, each found through the digit prior",
                 "Digit-prior maximization images for the output classes 0 to 9, left to right."});
  }
  std::vector<std::string> head = {"class"}, p = {"model's probability for that class"}, shape = {"shape its logit is named for (score)"};
  for (int k = 0; k < C; ++k) {
    head.push_back(std::to_string(k));
    p.push_back(pct(a.output_probability(k), 0));
    const std::vector<ConceptFact> named = a.has_concepts ? concept_named(a.concepts.back(), k) : std::vector<ConceptFact>{};
    shape.push_back(named.empty() ? "—" : md_escape(concept_info(named[0].concept).label) + " " + fmt("%.2f", named[0].score));
  }
  std::vector<std::vector<std::string>> rows = {p};
  if (a.has_concepts) rows.push_back(shape);
  page.md += md_table(head, rows, "l" + std::string(std::size_t(C), 'r')) + "\n";
  if (a.has_concepts)
    page.md += "The shape row: of the shapes described in the [reading guide](#" + reading_guide_anchor(c) + "), the one the "
               "class's logit is named for by the " + report_unit(c) + "s' rule (among the 3 that, drawn alone, raise it most, and an explanation "
               "score of " + fmt("%.1f", kConceptNamed) + " or more); — when none is.\n\n";
  page.md += single_feature_outputs(c);
}

}  // namespace lens
