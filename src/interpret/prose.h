// Facts into sentences, once. A sentence is a list of spans (plain, strong or a
// reference to a neuron); render_markdown (the report, lens.report) and the
// page's ImGui renderer format the same spans, so both say the same words.
// Numbering: hidden layers and neurons count from 0 everywhere.
#pragma once
#include <string>
#include <vector>

#include "interpret/facts.h"

namespace lens {

struct Span {
  enum class Style { Plain, Strong };
  std::string text;
  Style style = Style::Plain;
  int layer = -1, unit = -1;  // a reference to a hidden neuron when unit >= 0
  bool channel = false;       // ... that is a convolutional layer's channel
};
using Paragraph = std::vector<Span>;
using Text = std::vector<Paragraph>;

// "Neuron 3 of hidden layer 0 fires most for 0 and 6 (mean activation 4.2 and below), ..."
Paragraph neuron_summary(const NeuronFacts& f);
// "Among shapes drawn alone it responds most to closed loops (1st of 10 drawn alone, score 0.52)
// and ... : the more a test digit looks like them, the more it fires." (part of neuron_summary);
// empty when its shapes were not measured.
Paragraph neuron_shapes(const NeuronFacts& f);
// The single surviving unit of a layer that feeds the output (mlp6-dead's story): the shapes
// it captures, how its outgoing weights push every class, the digits in the order its
// activation puts them, and the course's sentence about it checked claim by claim; empty for
// any other unit.
Paragraph neuron_ladder_story(const NeuronFacts& f, const LadderFacts& ladder);
// A short line for a card's tooltip: "fires for 0, 6; some 2".
Paragraph neuron_one_line(const NeuronFacts& f);
// Why a dead unit is dead (its best weighted input, its weights, its maximization image).
Paragraph neuron_dead_detail(const NeuronFacts& f);
// "Switching it off costs 4.1 accuracy points (7s fall from 95% to 80%)."
Paragraph neuron_importance(const NeuronFacts& f);
// The network in words: accuracy, dead units, what carries the work.
Text network_summary(const NetworkFacts& f);
// Which shapes each hidden layer names (best neuron and score), and which, drawn alone, excite no
// neuron more than most others do.
Paragraph network_shapes(const NetworkFacts& f);
// "What would improve it." and the advice; empty when there is none.
Paragraph network_advice(const NetworkFacts& f);
// The recorded test accuracy against the measured one, with the likely cause (a missing input
// normalization, say); empty unless they differ by more than half a point.
Paragraph accuracy_check(const NetworkFacts& f);
// One paragraph for the page's banner when most units are dead; empty otherwise.
Paragraph dead_story(const NetworkFacts& f);
// The same story in one sentence, the survivors first, for a banner of two lines (a projector
// at 200% or more, an embed): "Neuron 1 carries all the work: the other 5 of 6 are dead (35% accuracy)."
Paragraph dead_story_short(const NetworkFacts& f);

// "0, 6 and 9"; with_or: "0, 6 or 9"
std::string join_classes(const std::vector<int>& classes, bool with_or = false);
// What a unit is called: "neuron", or "channel" for a convolutional layer's (units.h).
std::string unit_noun(bool channel);
// What the network's units are called: "neuron", "channel" (a convnet's hidden layers are all
// convolutional) or "unit" (it has both kinds).
std::string network_unit_noun(const NetworkFacts& f);
// "Hidden layer 0, neuron 3" ("Hidden layer 0, channel 3") and the anchor Markdown renderers
// derive from that heading, "hidden-layer-0-neuron-3" ("hidden-layer-0-channel-3").
std::string neuron_title(int layer, int unit, bool channel = false);
std::string neuron_anchor(int layer, int unit, bool channel = false);

std::string render_plain(const Paragraph& p);
std::string render_markdown(const Paragraph& p);
std::string render_markdown(const Text& t);  // paragraphs separated by blank lines

}  // namespace lens
