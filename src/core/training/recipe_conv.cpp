#include "core/training/recipe_conv.h"

#include <algorithm>

#include "core/formats/bundle.h"
#include "core/training/recipe_fields.h"

namespace lens {

using nlohmann::json;

// Bounds that keep every product and map far inside what a bundle holds; the maps and the
// multiply-adds are checked against the bundle's own limits as the layers are read.
constexpr int kConvMaxChannels = 1024, kConvMaxSide = 28;

json conv_specs_to_json(const std::vector<ConvSpec>& specs) {
  json list = json::array();
  for (const ConvSpec& s : specs)
    list.push_back({{"channels", s.channels}, {"kernel", s.kernel}, {"stride", s.stride}, {"pad", s.pad}, {"pool", s.pool}});
  return list;
}

static Window conv_window(const ConvSpec& s) {
  Window w;
  w.kh = w.kw = s.kernel;
  w.sh = w.sw = s.stride;
  w.pt = w.pl = w.pb = w.pr = s.pad;
  return w;
}

static Pool conv_pool(const ConvSpec& s) {
  Pool p;
  if (s.pool < 2) return p;
  p.kind = PoolKind::Max;
  p.window.kh = p.window.kw = p.window.sh = p.window.sw = s.pool;
  return p;
}

// One entry's fields: known keys, integers in range ("channels" and "kernel" required).
static std::string conv_spec_read(const json& e, ConvSpec& s) {
  if (!e.is_object()) return "must be an object such as {\"channels\": 8, \"kernel\": 5, \"pool\": 2}";
  for (const auto& item : e.items())
    if (item.key() != "channels" && item.key() != "kernel" && item.key() != "stride" && item.key() != "pad" &&
        item.key() != "pool")
      return "unknown key \"" + item.key() + "\" (channels, kernel, stride, pad, pool)";
  for (const char* key : {"channels", "kernel"})
    if (!e.contains(key)) return std::string("needs \"") + key + "\"";
  RecipeFields r{e, ""};
  r.integer("channels", s.channels, 1, kConvMaxChannels);
  r.integer("kernel", s.kernel, 1, kConvMaxSide);
  r.integer("stride", s.stride, 1, kConvMaxSide);
  r.integer("pool", s.pool, 0, kConvMaxSide);
  if (r.error.empty()) r.integer("pad", s.pad, 0, s.kernel - 1);  // padding a whole kernel wide sees only zeros
  return r.error;
}

// The layer s makes over maps `in`: "" when its convolution and pooling fit them and a bundle
// holds its maps; `out` is what it gives and `macs` grows by its multiply-adds per image.
static std::string conv_spec_fits(const ConvSpec& s, const Shape3& in, Shape3& out, double& macs) {
  const Window w = conv_window(s);
  if (std::string why = window_problem(in, w); !why.empty()) return why;
  const Shape3 maps = window_output(in, w, s.channels);
  if (maps.size() > kBundleMaxUnits)
    return "its maps, " + std::to_string(maps.c) + "x" + std::to_string(maps.h) + "x" + std::to_string(maps.w) +
           ", have more than the " + std::to_string(kBundleMaxUnits) + " values a bundle holds";
  macs += double(maps.size()) * double(in.c) * double(s.kernel) * double(s.kernel);
  out = maps;
  const Pool p = conv_pool(s);
  if (p.kind == PoolKind::None) return "";
  if (std::string why = window_problem(maps, p.window); !why.empty()) return "pool " + std::to_string(s.pool) + ": " + why;
  out = window_output(maps, p.window, maps.c);
  return "";
}

std::string conv_specs_from_json(const json& v, std::vector<ConvSpec>& out) {
  if (!v.is_array() || v.empty() || v.size() > std::size_t(kConvRecipeMaxLayers))
    return "\"conv\" must be a list of 1 to " + std::to_string(kConvRecipeMaxLayers) + " layers";
  out.clear();
  Shape3 maps = kConvRecipeImage;
  double macs = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    ConvSpec s;
    std::string why = conv_spec_read(v[i], s);
    if (why.empty()) why = conv_spec_fits(s, maps, maps, macs);
    if (!why.empty()) return "\"conv\" layer " + std::to_string(i + 1) + ": " + why;
    out.push_back(s);
  }
  if (macs > kBundleMaxMultiplyAdds)
    return "\"conv\" layers take " + std::to_string(long(macs / 1e6)) + " million multiply-adds per image; a bundle holds at most " +
           std::to_string(long(kBundleMaxMultiplyAdds / 1e6)) + " million";
  return "";
}

std::vector<Layer> conv_layers_make(const std::vector<ConvSpec>& specs, Activation hidden) {
  std::vector<Layer> layers;
  Shape3 in = kConvRecipeImage;
  for (const ConvSpec& s : specs) {
    Layer d;
    d.kind = LayerKind::Conv;
    d.in = in;
    d.window = conv_window(s);
    d.pool = conv_pool(s);
    d.act = hidden;
    d.W = Eigen::MatrixXf::Zero(s.channels, in.c * s.kernel * s.kernel);
    d.b = Eigen::VectorXf::Zero(s.channels);
    in = d.out_shape();
    layers.push_back(std::move(d));
  }
  return layers;
}

Shape3 conv_spec_maps(const ConvSpec& s, const Shape3& in) { return window_output(in, conv_window(s), s.channels); }

std::vector<Shape3> conv_specs_shapes(const std::vector<ConvSpec>& specs) {  // shapes only: no weights allocated
  std::vector<Shape3> shapes = {kConvRecipeImage};
  double macs = 0;
  for (const ConvSpec& s : specs) {
    Shape3 out;
    conv_spec_fits(s, shapes.back(), out, macs);
    shapes.push_back(out);
  }
  return shapes;
}

}  // namespace lens
