// XOR, the first lesson: a network of the plane small enough to read from its
// weights (any depth and activation; XOR is 2-2-1 tanh). The input is a point in
// the plane; the square shows the network's answer everywhere, and each first-layer
// unit's line (where its input sum is 0).
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <limits>

#include "app/core/app_training.h"
#include "app/panels.h"
#include "app/ui.h"
#include "interpret/numbers.h"
#include "core/training/trainer.h"
#include "interpret/plane.h"

namespace lens {

constexpr float kXorLo = -0.25f, kXorHi = 1.25f;  // the plotted input range
constexpr int kXorGrid = 96;

static void refresh_surface(AppState& s, Gfx& g) {
  const SurfaceKey key{s.current, s.current == s.training.model ? s.training.version : 0};
  if (g.xor_key == key) return;
  const Mlp& net = s.model()->bundle.net;
  Eigen::MatrixXf pts(2, kXorGrid * kXorGrid);
  for (int y = 0; y < kXorGrid; ++y)
    for (int x = 0; x < kXorGrid; ++x) {
      pts(0, y * kXorGrid + x) = kXorLo + (kXorHi - kXorLo) * (x + 0.5f) / kXorGrid;
      pts(1, y * kXorGrid + x) = kXorHi - (kXorHi - kXorLo) * (y + 0.5f) / kXorGrid;  // y up
    }
  const Eigen::MatrixXf p = head_probabilities(net.head, mlp_forward(net, pts));
  std::vector<float> centred(std::size_t(p.cols()));
  for (Eigen::Index i = 0; i < p.cols(); ++i) centred[std::size_t(i)] = 2.f * (p(0, i) - 0.5f);
  texture_upload(g.xor_surface, image_diverging(centred.data(), kXorGrid, kXorGrid, 1, 1.f));
  g.xor_key = key;
}

// The square beside the text when the text column left beside it is at least 16 em wide (a
// projector at 200-300% text has the height for a large square but not the width for 50 em),
// else above it (a phone); either way as large as the panel's visible height allows.
struct PlaneLayout {
  bool wide = false;
  float side = 0;
};
static PlaneLayout plane_layout(ImVec2 avail, float below) {
  const float em = ui::em();
  const float beside = std::min(avail.x * 0.5f, avail.y - below);
  if (avail.x - beside - 3 * em >= 16 * em) return {true, std::max(beside, 4 * em)};
  return {false, std::max(4 * em, std::min(avail.x, avail.y - below))};
}

// The XOR lesson's own training: a seed, the learning rate, 2-4 hidden units and their
// activation; play, pause, a single step, a new seed. The square, the lines and every
// weight above follow the weights as they move.
static void xor_training(AppState& s, float width, double now_ms) {
  const float em = ui::em();
  TrainConfig& c = s.xor_form;
  TrainingSession& t = s.training;
  const bool mine = t.request.dataset == "xor" && t.active();
  ui::title("Train it yourself", "Gradient descent on 400 noisy points around the four corners, 16 at a time. Some seeds "
                                 "get stuck with one corner wrong: press New seed to start again from other random weights.");
  const float item_w = std::min(9 * em, width * 0.4f);
  // A control and its label, beside the one before it where the row has room.
  auto beside = [&](const char* label) { ui::same_line_if_fits(item_w + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x); };
  ImGui::PushItemWidth(item_w);
  int hidden = c.sizes[1];
  if (ui::slider_int("hidden units", "hidden units", &hidden, kXorMinHidden, kXorMaxHidden)) c.sizes = {2, hidden, 1};
  beside("activation");
  static const char* acts[] = {"tanh", "relu", "sigmoid"};
  static const Activation values[] = {Activation::Tanh, Activation::ReLU, Activation::Sigmoid};
  int a = int(std::find(values, values + 3, c.hidden) - values) % 3;
  if (ui::combo("activation", "activation", &a, acts, 3)) c.hidden = values[a];
  ui::slider_float("learning rate", "learning rate", &c.lr, 0.001f, 1.f, "%.3f", 0.001f, ImGuiSliderFlags_Logarithmic);
  beside("seed");
  int seed = int(c.seed);
  if (ui::input_int("seed", "seed", &seed, 0, std::numeric_limits<int>::max())) c.seed = std::uint64_t(std::max(0, seed));
  ImGui::PopItemWidth();
  auto start = [&]() {
    nlohmann::json r = train_config_to_json(c);
    r["dataset"] = "xor";
    if (auto req = train_request_from_recipe(r)) app_train_start(s, std::move(*req), now_ms);
    else notice_error(s.notice, req.error);
  };
  if (training_buttons(s, mine, false, now_ms)) start();
  ui::same_line_if_fits(ImGui::CalcTextSize("New seed").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ui::button("New seed", "New seed: start again from other random weights")) {
    c.seed += 1;
    start();
  }
  ui::track("New seed");
  if (t.request.dataset == "xor" && t.run) {
    char progress[96];
    std::snprintf(progress, sizeof progress, "epoch %s of %d, %d of 4 corners right", fmt("%.1f", t.epoch()).c_str(), t.request.config.epochs,
                  int(std::lround(4 * evaluate(t.run->net(), xor_points()).accuracy)));
    ui::same_line_if_fits(ImGui::CalcTextSize(progress).x);
    ui::wrapped(progress);
    draw_training_curves(s, width, 5 * em);
  }
}

// The Neuron tab of a model of the plane: one hidden unit's response over the square
// (its activation at every point), the line where its weighted input is 0, and the path
// gradient ascent takes from the current input point: what "maximization" means with 2
// inputs. Inputs are x1 and x2; the output is one probability, not ten classes.
static void plane_neuron(AppState& s, Gfx& g) {
  const float em = ui::em();
  const Mlp& net = s.model()->bundle.net;
  const PlaneFacts facts = plane_facts(net);
  if (facts.units.empty()) {
    ImGui::TextWrapped("This model has no hidden layer: its output is one straight line across the plane (see Explore).");
    return;
  }
  s.sel_layer = std::clamp(s.sel_layer, 0, facts.hidden_layers - 1);
  const int U = net.layers[std::size_t(s.sel_layer)].outputs();
  s.sel_unit = std::clamp(s.sel_unit, 0, U - 1);
  for (const PlaneUnitFacts& u : facts.units) {
    const std::string name = plane_unit_name(facts, u.layer, u.unit);
    if (u.layer != 0 || u.unit != 0) ImGui::SameLine();
    const bool on = u.layer == s.sel_layer && u.unit == s.sel_unit;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    if (ui::button(name.c_str(), nullptr, A11yRole::Button, on ? 1 : 0)) s.sel_layer = u.layer, s.sel_unit = u.unit;
    if (on) ImGui::PopStyleColor();
  }
  const int l = s.sel_layer, h = s.sel_unit;
  const SurfaceKey key{s.current, s.current == s.training.model ? s.training.version : 0};
  if (g.plane_unit_key != key || g.plane_unit_layer != l || g.plane_unit_index != h) {
    std::vector<float> a = plane_unit_response(net, l, h, kXorGrid, kXorLo, kXorHi);
    float top = 1e-6f;
    for (float v : a) top = std::max(top, std::abs(v));
    for (float& v : a) v /= top;
    texture_upload(g.plane_unit, image_diverging(a.data(), kXorGrid, kXorGrid, 1, 1.f));
    g.plane_unit_key = key, g.plane_unit_layer = l, g.plane_unit_index = h;
  }
  ui::title("Its response over the plane", "Colour: the unit's activation at each point (orange high, purple low, white 0). "
                                           "Line: where its weighted input is 0. Dots: the path gradient ascent takes from the "
                                           "current input point to make the unit fire as strongly as it can inside the square.");
  const PlaneLayout lay = plane_layout(ImGui::GetContentRegionAvail(), 1 * em);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool wide = lay.wide;
  const float side = lay.side;
  ImGui::BeginGroup();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(g.plane_unit.imgui_id(), ImVec2(side, side));
  auto to_screen = [&](float x, float y) {
    return ImVec2(p0.x + (x - kXorLo) / (kXorHi - kXorLo) * side, p0.y + (kXorHi - y) / (kXorHi - kXorLo) * side);
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Eigen::Vector2f start = s.live.x.size() == 2 ? Eigen::Vector2f(s.live.x(0), s.live.x(1)) : Eigen::Vector2f(0.5f, 0.5f);
  const auto path = plane_ascent_path(net, l, h, start, 40, 0.04f, kXorLo, kXorHi);
  for (std::size_t i = 1; i < path.size(); ++i)
    dl->AddLine(to_screen(path[i - 1](0), path[i - 1](1)), to_screen(path[i](0), path[i](1)), IM_COL32(0, 0, 0, 230), 3.f);
  for (const Eigen::Vector2f& q : path) dl->AddCircleFilled(to_screen(q(0), q(1)), 3.f, IM_COL32_WHITE);
  dl->AddText(ImVec2(p0.x + side - 3 * em, p0.y + side - 1.4f * em), IM_COL32_WHITE, "x1 ->");
  dl->AddText(ImVec2(p0.x + 0.4f * em, p0.y + 0.3f * em), IM_COL32_WHITE, "x2 (up)");
  ImGui::EndGroup();
  if (wide) ImGui::SameLine(0, 1.5f * em);
  ImGui::BeginGroup();
  const PlaneUnitFacts* unit = nullptr;
  for (const PlaneUnitFacts& u : facts.units)
    if (u.layer == l && u.unit == h) unit = &u;
  const float width = wide ? avail.x - side - 2 * em : avail.x;
  for (const Paragraph& p : plane_summary(facts)) {
    if (!p.empty() && p[0].text.find(plane_unit_name(facts, l, h)) != std::string::npos) ui::rich_text(p, s.dark, nullptr, nullptr, width);
  }
  auto point = [](const Eigen::Vector2f& q) { return "(" + fmt("%.2f", double(q(0))) + ", " + fmt("%.2f", double(q(1))) + ")"; };
  if (unit && !path.empty())
    ui::wrapped("ascent: from " + point(path.front()) + " to " + point(path.back()) + " in " + std::to_string(path.size() - 1) + " steps");
  if (l + 1 == facts.hidden_layers) {
    const Dense& o = net.layers.back();
    ui::wrapped("Its vote: the output's logit changes by " + fmt("%+.2f", double(o.W(0, h))) + " for each unit of its activation.");
  }
  ImGui::EndGroup();
}

void panel_xor(AppState& s, Gfx& g, double now_ms) {
  if (s.tab == Tab::Neuron) return plane_neuron(s, g);
  const float em = ui::em();
  refresh_surface(s, g);
  const Mlp& net = s.model()->bundle.net;
  // The title spans the panel, so the square below it can take the height that is left.
  ui::title("The plane: click anywhere in the square", "XOR's output is 1 when exactly one input is on. Colour: the network's "
                                                        "probability of 1 (orange) or 0 (purple) at each point. Dashed lines: "
                                                        "where each first-layer unit's input sum is zero; it is on at one side.");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const PlaneLayout lay = plane_layout(avail, 1 * em);
  const bool wide = lay.wide;
  const float side = lay.side;
  ImGui::BeginGroup();
  const PlaneFacts facts = plane_facts(net);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##xor", ImVec2(side, side));
  s.input_rect = {p0.x, p0.y, side, side};
  auto to_screen = [&](float x, float y) {
    return ImVec2(p0.x + (x - kXorLo) / (kXorHi - kXorLo) * side, p0.y + (kXorHi - y) / (kXorHi - kXorLo) * side);
  };
  if (ImGui::IsItemActive()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    Eigen::VectorXf x(2);
    x << kXorLo + (m.x - p0.x) / side * (kXorHi - kXorLo), kXorHi - (m.y - p0.y) / side * (kXorHi - kXorLo);
    app_set_input(s, x, InputSource::Script);
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(g.xor_surface.imgui_id(), p0, ImVec2(p0.x + side, p0.y + side));
  dl->PushClipRect(p0, ImVec2(p0.x + side, p0.y + side), true);
  const Dense& h = net.layers[0];
  for (int u = 0; u < h.outputs(); ++u) {  // w0 x + w1 y + b = 0
    const float w0 = h.W(u, 0), w1 = h.W(u, 1), b = h.b(u);
    ImVec2 a, c;
    if (std::abs(w1) > std::abs(w0)) {
      a = to_screen(kXorLo, -(b + w0 * kXorLo) / w1);
      c = to_screen(kXorHi, -(b + w0 * kXorHi) / w1);
    } else {
      a = to_screen(-(b + w1 * kXorLo) / w0, kXorLo);
      c = to_screen(-(b + w1 * kXorHi) / w0, kXorHi);
    }
    for (int k = 0; k < 20; k += 2)
      dl->AddLine(ImVec2(a.x + (c.x - a.x) * k / 20.f, a.y + (c.y - a.y) * k / 20.f),
                  ImVec2(a.x + (c.x - a.x) * (k + 1) / 20.f, a.y + (c.y - a.y) * (k + 1) / 20.f), IM_COL32(20, 20, 20, 220), 2.f);
    const std::string lab = facts.hidden_layers ? plane_unit_name(facts, 0, u) : "output";
    dl->AddText(ImVec2((a.x + c.x) * 0.5f + 4, (a.y + c.y) * 0.5f), IM_COL32(20, 20, 20, 255), lab.c_str());
  }
  const DataSet corners = xor_points();
  for (int i = 0; i < 4; ++i) {
    const ImVec2 q = to_screen(corners.images(0, i), corners.images(1, i));
    dl->AddCircleFilled(q, 0.7f * em, IM_COL32(255, 255, 255, 235));
    dl->AddCircle(q, 0.7f * em, IM_COL32(0, 0, 0, 255), 0, 1.5f);
    char lab[48];
    std::snprintf(lab, sizeof lab, "%d", corners.labels[std::size_t(i)]);
    const ImVec2 ts = ImGui::CalcTextSize(lab);
    dl->AddText(ImVec2(q.x - ts.x * 0.5f, q.y - ts.y * 0.5f), IM_COL32(0, 0, 0, 255), lab);
    std::snprintf(lab, sizeof lab, "(%d,%d)", int(corners.images(0, i)), int(corners.images(1, i)));
    const float lw = ImGui::CalcTextSize(lab).x;  // on the inner side of the corner, so the square never cuts it
    const float lx = corners.images(0, i) > 0.5f ? q.x - 0.9f * em - lw : q.x + 0.9f * em;
    dl->AddText(ImVec2(lx, q.y - ts.y * 0.5f), IM_COL32(255, 255, 255, 255), lab);
  }
  if (s.live.x.size() == 2) {
    const ImVec2 q = to_screen(s.live.x(0), s.live.x(1));
    dl->AddCircle(q, 0.6f * em, IM_COL32(0, 0, 0, 255), 0, 3.f);
    dl->AddCircle(q, 0.6f * em, IM_COL32_WHITE, 0, 1.5f);
  }
  dl->AddText(ImVec2(p0.x + side - 3 * em, p0.y + side - 1.4f * em), IM_COL32_WHITE, "x1 ->");
  dl->AddText(ImVec2(p0.x + 0.4f * em, p0.y + 0.3f * em), IM_COL32_WHITE, "x2 (up)");
  dl->PopClipRect();
  ImGui::EndGroup();
  if (wide) ImGui::SameLine(0, 1.5f * em);
  ImGui::BeginGroup();
  if (s.live.x.size() == 2 && s.live.probs.size() == 1) {
    ImGui::TextWrapped("input x = (%s, %s)", fmt("%.2f", double(s.live.x(0))).c_str(), fmt("%.2f", double(s.live.x(1))).c_str());
    ImGui::TextWrapped("P(output = 1) = %s  ->  answer %d", fmt("%.3f", double(s.live.probs(0))).c_str(), s.live.predicted);
  }
  ImGui::Separator();
  ui::title("Every weight of the network", "Each hidden unit is its activation function of a weighted sum of its inputs plus "
                                           "a bias; the output is a sigmoid of a weighted sum of the last hidden layer.");
  for (const PlaneUnitFacts& u : facts.units) {
    std::string sum;
    char term[64];
    for (std::size_t i = 0; i < u.weights.size(); ++i) {
      const std::string in = u.layer == 0 ? "x" + std::to_string(i + 1) : plane_unit_name(facts, u.layer - 1, int(i));
      std::snprintf(term, sizeof term, "%s%s %s", i ? " " : "", fmt("%+.2f", double(u.weights[i])).c_str(), in.c_str());
      sum += term;
    }
    const LayerTrace* lt = s.live.trace.layers.size() > std::size_t(u.layer) ? &s.live.trace.layers[std::size_t(u.layer)] : nullptr;
    const float z = lt ? lt->z(u.unit, 0) : 0.f, a = lt ? lt->a(u.unit, 0) : 0.f;
    const char* act = activation_name(u.activation);
    const std::string name = plane_unit_name(facts, u.layer, u.unit), bias = fmt("%+.2f", double(u.bias));
    ui::phrases({name + " = " + act + "(" + sum + " " + bias + ")", std::string("= ") + act + "(" + fmt("%+.2f", double(z)) + ")",
                 "= " + fmt("%+.2f", double(a))});
  }
  const Dense& o = net.layers.back();
  std::string sum;
  char term[64];
  for (int u = 0; u < o.inputs(); ++u) {
    const std::string in = facts.hidden_layers ? plane_unit_name(facts, facts.hidden_layers - 1, u) : "x" + std::to_string(u + 1);
    std::snprintf(term, sizeof term, "%s %s ", fmt("%+.2f", double(o.W(0, u))).c_str(), in.c_str());
    sum += term;
  }
  std::snprintf(term, sizeof term, "%s", fmt("%+.2f", double(o.b(0))).c_str());
  ImGui::TextWrapped("output = sigmoid(%s%s)", sum.c_str(), term);
  ImGui::Spacing();
  const float text_width = std::max(18 * em, avail.x - side - 3 * em);
  for (const Paragraph& p : plane_summary(facts)) ui::rich_text(p, s.dark, nullptr, nullptr, wide ? text_width : 0.f);
  ImGui::Separator();
  ImGui::PushID("xor-training");  // its "Train" must not share an ID with the Train tab's button
  xor_training(s, wide ? text_width : avail.x, now_ms);
  ImGui::PopID();
  ImGui::EndGroup();
}

}  // namespace lens
