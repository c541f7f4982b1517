#include "app/core/a11y.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "interpret/numbers.h"

namespace lens {

const char* a11y_role_name(A11yRole role) {
  switch (role) {
    case A11yRole::Button: return "button";
    case A11yRole::Tab: return "tab";
    case A11yRole::Switch: return "switch";
    case A11yRole::Slider: return "slider";
    case A11yRole::Number: return "number";
    case A11yRole::Combobox: return "combobox";
    case A11yRole::Option: return "option";
    case A11yRole::Heading: return "heading";
    case A11yRole::Text: return "text";
    case A11yRole::Image: return "image";
    case A11yRole::Status: return "status";
  }
  return "text";
}

static std::string id_base(A11yRole role, const std::string& name) { return std::string(a11y_role_name(role)) + ":" + name; }

std::string a11y_next_id(const A11yTree& t, A11yRole role, const std::string& name) {
  std::string base = id_base(role, name);
  const auto it = t.repeats.find(base);
  return it == t.repeats.end() ? base : base + "#" + std::to_string(it->second + 1);
}

const std::string& a11y_add(A11yTree& t, A11yNode n) {
  n.id = a11y_next_id(t, n.role, n.name);
  ++t.repeats[id_base(n.role, n.name)];
  t.nodes.push_back(std::move(n));
  return t.nodes.back().id;
}

const A11yNode* a11y_find(const A11yTree& t, const std::string& id) {
  for (const A11yNode& n : t.nodes)
    if (n.id == id) return &n;
  return nullptr;
}

// A tenth of a pixel: finer movement is no change worth a DOM update.
static double tenth(float v) { return std::round(double(v) * 10.0) / 10.0; }

std::string a11y_json(const A11yTree& t) {
  nlohmann::json out = nlohmann::json::array();
  for (const A11yNode& n : t.nodes) {
    nlohmann::json j = {{"id", n.id}, {"role", a11y_role_name(n.role)}, {"name", n.name},
                        {"rect", {tenth(n.x), tenth(n.y), tenth(n.w), tenth(n.h)}}};
    if (!n.value.empty()) j["value"] = n.value;
    if (n.state >= 0) j["state"] = n.state != 0;
    if (n.role == A11yRole::Slider || n.role == A11yRole::Number) j["now"] = n.now, j["min"] = n.min, j["max"] = n.max, j["step"] = n.step;
    if (n.role == A11yRole::Heading) j["level"] = n.level;
    if (n.offscreen) j["offscreen"] = true;
    if (!n.grid.empty()) j["grid"] = n.grid;
    out.push_back(std::move(j));
  }
  // Replacement, not an exception, for text that is not UTF-8 (a model's name from a file).
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void a11y_press(A11yPress& p, const A11yNode& n) {
  const float x = n.x + 0.5f * n.w, y = n.y + 0.5f * n.h;
  p.queued.push_back({true, false, true, x, y});  // hovered first: ImGui presses only an item under the pointer
  p.queued.push_back({true, true, true, x, y});
  p.queued.push_back({true, false, true, x, y});  // the release over the item is the click
  p.queued.push_back({true, false, false, 0, 0});  // then gone, so no tooltip opens where no pointer is
}

TouchPointer a11y_press_frame(A11yPress& p) {
  if (p.queued.empty()) return {};
  const TouchPointer f = p.queued.front();
  p.queued.erase(p.queued.begin());
  return f;
}

bool a11y_press_busy(const A11yPress& p) { return !p.queued.empty(); }

bool a11y_take_value(A11yInbox& in, const std::string& id, double* value) {
  for (std::size_t i = 0; i < in.values.size(); ++i) {
    if (in.values[i].id != id) continue;
    *value = in.values[i].value;
    in.values.erase(in.values.begin() + std::ptrdiff_t(i));
    return true;
  }
  return false;
}

std::string a11y_prediction_status(const Eigen::VectorXf& probs, bool blank) {
  if (blank) return "Nothing drawn yet.";
  if (probs.size() == 0) return "";
  Eigen::Index first = 0, second = -1;
  probs.maxCoeff(&first);
  for (Eigen::Index k = 0; k < probs.size(); ++k)
    if (k != first && (second < 0 || probs(k) > probs(second))) second = k;
  std::string s = "Predicted " + std::to_string(first) + ", " + pct(probs(first), 0) + ".";
  if (second >= 0) s += " Next: " + std::to_string(second) + ", " + pct(probs(second), 0) + ".";
  return s;
}

}  // namespace lens
