#include "interpret/plane.h"

#include "core/training/trainer.h"
#include "interpret/numbers.h"

namespace lens {

const char* boolean_name(int pattern) {
  static const char* names[16] = {
      "never on", "x1 AND x2", "x1 AND NOT x2", "x1",     "x2 AND NOT x1", "x2",   "x1 XOR x2", "x1 OR x2", "NOR",
      "XNOR",     "NOT x2",    "x1 OR NOT x2",  "NOT x1", "x2 OR NOT x1",  "NAND", "always on"};
  return names[pattern & 15];
}

// Corner k of xor_points() is bit 3 - k: (0,0) = 8, (0,1) = 4, (1,0) = 2, (1,1) = 1.
static int pattern_of(const Eigen::Ref<const Eigen::RowVectorXf>& on) {
  int p = 0;
  for (int k = 0; k < 4; ++k) p = p * 2 + (on(k) ? 1 : 0);
  return p;
}

PlaneFacts plane_facts(const Mlp& net) {
  PlaneFacts f;
  const DataSet corners = xor_points();
  Trace t;
  mlp_forward_trace(net, corners.images, t);
  f.hidden_layers = int(net.layers.size()) - 1;
  for (int l = 0; l < f.hidden_layers; ++l) {
    const Dense& d = net.layers[std::size_t(l)];
    for (int u = 0; u < d.outputs(); ++u) {
      PlaneUnitFacts p;
      p.layer = l, p.unit = u, p.activation = d.act, p.bias = d.b(u);
      for (int i = 0; i < d.inputs(); ++i) p.weights.push_back(d.W(u, i));
      const Eigen::RowVectorXf z = t.layers[std::size_t(l)].z.row(u);
      p.pattern = pattern_of((z.array() > 0).cast<float>().matrix());
      f.units.push_back(p);
    }
  }
  const std::vector<int> answer = head_predict(net.head, t.logits());
  Eigen::RowVectorXf on(4);
  for (int k = 0; k < 4; ++k) {
    on(k) = float(answer[std::size_t(k)] == 1);
    f.corners_right += answer[std::size_t(k)] == corners.labels[std::size_t(k)];
  }
  f.output_pattern = pattern_of(on);
  return f;
}

std::string corners_text(int pattern) {
  static const char* names[4] = {"(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"};
  std::vector<std::string> on;
  for (int k = 0; k < 4; ++k)
    if (pattern & (8 >> k)) on.push_back(names[k]);
  if (on.empty()) return "none of the corners";
  std::string s;
  for (std::size_t i = 0; i < on.size(); ++i) s += (i == 0 ? "" : i + 1 == on.size() ? " and " : ", ") + on[i];
  return s;
}

static float weighted_input(const Mlp& net, int layer, int unit, const Eigen::Vector2f& x) {
  Trace t;
  mlp_forward_trace(net, Eigen::MatrixXf(x), t);
  return t.layers[std::size_t(layer)].z(unit, 0);
}

std::vector<Eigen::Vector2f> plane_ascent_path(const Mlp& net, int layer, int unit, Eigen::Vector2f start, int steps,
                                               float step, float lo, float hi) {
  std::vector<Eigen::Vector2f> path = {start.cwiseMax(lo).cwiseMin(hi)};
  const float h = 1e-3f;  // two inputs: central differences are exact enough and need no backward pass
  for (int k = 0; k < steps; ++k) {
    const Eigen::Vector2f x = path.back();
    Eigen::Vector2f g;
    for (int i = 0; i < 2; ++i) {
      Eigen::Vector2f up = x, down = x;
      up(i) += h, down(i) -= h;
      g(i) = (weighted_input(net, layer, unit, up) - weighted_input(net, layer, unit, down)) / (2 * h);
    }
    if (!(g.norm() > 1e-6f)) break;  // flat: nowhere to climb
    const Eigen::Vector2f next = (x + step * g.normalized()).cwiseMax(lo).cwiseMin(hi);
    if ((next - x).norm() < 1e-4f) break;  // pinned against the edge of the box
    path.push_back(next);
  }
  return path;
}

std::vector<float> plane_unit_response(const Mlp& net, int layer, int unit, int n, float lo, float hi) {
  Eigen::MatrixXf pts(2, n * n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      pts.col(y * n + x) << lo + (hi - lo) * (x + 0.5f) / n, hi - (hi - lo) * (y + 0.5f) / n;
  Trace t;
  mlp_forward_trace(net, pts, t);
  const Eigen::RowVectorXf a = t.layers[std::size_t(layer)].a.row(unit);
  return std::vector<float>(a.data(), a.data() + a.size());
}

std::string plane_unit_name(const PlaneFacts& f, int layer, int unit) {
  return f.hidden_layers == 1 ? "h" + std::to_string(unit) : "h" + std::to_string(layer) + "." + std::to_string(unit);
}

// "−5.61 x1 − 5.13 x2 + 2.85"
static std::string linear_text(const std::vector<float>& w, const std::vector<std::string>& names, float bias) {
  std::string s;
  for (std::size_t i = 0; i < w.size(); ++i)
    s += (i == 0 ? signed_number(w[i]) : (w[i] < 0 ? " \u2212 " : " + ") + signed_number(std::abs(w[i]))) + " " + names[i];
  return s + (bias < 0 ? " \u2212 " : " + ") + signed_number(std::abs(bias));
}

Text plane_summary(const PlaneFacts& f) {
  Text t;
  for (const PlaneUnitFacts& u : f.units) {
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < u.weights.size(); ++i)
      inputs.push_back(u.layer == 0 ? "x" + std::to_string(i + 1) : plane_unit_name(f, u.layer - 1, int(i)));
    Paragraph p;
    p.push_back(Span{"Hidden unit " + plane_unit_name(f, u.layer, u.unit), Span::Style::Strong});
    p.push_back(Span{" computes " + std::string(activation_name(u.activation)) + "(" + linear_text(u.weights, inputs, u.bias) +
                     "). Its weighted input is positive on " + corners_text(u.pattern) + ": it acts like "});
    p.push_back(Span{boolean_name(u.pattern), Span::Style::Strong});
    p.push_back(Span{u.layer == 0 ? ", one side of a straight line across the plane." : "."});
    t.push_back(p);
  }
  Paragraph out;
  out.push_back(Span{"The output", Span::Style::Strong});
  out.push_back(Span{" answers 1 on " + corners_text(f.output_pattern) + ", that is "});
  out.push_back(Span{boolean_name(f.output_pattern), Span::Style::Strong});
  out.push_back(Span{f.solves_xor() ? ", so the network solves XOR: " + std::to_string(f.corners_right) + " of 4 corners right."
                                    : ", not XOR: " + std::to_string(f.corners_right) + " of 4 corners right."});
  t.push_back(out);
  Paragraph why;
  if (f.hidden_layers == 0)
    why.push_back(Span{"With no hidden layer the output is one straight line across the plane, and no single line can put "
                       "(0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other: such a network cannot learn XOR."});
  else if (f.solves_xor())
    why.push_back(Span{"Each first-layer unit draws one straight line across the plane and is on at one side of it. No single "
                       "line separates XOR's corners, but the layers after it combine the half-planes into the region between "
                       "the lines."});
  else
    why.push_back(Span{"Each first-layer unit draws one straight line across the plane. XOR needs the output to combine two "
                       "of them into the band between the lines; these weights do not (yet) do that."});
  t.push_back(why);
  return t;
}

}  // namespace lens
