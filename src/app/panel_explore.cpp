// The Explore tab: draw a digit, see the prediction, how it was made, and every
// hidden neuron's response at a glance.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/panels.h"
#include "app/renderer.h"
#include "app/ui.h"
#include "interpret/numbers.h"
#include "interpret/units.h"
#include "core/constants.h"

namespace lens {

// --- drawing -----------------------------------------------------------------------

// The keyboard pen (keyboard_pen.h) on the canvas: a ring the brush's size, filled while the ink
// is down, and a line saying which keys do what.
static void keyboard_pen(const AppState& s, ImDrawList* dl, ImVec2 p0, float side) {
  const ui::Palette& pal = ui::palette(s.dark);
  const float k = side / float(kCanvasSide);
  const ImVec2 at(p0.x + s.pen.x * k, p0.y + s.pen.y * k);
  const float r = std::max(4.f, s.drawing.brush_radius * k);
  if (s.pen.down) dl->AddCircleFilled(at, r, pal.accent);
  dl->AddCircle(at, r + 2.f, IM_COL32(0, 0, 0, 255), 0, 3.f);
  dl->AddCircle(at, r + 2.f, pal.accent, 0, 1.5f);
  const char* keys = s.pen.down ? "pen down: arrows draw, Space lifts" : "pen up: arrows move, Space inks";
  const ImVec2 ts = ImGui::CalcTextSize(keys);
  if (ts.x < side - 8.f) dl->AddText(ImVec2(p0.x + 6, p0.y + side - ts.y - 4), pal.text_dim, keys);
}


// The canvas in words: what is on it.
static std::string canvas_name(const AppState& s) {
  if (s.source == InputSource::TestImage && s.test_index >= 0)
    return "Drawing canvas: MNIST test digit #" + std::to_string(s.test_index) + ", labelled " +
           std::to_string(s.test.labels[std::size_t(s.test_index)]);
  return s.live.blank ? "Drawing canvas, empty: draw a digit here" : "Drawing canvas with your digit";
}

void panel_draw(AppState& s, Gfx& g, float width, bool compact) {
  const float em = ui::em();
  if (!compact)
    ui::title("Draw a digit", "Draw with a mouse, pen or finger. The network updates while you draw. What it actually "
                              "sees is the small image below: your drawing cropped, scaled to 20x20 pixels and centred "
                              "on a 28x28 field by its centre of mass, exactly how MNIST digits were prepared.");
  const float side = std::max(8.f * em, std::min(width, ImGui::GetContentRegionAvail().x));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  // The strokes themselves come from every pointer event (canvas_pointer_event), not from
  // ImGui's once-per-frame mouse position, so fast strokes keep all their points. The
  // button only tells whether the canvas is uncovered and under the pointer.
  ui::invisible_button("##canvas", ImVec2(side, side), A11yRole::Image, canvas_name(s));
  // Touch and pen have no hover before they press, so what matters is only that no
  // popup (e.g. an open model list) covers the canvas.
  s.canvas_covered = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCallback(renderer_opaque_begin, nullptr);  // the drawing is opaque: no blending
  dl->AddImage(g.canvas.imgui_id(), p0, ImVec2(p0.x + side, p0.y + side));
  dl->AddCallback(renderer_opaque_end, nullptr);
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), ui::palette(s.dark).card_border, 4.f, 0, 2.f);
  if (s.live.blank && s.source == InputSource::Drawing && s.pending_test_index < 0 && !s.pending_mistake) {
    const char* hint = "draw here";
    const ImVec2 ts = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(p0.x + (side - ts.x) * 0.5f, p0.y + (side - ts.y) * 0.5f), ui::palette(s.dark).text_dim, hint);
  }
  if (s.pending_test_index >= 0 || s.pending_mistake) {
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), ui::palette(s.dark).text_dim, "loading test digits…");
  } else if (s.source == InputSource::TestImage && s.test_index >= 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "MNIST test digit #%d, labelled %d", s.test_index, s.test.labels[std::size_t(s.test_index)]);
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), ui::palette(s.dark).text_dim, buf);
  }
  if (s.pen.shown && s.tab == Tab::Explore) keyboard_pen(s, dl, p0, side);
  s.canvas_rect = {p0.x, p0.y, side, side};
  s.input_rect = s.canvas_rect;
  s.canvas_visible_frame = s.frame;

  if (ui::small_button("Undo", "Undo the last stroke (Z or Backspace)")) {
    app_undo(s);
  }
  ImGui::SameLine();
  if (ui::small_button("Clear", "Start again (C or Delete)")) app_clear_input(s);
  if (compact) {  // one row: the canvas gets the height (keys M and the brush stay in the full layout)
    if (s.test_error.empty()) {  // the digits are fetched on the first click
      ImGui::SameLine();
      if (ui::small_button("Random", "Load a real handwritten digit from the MNIST test set (R); M: the next one the model gets wrong"))
        app_random_test_digit(s);
    }
    return;
  }
  // The brush beside the buttons when it has room for its label, else on a row of its own.
  ui::same_line_if_fits(6.f * em);
  ImGui::SetNextItemWidth(std::max(6.f * em, std::min(side - (ImGui::GetCursorScreenPos().x - p0.x), ImGui::GetContentRegionAvail().x)));
  ui::slider_float("##brush", "Brush size", &s.drawing.brush_radius, 4.f, 24.f, "brush %.0f", 1.f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Brush size. MNIST strokes are about 2-3 pixels wide out of 28.");
  if (s.test_error.empty()) {  // the digits are fetched on the first click
    const char* random = "Random test digit";  // shorter where the whole label does not fit (a phone at 150%)
    if (ImGui::CalcTextSize(random).x + 2 * ImGui::GetStyle().FramePadding.x > ImGui::GetContentRegionAvail().x) random = "Random digit";
    if (ui::small_button(random, "Load a real handwritten digit from the MNIST test set (R)")) app_random_test_digit(s);
    ui::track("Random test digit");
    ui::same_line_if_fits(ImGui::CalcTextSize("Next mistake").x + 2 * ImGui::GetStyle().FramePadding.x);
    if (ui::small_button("Next mistake", "Load the next test digit this model gets wrong (M)")) app_next_mistake(s);
  }
}

static void panel_network_input(AppState& s, Gfx& g, float width) {
  const float em = ui::em();
  ui::title("What the network sees", "The 784 numbers the network receives: 28x28 pixels, 0 = background, 1 = ink. "
                                     "With 'saliency' on, the colours show gradient x input for the explained class: "
                                     "orange pixels push that class up, purple ones push it down.");
  const float side = std::min(width, 9.f * em);
  ImGui::Image(s.show_saliency ? g.saliency.imgui_id() : g.input.imgui_id(), ImVec2(side, side));
  ui::declare(A11yRole::Image, s.show_saliency ? "What the network sees: the 28 by 28 input, coloured by saliency"
                                               : "What the network sees: your digit as 28 by 28 pixels");
  ui::same_line_if_fits(ImGui::CalcTextSize("saliency").x + 3 * em);
  ImGui::BeginGroup();
  ui::switch_box("saliency", "Saliency colours", &s.show_saliency);
  if (s.show_saliency && s.live.saliency_class >= 0) {
    ImGui::TextDisabled("for class %d", s.live.saliency_class);
    ui::diverging_legend(std::max(4.f * em, width - side - em), 0.6f * em, s.live.saliency.cwiseAbs().maxCoeff(), "");
  }
  ImGui::EndGroup();
}

// --- prediction and attribution ------------------------------------------------------

// The prediction in words for the accessible mirror: the live status (announced when a stroke
// ends: the mirror waits for it, main.cpp) and every class's probability.
static void prediction_declare(const AppState& s, ImVec2 lo, ImVec2 hi) {
  const LiveInput& L = s.live;
  ui::live_status(a11y_prediction_status(L.probs, L.blank), lo, hi);
  std::string all = "Probabilities:";
  for (int k = 0; k < kClasses; ++k) all += (k ? ", " : " ") + std::to_string(k) + " " + pct(L.probs(k), 1);
  ui::declare_at(A11yRole::Text, all, lo, hi);
  // Each hidden layer's most active neurons, for a reader who asks what lit up.
  if (L.blank) return;
  for (std::size_t l = 0; l < L.responses.size(); ++l) {
    const Eigen::VectorXf& act = L.responses[l];
    const char* unit = s.model()->bundle.net.layers[l].is_conv() ? "channel " : "neuron ";
    std::vector<int> order(std::size_t(act.size()));
    std::iota(order.begin(), order.end(), 0);
    const std::size_t top = std::min<std::size_t>(3, order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(top), order.end(), [&](int x, int y) { return act(x) > act(y); });
    std::string line = "Most active in hidden layer " + std::to_string(l) + ":";
    for (std::size_t i = 0; i < top; ++i)
      line += (i ? ", " : " ") + std::string(unit) + std::to_string(order[i]) + " (" + fmt("%.2f", double(act(order[i]))) + ")";
    ui::declare_at(A11yRole::Text, line + ".", lo, hi);
  }
}

void panel_prediction(AppState& s, float width) {
  const float em = ui::em();
  ui::title("Prediction", "The softmax output: the network's probability for each digit. The highlighted bar is its "
                          "answer. With a neuron switched off (Neuron tab), the thin second bar shows the answer without it.");
  const ui::Palette& pal = ui::palette(s.dark);
  const LiveInput& L = s.live;
  if (L.probs.size() != kClasses) return;
  const ImVec2 bars = ImGui::GetCursorScreenPos();
  for (int k = 0; k < kClasses; ++k) {
    ImGui::PushID(k);
    const bool win = k == L.predicted && !L.blank;
    ImGui::PushStyleColor(ImGuiCol_Text, win ? ImGui::ColorConvertU32ToFloat4(pal.accent) : ImGui::GetStyle().Colors[ImGuiCol_Text]);
    ImGui::Text("%d", k);
    ImGui::PopStyleColor();
    ImGui::SameLine(1.4f * em);
    char label[32];
    std::snprintf(label, sizeof label, "%s", pct(L.probs(k), 1).c_str());
    ui::bar(width - 1.6f * em, 1.15f * em, L.probs(k), win ? pal.accent : pal.text_dim, label);
    if (L.ablated) {
      ImGui::SetCursorPosX(1.4f * em + ImGui::GetStyle().WindowPadding.x * 0.f);
      ui::bar(width - 1.6f * em, 0.3f * em, L.ablated_probs(k), pal.dead, nullptr);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("P(%d) = %.4f; logit %.3f", k, double(L.probs(k)), double(L.trace.logits()(k, 0)));
    ImGui::PopID();
  }
  prediction_declare(s, bars, ImVec2(bars.x + width, ImGui::GetCursorScreenPos().y));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (L.blank) ImGui::TextDisabled("Nothing drawn yet: these are the network's guesses for an empty image.");
  if (L.ablated)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.dead), "With the switched-off neurons: %d (%s)",
                       L.ablated_predicted, pct(L.ablated_probs(std::max(0, L.ablated_predicted)), 0).c_str());
  ImGui::PopTextWrapPos();
}

// The prediction as ten columns side by side: a fifth of the height of the bar list, for
// short screens (a projector at 200% or more, an iframe in a post).
void panel_prediction_compact(AppState& s, float width, float bar_height) {
  const float em = ui::em();
  const ui::Palette& pal = ui::palette(s.dark);
  const LiveInput& L = s.live;
  if (L.probs.size() != kClasses) return;
  char title[64];
  if (L.blank) std::snprintf(title, sizeof title, "Prediction: draw a digit");
  else std::snprintf(title, sizeof title, "Prediction: %d (%s)", L.predicted, pct(L.probs(L.predicted), 1).c_str());
  ui::title(title, "The softmax output: the network's probability for each digit, one column per digit. The "
                   "highlighted column is its answer; hover a column for its exact value.");
  const float col = width / kClasses, bar_w = col * 0.62f, h = bar_height > 0 ? bar_height : 3.2f * em;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int k = 0; k < kClasses; ++k) {
    const bool win = k == L.predicted && !L.blank;
    const float x = p0.x + col * (float(k) + 0.5f);
    const float top = p0.y + h * (1.f - std::clamp(L.probs(k), 0.f, 1.f));
    dl->AddRectFilled(ImVec2(x - bar_w / 2, p0.y), ImVec2(x + bar_w / 2, p0.y + h), pal.bar_bg, 2.f);
    dl->AddRectFilled(ImVec2(x - bar_w / 2, top), ImVec2(x + bar_w / 2, p0.y + h), win ? pal.accent : pal.text_dim, 2.f);
    if (L.ablated) {
      const float atop = p0.y + h * (1.f - std::clamp(L.ablated_probs(k), 0.f, 1.f));
      dl->AddRectFilled(ImVec2(x + bar_w / 2 - 0.25f * em, atop), ImVec2(x + bar_w / 2, p0.y + h), pal.dead);
    }
    char digit[4];
    std::snprintf(digit, sizeof digit, "%d", k);
    const ImVec2 ts = ImGui::CalcTextSize(digit);
    dl->AddText(ImVec2(x - ts.x / 2, p0.y + h + 2), win ? pal.accent : ImGui::GetColorU32(ImGuiCol_Text), digit);
  }
  ImGui::InvisibleButton("##probs", ImVec2(width, h + ImGui::GetTextLineHeight() + 4));
  prediction_declare(s, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (ImGui::IsItemHovered()) {
    const int k = std::clamp(int((ImGui::GetIO().MousePos.x - p0.x) / col), 0, kClasses - 1);
    ImGui::SetTooltip("P(%d) = %.4f; logit %.3f", k, double(L.probs(k)), double(L.trace.logits()(k, 0)));
  }
  if (L.ablated)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.dead), "Neurons off: %d (%s)", L.ablated_predicted,
                       pct(L.ablated_probs(std::max(0, L.ablated_predicted)), 0).c_str());
}

void panel_contributions(AppState& s, float width) {
  const float em = ui::em();
  const LiveInput& L = s.live;
  const int last = s.hidden_layers() - 1;
  if (last < 0 || L.contributions.rows() == 0) return;
  const int cls = s.explain_class >= 0 ? s.explain_class : L.predicted;
  char title[96];
  std::snprintf(title, sizeof title, "How the answer %d was made", cls);
  ui::title(title, "Each hidden neuron of the last hidden layer adds (activation x outgoing weight) to the class's logit. "
                   "Orange bars push the class up, purple push it down; the longest bars decided the answer. "
                   "Pick another class to see why it lost.");
  ImGui::TextDisabled("explain class");
  const float button_w = ImGui::CalcTextSize("0").x + 2 * ImGui::GetStyle().FramePadding.x + 3;
  const float label_w = ImGui::CalcTextSize("explain class").x + ImGui::GetStyle().ItemSpacing.x;
  const bool one_row = label_w + kClasses * button_w <= width;
  for (int k = 0; k < kClasses; ++k) {
    if (one_row) ImGui::SameLine(0, 3);
    else if (k > 0) ui::same_line_if_fits(button_w);
    ImGui::PushID(k);
    char b[4];
    std::snprintf(b, sizeof b, "%d", k);
    const bool on = k == cls;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    const bool picked = ImGui::SmallButton(b);
    ui::declare(A11yRole::Button, "Explain class " + std::string(b), on ? 1 : 0);
    if (picked) { s.explain_class = k; s.live_dirty = true; }
    if (on) ImGui::PopStyleColor();
    ImGui::PopID();
  }
  const Eigen::VectorXf c = L.contributions.row(cls).transpose();
  std::vector<int> order(std::size_t(c.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(c(a)) > std::abs(c(b)); });
  const float limit = std::max(1e-6f, c.cwiseAbs().maxCoeff());
  const int show = std::min<int>(8, int(order.size()));
  const ui::Palette& pal = ui::palette(s.dark);
  for (int i = 0; i < show; ++i) {
    const int h = order[std::size_t(i)];
    ImGui::PushID(h);
    char label[48];
    std::snprintf(label, sizeof label, "#%d", h);
    const bool picked = ImGui::Selectable(label, s.sel_layer == last && s.sel_unit == h, 0, ImVec2(2.6f * em, 0));
    ui::declare(A11yRole::Button, "Neuron " + std::to_string(h) + ", contribution " + fmt("%+.2f", double(c(h))),
                s.sel_layer == last && s.sel_unit == h ? 1 : 0);
    if (picked) {
      s.sel_layer = last;
      s.sel_unit = h;
    }
    ImGui::SameLine();
    ui::signed_bar(width - 7.5f * em, 0.9f * em, c(h) / limit, pal.positive, pal.negative);
    ImGui::SameLine();
    ImGui::Text("%s", fmt("%+.2f", double(c(h))).c_str());
    ImGui::PopID();
  }
  const float bias = s.model()->bundle.net.layers.back().b(cls);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ui::phrases({"sum " + fmt("%+.2f", double(c.sum())), "+ bias " + fmt("%+.2f", double(bias)), "= logit " + fmt("%+.2f", double(c.sum() + bias))});
  ImGui::PopStyleColor();
}

// --- neuron cards ----------------------------------------------------------------------

void panel_neuron_grid(AppState& s, Gfx& g, int layer, float width, float height) {
  const float em = ui::em();
  const Mlp& net = s.model()->bundle.net;
  const Layer& d = net.layers[std::size_t(layer)];
  const int U = layer_units(d);
  const bool conv = d.is_conv();
  ModelAnalysis* a = s.analysis();
  const ui::Palette& pal = ui::palette(s.dark);
  // A convnet's costly dense layer is maximized after the explanations: its cards stay plain till then.
  const bool images_later = !conv && a && std::size_t(layer) < a->actmax_done.size() && !a->actmax_done[std::size_t(layer)] &&
                            analysis_actmax_late(*a, layer);
  char title[128];
  if (conv) std::snprintf(title, sizeof title, "Hidden layer %d: %d channels of %dx%d", layer, U, unit_map_shape(d).h, unit_map_shape(d).w);
  else std::snprintf(title, sizeof title, "Hidden layer %d: %d neurons%s", layer, U, images_later ? " (pictures to come)" : "");
  if (conv)
    ui::title(title, "A convolutional layer: each card is one channel, a filter slid over its input. Picture: the channel's "
                     "feature map for your digit now, brighter where the filter finds its pattern (the brightest map of the layer "
                     "is full white). Bar: the map's mean, the channel's response, relative to its strongest on the test set. "
                     "Click a card to inspect the channel: the image that excites it most, its filter, its digits.");
  else
    ui::title(title, "Each card is one neuron. Picture: the input that excites it most (activation maximization). "
                     "Bar: how strongly it responds to your digit now, relative to its strongest response on the test set. "
                     "Grey card with 'dead': it never fires on any test digit. Click a card to inspect the neuron.");
  const float sort_w = ImGui::CalcTextSize("by activation").x + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x;
  // Beside the title; on its own row only where a row can be spared.
  const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x;
  const bool fits = used + sort_w <= ImGui::GetContentRegionMax().x;
  if (fits) ImGui::SameLine();
  const bool show_sort = fits || height > 14 * em;
  ImGui::SetNextItemWidth(sort_w);
  int sort = s.sort_by_activation ? 1 : 0;
  const char* sorts[] = {"by index", "by activation"};
  ImGui::PushID(layer);
  if (show_sort) {
    if (ui::combo_begin("##sort", "Order of the cards", sorts[sort])) {
      for (int k = 0; k < 2; ++k)
        if (ui::option(sorts[k], sort == k)) s.sort_by_activation = k == 1;
      ui::combo_end();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Order of the cards: neuron number, or strongest response to the current input first");
  }

  // The largest card (between 3 and 9 em) at which the whole layer fits the area without scrolling.
  const float gap = 0.35f * em, bar_extra = 0.45f * em + 2 + ImGui::GetStyle().ItemSpacing.y;
  const float usable_w = width - ImGui::GetStyle().ScrollbarSize;
  float card = 3.f * em;
  for (float c = 9.f * em; c >= 3.f * em; c -= 0.1f * em) {
    const int cols = std::max(1, int((usable_w + gap) / (c + gap)));
    const int rows = (U + cols - 1) / cols;
    if (rows * (c + bar_extra) <= height) { card = c; break; }
  }
  const int columns = std::max(1, int((usable_w + gap) / (card + gap)));
  const Eigen::VectorXf act = s.live.responses.size() > std::size_t(layer) && s.live.responses[std::size_t(layer)].size() == U
                                  ? s.live.responses[std::size_t(layer)]
                                  : Eigen::VectorXf::Zero(U);
  std::vector<int> order(static_cast<std::size_t>(U));
  std::iota(order.begin(), order.end(), 0);
  if (s.sort_by_activation) std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return act(x) > act(y); });

  ImGui::BeginChild("##cards", ImVec2(width, height), false);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // A card alternates the font texture (frame, number, bar) and the atlas (picture): in that
  // order each card costs two draw calls, which software WebGL pays for dearly. Drawn in three
  // layers instead (backgrounds, pictures, everything on top), the grid takes three.
  enum { kBackgrounds, kPictures, kFadedPictures, kOnTop };
  ImDrawListSplitter split;
  split.Split(dl, 4);
  split.SetCurrentChannel(dl, kPictures);
  dl->AddCallback(renderer_opaque_begin, nullptr);  // the pictures are opaque: no blending
  // a channel's card shows its live map; a neuron's, its maximization image
  const std::vector<Atlas>& pictures = conv ? g.maps : g.actmax;
  const Atlas* atlas = std::size_t(layer) < pictures.size() ? &pictures[std::size_t(layer)] : nullptr;
  // Only the rows in view are submitted: a 512-unit layer would otherwise draw every card.
  const int rows = (U + columns - 1) / columns;
  ImGuiListClipper clipper;
  clipper.Begin(rows, card + 0.45f * em + 2 + ImGui::GetStyle().ItemSpacing.y);
  while (clipper.Step())
  for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row)
  for (int i = row * columns; i < std::min(U, (row + 1) * columns); ++i) {
    const int h = order[std::size_t(i)];
    if (i % columns) ImGui::SameLine(0, gap);
    ImGui::PushID(h);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float bar_h = 0.45f * em;
    const Liveness live = app_card_liveness(s, layer, h);  // the rule and the measurement the list of dead neurons reads
    const bool dead = live == Liveness::Dead, nearly = live == Liveness::NearlyDead;
    const std::string name = (conv ? "Channel " : "Neuron ") + std::to_string(h) + (dead ? ", dead" : nearly ? ", nearly dead" : "");
    if (ui::invisible_button("##card", ImVec2(card, card + bar_h + 2), A11yRole::Button, name, "cards of layer " + std::to_string(layer))) {
      s.sel_layer = layer;
      s.sel_unit = h;
      s.tab = Tab::Neuron;
    }
    if (i == 0) ui::track(("first card of layer " + std::to_string(layer)).c_str());  // for the browser tests' layout checks
    const bool hovered = ImGui::IsItemHovered();
    const NeuronFacts* facts = a ? a->neuron(layer, h) : nullptr;
    split.SetCurrentChannel(dl, kBackgrounds);
    const bool picture = atlas && atlas->count > h && !images_later;
    if (!picture || dead) dl->AddRectFilled(p, ImVec2(p.x + card, p.y + card), pal.card_bg, 4.f);  // under a faded or missing picture only
    split.SetCurrentChannel(dl, dead ? kFadedPictures : kPictures);
    if (picture) {
      ImVec2 uv0, uv1;
      atlas->uv(h, uv0, uv1);
      dl->AddImage(atlas->texture.imgui_id(), ImVec2(p.x + 1, p.y + 1), ImVec2(p.x + card - 1, p.y + card - 1), uv0, uv1,
                   dead ? IM_COL32(255, 255, 255, 70) : IM_COL32_WHITE);
    }
    split.SetCurrentChannel(dl, kOnTop);
    const bool selected = s.sel_layer == layer && s.sel_unit == h;
    dl->AddRect(p, ImVec2(p.x + card, p.y + card), selected ? pal.accent : hovered ? pal.text_dim : pal.card_border, 4.f, 0,
                selected ? 3.f : 1.f);
    char num[16];
    std::snprintf(num, sizeof num, "%d", h);
    // A backdrop, so the number stays legible over the white parts of a picture.
    const ImVec2 nts = ImGui::CalcTextSize(num);
    dl->AddRectFilled(ImVec2(p.x + 1, p.y + 1), ImVec2(p.x + nts.x + 5, p.y + nts.y + 1),
                      (pal.card_bg & ~IM_COL32_A_MASK) | (ImU32(200) << IM_COL32_A_SHIFT), 3.f);
    dl->AddText(ImVec2(p.x + 3, p.y + 1), pal.text_dim, num);
    if (dead || nearly) {
      const char* badge = dead ? "dead" : "~dead";
      const ImVec2 ts = ImGui::CalcTextSize(badge);
      const ImVec2 b0(p.x + card - ts.x - 6, p.y + card - ts.y - 4);
      dl->AddRectFilled(b0, ImVec2(p.x + card - 2, p.y + card - 2), dead ? pal.dead : IM_COL32(200, 140, 40, 230), 3.f);
      dl->AddText(ImVec2(b0.x + 2, b0.y), IM_COL32_WHITE, badge);
    }
    // Current activation relative to the neuron's maximum over the test set.
    const float mx = a && a->has_stats ? a->stats.layers[std::size_t(layer)].max(h) : std::max(1e-6f, act.cwiseAbs().maxCoeff());
    const float v = mx > 0 ? std::clamp(act(h) / mx, 0.f, 1.f) : 0.f;
    const ImVec2 b0(p.x, p.y + card + 2), b1(p.x + card, p.y + card + 2 + bar_h);
    dl->AddRectFilled(b0, b1, pal.bar_bg, 2.f);
    if (v > 0) dl->AddRectFilled(b0, ImVec2(b0.x + std::max(2.f, card * v), b1.y), pal.positive, 2.f);
    if (hovered) {
      ImGui::BeginTooltip();
      ImGui::Text("Hidden layer %d, %s %d", layer, conv ? "channel" : "neuron", h);
      ImGui::Text("%s now: %s  (max on test set %s)", conv ? "mean of its map" : "activation", fmt("%.3f", double(act(h))).c_str(),
                  fmt("%.2f", double(mx)).c_str());
      if (facts) {
        ImGui::PushTextWrapPos(em * 24);
        ImGui::TextUnformatted(render_plain(neuron_one_line(*facts)).c_str());
        ImGui::PopTextWrapPos();
      } else if (dead) {
        ImGui::TextUnformatted("Dead: never fires on any test image.");
      }
      ImGui::TextDisabled("click to inspect");
      ImGui::EndTooltip();
    }
    ImGui::PopID();
  }
  split.SetCurrentChannel(dl, kPictures);
  dl->AddCallback(renderer_opaque_end, nullptr);
  split.Merge(dl);
  ImGui::EndChild();
  ImGui::PopID();
}

// --- layout ------------------------------------------------------------------------------

// The hidden layers' cards, sharing the height of the current child window; each layer gets at
// least `smallest` (the window scrolls where that does not fit).
static void neuron_grids(AppState& s, Gfx& g, float smallest = 0) {
  const float em = ui::em();
  const int H = s.hidden_layers();
  const float w = ImGui::GetContentRegionAvail().x;
  const float per = std::max(smallest, (ImGui::GetContentRegionAvail().y - H * 2.2f * em) / float(std::max(1, H)));
  for (int l = 0; l < H; ++l) panel_neuron_grid(s, g, l, w, per);
}

// A short, wide screen (a 720p projector at 200%, an iframe in a post): the canvas as tall as
// the screen allows on the left; the story banner, the prediction as columns and the neuron
// cards on the right (a banner across the top took the height the canvas and cards need).
static void explore_short(AppState& s, Gfx& g, ImVec2 avail) {
  const float em = ui::em();
  const float pad = ImGui::GetStyle().WindowPadding.x;
  // The canvas, then one row of buttons.
  const float chrome = ImGui::GetFrameHeightWithSpacing() + 2 * ImGui::GetStyle().WindowPadding.y + 0.5f * em;
  const float side = std::clamp(avail.y - chrome, 6.f * em, avail.x * 0.45f);
  const ImGuiStyle& st = ImGui::GetStyle();
  const float buttons_w = ImGui::CalcTextSize("UndoClearRandom").x + 6 * st.FramePadding.x + 2 * st.ItemSpacing.x;
  ImGui::BeginChild("##left", ImVec2(std::max(side, buttons_w) + 2 * pad + 2 * st.ChildBorderSize + 2, avail.y), true,
                    ImGuiWindowFlags_NoScrollbar);
  panel_draw(s, g, side, true);
  ImGui::EndChild();
  ImGui::SameLine();
  // Scrolls only where even the smallest cards do not fit below the banner (720p at 250%).
  ImGui::BeginChild("##right", ImVec2(0, avail.y), true);
  panel_story_banner(s);
  // The bars give up height first, down to a strip, so that a row of cards stays on screen.
  const float bars = std::clamp((ImGui::GetContentRegionAvail().y - 10.5f * em) * 0.6f, 1.2f * em, 3.2f * em);
  panel_prediction_compact(s, ImGui::GetContentRegionAvail().x, bars);
  ImGui::Separator();
  neuron_grids(s, g, 4.f * em);  // a row of the smallest cards (3 em) and their bars
  ImGui::EndChild();
}

// A phone held upright: the canvas across the width (a finger needs the room), the prediction as
// ten columns under it, then the cards, in one column that scrolls.
static void explore_phone(AppState& s, Gfx& g, ImVec2 avail) {
  const float em = ui::em();
  ImGui::BeginChild("##phone", ImVec2(0, avail.y), true);
  const float w = ImGui::GetContentRegionAvail().x;
  panel_draw(s, g, std::min(w, avail.y * 0.55f));
  ImGui::Spacing();
  panel_prediction_compact(s, w, 3.f * em);
  ImGui::Spacing();
  panel_contributions(s, w);
  ImGui::Separator();
  const int H = s.hidden_layers();
  for (int l = 0; l < H; ++l) panel_neuron_grid(s, g, l, w, std::max(14.f * em, avail.y * 0.5f));
  ImGui::EndChild();
}

// Short screens get explore_short: below this height (in lines of text) the bar list, the
// attribution and the canvas do not all fit.
constexpr float kShortScreenEm = 27.f;

void panel_explore(AppState& s, Gfx& g) {
  const float em = ui::em();
  if (const ImVec2 all = ImGui::GetContentRegionAvail(); (s.embed || all.y < kShortScreenEm * em) && all.x >= all.y * 1.2f)
    return explore_short(s, g, all);
  panel_story_banner(s);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool wide = avail.x >= avail.y * 1.05f && avail.x >= 44 * em;  // landscape: three columns
  if (wide) {
    const float left = std::clamp(std::min(avail.x * 0.3f, avail.y - 12.5f * em), 12.f * em, 21.f * em);
    const float mid = std::clamp(avail.x * 0.26f, 13.f * em, 19.f * em);
    ImGui::BeginChild("##left", ImVec2(left + 1.2f * em, avail.y), true);
    panel_draw(s, g, left);
    ImGui::Spacing();
    panel_network_input(s, g, left);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##mid", ImVec2(mid, avail.y), true);
    panel_prediction(s, mid - 1.4f * em);
    ImGui::Spacing();
    panel_contributions(s, mid - 1.4f * em);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##right", ImVec2(0, avail.y), true);
    neuron_grids(s, g);
    ImGui::EndChild();
  } else if (avail.x < 36 * em) {
    explore_phone(s, g, avail);
  } else {
    // Portrait / narrow: drawing and prediction side by side, the neurons below.
    const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const float top_h = std::min(avail.y * 0.56f, half + 14.f * em);
    ImGui::BeginChild("##left", ImVec2(half, top_h), true);
    panel_draw(s, g, std::min(half - 1.4f * em, top_h - 15.5f * em));
    ImGui::Spacing();
    panel_network_input(s, g, half - 1.4f * em);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##mid", ImVec2(0, top_h), true);
    panel_prediction(s, half - 1.4f * em);
    ImGui::Spacing();
    panel_contributions(s, half - 1.4f * em);
    ImGui::EndChild();
    ImGui::BeginChild("##right", ImVec2(0, 0), true);
    neuron_grids(s, g);
    ImGui::EndChild();
  }
}

}  // namespace lens
