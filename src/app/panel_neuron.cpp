// The Neuron tab: one neuron up close.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/panels.h"
#include "app/ui.h"
#include "interpret/image_words.h"
#include "interpret/numbers.h"
#include "interpret/units.h"
#include "core/constants.h"
#include "interpret/concepts.h"

namespace lens {

static void neuron_picker(AppState& s) {
  const int H = s.hidden_layers();
  const Mlp& net = s.model()->bundle.net;
  const float em = ui::em();
  if (H > 1) {
    ImGui::SetNextItemWidth(9 * em);
    int l = s.sel_layer;  // numbered from 0, as in links, the JS API and the report
    if (ui::slider_int("##layer", "Hidden layer", &l, 0, H - 1, "hidden layer %d")) { s.sel_layer = l; s.sel_unit = 0; }
    // The neuron's arrows and slider stay together, on the next line where they do not fit (a phone).
    ui::same_line_if_fits(9 * em + 2 * ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().ItemSpacing.x);
  }
  s.sel_layer = std::clamp(s.sel_layer, 0, H - 1);
  const int U = layer_units(net.layers[std::size_t(s.sel_layer)]);
  const bool conv = net.layers[std::size_t(s.sel_layer)].is_conv();
  if (s.sel_unit < 0 || s.sel_unit >= U) s.sel_unit = 0;
  const bool prev = ImGui::ArrowButton("##prev", ImGuiDir_Left);
  ui::declare(A11yRole::Button, conv ? "Previous channel" : "Previous neuron");
  if (prev) s.sel_unit = (s.sel_unit + U - 1) % U;
  ImGui::SameLine();
  // Narrower on a phone at a large text size, so the next arrow stays on the row.
  const float room = ImGui::GetContentRegionAvail().x - ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(std::clamp(room, 4 * em, 9 * em));
  ui::slider_int("##unit", conv ? "Channel" : "Neuron", &s.sel_unit, 0, U - 1, conv ? "channel %d" : "neuron %d");
  ImGui::SameLine();
  const bool next = ImGui::ArrowButton("##next", ImGuiDir_Right);
  ui::declare(A11yRole::Button, conv ? "Next channel" : "Next neuron");
  if (next) s.sel_unit = (s.sel_unit + 1) % U;
}

static void class_chart(AppState& s, const LayerStats& L, int h, const NeuronFacts* e, float width) {
  const float em = ui::em();
  ui::title("Mean activation by digit", "The neuron's average activation over the test images of each digit class. "
                                        "Highlighted bars are the classes its summary names as strong.");
  const ui::Palette& pal = ui::palette(s.dark);
  const Eigen::RowVectorXf m = L.class_mean.row(h);
  const float mx = std::max(1e-6f, m.maxCoeff());
  const float bw = width / 10.f, ch = 6 * em;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddLine(ImVec2(p.x, p.y + ch), ImVec2(p.x + width, p.y + ch), pal.card_border);
  for (int c = 0; c < 10; ++c) {
    const bool strong = e && std::find(e->strong.begin(), e->strong.end(), c) != e->strong.end();
    const float v = std::max(0.f, m(c)) / mx;
    dl->AddRectFilled(ImVec2(p.x + c * bw + 3, p.y + ch * (1 - v)), ImVec2(p.x + (c + 1) * bw - 3, p.y + ch),
                      strong ? pal.positive : pal.text_dim, 2.f);
    char lab[4];
    std::snprintf(lab, sizeof lab, "%d", c);
    dl->AddText(ImVec2(p.x + c * bw + bw * 0.5f - ImGui::CalcTextSize(lab).x * 0.5f, p.y + ch + 2), ImGui::GetColorU32(ImGuiCol_Text), lab);
  }
  ImGui::InvisibleButton("##chart", ImVec2(width, ch + em * 1.3f));
  std::string said = "Mean activation by digit:";
  for (int c = 0; c < 10; ++c) said += (c ? ", " : " ") + std::to_string(c) + ": " + fmt("%.2f", double(m(c)));
  ui::declare(A11yRole::Image, said);
  if (ImGui::IsItemHovered()) {
    const int c = std::clamp(int((ImGui::GetIO().MousePos.x - p.x) / bw), 0, 9);
    ImGui::SetTooltip("digit %d: mean activation %.3f over its test images", c, double(m(c)));
  }
}

static void outgoing_weights(AppState& s, int h, float width) {
  const Mlp& net = s.model()->bundle.net;
  if (s.sel_layer + 2 != int(net.layers.size())) return;
  const float em = ui::em();
  if (net.layers[std::size_t(s.sel_layer)].is_conv())
    ui::title("How it votes", "Its outgoing weights to the ten outputs, each summed over the positions of its map: what a map "
                              "of ones would add to each digit's score. Orange raises that digit, purple lowers it.");
  else
    ui::title("How it votes", "Its outgoing weights to the ten outputs: when the neuron fires, it adds activation x weight "
                              "to each digit's score. Orange raises that digit, purple lowers it.");
  const Eigen::VectorXf w = unit_outgoing_weights(net, s.sel_layer).col(h);
  const float lim = std::max(1e-6f, w.cwiseAbs().maxCoeff());
  const ui::Palette& pal = ui::palette(s.dark);
  const ImVec2 top = ImGui::GetCursorScreenPos();
  std::string said = "Outgoing weights to the outputs:";
  for (int c = 0; c < net.outputs(); ++c) {
    ImGui::Text("%d", c);
    ImGui::SameLine(1.4f * em);
    ui::signed_bar(width - 5.5f * em, 0.8f * em, w(c) / lim, pal.positive, pal.negative);
    ImGui::SameLine();
    ImGui::Text("%s", fmt("%+.2f", double(w(c))).c_str());
    said += (c ? ", " : " ") + std::to_string(c) + ": " + fmt("%+.2f", double(w(c)));
  }
  ui::declare_at(A11yRole::Image, said, top, ImVec2(top.x + width, ImGui::GetCursorScreenPos().y));
}

// A channel's map for the live input, and how its response comes from it.
static void channel_map(AppState& s, Gfx& g, int h, float width) {
  const Mlp& net = s.model()->bundle.net;
  const int l = s.sel_layer;
  const Layer& d = net.layers[std::size_t(l)];
  const Shape3 one = unit_map_shape(d);
  ui::title("Its map for your digit", "The filter slid over every position of its input: at each one, the weighted sum of the "
                                      "pixels (or maps) under it plus the bias, through the activation. Brighter: the pattern is "
                                      "there (scaled by the layer's largest value). The channel's response is the map's mean.");
  const float side = std::min(width, 10 * ui::em());
  atlas_image(layer_atlas(g.maps, l), h, ImVec2(side, side * float(one.h) / float(std::max(1, one.w))));
  const float mean = s.live.responses.size() > std::size_t(l) ? s.live.responses[std::size_t(l)](h) : 0.f;
  ui::declare(A11yRole::Image, "Channel " + std::to_string(h) + "'s map for your digit, " + std::to_string(one.h) + " by " +
                                   std::to_string(one.w) + " positions, mean " + fmt("%.3f", double(mean)));
  ui::phrases({"response = mean of its " + std::to_string(one.h) + "x" + std::to_string(one.w) + " map", "= " + fmt("%.3f", double(mean))});
}

static void formula(AppState& s, int h) {
  const Mlp& net = s.model()->bundle.net;
  const int l = s.sel_layer;
  if (s.live.trace.layers.size() <= std::size_t(l)) return;
  const Layer& d = net.layers[std::size_t(l)];
  // The first layer's inputs are the pixels after the model's input map (x - mean) / std.
  const Eigen::VectorXf in = l == 0 ? Eigen::VectorXf(s.live.trace.first_input().col(0))
                                    : Eigen::VectorXf(s.live.trace.layers[std::size_t(l) - 1].a.col(0));
  const Eigen::VectorXf terms = d.W.row(h).transpose().cwiseProduct(in);
  const float z = s.live.trace.layers[std::size_t(l)].z(h, 0), a = s.live.trace.layers[std::size_t(l)].a(h, 0);
  ui::title("The formula, with your digit's numbers", "z = sum of (weight x input) over every input, plus the bias; "
                                                     "the activation function then turns z into the neuron's output.");
  // Each equation breaks only at its '=' signs (a phone, a projector's text size).
  ui::phrases({"z = sum(w_i x_i) + b", "= " + fmt("%.3f", double(terms.sum())) + " " + fmt("%+.3f", double(d.b(h))), "= " + fmt("%.3f", double(z))});
  const std::string act = activation_name(d.act), value = "= " + fmt("%.3f", double(a));
  if (d.act == Activation::ReLU)
    ui::phrases({"a = relu(z)", "= max(0, z)", z <= 0 ? value + "   (z <= 0: silent)" : value});
  else
    ui::phrases({"a = " + act + "(z)", value});
  std::vector<int> order(std::size_t(terms.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return std::abs(terms(x)) > std::abs(terms(y)); });
  if (terms.cwiseAbs().maxCoeff() == 0.f) {
    ui::note("(no input yet: every term is 0, so z is just the bias)");
    return;
  }
  ui::note("largest terms (weight x input):");
  for (int k = 0; k < 3 && k < int(order.size()); ++k) {
    const int i = order[std::size_t(k)];
    if (terms(i) == 0.f) break;
    const std::string what = l == 0 && net.inputs() == kPixels
                                 ? "pixel (" + std::to_string(i % kSide) + ", " + std::to_string(i / kSide) + "):"
                                 : "neuron " + std::to_string(i) + " of hidden layer " + std::to_string(l - 1) + ":";
    ImGui::Bullet();
    ui::phrases({what, fmt("%.2f", double(d.W(h, i))) + " x " + fmt("%.2f", double(in(i))), "= " + fmt("%+.2f", double(terms(i)))});
  }
}

// The raw maximization image and the digit-prior one side by side, each with what it means.
// The digit-prior images of the layer are computed (and the prior fetched) only once shown.
static void prior_pair(AppState& s, Gfx& g, int l, int h, float side) {
  const float em = ui::em();
  ImGui::BeginGroup();
  atlas_image(layer_atlas(g.actmax, l), h, ImVec2(side, side));
  const ModelAnalysis* a = s.analysis();
  if (a && std::size_t(l) < a->actmax.size() && h < a->actmax[std::size_t(l)].cols())
    ui::declare(A11yRole::Image, "Neuron " + std::to_string(h) + ": the image that excites it most (raw) has its ink mostly " +
                                     where_in_words(a->actmax[std::size_t(l)].col(h), kSide));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
  ImGui::TextDisabled("Raw: any pixels at all; what it reacts to, not a digit.");
  if (a && std::size_t(l) < a->actmax_done.size() && !a->actmax_done[std::size_t(l)]) {
    // a convnet's costly layer stays blank until the late round reaches it: say why
    const bool waiting = analysis_actmax_late(*a, l) && !(a->actmax_late_round && a->phase == ModelAnalysis::Phase::Actmax);
    const std::string of = a->actmax_late_round ? "% of the later layers' images done." : "% of the analysis done.";
    const std::string why = waiting ? "Not computed yet: this layer's images come after the explanations, since each step repeats every convolution."
                                    : "Being computed: " + std::to_string(int(100 * a->progress())) + of;
    ui::note(why);
  }
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  ImGui::SameLine(0, em);
  ImGui::BeginGroup();
  const PriorGallery* pg = app_prior_gallery(s, l);
  atlas_image(pg && pg->done(l) ? layer_atlas(g.prior, l) : nullptr, h, ImVec2(side, side));
  if (pg && pg->done(l) && h < pg->images(l).cols())
    ui::declare(A11yRole::Image, "Neuron " + std::to_string(h) + ": the digit-like image that excites it most has its ink mostly " +
                                     where_in_words(pg->images(l).col(h), kSide));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
  if (app_prior_layer_costly(s, l)) ui::note("Digit prior: not computed for this layer, whose every step repeats every convolution.");
  else if (!s.prior.error.empty()) ImGui::TextDisabled("Digit prior unavailable: %s", s.prior.error.c_str());
  else if (!pg || !pg->done(l)) ImGui::TextDisabled("Digit prior: computing…");
  else ImGui::TextDisabled("Digit prior: the digit-like image that excites it most.");
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// Several images of the neuron pushed apart (diversity, Olah et al. 2017): a neuron that
// responds to two different shapes shows both. Computed on a click (a few ms to ~0.1 s).
static void diverse_rows(AppState& s, Gfx& g, int l, int h, float side) {
  constexpr int kCount = 3;
  const float em = ui::em();
  DiverseImages& d = s.prior.diverse;
  const bool mine = d.model == s.current && d.layer == l && d.unit == h;
  // The prior arrived after the click: its images follow without another click.
  if (mine && d.prior.cols() == 0 && s.prior.decoder) app_show_diverse(s, l, h, kCount);
  if (!mine && app_prior_layer_costly(s, l)) return;  // seconds of every convolution, on a click
  if (!mine) {
    if (ui::button(ui::fitting_label("Show 3 different images###diverse", "3 more images###diverse", 2 * ImGui::GetStyle().FramePadding.x),
                   "Show 3 different images"))
      app_show_diverse(s, l, h, kCount);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Three maximization images at once, pushed apart by a penalty on how alike they are: "
                        "a neuron that responds to two different shapes shows both.");
    return;
  }
  const float small = (2 * side + em - 2 * ImGui::GetStyle().ItemSpacing.x) / kCount;
  auto row = [&](int first, int count, const char* note) {
    for (int i = 0; i < count; ++i) {
      if (i) ImGui::SameLine();
      atlas_image(&g.diverse, first + i, ImVec2(small, small));
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 2 * side + em);
    ImGui::TextDisabled("%s", note);
    ImGui::PopTextWrapPos();
  };
  row(0, int(d.raw.cols()), "Three raw images, pushed apart.");
  if (d.prior.cols()) row(int(d.raw.cols()), int(d.prior.cols()), "Three digit-prior images, pushed apart.");
  else ImGui::TextDisabled("Digit prior: %s", d.prior_error.c_str());
}

// The shape families as thumbnails, most exciting drawn alone first, each with its mean
// activation drawn alone and its explanation score; the ones the summary names are framed.
static void concept_strip(AppState& s, Gfx& g, const NeuronFacts& e) {
  if (!e.concepts_known || g.concepts.count != kConceptCount) return;
  const float em = ui::em(), side = 2.6f * em;
  const ui::Palette& pal = ui::palette(s.dark);
  ui::title("Shapes it responds to", "Eleven families of lone shapes, each drawn 18 times on this canvas with its brush (sizes, "
                                     "aspects, slants) and preprocessed like your drawing. Order: the median activation drawn "
                                     "alone, highest first (the first number under each). The score under it: how well looking like "
                                     "that shape predicts this neuron on 1,000 test digits (a correlation). Framed: the shapes "
                                     "its summary names (among its 3 strongest drawn alone, and score 0.3 or more).");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t i = 0; i < e.concepts.size(); ++i) {
    const ConceptFact& c = e.concepts[i];
    if (i) ui::same_line_if_fits(side);
    ImGui::BeginGroup();
    ImVec2 uv0, uv1;
    g.concepts.uv(c.concept, uv0, uv1);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Image(g.concepts.texture.imgui_id(), ImVec2(side, side), uv0, uv1);
    const bool named = std::any_of(e.shapes.begin(), e.shapes.end(), [&](const ConceptFact& n) { return n.concept == c.concept; });
    if (named) dl->AddRect(p, ImVec2(p.x + side, p.y + side), pal.accent, 0.f, 0, 2.f);
    char drawn[16], score[16];
    std::snprintf(drawn, sizeof drawn, "%s", fmt("%.2g", double(c.drawn)).c_str());
    std::snprintf(score, sizeof score, "%s", e.concepts_scored ? fmt("%.2f", double(c.score)).c_str() : "n/a");
    ImGui::SetCursorScreenPos(ImVec2(p.x + 0.5f * (side - ImGui::CalcTextSize(drawn).x), p.y + side + 1));
    ImGui::TextDisabled("%s", drawn);
    ImGui::SetCursorScreenPos(ImVec2(p.x + 0.5f * (side - ImGui::CalcTextSize(score).x), ImGui::GetCursorScreenPos().y));
    if (named) ImGui::TextUnformatted(score);
    else ImGui::TextDisabled("%s", score);
    ImGui::EndGroup();
    ui::declare(A11yRole::Image, std::string(concept_info(c.concept).phrase) + (named ? " (named in its summary)" : "") + ": drawn alone " +
                                     ordinal(c.rank + 1) + " of " + std::to_string(kConceptCount) + ", median activation " + drawn + ", score " + score);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s: drawn alone %s of %d (median activation %s), score %s", concept_info(c.concept).phrase,
                        ordinal(c.rank + 1).c_str(), kConceptCount, drawn, score);
  }
}

static void actmax_controls(AppState& s) {
  ActmaxConfig& c = s.inspector_config;
  const float em = ui::em();
  ImGui::PushItemWidth(9 * em);
  ui::slider_int("steps", "steps", &c.steps, 16, 512);
  ui::slider_float("step size", "step size", &c.lr, 0.005f, 0.2f, "%.3f", 0.005f);
  ui::slider_float("L2 decay", "L2 decay", &c.l2, 0.f, 0.2f, "%.3f", 0.005f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Pulls every pixel towards 0, so only ink the neuron needs survives.");
  ui::slider_float("smoothness (TV)", "smoothness (total variation)", &c.tv, 0.f, 0.5f, "%.3f", 0.01f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Total variation: neighbouring pixels should agree, which favours strokes over noise.");
  ui::slider_float("blur", "blur", &c.blur_sigma, 0.f, 1.5f, "%.2f px", 0.05f);
  ui::slider_int("jitter", "jitter", &c.jitter, 0, 3, "%d px");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Random shifts while optimizing: the image must work wherever it sits, which removes pixel-exact noise.");
  int start = int(c.start);
  const char* starts[] = {"zeros", "noise", "mean digit"};
  ui::combo("start", "start image", &start, starts, 3);
  c.start = ActmaxStart(start);
  ImGui::PopItemWidth();
  if (ui::button("Regenerate this layer", nullptr)) analysis_regenerate_actmax(*s.analysis(), s.sel_layer, c);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Re-run activation maximization for every neuron of this layer with these settings.");
  ImGui::SameLine();
  if (ui::button("defaults", "Maximization settings back to their defaults")) c = actmax_layer_defaults(s.model()->bundle.net, s.sel_layer);
}

static void ablation_switch(AppState& s, int h) {
  ModelAnalysis* a = s.analysis();
  bool off = app_neuron_off(s, s.sel_layer, h);
  ui::title("Switch it off", "Ablation: hold this neuron's output at 0 and re-score all 10,000 test digits. "
                             "The drop shows how much the network relies on it.");
  const bool channel = s.model()->bundle.net.layers[std::size_t(s.sel_layer)].is_conv();
  if (ui::switch_box(ui::fitting_label(channel ? "channel switched off###off" : "neuron switched off###off", "switched off###off",
                                       ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x),
                     channel ? "Channel switched off" : "Neuron switched off", &off))
    app_set_neuron_off(s, s.sel_layer, h, off);
  if (s.ablation.any()) {
    // Re-scoring needs the test digits: fetched when a neuron is first switched off.
    const AblationScorer* scorer = app_ablation_scorer(s);
    if (!scorer) {
      ImGui::TextDisabled(app_test_set_loading(s) ? "(loading test digits…)" : "(test-set scoring is still being prepared)");
      return;
    }
    // an MLP's re-score is done now; a convnet's goes on over frames (app_work)
    if (!app_ablation_scored(s, 0.0, [] { return 0.0; })) {
      ImGui::TextDisabled("(re-scoring the %s test digits: %d%%)", with_commas(s.test.size()).c_str(),
                          int(100 * app_ablation_scoring_progress(s)));
      return;
    }
    const Score& sc = s.ablation_score;
    ImGui::Text("test accuracy %s -> %s (%s points)", pct(a->base_score.accuracy, 2).c_str(), pct(sc.accuracy, 2).c_str(),
                fmt("%+.2f", 100.0 * (sc.accuracy - a->base_score.accuracy)).c_str());
    ui::declare(A11yRole::Text, "Test accuracy " + pct(a->base_score.accuracy, 2) + " becomes " + pct(sc.accuracy, 2) + " with it off");
    if (s.live.ablated && !s.live.blank)
      ImGui::Text("your digit: %d (%s) -> %d (%s)", s.live.predicted, pct(s.live.probs(s.live.predicted), 0).c_str(),
                  s.live.ablated_predicted, pct(s.live.ablated_probs(s.live.ablated_predicted), 0).c_str());
    const bool all_on = ImGui::SmallButton(ui::fitting_label("switch all back on###on", "all back on###on", 2 * ImGui::GetStyle().FramePadding.x));
    ui::declare(A11yRole::Button, "Switch all neurons back on");
    if (all_on) app_ablation_reset(s);
  } else if (const NeuronFacts* f = a ? a->neuron(s.sel_layer, h) : nullptr) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ui::rich_text(neuron_importance(*f), s.dark);
    ImGui::PopStyleColor();
  } else {
    ImGui::TextDisabled("(test-set scoring is still being prepared)");
  }
}

void panel_neuron(AppState& s, Gfx& g) {
  const float em = ui::em();
  if (s.hidden_layers() < 1) return;
  neuron_picker(s);
  const int l = s.sel_layer, h = s.sel_unit;
  ModelAnalysis* a = s.analysis();
  const bool stats = a && a->has_stats;
  const NeuronFacts* e = a ? a->neuron(l, h) : nullptr;
  const ui::Palette& pal = ui::palette(s.dark);
  if (stats && a->stats.layers[std::size_t(l)].is_dead(h)) {
    if (ui::same_line_if_fits(2 * em + ImGui::CalcTextSize("DEAD").x)) ImGui::SameLine(0, 2 * em);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.dead), "DEAD");
    ui::declare(A11yRole::Text, "Dead: it never fires on a test digit");
  } else if (stats) {
    const LayerStats& L = a->stats.layers[std::size_t(l)];
    // Three facts, each kept whole: on a phone or at a projector's text size they wrap between
    // facts, never inside one, and a fact that starts a line has no separator before it.
    char facts[3][64];
    std::snprintf(facts[0], sizeof facts[0], "active on %s of test digits", pct(L.active_rate(h), 1).c_str());
    std::snprintf(facts[1], sizeof facts[1], "max %s", fmt("%.2f", double(L.max(h))).c_str());
    std::snprintf(facts[2], sizeof facts[2], "selectivity %s", fmt("%.2f", double(L.selectivity(h))).c_str());
    for (int i = 0; i < 3; ++i) {
      const float gap = i == 0 ? 2 * em : ImGui::CalcTextSize("| ").x;
      const float help = i == 2 ? ImGui::CalcTextSize(" (?)").x + em : 0.f;
      const bool beside = ui::same_line_if_fits(gap + ImGui::CalcTextSize(facts[i]).x + help);
      if (beside && i == 0) ImGui::SameLine(0, 2 * em);
      ImGui::Text("%s%s", beside && i > 0 ? "| " : "", facts[i]);
      ui::declare(A11yRole::Text, facts[i]);
    }
    ui::help_marker("Selectivity: (mean on its best digit - mean on the others) / (their sum). 1 = responds to one digit only, 0 = to all alike.");
  }
  if (e) {
    ui::rich_text(s, neuron_summary(*e));
    if (e->status == NeuronStatus::Dead) ui::rich_text(s, neuron_dead_detail(*e));
    if (const Paragraph story = neuron_ladder_story(*e, a->network.layers[std::size_t(l)].ladder); !story.empty()) ui::rich_text(s, story);
    ImGui::PushTextWrapPos(0.f);
    if (e->score_defined)
      ui::note("explanation score " + fmt("%.2f", double(e->score)));
    else
      ui::note(std::string("explanation score n/a (") + (e->silent() ? "the activation is constant" : "the summary names every digit alike") + ")");
    ImGui::PopTextWrapPos();
    if (e->shape_score_defined) {
      const std::string shapes = "shapes " + fmt("%.2f", double(e->shape_score));
      const bool beside = ui::same_line_if_fits(ImGui::CalcTextSize(("| " + shapes).c_str()).x);
      ImGui::TextDisabled("%s%s", beside ? "| " : "", shapes.c_str());
      ui::declare(A11yRole::Text, "shape score " + fmt("%.2f", double(e->shape_score)));
    }
    ui::help_marker("How well the summary predicts the neuron: simulate its activation from the digit classes the summary names "
                    "(strong = 1, moderate = 0.5, others 0) and correlate with the real activations over the test set. 1 = perfect, 0 = no better than chance. "
                    "The shapes score does the same for the shapes it names, on drawings of the shapes that were not used to choose them.");
    concept_strip(s, g, *e);
  }
  ImGui::Separator();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool wide = avail.x >= 50 * em;
  const bool two = !wide && avail.x >= 30 * em;  // tablet portrait: two columns
  const float col = wide ? (avail.x - 2 * em) / 3.f : two ? (avail.x - em) / 2.f : avail.x;
  // Column 1: the maximization image and its controls.
  ImGui::BeginGroup();
  ui::title("What excites it most", "Activation maximization: starting from a blank image, gradient ascent changes the pixels to "
                                    "make this neuron fire as strongly as possible, with regularizers that keep the image smooth.");
  const float big = std::min((col - 2 * em) / 2.f, 12 * em);
  prior_pair(s, g, l, h, big);
  diverse_rows(s, g, l, h, big);
  if (a && a->done()) {
    ui::switch_box(ui::fitting_label("maximization settings###settings", "settings###settings", ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x),
                   "Maximization settings", &s.show_actmax_settings);
    if (s.show_actmax_settings) actmax_controls(s);
  }
  ImGui::EndGroup();
  if (wide || two) ImGui::SameLine(0, em);
  // Column 2: weights and the formula.
  ImGui::BeginGroup();
  const Layer& layer = s.model()->bundle.net.layers[std::size_t(l)];
  if (layer.is_conv()) {
    const FilterTiles f = filter_tiles(layer, h);
    const std::string help = "The weights it slides over its input: " + std::to_string(layer.window.kh) + "x" +
                             std::to_string(layer.window.kw) +
                             (layer.in.c > 1 ? " on each of the " + std::to_string(layer.in.c) + " channels below it" : std::string(" pixels")) +
                             ". Orange: ink (or activity) there raises the channel; purple lowers it. Colour-blind safe diverging scale.";
    ui::title("Its filter", help.c_str());
    const float side = std::min(col - em, 10 * em);
    const float lim = Eigen::Map<const Eigen::VectorXf>(f.values.data(), Eigen::Index(f.values.size())).cwiseAbs().maxCoeff();
    ImGui::Image(g.weights.imgui_id(), ImVec2(side, side * float(f.height) / float(std::max(1, f.width))));
    ui::declare(A11yRole::Image, "Filter of channel " + std::to_string(h) + ": " + std::to_string(layer.in.c) + " kernel" +
                                     (layer.in.c > 1 ? "s" : "") + " of " + std::to_string(layer.window.kh) + " by " +
                                     std::to_string(layer.window.kw) + " weights, largest magnitude " + fmt("%.2f", double(lim)));
    ui::diverging_legend(side, 0.6f * em, lim, "weight");
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col - em);
    channel_map(s, g, h, col - em);
    ImGui::PopTextWrapPos();
  } else if (l == 0 && s.is_image_model()) {
    ui::title("Incoming weights", "One weight per input pixel. Orange: ink there raises the neuron's input sum; "
                                  "purple: ink there lowers it. Colour-blind safe diverging scale.");
    const float side = std::min(col - em, 10 * em);
    ImGui::Image(g.weights.imgui_id(), ImVec2(side, side));
    {
      const Eigen::VectorXf w = s.model()->bundle.net.layers[0].W.row(h).transpose();
      ui::declare(A11yRole::Image, "Incoming weights of neuron " + std::to_string(h) + ": positive (ink there raises it) mostly " +
                                       where_in_words(w, kSide, 1.f) + "; negative (ink there lowers it) mostly " + where_in_words(w, kSide, -1.f));
    }
    const float lim = s.model()->bundle.net.layers[0].W.row(h).cwiseAbs().maxCoeff();
    ui::diverging_legend(side, 0.6f * em, lim, "weight");
  }
  if (!layer.is_conv()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col - em);
    formula(s, h);
    ImGui::PopTextWrapPos();
  }
  ImGui::Spacing();
  outgoing_weights(s, h, col - em);
  ImGui::EndGroup();
  if (wide) ImGui::SameLine(0, em);
  // Column 3: statistics, votes, ablation.
  ImGui::BeginGroup();
  if (stats) {
    class_chart(s, a->stats.layers[std::size_t(l)], h, e, col - em);
    ui::title("Test digits that excite it most", "The test images with the highest activation for this neuron.");
    if (e && e->silent()) {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col - em);
      ui::note(e->status == NeuronStatus::Dead ? "None: it never fires on any test digit."
                                                : "None stands out: it gives every test digit the same value.");
      ImGui::PopTextWrapPos();
    } else {
      const float side = std::min(col - em, 10 * em);
      if (app_need_test_set(s)) {
        ImGui::Image(g.top_images.imgui_id(), ImVec2(side, side));
        ui::declare(A11yRole::Image, "The test digits that excite neuron " + std::to_string(h) + " most");
      } else {
        ui::note(s.test_error.empty() ? "loading test digits…" : "(the test digits could not be loaded)");
      }
    }
  }
  ImGui::PushTextWrapPos(0.f);  // the last column: its lines wrap at the window's edge (a phone)
  ablation_switch(s, h);
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

}  // namespace lens
