#include "app/core/link.h"

#include <nlohmann/json.hpp>

#include "app/core/ink_code.h"
#include "core/formats/json.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <vector>

namespace lens {

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded, as the browser's decodeURIComponent does; nothing on a broken escape.
static std::optional<std::string> percent_decode(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '%') { out += v[i]; continue; }
    if (i + 2 >= v.size()) return std::nullopt;
    const int hi = hex_value(v[i + 1]), lo = hex_value(v[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += char(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Everything but letters, digits and -._~ escaped (model ids are already plain: [a-z0-9_-]).
static std::string percent_encode(std::string_view v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~';
    if (plain) out += char(c);
    else out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

// A layer or neuron number: decimal digits only, no sign or spaces. Huge numbers
// stop growing at kHuge (no layer or neuron has such a number).
constexpr long long kHuge = 1000000000000LL;
static std::optional<long long> parse_index(std::string_view v) {
  if (v.empty()) return std::nullopt;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min(kHuge, n * 10 + (c - '0'));
  }
  return n;
}

// A plain decimal number ("1", "1.5"): no sign, exponent, hex, inf or nan.
static std::optional<float> parse_decimal(std::string_view v) {
  const std::size_t dot = v.find('.');
  const std::string_view whole = v.substr(0, dot), frac = dot == std::string_view::npos ? "" : v.substr(dot + 1);
  auto digits = [](std::string_view d) {
    for (char c : d) if (c < '0' || c > '9') return false;
    return !d.empty() && d.size() <= 8;
  };
  if (!digits(whole) || (dot != std::string_view::npos && !digits(frac))) return std::nullopt;
  return std::strtof(std::string(v).c_str(), nullptr);
}

// Values by key, each given at most once.
struct HashFields {
  std::optional<std::string> model, tab, layer, neuron, theme, scale, help, recipe, ink, test, cls, off, embed;
  std::optional<std::string>* find(std::string_view key) {
    if (key == "ink") return &ink;
    if (key == "test") return &test;
    if (key == "class") return &cls;
    if (key == "off") return &off;
    if (key == "embed") return &embed;
    if (key == "model") return &model;
    if (key == "tab") return &tab;
    if (key == "layer") return &layer;
    if (key == "neuron") return &neuron;
    if (key == "theme") return &theme;
    if (key == "scale") return &scale;
    if (key == "help") return &help;
    if (key == "recipe") return &recipe;
    return nullptr;
  }
};

static HashFields split_fields(std::string_view text, std::vector<std::string>& errors) {
  HashFields f;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    const std::string_view key = part.substr(0, eq), raw = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    std::optional<std::string>* field = f.find(key);
    if (!field) { errors.push_back("unknown key " + in_quotes(key)); continue; }
    const auto value = percent_decode(raw);
    if (!value) { errors.push_back(std::string(key) + " " + in_quotes(raw) + " has a broken %-escape"); continue; }
    if (*field) { errors.push_back(std::string(key) + " is given twice"); continue; }
    *field = *value;
  }
  return f;
}

// ink, test, class and off: what is on the canvas and how the answer is taken apart.
static void parse_input_keys(const HashFields& f, const LoadedModel* model, Link& link, std::vector<std::string>& errors) {
  const bool image_model = model && model->bundle.net.inputs() == kPixels;
  if (f.ink && f.test) errors.push_back("ink and test both name the input (give one)");
  if (f.ink) {
    auto strokes = ink_decode(*f.ink);
    if (!strokes) errors.push_back("ink is not a drawing (" + strokes.error + ")");
    else if (model && !image_model) errors.push_back("ink is a drawing, but " + model->bundle.info.id + " does not take images");
    else link.ink = std::move(*strokes);
  }
  if (f.test) {
    const auto i = parse_index(*f.test);
    if (!i || *i >= kMnistTestDigits) errors.push_back("test " + in_quotes(*f.test) + " must be a test digit from 0 to 9999");
    else if (model && !image_model) errors.push_back("test names a digit, but " + model->bundle.info.id + " does not take images");
    else link.test_index = int(*i);
  }
  if (f.cls) {
    const auto c = parse_index(*f.cls);
    const long long outputs = model ? model->bundle.net.outputs() : 0;
    if (!c || (model && *c >= outputs))
      errors.push_back("class " + in_quotes(*f.cls) + " must be a class of the model, 0 to " + std::to_string(std::max(0LL, outputs - 1)));
    else link.explain_class = int(*c);
  }
  if (f.off && model) {
    std::vector<NeuronRef> off;
    std::string_view rest = *f.off;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const std::size_t dot = item.find('.');
      const auto L = parse_index(item.substr(0, dot));
      const auto N = dot == std::string_view::npos ? std::nullopt : parse_index(item.substr(dot + 1));
      if (!L || !N || *L > INT_MAX || *N > INT_MAX) {
        errors.push_back("off " + in_quotes(item) + " is not a layer.neuron pair (like 0.3)");
        return;
      }
      const auto r = check_hidden_neuron(*model, int(*L), int(*N));
      if (!r) { errors.push_back("off: " + r.error); return; }
      off.push_back(*r);
    }
    link.off = std::move(off);
  }
}

Result<Link> link_parse(const AppState& s, std::string_view hash) {
  if (hash.size() > kMaxLinkLength)
    return Result<Link>::fail("the link is " + std::to_string(hash.size()) + " characters long, more than the " +
                              std::to_string(kMaxLinkLength) + " a link may have");
  if (!hash.empty() && hash.front() == '#') hash.remove_prefix(1);
  std::vector<std::string> errors;
  const HashFields f = split_fields(hash, errors);
  Link link;

  const LoadedModel* model = s.model();  // the neuron is checked against the model the link shows
  if (f.model) {
    const auto i = check_model_id(s, *f.model);
    if (i) link.model = *i;
    else errors.push_back(i.error);
    model = i ? &s.models[std::size_t(*i)] : nullptr;
  }
  if (f.tab) {
    if (const auto t = check_tab(*f.tab)) link.tab = *t;
    else errors.push_back(t.error);
  }
  std::optional<long long> layer, neuron;
  for (auto [name, value, out] : {std::tuple{"layer", &f.layer, &layer}, std::tuple{"neuron", &f.neuron, &neuron}}) {
    if (!*value) continue;
    *out = parse_index(**value);
    if (!*out) errors.push_back(std::string(name) + " " + in_quotes(**value) + " is not a number");
  }
  const bool numbers_ok = (!f.layer || layer) && (!f.neuron || neuron);
  if (numbers_ok && (f.layer || f.neuron) && model) {
    // A neuron without a layer is in layer 0; a layer without a neuron selects nothing, but must exist.
    const long long L = layer.value_or(0), N = neuron.value_or(0);
    if (L > INT_MAX || N > INT_MAX) {
      errors.push_back(L > INT_MAX ? "layer " + in_quotes(*f.layer) + " does not exist in " + model->bundle.info.id
                                   : "neuron " + in_quotes(*f.neuron) + " does not exist in " + model->bundle.info.id);
    } else if (const auto r = check_hidden_neuron(*model, int(L), int(N)); !r) {
      errors.push_back(r.error);
    } else if (f.neuron) {
      link.neuron = *r;
    }
  }
  if (f.theme) {
    if (*f.theme == "dark" || *f.theme == "light" || *f.theme == "contrast") {
      link.dark = *f.theme == "dark";
      link.contrast = *f.theme == "contrast";
    } else {
      errors.push_back("theme " + in_quotes(*f.theme) + " must be dark, light or contrast");
    }
  }
  if (f.scale) {
    const auto v = parse_decimal(*f.scale);
    if (v && *v >= kMinScale && *v <= kMaxScale) link.scale = *v;
    else errors.push_back("scale " + in_quotes(*f.scale) + " must be a number from 1 to 3");
  }
  for (auto [name, value, out] : {std::tuple{"help", &f.help, &link.help}, std::tuple{"embed", &f.embed, &link.embed}}) {
    if (!*value) continue;
    if (**value == "0" || **value == "1") *out = **value == "1";
    else errors.push_back(std::string(name) + " " + in_quotes(**value) + " must be 0 or 1");
  }
  parse_input_keys(f, model, link, errors);

  if (f.recipe) {
    const auto j = json_parse(*f.recipe);
    if (!j) errors.push_back("recipe is not a JSON object (" + j.error + ")");
    else if (!j->is_object()) errors.push_back("recipe is not a JSON object");
    else if (auto r = train_request_from_recipe(*j)) link.recipe = std::move(*r);
    else errors.push_back(r.error);
  }

  if (!errors.empty()) {
    std::string all;
    for (const std::string& e : errors) all += (all.empty() ? "" : "; ") + e;
    return Result<Link>::fail(all);
  }
  if (link.neuron && !link.tab) link.tab = Tab::Neuron;
  if (link.recipe && !link.tab) link.tab = link.recipe->dataset == "xor" ? Tab::Explore : Tab::Train;
  return Result<Link>::ok(link);
}

void link_apply(AppState& s, const Link& link, double now_ms) {
  if (link.model >= 0) app_select_model(s, link.model, now_ms);  // clears the selection on a switch
  if (link.neuron) {
    s.sel_layer = link.neuron->layer;
    s.sel_unit = link.neuron->unit;
  }
  if (link.tab) s.tab = *link.tab;
  if (link.dark) s.dark = *link.dark;
  if (link.contrast) s.contrast = *link.contrast;
  if (link.scale) s.ui_scale = *link.scale;
  if (link.help) s.show_help = *link.help;
  if (link.embed) s.embed = *link.embed;
  if (s.embed) s.show_help = false;  // an embed shows no help (panel_page.cpp): none that Esc could not close
  if (link.off)
    for (const NeuronRef& n : *link.off) app_set_neuron_off(s, n.layer, n.unit, true);
  if (link.explain_class) {
    s.explain_class = *link.explain_class;
    s.live_dirty = true;
  }
  if (link.ink) {
    drawing_set_strokes(s.drawing, *link.ink);
    app_set_input_from_drawing(s);
  }
  if (link.test_index) app_show_test_digit(s, *link.test_index);  // fetched first if need be, then shown
  if (link.recipe) (link.recipe->dataset == "xor" ? s.xor_form : s.train_form) = link.recipe->config;
}

Result<Link> link_open(AppState& s, std::string_view hash, double now_ms) {
  auto link = link_parse(s, hash);
  if (!link) {
    notice_error(s.notice, "This link could not be opened (" + link.error + "), so the default view is shown.");
    return link;
  }
  link_apply(s, *link, now_ms);
  return link;
}

// The Train tab's recipe, short: only the keys that differ from lens-train's defaults.
static std::string compact_recipe(const TrainConfig& c, const char* dataset) {
  nlohmann::json r = train_config_to_json(c);
  const nlohmann::json defaults = train_config_to_json(TrainConfig{});
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (it.key() != "layers" && r.contains(it.key()) && r[it.key()] == it.value()) r.erase(it.key());
  r["dataset"] = dataset;
  return r.dump();
}

// Drawings longer than this stay out of the address bar (the link would be refused as too long).
constexpr std::size_t kMaxInkInLink = kMaxLinkLength - 1024;

// The input (drawing or test digit), the explained class and the switched-off neurons.
static std::string input_keys(const AppState& s) {
  std::string h;
  if (!s.is_image_model()) return h;
  if (s.source == InputSource::TestImage && s.test_index >= 0) h += "&test=" + std::to_string(s.test_index);
  else if (s.pending_test_index >= 0) h += "&test=" + std::to_string(s.pending_test_index);
  else if (s.source == InputSource::Drawing && !s.drawing.strokes.empty()) {
    const std::string ink = ink_encode(s.drawing.strokes);
    if (ink.size() <= kMaxInkInLink) h += "&ink=" + ink;
  }
  if (s.explain_class >= 0) h += "&class=" + std::to_string(s.explain_class);
  std::string off;
  for (const auto& [l, u] : app_neurons_off(s)) off += (off.empty() ? "" : ",") + std::to_string(l) + "." + std::to_string(u);
  if (!off.empty()) h += "&off=" + off;
  return h;
}

std::string link_format(const AppState& s) {
  if (!s.model()) return "";
  // A model trained in the page is gone after a reload: its link names the recipe instead.
  const bool trained_here = s.model()->path == "(trained in the page)";
  const bool xor_lesson = trained_here && s.model()->bundle.net.inputs() == 2;
  std::string h = xor_lesson     ? "#model=xor&tab=" + std::string(tab_name(s.tab))
                  : trained_here ? "#tab=" + std::string(tab_name(s.tab))
                                 : "#model=" + percent_encode(s.model()->bundle.info.id) + "&tab=" + tab_name(s.tab);
  if (xor_lesson) h += "&recipe=" + percent_encode(compact_recipe(s.xor_form, "xor"));
  else if (s.tab == Tab::Train || trained_here) h += "&recipe=" + percent_encode(compact_recipe(s.train_form, "mnist-subset"));
  if (s.sel_unit >= 0 && s.sel_layer >= 0 && s.sel_layer < s.hidden_layers())
    h += "&layer=" + std::to_string(s.sel_layer) + "&neuron=" + std::to_string(s.sel_unit);
  h += input_keys(s);
  if (s.contrast) h += "&theme=contrast";
  else if (!s.dark) h += "&theme=light";
  if (s.ui_scale != 1.f) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", double(s.ui_scale));  // 1.25, 1.5, 2: as short as it reads
    h += "&scale=" + std::string(scale);
  }
  if (s.embed) h += "&embed=1";
  return h;
}

}  // namespace lens
