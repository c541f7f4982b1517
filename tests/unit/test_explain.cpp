// Every sentence the page or the report prints must be true of the model at hand:
// hand-built networks with a known answer (a dead unit, a constant unit, overflowing
// weights, a wrong recorded accuracy) and hand-made facts for the wording itself.
#include <gtest/gtest.h>

#include <cmath>

#include "app/core/glyph_set.h"
#include "core/formats/bundle.h"
#include "core/onnx/onnx_import.h"
#include "figures/font.h"
#include "interpret/model_analysis.h"
#include "interpret/numbers.h"
#include "interpret/plane.h"
#include "interpret/prose.h"
#include "test_support.h"

namespace lens {
namespace {

ModelAnalysis analysed(const Bundle& b) {
  ModelAnalysis a;
  analysis_start(a, b, &test::mnist_test_set(), 0);
  analysis_run(a);
  return a;
}

std::string all_text(const ModelAnalysis& a) {
  std::string s = render_markdown(network_summary(a.network)) + render_markdown(network_advice(a.network));
  for (const auto& layer : a.neurons)
    for (const NeuronFacts& f : layer)
      s += render_plain(neuron_summary(f)) + render_plain(neuron_one_line(f)) + render_plain(neuron_dead_detail(f)) +
           render_plain(neuron_importance(f));
  return s;
}

void expect_no_bad_numbers(const std::string& text) {
  for (const char* bad : {"nan", "NaN", "-inf", " inf ", " inf.", " inf,", "inf%"})
    EXPECT_EQ(text.find(bad), std::string::npos) << "\"" << bad << "\" in: " << text.substr(text.find(bad) > 40 ? text.find(bad) - 40 : 0, 80);
}

// The page draws the explanations with a font subset of the glyphs in app/core/glyph_set.h: a
// character outside it would show as "?". The shipped dead-neuron model's text, every sentence.
TEST(Explain, EveryCharacterOfTheTextIsInThePagesGlyphSet) {
  const auto b = bundle_load(test::assets_dir() + "/models/mlp6-dead.lens");
  ASSERT_TRUE(b) << b.error;
  const std::string text = all_text(analysed(*b));
  auto drawable = [](int c) {
    for (std::size_t k = 0; kPageGlyphRanges[k] != 0; k += 2)
      if (c >= kPageGlyphRanges[k] && c <= kPageGlyphRanges[k + 1]) return true;
    return c == '\n';
  };
  for (int c : utf8_codepoints(text)) EXPECT_TRUE(drawable(c)) << "U+" << std::hex << c << " is not in the page's font";
}

// Unit 0 copies pixel (10, 17); unit 1 has zero weights and bias 0.7: alive but constant.
Bundle with_constant_unit() {
  Bundle b;
  b.info.id = "constant";
  b.info.name = "constant";
  b.net = mlp_make({784, 2, 10}, Activation::ReLU);
  b.net.layers[0].W(0, 10 * 28 + 17) = 1.f;
  b.net.layers[0].b(1) = 0.7f;
  b.net.layers[1].W(3, 0) = 1.f;
  b.net.layers[1].W(5, 1) = 1.f;
  return b;
}

TEST(Explain, ConstantButAliveUnitIsSaidToBeConstant) {
  const Bundle b = with_constant_unit();
  const ModelAnalysis a = analysed(b);
  ASSERT_TRUE(a.has_facts);
  const NeuronFacts& f = *a.neuron(0, 1);
  EXPECT_EQ(f.status, NeuronStatus::Constant);
  EXPECT_FLOAT_EQ(f.constant_value, 0.7f);
  EXPECT_FALSE(f.score_defined);
  const std::string s = render_plain(neuron_summary(f));
  EXPECT_NE(s.find("outputs the same value, 0.700, for every one of the 10,000 test images"), std::string::npos) << s;
  EXPECT_EQ(s.find("fires most for"), std::string::npos) << s;
  const std::string net = render_plain(network_summary(a.network)[1]);
  EXPECT_NE(net.find("1 hidden neuron outputs the same value for every image and so carries no information"), std::string::npos)
      << net;
  expect_no_bad_numbers(all_text(a));
}

TEST(Explain, DeadUnitNamesItsActivation) {
  for (Activation act : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh}) {
    Bundle b;
    b.info.id = b.info.name = "dead";
    b.net = mlp_make({784, 2, 10}, act);
    b.net.layers[0].W(0, 300) = 1.f;
    b.net.layers[0].b(1) = -100.f;  // weighted input always -100: never fires
    const ModelAnalysis a = analysed(b);
    const NeuronFacts& f = *a.neuron(0, 1);
    ASSERT_EQ(f.status, NeuronStatus::Dead) << activation_name(act);
    EXPECT_TRUE(f.top.empty()) << "a dead unit has no 'test digits that excite it most'";
    const std::string s = render_plain(neuron_summary(f));
    const char* expected = act == Activation::ReLU        ? "its ReLU outputs 0 every time"
                           : act == Activation::LeakyReLU ? "its leaky ReLU only ever passes on a faint 1% of it"
                           : act == Activation::Sigmoid   ? "its sigmoid never rises above 0.5"
                                                          : "its tanh is never positive";
    EXPECT_NE(s.find(expected), std::string::npos) << s;
    EXPECT_EQ(s.find("ReLU") != std::string::npos, act == Activation::ReLU || act == Activation::LeakyReLU) << s;
    const std::string net = render_plain(network_summary(a.network)[1]);
    EXPECT_NE(net.find("1 of its 2 hidden neurons is dead"), std::string::npos) << net;
    EXPECT_NE(net.find(expected), std::string::npos) << net;
  }
}

TEST(Explain, RecordedAccuracyThatDiffersIsReportedWithBothNumbers) {
  Bundle b = with_constant_unit();
  b.info.test_accuracy = 0.932;
  const ModelAnalysis a = analysed(b);
  EXPECT_TRUE(a.network.recorded_differs);
  const std::string head = render_plain(network_summary(a.network)[0]);
  EXPECT_NE(head.find("Its bundle records a test accuracy of 93.20%"), std::string::npos) << head;
  EXPECT_NE(head.find(pct(a.network.accuracy, 2) + " of the 10,000 test images"), std::string::npos) << head;
  EXPECT_NE(head.find("normalized"), std::string::npos) << head;
  b.info.test_accuracy = a.network.accuracy + 0.004;  // within half a point: not worth a sentence
  EXPECT_FALSE(analysed(b).network.recorded_differs);
}

// A PyTorch model trained on normalized pixels, imported without its normalization, measures
// well below its recorded accuracy; the sentence gives both numbers and names the likely cause.
// Imported with the normalization it agrees with the record and says nothing.
TEST(Explain, MissingNormalizationIsNamedAsTheLikelyCause) {
  auto bytes = file_read(test::onnx_fixtures_dir() + "/mlp-norm-unrecorded.onnx");
  ASSERT_TRUE(bytes) << bytes.error;
  auto raw = onnx_import(*bytes);
  ASSERT_TRUE(raw) << raw.error;
  const ModelAnalysis a = analysed(*raw);
  ASSERT_TRUE(a.network.recorded_differs);
  const std::string check = render_plain(accuracy_check(a.network));
  EXPECT_NE(check.find("records a test accuracy of 91.66%"), std::string::npos) << check;
  EXPECT_NE(check.find("than the " + pct(a.network.accuracy, 2) + " measured here"), std::string::npos) << check;
  EXPECT_NE(check.find("missing input normalization"), std::string::npos) << check;
  EXPECT_NE(render_plain(network_summary(a.network)[0]).find(check), std::string::npos);
  OnnxImportOptions o;
  o.norm = InputNorm{0.1307f, 0.3081f};
  auto fixed = onnx_import(*bytes, o);
  ASSERT_TRUE(fixed) << fixed.error;
  const ModelAnalysis b = analysed(*fixed);
  EXPECT_FALSE(b.network.recorded_differs) << b.network.accuracy;
  EXPECT_TRUE(accuracy_check(b.network).empty());
}

TEST(Explain, OverflowingWeightsGiveNoNaNText) {
  Bundle b;
  b.info.id = b.info.name = "huge";
  b.net = mlp_make({784, 4, 10}, Activation::Sigmoid);
  test::randomize(b.net, 3, 1e30f);
  const ModelAnalysis a = analysed(b);
  ASSERT_TRUE(a.done());
  expect_no_bad_numbers(all_text(a));
  for (const Eigen::MatrixXf& img : a.actmax) EXPECT_TRUE(img.allFinite());
}

NeuronFacts alive_facts() {
  NeuronFacts f;
  f.layer = 0, f.unit = 4, f.images = 10000, f.active_rate = 0.3f, f.strongest_mean = 2.5f;
  f.strong = {3, 5};
  f.weakest = {1, 7};
  f.top = {10, 11, 12, 13, 14, 15, 16, 17, 18};
  return f;
}

TEST(Prose, StrongestDigitsThatDisagreeWithTheClassProfileAreNamed) {
  NeuronFacts f = alive_facts();
  EXPECT_EQ(render_plain(neuron_summary(f)).find("though"), std::string::npos);
  f.top_common_class = 9, f.top_common_count = 6, f.top_disagrees = true;
  const std::string s = render_plain(neuron_summary(f));
  EXPECT_NE(s.find("fires most for 3 and 5 (mean activation 2.5 and below), and hardly at all for 1 or 7."), std::string::npos) << s;
  EXPECT_NE(s.find("Its 9 strongest single test digits, though, are mostly 9s (6 of 9)."), std::string::npos) << s;
  EXPECT_NE(render_plain(neuron_one_line(f)).find("strongest digits are mostly 9s"), std::string::npos);
}

TEST(Prose, CountsAgreeInNumber) {
  NetworkFacts n;
  n.name = "m", n.hidden_layers = 1, n.hidden_units = 6, n.images = 10000;
  LayerFacts L;
  L.units = 6, L.dead = {2}, L.alive = {0, 1, 3, 4, 5};
  n.layers = {L};
  n.dead = 1, n.dead_activations = {Activation::ReLU};
  EXPECT_NE(render_plain(network_summary(n)[1]).find("1 of its 6 hidden neurons is dead (neuron 2)"), std::string::npos);
  n.layers[0].dead = {2, 3}, n.dead = 2;
  EXPECT_NE(render_plain(network_summary(n)[1]).find("2 of its 6 hidden neurons are dead (neurons 2 and 3)"), std::string::npos);
  n.dead = 0, n.nearly_dead = 1, n.layers[0].dead.clear();
  EXPECT_NE(render_plain(network_summary(n)[1]).find("1 hidden neuron is nearly dead"), std::string::npos);
  n.hidden_layers = 1;
  EXPECT_NE(render_plain(network_summary(n)[0]).find("has 1 hidden layer (6 neurons in all)"), std::string::npos);
  n.hidden_units = 1;
  EXPECT_NE(render_plain(network_summary(n)[0]).find("(1 neuron in all)"), std::string::npos);
}

// A convolutional layer's units are channels: the same sentences, with "channel" and links to
// the channel sections; a network of both kinds has "units".
TEST(Prose, AConvolutionalLayersUnitsAreChannels) {
  NetworkFacts n;
  n.name = "m", n.hidden_layers = 1, n.hidden_units = 8, n.images = 10000;
  LayerFacts L;
  L.units = 8, L.channels = true, L.dead = {2, 3}, L.alive = {0, 1, 4, 5, 6, 7};
  n.layers = {L};
  n.dead = 2, n.dead_activations = {Activation::ReLU};
  EXPECT_NE(render_plain(network_summary(n)[0]).find("has 1 hidden layer (8 channels in all)"), std::string::npos);
  EXPECT_NE(render_markdown(network_summary(n)[1]).find(
                "2 of its 8 hidden channels are dead (channels [2](#hidden-layer-0-channel-2) and [3](#hidden-layer-0-channel-3))"),
            std::string::npos)
      << render_markdown(network_summary(n)[1]);
  LayerFacts dense;
  dense.layer = 1, dense.units = 4, dense.alive = {0, 1, 2, 3};
  n.layers.push_back(dense);
  EXPECT_NE(render_plain(network_summary(n)[1]).find("2 of its 8 hidden units are dead"), std::string::npos);

  NeuronFacts f;
  f.layer = 0, f.unit = 3, f.channel = true, f.images = 10000, f.strong = {0}, f.strongest_mean = 1.5f;
  EXPECT_EQ(render_plain(neuron_summary(f)).rfind("Channel 3 of hidden layer 0 fires most for 0", 0), 0u);
  EXPECT_EQ(neuron_title(0, 3, true), "Hidden layer 0, channel 3");
  EXPECT_EQ(neuron_anchor(0, 3, true), "hidden-layer-0-channel-3");
  f.channel = false;
  EXPECT_EQ(render_plain(neuron_summary(f)).rfind("Neuron 3 of hidden layer 0 fires most for 0", 0), 0u);
}

TEST(Prose, TheDeadStoryStartsItsSentencesWithCapitals) {
  NetworkFacts n;
  n.name = "m", n.hidden_layers = 1, n.hidden_units = 6, n.images = 10000, n.dead = 5, n.accuracy = 0.35f;
  LayerFacts L;
  L.units = 6, L.dead = {0, 2, 3, 4, 5}, L.alive = {1};
  n.layers = {L};
  const std::string story = render_plain(dead_story(n));
  EXPECT_NE(story.find("5 of 6 hidden neurons are dead: they never fire on any test digit, so they pass nothing on. Neuron 1 "
                       "carries all the work of hidden layer 0"),
            std::string::npos)
      << story;
  EXPECT_EQ(render_plain(dead_story_short(n)), "Neuron 1 carries all the work: the other 5 of 6 are dead (35% accuracy).");
  n.dead = 2;
  EXPECT_TRUE(dead_story(n).empty()) << "no story when fewer than half are dead";
  EXPECT_TRUE(dead_story_short(n).empty());
}

TEST(Prose, MarkdownLinksNeuronsAndEscapesText) {
  Paragraph p = {Span{"a*b "}, Span{"neuron 3", Span::Style::Plain, 1, 3}, Span{" c", Span::Style::Strong}};
  EXPECT_EQ(render_markdown(p), "a\\*b [neuron 3](#hidden-layer-1-neuron-3)** c**");
  EXPECT_EQ(render_plain(p), "a*b neuron 3 c");
  EXPECT_EQ(neuron_anchor(1, 3), "hidden-layer-1-neuron-3");
}

TEST(Numbers, NonFiniteValuesPrintAsNotAvailable) {
  EXPECT_EQ(pct(std::nan("")), "n/a");
  EXPECT_EQ(fmt("%.2f", INFINITY), "n/a");
  EXPECT_EQ(signed_number(-1.25), "\u22121.25");
  EXPECT_EQ(points(0.012), "1.2 points");
  EXPECT_EQ(count_of(1, "neuron", "neurons"), "1 neuron");
  EXPECT_EQ(count_of(12000, "neuron", "neurons"), "12,000 neurons");
}

}  // namespace
}  // namespace lens

namespace lens {
namespace {

// Hand-set XOR: h0 = x1 OR x2, h1 = x1 AND x2, output = h0 AND NOT h1.
Mlp hand_xor(Activation act) {
  Mlp net = mlp_make({2, 2, 1}, act);
  net.head = Head::Sigmoid;
  net.layers[0].W << 10, 10, 10, 10;
  net.layers[0].b << -5, -15;
  net.layers[1].W << 10, -40;
  net.layers[1].b << -5;
  return net;
}

TEST(Plane, HandBuiltXorIsReadFromItsCorners) {
  const PlaneFacts f = plane_facts(hand_xor(Activation::ReLU));
  ASSERT_EQ(f.units.size(), 2u);
  EXPECT_STREQ(boolean_name(f.units[0].pattern), "x1 OR x2");
  EXPECT_STREQ(boolean_name(f.units[1].pattern), "x1 AND x2");
  EXPECT_TRUE(f.solves_xor());
  EXPECT_EQ(f.corners_right, 4);
  const std::string text = render_plain(plane_summary(f)[0]);
  EXPECT_NE(text.find("computes relu("), std::string::npos) << text;  // the model's own activation, not "tanh"
  EXPECT_EQ(text.find("tanh"), std::string::npos) << text;
}

TEST(Plane, ModelsThatAreNotXorShapedAreDescribedAsTheyAre) {
  Mlp none = mlp_make({2, 1}, Activation::Identity);  // no hidden layer: one line, x1 OR x2
  none.head = Head::Sigmoid;
  none.layers[0].W << 1, 1;
  none.layers[0].b << -0.5f;
  const PlaneFacts f = plane_facts(none);
  EXPECT_TRUE(f.units.empty());
  EXPECT_STREQ(boolean_name(f.output_pattern), "x1 OR x2");
  const Text t = plane_summary(f);
  EXPECT_NE(render_plain(t[0]).find("not XOR: 3 of 4 corners right"), std::string::npos) << render_plain(t[0]);
  EXPECT_NE(render_plain(t[1]).find("With no hidden layer"), std::string::npos);

  Mlp deep = mlp_make({2, 3, 3, 1}, Activation::Tanh);  // two hidden layers: every unit is named
  deep.head = Head::Sigmoid;
  test::randomize(deep, 5, 1.f);
  const PlaneFacts d = plane_facts(deep);
  EXPECT_EQ(d.units.size(), 6u);
  EXPECT_EQ(plane_unit_name(d, 1, 2), "h1.2");
  const Text dt = plane_summary(d);
  EXPECT_NE(render_plain(dt[3]).find("Hidden unit h1.0 computes tanh("), std::string::npos) << render_plain(dt[3]);
  EXPECT_NE(render_plain(dt[3]).find(" h0.2 "), std::string::npos) << "second-layer units read the first layer";
}

}  // namespace
}  // namespace lens
