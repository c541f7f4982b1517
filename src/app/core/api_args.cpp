#include "app/core/api_args.h"

#include <cmath>
#include <cstdio>

#include "app/core/drawing.h"
#include "app/core/model_library.h"
#include "app/core/training_session.h"
#include "core/formats/bundle.h"
#include "core/constants.h"
#include "core/formats/json.h"
#include "interpret/units.h"

namespace lens {

static std::string number(float v) {
  if (!std::isfinite(v)) return "not a finite number";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", double(v));
  return buf;
}

// Every value finite and in [0, 1]; `what` names one value ("value", "coordinate").
static std::string check_unit_interval(const float* v, int n, const char* what) {
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(v[i]) || v[i] < 0.f || v[i] > 1.f)
      return std::string(what) + " " + std::to_string(i) + " is " + number(v[i]) + " (must be in [0, 1])";
  return "";
}

// Characters as a person counts them: UTF-8 bytes that start one.
static std::size_t utf8_characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string in_quotes(std::string_view value) {
  constexpr std::size_t kShown = 40;
  if (value.size() <= kShown) return "\"" + std::string(value) + "\"";
  return "\"" + std::string(value.substr(0, kShown)) + "...\" (" + std::to_string(value.size()) + " characters)";
}

Result<std::string> check_api_name(const char* what, std::string_view name) {
  using R = Result<std::string>;
  if (name.size() > kApiMaxNameChars)
    return R::fail(std::string(what) + " is " + std::to_string(name.size()) + " bytes long (at most " + std::to_string(kApiMaxNameChars) + ")");
  for (std::size_t i = 0; i < name.size(); ++i)
    if (static_cast<unsigned char>(name[i]) < 0x20 || name[i] == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", unsigned(static_cast<unsigned char>(name[i])));
      return R::fail(std::string(what) + " contains the control character " + code + " at position " + std::to_string(i) +
                     " (names hold printable characters only)");
    }
  return R::ok(std::string(name));
}

Result<int> check_model_id(const AppState& s, const std::string& id) {
  if (auto n = check_api_name("model id", id); !n) return Result<int>::fail(n.error);
  if (const int i = model_library_find(s, id); i >= 0) return Result<int>::ok(i);
  std::string known;
  for (const LoadedModel& m : s.models)
    if (!m.removed) known += (known.empty() ? "" : ", ") + m.bundle.info.id;
  return Result<int>::fail("unknown model id " + in_quotes(id) + " (known: " + known + ")");
}

Result<Tab> check_tab(const std::string& name) {
  if (auto n = check_api_name("tab", name); !n) return Result<Tab>::fail(n.error);
  Tab t;
  if (tab_from_name(name, t)) return Result<Tab>::ok(t);
  return Result<Tab>::fail("unknown tab " + in_quotes(name) + " (explore, neuron, outputs, network, train)");
}

Result<NeuronRef> check_neuron(const LoadedModel& m, int layer, int neuron) {
  const Mlp& net = m.bundle.net;
  const std::string& id = m.bundle.info.id;
  const int L = int(net.layers.size()), H = L - 1;
  if (layer < 0 || layer >= L)
    return Result<NeuronRef>::fail(
        "layer " + std::to_string(layer) + " does not exist in " + id + " (" +
        (H > 0 ? "hidden layers 0 to " + std::to_string(H - 1) + ", " : std::string("no hidden layers, ")) +
        "output layer " + std::to_string(H) + ")");
  const int U = layer_units(net.layers[std::size_t(layer)]);  // a convolutional layer's units are its channels
  const char* unit = net.layers[std::size_t(layer)].is_conv() ? "channel " : "neuron ";
  if (neuron < 0 || neuron >= U)
    return Result<NeuronRef>::fail(unit + std::to_string(neuron) + " does not exist in layer " + std::to_string(layer) +
                                   " of " + id + " (it has " + std::to_string(U) + ", numbered from 0)");
  return Result<NeuronRef>::ok({layer, neuron});
}

Result<NeuronRef> check_hidden_neuron(const LoadedModel& m, int layer, int neuron) {
  auto r = check_neuron(m, layer, neuron);
  const int H = int(m.bundle.net.layers.size()) - 1;
  if (r && layer == H)
    return Result<NeuronRef>::fail("layer " + std::to_string(layer) + " is the output layer of " + m.bundle.info.id +
                                   "; this needs a hidden neuron" + (H > 0 ? " (layers 0 to " + std::to_string(H - 1) + ")" : ""));
  return r;
}

Result<bool> check_image_model(const LoadedModel& m) {
  if (m.bundle.net.inputs() == kPixels) return Result<bool>::ok(true);
  return Result<bool>::fail("model " + m.bundle.info.id + " does not take an image (it has " +
                            std::to_string(m.bundle.net.inputs()) + " inputs)");
}

Result<Eigen::VectorXf> check_input(const LoadedModel& m, const float* values, int n) {
  const int I = m.bundle.net.inputs();
  if (n != I)
    return Result<Eigen::VectorXf>::fail("expected " + std::to_string(I) + " values for model " + m.bundle.info.id +
                                         ", got " + std::to_string(n));
  if (std::string e = check_unit_interval(values, n, "value"); !e.empty()) return Result<Eigen::VectorXf>::fail(e);
  return Result<Eigen::VectorXf>::ok(Eigen::Map<const Eigen::VectorXf>(values, n));
}

Result<int> check_samples(const LoadedModel& m, const float* v, long long count, int first) {
  const long long I = m.bundle.net.inputs();
  const std::string model = " for model " + m.bundle.info.id;
  if (first < 0 && count != I)
    return Result<int>::fail("expected " + std::to_string(I) + " values" + model + ", got " + std::to_string(count));
  if (first >= 0 && (count <= 0 || count % I != 0))
    return Result<int>::fail("expected a positive multiple of " + std::to_string(I) + " values (" + std::to_string(I) +
                             " per sample)" + model + ", got " + std::to_string(count));
  const int n = int(count / I);
  if (v)
    for (int j = 0; j < n; ++j)
      if (std::string e = check_unit_interval(v + I * j, int(I), "value"); !e.empty())
        return Result<int>::fail(first < 0 ? e : "sample " + std::to_string(first + j) + ", " + e);
  return Result<int>::ok(n);
}

Result<std::vector<float>> check_stroke(const LoadedModel& m, const float* xy, int n) {
  if (auto r = check_image_model(m); !r) return Result<std::vector<float>>::fail(r.error);
  if (n < 1) return Result<std::vector<float>>::fail("need at least one point");
  if (std::string e = check_unit_interval(xy, 2 * n, "coordinate"); !e.empty()) return Result<std::vector<float>>::fail(e);
  std::vector<float> pixels(std::size_t(2 * n));
  for (int i = 0; i < 2 * n; ++i) pixels[std::size_t(i)] = xy[i] * float(kCanvasSide);
  return Result<std::vector<float>>::ok(std::move(pixels));
}

Result<OnnxImportOptions> check_import_options(const std::string& text) {
  using R = Result<OnnxImportOptions>;
  OnnxImportOptions o;
  if (text.empty()) return R::ok(o);
  if (text.size() > kApiMaxOptionsChars)
    return R::fail("options are " + std::to_string(text.size()) + " characters long as JSON (at most " + std::to_string(kApiMaxOptionsChars) + ")");
  const auto parsed = json_parse(text);
  if (!parsed) return R::fail("options: " + parsed.error + "; they must be an object {name, normalize, accuracy}");
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return R::fail("options must be an object {name, normalize, accuracy}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "name" && it.key() != "normalize" && it.key() != "accuracy")
      return R::fail("unknown option " + in_quotes(it.key()) + " (name, normalize, accuracy)");
  if (j.contains("name")) {
    if (!j["name"].is_string() || j["name"].get<std::string>().empty() || utf8_characters(j["name"].get<std::string>()) > kImportMaxNameChars)
      return R::fail("options.name must be a string of 1 to " + std::to_string(kImportMaxNameChars) + " characters");
    o.name = j["name"].get<std::string>();
  }
  if (j.contains("normalize")) {
    const auto& n = j["normalize"];
    if (!n.is_array() || n.size() != 2 || !n[0].is_number() || !n[1].is_number())
      return R::fail("options.normalize must be [mean, std], e.g. [0.1307, 0.3081]");
    const double mean = n[0].get<double>(), sd = n[1].get<double>();
    if (!(std::abs(mean) <= kBundleMaxMagnitude) || !(sd >= kBundleMinNormStd && sd <= kBundleMaxMagnitude))
      return R::fail("options.normalize: mean must be within +-1e4 and std in [1e-4, 1e4]");
    o.norm = InputNorm{float(mean), float(sd)};
  }
  if (j.contains("accuracy")) {
    if (!j["accuracy"].is_number() || !(j["accuracy"].get<double>() >= 0 && j["accuracy"].get<double>() <= 1))
      return R::fail("options.accuracy must be a number in [0, 1] (the model's recorded test accuracy)");
    o.test_accuracy = j["accuracy"].get<double>();
  }
  return R::ok(o);
}

}  // namespace lens
