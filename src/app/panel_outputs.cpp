// The Outputs tab ("what the network thinks a 3 looks like") and the Network tab
// (the whole network in words and numbers).
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/panels.h"
#include "app/ui.h"
#include "interpret/image_words.h"
#include "core/constants.h"
#include "interpret/concepts.h"
#include "interpret/numbers.h"

namespace lens {

// One class's pictures and figures in words, for the accessible mirror.
static std::string class_description(AppState& s, int k, const Eigen::MatrixXf& own, const PriorGallery* pg, int out) {
  const ModelAnalysis* a = s.analysis();
  std::string d = "Class " + std::to_string(k) + ":";
  if (own.cols() > k && a) {
    d += " the image that raises its logit most has its ink mostly " + where_in_words(a->actmax[std::size_t(out)].col(k), kSide) +
         "; the network gives that image " + pct(own(k, k), 1) + " for " + std::to_string(k) + ".";
  }
  if (pg && k < pg->images(out).cols()) d += " Its digit-like image has its ink mostly " + where_in_words(pg->images(out).col(k), kSide) + ".";
  if (s.live.probs.size() > k && !s.live.blank) d += " Your digit: p " + pct(s.live.probs(k), 1) + ".";
  return d;
}


void panel_outputs(AppState& s, Gfx& g) {
  const float em = ui::em();
  const Mlp& net = s.model()->bundle.net;
  const int out = int(net.layers.size()) - 1;
  ui::title("What the network thinks each digit looks like",
            "For each output class, the input image that maximizes that class's logit (activation maximization), "
            "found by gradient ascent from a blank image with smoothing regularizers. Below each: the current logit and "
            "probability for your digit.");
  if (!s.is_image_model()) {
    ImGui::TextDisabled("This model's input is not an image (see the Explore tab).");
    return;
  }
  // As many columns (up to 5) as cells as wide as a class's caption fit, so large text on a
  // projector gives fewer, whole columns rather than cut-off ones; longer lines wrap in the cell.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float caption = ImGui::CalcTextSize("0  image: p(0) = 100.0%").x;
  const int columns = std::clamp(int((avail + em) / (caption + em)), 1, 5);
  const float cell = avail / float(columns) - em;
  const float side = std::min(12.f * em, cell);
  const ui::Palette& pal = ui::palette(s.dark);
  // How sure the network is of each image's own class (ten forward passes: cheap).
  ModelAnalysis* a = s.analysis();
  Eigen::MatrixXf own;
  if (a && a->actmax_done.size() > std::size_t(out) && a->actmax_done[std::size_t(out)])
    own = head_probabilities(net.head, mlp_forward(net, a->actmax[std::size_t(out)]));
  // Each class: the raw image and, beside it, the digit-prior one (computed once shown).
  const PriorGallery* pg = app_prior_gallery(s, out);
  const bool prior_ready = pg && pg->done(out) && g.prior.size() > std::size_t(out) && g.prior[std::size_t(out)].count > 0;
  ImGui::PushTextWrapPos(0.f);
  if (a && a->actmax_done.size() > std::size_t(out) && !a->actmax_done[std::size_t(out)] && analysis_actmax_late(*a, out))
    ui::note("The raw images are computed after the explanations, in the background: each step repeats every convolution.");
  ImGui::TextDisabled("Left of each pair: raw maximization (any pixels; what the class reacts to). Right: through the digit "
                      "prior (the digit-like image it prefers). %s",
                      app_prior_layer_costly(s, out) ? "Digit prior: not computed for this convnet's classes, whose every step repeats every convolution."
                      : !s.prior.error.empty()        ? s.prior.error.c_str()
                      : prior_ready                   ? ""
                                                      : "Digit prior: computing…");
  ImGui::PopTextWrapPos();
  const float half = (side - 0.25f * em) / 2.f;
  for (int k = 0; k < net.outputs(); ++k) {
    if (k % columns) ImGui::SameLine(0, em);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cell);
    atlas_image(layer_atlas(g.actmax, out), k, ImVec2(half, half));
    ImGui::SameLine(0, 0.25f * em);
    atlas_image(prior_ready ? layer_atlas(g.prior, out) : nullptr, k, ImVec2(half, half));
    const bool win = k == s.live.predicted && !s.live.blank;
    ImGui::PushStyleColor(ImGuiCol_Text, win ? ImGui::ColorConvertU32ToFloat4(pal.accent) : ImGui::GetStyle().Colors[ImGuiCol_Text]);
    ImGui::Text("%d", k);
    ImGui::PopStyleColor();
    if (own.cols() > k) {
      ImGui::SameLine();
      ImGui::Text("image: p(%d) = %s", k, pct(own(k, k), 1).c_str());
    }
    if (s.live.probs.size() == net.outputs() && !s.live.blank)
      ImGui::TextDisabled("your digit: logit %s, p %s", fmt("%+.2f", double(s.live.trace.logits()(k, 0))).c_str(), pct(s.live.probs(k), 1).c_str());
    if (a && a->has_concepts) {  // the shape this logit is named for, by the hidden neurons' rule (as in the report)
      const std::vector<ConceptFact> named = concept_named(a->concepts.back(), k);
      if (!named.empty()) ImGui::TextDisabled("shape: %s %s", concept_info(named[0].concept).label, fmt("%.2f", double(named[0].score)).c_str());
      else ImGui::TextDisabled("shape: none named");
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ui::track(("output class " + std::to_string(k)).c_str());
    ui::declare(A11yRole::Image, class_description(s, k, own, prior_ready ? pg : nullptr, out));
  }
}

// The matrix in words: how many test digits are right, and the five commonest mistakes.
static std::string confusion_in_words(const NetworkStats& st) {
  int right = 0, all = 0;
  std::vector<std::pair<int, int>> mistakes;  // (count, true * 10 + answer)
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) {
      const int n = st.confusion(r, c);
      all += n;
      if (r == c) right += n;
      else if (n > 0) mistakes.push_back({n, r * 10 + c});
    }
  std::sort(mistakes.begin(), mistakes.end(), [](auto x, auto y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  std::string d = "Confusion matrix: " + with_commas(right) + " of " + with_commas(all) + " test digits answered right.";
  if (!mistakes.empty()) d += " Commonest mistakes:";
  for (std::size_t i = 0; i < std::min<std::size_t>(5, mistakes.size()); ++i)
    d += (i ? ", " : " ") + std::to_string(mistakes[i].second / 10) + " read as " + std::to_string(mistakes[i].second % 10) + " (" +
         std::to_string(mistakes[i].first) + ")";
  return mistakes.empty() ? d : d + ".";
}

static void confusion_matrix(const NetworkStats& st, bool dark) {
  const float em = ui::em();
  ui::title("Confusion matrix", "Rows: the true digit; columns: the network's answer. The diagonal counts correct answers; "
                                "bright cells off the diagonal are the mistakes it makes most.");
  const float cell = std::min(2.3f * em, ImGui::GetContentRegionAvail().x / 11.f);  // a phone: the matrix fits the width
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ui::Palette& pal = ui::palette(dark);
  int off_max = 1;
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c)
      if (r != c) off_max = std::max(off_max, st.confusion(r, c));
  for (int r = 0; r < 10; ++r) {
    char lab[4];
    std::snprintf(lab, sizeof lab, "%d", r);
    dl->AddText(ImVec2(p.x, p.y + (r + 1) * cell + cell * 0.25f), pal.text_dim, lab);
    dl->AddText(ImVec2(p.x + (r + 1) * cell + cell * 0.35f, p.y + cell * 0.2f), pal.text_dim, lab);
    for (int c = 0; c < 10; ++c) {
      const int n = st.confusion(r, c);
      const ImVec2 a(p.x + (c + 1) * cell, p.y + (r + 1) * cell), b(a.x + cell - 2, a.y + cell - 2);
      const float t = r == c ? 0.35f : std::min(1.f, float(n) / float(off_max));
      const ImU32 col = r == c ? pal.accent_soft : IM_COL32(224, 130, 20, int(40 + 200 * t));
      dl->AddRectFilled(a, b, n ? col : pal.bar_bg, 2.f);
      char num[8];
      std::snprintf(num, sizeof num, "%d", n);
      const ImVec2 ts = ImGui::CalcTextSize(num);
      if (ts.x < cell) dl->AddText(ImVec2(a.x + (cell - 2 - ts.x) * 0.5f, a.y + (cell - 2 - ts.y) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), num);
    }
  }
  ImGui::Dummy(ImVec2(11 * cell, 11 * cell));
  ui::declare(A11yRole::Image, confusion_in_words(st));
}

// A row that is one click target however many lines its text wraps to (ImGui's Selectable
// keeps to one line, and cut long rows off on a phone or at a projector's text size).
static bool wrapped_selectable(const char* text) {
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 at = ImGui::GetCursorScreenPos(), size = ImGui::CalcTextSize(text, nullptr, false, width);
  ImGui::PushID(text);
  const bool clicked = ImGui::Selectable("##row", false, 0, ImVec2(width, size.y));
  ui::declare(A11yRole::Button, text);
  ImGui::PopID();
  ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, ImGui::GetColorU32(ImGuiCol_Text), text, nullptr, width);
  return clicked;
}

void panel_network(AppState& s, double now_ms) {
  const float em = ui::em();
  ModelAnalysis* a = s.analysis();
  const BundleInfo& info = s.model()->bundle.info;
  ui::title("The network in words", "A summary written from the measurements below: accuracy, dead neurons, and which "
                                    "neurons the answer depends on most (found by switching each off in turn).");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (!info.notes.empty()) ui::wrapped(info.notes);
  ImGui::PopStyleColor();
  panel_norm(s, now_ms);
  if (!a || !a->done()) {
    ImGui::TextDisabled("Measuring the network... %d%%", int(100 * (a ? a->progress() : 0.f)));
    return;
  }
  if (a->has_facts) {
    Text text = network_summary(a->network);
    if (Paragraph advice = network_advice(a->network); !advice.empty()) text.push_back(std::move(advice));
    for (const Paragraph& p : text) {
      int layer = 0, unit = 0;
      if (ui::rich_text(s, p, &layer, &unit, 60 * em)) s.sel_layer = layer, s.sel_unit = unit, s.tab = Tab::Neuron;
      ImGui::Spacing();
    }
  }
  if (!a->has_stats) return;
  ImGui::Separator();
  const NetworkStats& st = a->stats;
  const bool wide = ImGui::GetContentRegionAvail().x > 50 * em;
  ImGui::BeginGroup();
  ui::title("Accuracy by digit", "The fraction of each digit's test images the network classifies correctly.");
  const ui::Palette& pal = ui::palette(s.dark);
  for (int c = 0; c < 10; ++c) {
    char label[32];
    std::snprintf(label, sizeof label, "%d: %s", c, pct(st.class_accuracy(c), 1).c_str());
    ui::bar(std::min(16 * em, ImGui::GetContentRegionAvail().x), 1.1f * em, st.class_accuracy(c), pal.accent, label);
  }
  ImGui::EndGroup();
  if (wide) ImGui::SameLine(0, 2 * em);
  ImGui::BeginGroup();
  confusion_matrix(st, s.dark);
  ImGui::EndGroup();
  ImGui::Separator();
  ui::title("Neurons the answer depends on", "Accuracy lost on the test set when one neuron alone is switched off. "
                                             "Click a row to inspect the neuron.");
  for (std::size_t l = 0; a->has_importance && a->has_facts && l < a->importance.size(); ++l) {
    const Eigen::VectorXf& imp = a->importance[l];
    std::vector<int> order(std::size_t(imp.size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return imp(x) > imp(y); });
    for (int k = 0; k < std::min<int>(5, int(order.size())); ++k) {
      const int h = order[std::size_t(k)];
      char label[160];
      std::snprintf(label, sizeof label, "hidden layer %zu, neuron %d: %s. %s", l, h, points(imp(h), 2).c_str(),
                    render_plain(neuron_one_line(*a->neuron(int(l), h))).c_str());
      if (wrapped_selectable(label)) {
        s.sel_layer = int(l);
        s.sel_unit = h;
        s.tab = Tab::Neuron;
      }
    }
  }
}

}  // namespace lens
