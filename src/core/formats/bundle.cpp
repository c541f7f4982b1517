#include "core/formats/bundle.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/constants.h"
#include "core/formats/crc32.h"
#include "core/formats/json.h"

namespace lens {

using nlohmann::json;
using R = Result<Bundle>;

static const std::uint8_t kMagic[8] = {0x89, 'L', 'E', 'N', 'S', 0x0D, 0x0A, 0x1A};
constexpr std::size_t kFixedHeader = 16;  // magic, version, header length
constexpr std::size_t kChecksumBytes = 4;


const char* bundle_kind_name(BundleKind k) { return k == BundleKind::Decoder ? "decoder" : "classifier"; }

// Whether a layer needs version 4's fields: a convolution, a leaky slope other than the default,
// or an affine map after the activation.
static bool needs_layers_v4(const Layer& d) {
  return d.is_conv() || d.has_affine() || (d.act == Activation::LeakyReLU && d.slope != kLeakySlope);
}

static std::uint32_t bundle_version(const Bundle& b) {
  for (const Layer& d : b.net.layers)
    if (needs_layers_v4(d)) return kBundleVersionLayers;
  if (b.info.kind != BundleKind::Classifier) return kBundleVersionKind;
  return b.net.norm.identity() ? kBundleVersionPlain : kBundleVersion;
}

static json pair(int a, int b) { return json::array({a, b}); }
static json window_json(const Window& w) {
  return {{"kernel", pair(w.kh, w.kw)}, {"stride", pair(w.sh, w.sw)}, {"dilation", pair(w.dh, w.dw)},
          {"pads", json::array({w.pt, w.pl, w.pb, w.pr})}};
}

static json layer_json(const Layer& d, bool v4) {
  json L = {{"inputs", d.inputs()}, {"outputs", d.outputs()}, {"activation", activation_name(d.act)}};
  if (!v4) return L;
  if (d.act == Activation::LeakyReLU) L["slope"] = d.slope;
  if (d.has_affine()) L["affine"] = true;
  if (!d.is_conv()) return L;
  L["kind"] = "conv";
  L["in"] = json::array({d.in.c, d.in.h, d.in.w});
  L["channels"] = d.channels();
  L.update(window_json(d.window));
  if (d.pool.kind != PoolKind::None) {
    json P = window_json(d.pool.window);
    P["kind"] = pool_kind_name(d.pool.kind);
    P["ceil"] = d.pool.window.ceil;
    P["count_pad"] = d.pool.count_pad;
    L["pool"] = P;
  }
  return L;
}

static json header_json(const Bundle& b) {
  const bool v4 = bundle_version(b) == kBundleVersionLayers;
  json layers = json::array();
  for (const Layer& d : b.net.layers) layers.push_back(layer_json(d, v4));
  json h = {{"format", "mnist-lens"}, {"version", bundle_version(b)}, {"id", b.info.id}, {"name", b.info.name},
            {"dataset", b.info.dataset}, {"layers", layers}, {"head", head_name(b.net.head)},
            {"seed", b.info.seed}, {"training", b.info.training}, {"notes", b.info.notes}};
  if (b.info.test_accuracy >= 0) h["test_accuracy"] = b.info.test_accuracy;
  if (b.info.kind != BundleKind::Classifier || v4) h["kind"] = bundle_kind_name(b.info.kind);
  if (!b.net.norm.identity()) h["input_norm"] = {{"mean", b.net.norm.mean}, {"std", b.net.norm.std}};
  return h;
}

Bytes bundle_write(const Bundle& b) {
  const std::string header = header_json(b).dump();
  Bytes out(kMagic, kMagic + 8);
  put_le_u32(out, bundle_version(b));
  put_le_u32(out, std::uint32_t(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  for (const Layer& d : b.net.layers) {
    for (Eigen::Index o = 0; o < d.W.rows(); ++o)  // row-major: each unit's (filter's) incoming weights together
      for (Eigen::Index i = 0; i < d.W.cols(); ++i) put_le_f32(out, d.W(o, i));
    for (Eigen::Index o = 0; o < d.b.size(); ++o) put_le_f32(out, d.b(o));
    for (const Eigen::VectorXf* v : {&d.scale, &d.shift})
      for (Eigen::Index o = 0; o < v->size(); ++o) put_le_f32(out, (*v)(o));
  }
  put_le_u32(out, crc32(out.data(), out.size()));
  return out;
}

bool bundle_id_valid(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

static std::string optional_string(const json& h, const char* key, std::string& out) {
  if (!h.contains(key)) return "";
  if (!h[key].is_string()) return std::string("header field \"") + key + "\" must be a string";
  out = h[key].get<std::string>();
  return "";
}

// A layer as its header describes it: everything but the numbers (W, b, scale and shift stay empty).
struct LayerShape {
  Layer layer;
  Eigen::Index rows = 0, cols = 0;  // of W; b has rows values, and scale and shift too when affine
  Eigen::Index inputs = 0, outputs = 0;
  bool affine = false;
  Activation act() const { return layer.act; }
  std::size_t parameters() const { return std::size_t(rows * cols + rows * (affine ? 3 : 1)); }
  Layer allocated() const {  // with zero numbers of the right sizes
    Layer d = layer;
    d.W = Eigen::MatrixXf::Zero(rows, cols);
    d.b = Eigen::VectorXf::Zero(rows);
    if (affine) d.scale = Eigen::VectorXf::Ones(rows), d.shift = Eigen::VectorXf::Zero(rows);
    return d;
  }
};

// Version 2's "input_norm": {"mean": m, "std": s}, both finite and sane.
static std::string parse_norm(const json& h, InputNorm& norm) {
  if (!h.contains("input_norm")) return "";
  const json& n = h["input_norm"];
  if (!n.is_object() || !n.contains("mean") || !n.contains("std") || !n["mean"].is_number() || !n["std"].is_number())
    return "header field \"input_norm\" must be {\"mean\": number, \"std\": number}";
  const double mean = n["mean"].get<double>(), std = n["std"].get<double>();
  if (!(std::fabs(mean) <= double(kBundleMaxMagnitude)) || !(std >= double(kBundleMinNormStd) && std <= double(kBundleMaxMagnitude)))
    return "header field \"input_norm\": mean must be within +-1e4 and std in [1e-4, 1e4] (got mean " + n["mean"].dump() +
           ", std " + n["std"].dump() + ")";
  norm.mean = float(mean);
  norm.std = float(std);
  return "";
}

// Version 3's "kind". A decoder turns a code into an image: its last layer must be a sigmoid
// (pixels in [0, 1]) and its code short.
static std::string parse_kind(const json& h, BundleInfo& info) {
  if (!h.contains("kind") || !h["kind"].is_string()) return "header field \"kind\" missing or not a string (version 3)";
  const std::string kind = h["kind"].get<std::string>();
  if (kind == "decoder") info.kind = BundleKind::Decoder;
  else if (kind == "classifier") info.kind = BundleKind::Classifier;
  else return "unknown kind \"" + kind + "\" (classifier or decoder)";
  return "";
}

static std::string check_decoder(const std::vector<LayerShape>& shapes) {
  if (shapes.front().inputs > kBundleMaxLatent)
    return "a decoder's code has " + std::to_string(shapes.front().inputs) + " numbers (at most " +
           std::to_string(kBundleMaxLatent) + ")";
  if (shapes.back().act() != Activation::Sigmoid) return "a decoder's last layer must be a sigmoid (pixels in [0, 1])";
  return "";
}

// An integer array of n entries within [lo, hi] at L[key], or the default when the key is absent.
static std::string int_list(const json& L, const char* key, std::size_t n, int lo, int hi, std::vector<int>& out) {
  if (!L.contains(key)) return "";
  const json& v = L[key];
  bool ok = v.is_array() && v.size() == n;
  for (std::size_t k = 0; ok && k < n; ++k) ok = v[k].is_number_integer() && v[k].get<std::int64_t>() >= lo && v[k].get<std::int64_t>() <= hi;
  if (!ok) return std::string("\"") + key + "\" must be " + std::to_string(n) + " integers from " + std::to_string(lo) + " to " + std::to_string(hi);
  for (std::size_t k = 0; k < n; ++k) out[k] = v[k].get<int>();
  return "";
}

// Version 4's kernel placement: "kernel", "stride", "dilation" (pairs) and "pads" (top, left, bottom, right).
static std::string parse_window(const json& L, Window& w) {
  std::vector<int> k = {0, 0}, s = {1, 1}, d = {1, 1}, p = {0, 0, 0, 0};
  if (!L.contains("kernel")) return "\"kernel\" missing";
  for (auto [key, n, lo, out] : {std::tuple<const char*, std::size_t, int, std::vector<int>*>{"kernel", 2, 1, &k},
                                  {"stride", 2, 1, &s}, {"dilation", 2, 1, &d}, {"pads", 4, 0, &p}})
    if (std::string e = int_list(L, key, n, lo, kBundleMaxMapSide, *out); !e.empty()) return e;
  w.kh = k[0], w.kw = k[1], w.sh = s[0], w.sw = s[1], w.dh = d[0], w.dw = d[1];
  w.pt = p[0], w.pl = p[1], w.pb = p[2], w.pr = p[3];
  return "";
}

static std::string parse_pool(const json& P, const Shape3& maps, Pool& pool) {
  if (!P.is_object()) return "\"pool\" must be an object";
  if (!P.contains("kind") || !P["kind"].is_string()) return "pool: \"kind\" missing or not a string";
  const std::string kind = P["kind"].get<std::string>();
  if (kind == "max") pool.kind = PoolKind::Max;
  else if (kind == "average") pool.kind = PoolKind::Average;
  else return "pool: unknown kind \"" + kind + "\" (max or average)";
  if (std::string e = parse_window(P, pool.window); !e.empty()) return "pool: " + e;
  for (auto [key, flag] : {std::pair<const char*, bool*>{"ceil", &pool.window.ceil}, {"count_pad", &pool.count_pad}}) {
    if (!P.contains(key)) continue;
    if (!P[key].is_boolean()) return std::string("pool: \"") + key + "\" must be true or false";
    *flag = P[key].get<bool>();
  }
  if (std::string e = window_problem(maps, pool.window); !e.empty()) return "pool: " + e;
  return "";
}

// Version 4's convolution: "in" [C, H, W], "channels", the window and an optional "pool".
static std::string parse_conv(const json& L, LayerShape& s) {
  Layer& d = s.layer;
  d.kind = LayerKind::Conv;
  std::vector<int> in = {0, 0, 0};
  if (!L.contains("in")) return "\"in\" missing (a convolution's input maps [C, H, W])";
  if (std::string e = int_list(L, "in", 3, 1, kBundleMaxMapSide, in); !e.empty()) return e;
  d.in = Shape3{in[0], in[1], in[2]};
  if (!L.contains("channels") || !L["channels"].is_number_integer() || L["channels"].get<std::int64_t>() < 1 ||
      L["channels"].get<std::int64_t>() > kBundleMaxMapSide)
    return "\"channels\" missing or not an integer from 1 to " + std::to_string(kBundleMaxMapSide);
  const int C = L["channels"].get<int>();
  if (std::string e = parse_window(L, d.window); !e.empty()) return e;
  if (std::string e = window_problem(d.in, d.window); !e.empty()) return e;
  s.rows = C;
  s.cols = Eigen::Index(d.in.c) * d.window.kh * d.window.kw;
  if (s.cols > kBundleMaxWidth) return "filters of " + std::to_string(s.cols) + " taps (at most " + std::to_string(kBundleMaxWidth) + ")";
  d.W.resize(C, 0);  // channels() and the shapes read W's rows; the numbers come later
  const Shape3 maps = window_output(d.in, d.window, C);
  if (L.contains("pool"))
    if (std::string e = parse_pool(L["pool"], maps, d.pool); !e.empty()) return e;
  if (double(maps.size()) > double(kBundleMaxUnits)) return "maps of " + std::to_string(maps.size()) + " values (at most " + std::to_string(kBundleMaxUnits) + ")";
  return "";
}

static std::string parse_layer(const json& L, std::uint32_t version, const std::string& where, LayerShape& s) {
  if (!L.is_object()) return where + ": not an object";
  for (const char* key : {"inputs", "outputs"})
    if (!L.contains(key) || !L[key].is_number_integer()) return where + ": \"" + key + "\" missing or not an integer";
  const std::int64_t I = L["inputs"].get<std::int64_t>(), O = L["outputs"].get<std::int64_t>();
  if (!L.contains("activation") || !L["activation"].is_string()) return where + ": \"activation\" missing or not a string";
  const auto act = activation_from_name(L["activation"].get<std::string>());
  if (!act) return where + ": unknown activation \"" + L["activation"].get<std::string>() + "\"";
  s.layer.act = *act;
  const bool conv = version >= kBundleVersionLayers && L.contains("kind");
  if (conv) {
    if (!L["kind"].is_string() || (L["kind"] != "conv" && L["kind"] != "dense")) return where + ": \"kind\" must be \"conv\" or \"dense\"";
    if (L["kind"] == "conv")
      if (std::string e = parse_conv(L, s); !e.empty()) return where + ": " + e;
  }
  if (!s.layer.is_conv()) {
    if (I < 1 || O < 1 || I > kBundleMaxWidth || O > kBundleMaxWidth)
      return "absurd size: " + where + " is " + std::to_string(O) + " x " + std::to_string(I) + " (each side 1.." +
             std::to_string(kBundleMaxWidth) + ")";
    s.rows = O, s.cols = I;
    s.layer.W.resize(O, 0);  // channels() reads W's rows; the numbers come later
  }
  s.inputs = s.layer.is_conv() ? s.layer.in.size() : I;
  s.outputs = s.layer.is_conv() ? s.layer.out_shape().size() : O;
  if (s.inputs != I || s.outputs != O)
    return "header/array size mismatch: " + where + " says " + std::to_string(I) + " inputs and " + std::to_string(O) +
           " outputs, its maps make " + std::to_string(s.inputs) + " and " + std::to_string(s.outputs);
  if (version >= kBundleVersionLayers && L.contains("slope")) {
    if (!L["slope"].is_number() || !(std::fabs(L["slope"].get<double>()) <= 1e3)) return where + ": \"slope\" must be a number within +-1000";
    s.layer.slope = L["slope"].get<float>();
  }
  if (version >= kBundleVersionLayers && L.contains("affine")) {
    if (!L["affine"].is_boolean()) return where + ": \"affine\" must be true or false";
    s.affine = L["affine"].get<bool>();
  }
  return "";
}

// Reads the JSON header into info, the head and the layer shapes. Nothing is
// allocated for the weights here: the file length is checked against the
// shapes first, so a short file cannot make the reader allocate 64 MB.
static std::string parse_header(const json& h, std::uint32_t version, BundleInfo& info, Head& head_out,
                                std::vector<LayerShape>& shapes) {
  if (!h.is_object()) return "bad JSON header: not an object";
  if (!h.contains("id") || !h["id"].is_string()) return "header field \"id\" missing or not a string";
  info.id = h["id"].get<std::string>();
  if (!bundle_id_valid(info.id)) return std::string("header field \"id\" must be ") + kBundleIdRule;
  info.name = info.id;
  for (auto [key, field] : {std::pair<const char*, std::string*>{"name", &info.name},
                             {"dataset", &info.dataset}, {"notes", &info.notes}})
    if (std::string e = optional_string(h, key, *field); !e.empty()) return e;
  if (info.name.empty()) info.name = info.id;
  if (h.contains("seed")) {
    if (!h["seed"].is_number_unsigned()) return "header field \"seed\" must be a non-negative integer";
    info.seed = h["seed"].get<std::uint64_t>();
  }
  if (h.contains("test_accuracy")) {
    if (!h["test_accuracy"].is_number()) return "header field \"test_accuracy\" must be a number";
    info.test_accuracy = h["test_accuracy"].get<double>();
    if (!(info.test_accuracy >= 0 && info.test_accuracy <= 1)) return "header field \"test_accuracy\" must be in [0, 1]";
  }
  if (h.contains("training")) {
    if (!h["training"].is_object()) return "header field \"training\" must be an object";
    info.training = h["training"];
  }
  head_out = Head::Softmax;
  if (h.contains("head")) {
    if (!h["head"].is_string()) return "header field \"head\" must be a string";
    const std::string head = h["head"].get<std::string>();
    if (head == "sigmoid") head_out = Head::Sigmoid;
    else if (head != "softmax") return "unknown head \"" + head + "\" (softmax or sigmoid)";
  }
  if (!h.contains("layers") || !h["layers"].is_array()) return "header field \"layers\" missing or not an array";
  const json& layers = h["layers"];
  if (layers.empty() || layers.size() > std::size_t(kBundleMaxLayers))
    return "absurd size: " + std::to_string(layers.size()) + " layers (1.." + std::to_string(kBundleMaxLayers) + " allowed)";
  std::size_t params = 0;
  double multiply_adds = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::string where = "layer " + std::to_string(l);
    LayerShape shape;
    if (std::string e = parse_layer(layers[l], version, where, shape); !e.empty()) return e;
    if (l > 0 && shape.inputs != shapes.back().outputs)
      return "header/array size mismatch: " + where + " takes " + std::to_string(shape.inputs) + " inputs but the layer before gives " +
             std::to_string(shapes.back().outputs);
    params += shape.parameters();
    if (params > kBundleMaxParameters) return "absurd size: more than " + std::to_string(kBundleMaxParameters) + " parameters";
    multiply_adds += double(shape.rows) * double(shape.cols) * double(shape.layer.is_conv() ? shape.layer.conv_shape().plane() : 1);
    if (multiply_adds > double(kBundleMaxMultiplyAdds))
      return "absurd size: layers 0 to " + std::to_string(l) + " take more than " +
             std::to_string(long(kBundleMaxMultiplyAdds / 1e6)) + " million multiply-adds per input";
    shapes.push_back(std::move(shape));
  }
  return "";
}

// Every weight and bias must be finite and of sane magnitude (false for NaN too).
static bool sane_parameter(float v) { return std::fabs(v) <= kBundleMaxMagnitude; }

// The error for a parameter that is not sane; what names it ("layer 1 weight 15 (unit 2, input 3)").
static std::string bad_parameter(float v, std::size_t layer, const std::string& what) {
  char value[32], limit[32];
  std::snprintf(value, sizeof value, "%.9g", double(v));
  std::snprintf(limit, sizeof limit, "%g", double(kBundleMaxMagnitude));
  if (!std::isfinite(v))
    return "bundle: layer " + std::to_string(layer) + " has NaN or infinite weights (" + what + " is " + value + ")";
  return "bundle: absurd value: " + what + " is " + value + " (every weight and bias must be within +-" + limit + ")";
}

std::string bundle_weights_problem(const Mlp& net) {
  for (const Layer& d : net.layers) {
    for (Eigen::Index i = 0; i < d.W.size(); ++i)
      if (!sane_parameter(d.W.data()[i])) return std::isfinite(d.W.data()[i]) ? "a weight grew past +-1e4" : "a weight became NaN or infinite";
    for (Eigen::Index i = 0; i < d.b.size(); ++i)
      if (!sane_parameter(d.b(i))) return std::isfinite(d.b(i)) ? "a bias grew past +-1e4" : "a bias became NaN or infinite";
    for (const Eigen::VectorXf* v : {&d.scale, &d.shift})
      for (Eigen::Index i = 0; i < v->size(); ++i)
        if (!sane_parameter((*v)(i))) return "a channel's scale or shift is NaN, infinite or beyond +-1e4";
  }
  if (!(mlp_magnitude_bound(net) <= kBundleMaxActivationBound)) return "the weights grew until a forward pass could overflow";
  return "";
}

Result<BundleShown> bundle_shown_as(const Bundle& b) {
  using RS = Result<BundleShown>;
  const Mlp& net = b.net;
  if (b.info.kind == BundleKind::Decoder)
    return RS::fail("\"" + b.info.id + "\" is a digit prior (a decoder that draws digits from a code), not a classifier to inspect");
  // A convnet's views read its channels, then dense units: its convolutions come first and its
  // output layer is dense (its votes are a dense layer's weights).
  bool dense_seen = false;
  for (const Layer& d : net.layers) {
    if (d.is_conv() && dense_seen)
      return RS::fail("shows convolutional networks whose convolutions all come before their dense layers; \"" + b.info.id +
                      "\" has a convolution after a dense layer");
    dense_seen = dense_seen || !d.is_conv();
  }
  if (!net.layers.empty() && net.layers.back().is_conv())
    return RS::fail("shows convolutional networks whose output layer is dense; \"" + b.info.id + "\" ends in a convolution");
  if (net.inputs() == 2 && net.outputs() == 1 && net.head == Head::Sigmoid) return RS::ok(BundleShown::Plane);
  const bool hidden = net.layers.size() >= 2;
  if (net.inputs() == kPixels && net.outputs() == kClasses && net.head == Head::Softmax && hidden) return RS::ok(BundleShown::Image);
  return RS::fail("shows models with 784 inputs, 10 softmax outputs and a hidden layer (MNIST), or 2 inputs and one "
                  "sigmoid output (like XOR); this one has " + std::to_string(net.inputs()) + " inputs and " +
                  std::to_string(net.outputs()) + " " + head_name(net.head) + " output" + (net.outputs() == 1 ? "" : "s") +
                  (hidden ? "" : ", and no hidden layer"));
}

static bool known_version(std::uint64_t v) { return v >= kBundleVersionPlain && v <= kBundleVersionLayers; }

// The model a header describes, up to its weights: info, head, input map and layer shapes.
static std::string parse_model(const json& h, std::uint32_t version, Bundle& out, std::vector<LayerShape>& shapes) {
  if (std::string e = parse_header(h, version, out.info, out.net.head, shapes); !e.empty()) return e;
  if (version >= 2)
    if (std::string e = parse_norm(h, out.net.norm); !e.empty()) return e;
  if (version >= 3) {
    if (std::string e = parse_kind(h, out.info); !e.empty()) return e;
    if (out.info.kind == BundleKind::Decoder)
      if (std::string e = check_decoder(shapes); !e.empty()) return e;
  }
  return "";
}

// The file's fixed header and its JSON header, checked; the JSON's length in header_len.
struct StoredHeader {
  std::uint32_t version = 0;
  std::size_t header_len = 0;
  json h;
  Bundle model;  // without weights
  std::vector<LayerShape> shapes;
};

static Result<StoredHeader> read_header(const Bytes& b) {
  using RH = Result<StoredHeader>;
  if (b.empty()) return RH::fail("bundle: empty file");
  if (b.size() < 8 || std::memcmp(b.data(), kMagic, std::min<std::size_t>(8, b.size())) != 0)
    return RH::fail(b.size() < 8 && std::memcmp(b.data(), kMagic, b.size()) == 0
                        ? "bundle: truncated (" + std::to_string(b.size()) + " bytes, shorter than the magic)"
                        : "bundle: bad magic (not a .lens weight bundle)");
  if (b.size() < kFixedHeader + kChecksumBytes)
    return RH::fail("bundle: truncated (" + std::to_string(b.size()) + " bytes, shorter than the fixed header)");
  StoredHeader out;
  out.version = get_le_u32(&b[8]);
  if (!known_version(out.version))
    return RH::fail("bundle: unsupported format version " + std::to_string(out.version) + " (this reader knows versions " +
                    std::to_string(kBundleVersionPlain) + " to " + std::to_string(kBundleVersionLayers) + ")");
  out.header_len = get_le_u32(&b[12]);
  if (out.header_len > kBundleMaxHeader)
    return RH::fail("bundle: absurd size: JSON header of " + std::to_string(out.header_len) + " bytes (limit 1 MiB)");
  if (b.size() < kFixedHeader + out.header_len + kChecksumBytes)
    return RH::fail("bundle: truncated (header says " + std::to_string(out.header_len) + " bytes of JSON, file has " +
                    std::to_string(b.size()) + " bytes in all)");
  auto parsed = json_parse(b.data() + kFixedHeader, b.data() + kFixedHeader + out.header_len);
  if (!parsed) return RH::fail("bundle: bad JSON header: " + parsed.error);
  out.h = std::move(*parsed);
  if (std::string e = parse_model(out.h, out.version, out.model, out.shapes); !e.empty()) return RH::fail("bundle: " + e);
  return RH::ok(std::move(out));
}

Result<json> bundle_header_read(const Bytes& bytes) {
  auto r = read_header(bytes);
  if (!r) return Result<json>::fail(r.error);
  return Result<json>::ok(std::move(r->h));
}

R bundle_from_header(const json& h) {
  if (!h.is_object() || !h.contains("version") || !h["version"].is_number_unsigned() ||
      !known_version(h["version"].get<std::uint64_t>()))
    return R::fail("bundle header: \"version\" missing or not a version this reader knows (" +
                   std::to_string(kBundleVersionPlain) + " to " + std::to_string(kBundleVersionLayers) + ")");
  Bundle out;
  std::vector<LayerShape> shapes;
  if (std::string e = parse_model(h, std::uint32_t(h["version"].get<std::uint64_t>()), out, shapes); !e.empty())
    return R::fail("bundle header: " + e);
  for (const LayerShape& s : shapes) out.net.layers.push_back(s.allocated());
  return R::ok(std::move(out));
}

R bundle_read(const Bytes& b) {
  auto header = read_header(b);
  if (!header) return R::fail(header.error);
  const std::size_t header_len = header->header_len;
  const std::vector<LayerShape>& shapes = header->shapes;
  Bundle out = std::move(header->model);

  std::size_t parameters = 0;
  for (const LayerShape& s : shapes) parameters += s.parameters();
  const std::size_t expected = kFixedHeader + header_len + 4 * parameters + kChecksumBytes;
  if (b.size() < expected)
    return R::fail("bundle: truncated (the header's layers need " + std::to_string(expected) + " bytes, file has " +
                   std::to_string(b.size()) + ")");
  if (b.size() > expected)
    return R::fail("bundle: header/array size mismatch (the header's layers need " + std::to_string(expected) +
                   " bytes, file has " + std::to_string(b.size()) + ")");
  const std::uint32_t stored = get_le_u32(&b[b.size() - 4]), actual = crc32(b.data(), b.size() - 4);
  if (stored != actual) return R::fail("bundle: bad checksum (the file is corrupted)");

  const std::uint8_t* p = &b[kFixedHeader + header_len];
  for (std::size_t l = 0; l < shapes.size(); ++l) {
    out.net.layers.push_back(shapes[l].layer);
    Layer& d = out.net.layers.back();
    d.W.resize(shapes[l].rows, shapes[l].cols);
    d.b.resize(shapes[l].rows);
    const std::string layer = "layer " + std::to_string(l);
    for (Eigen::Index o = 0; o < d.W.rows(); ++o)
      for (Eigen::Index i = 0; i < d.W.cols(); ++i, p += 4) {
        const float w = get_le_f32(p);
        if (!sane_parameter(w))
          return R::fail(bad_parameter(w, l, layer + " weight " + std::to_string(o * d.W.cols() + i) + " (unit " +
                                                 std::to_string(o) + ", input " + std::to_string(i) + ")"));
        d.W(o, i) = w;
      }
    for (Eigen::Index o = 0; o < d.b.size(); ++o, p += 4) {
      const float v = get_le_f32(p);
      if (!sane_parameter(v)) return R::fail(bad_parameter(v, l, layer + " bias " + std::to_string(o)));
      d.b(o) = v;
    }
    if (!shapes[l].affine) continue;
    for (auto [v, name] : {std::pair<Eigen::VectorXf*, const char*>{&d.scale, " scale "}, {&d.shift, " shift "}}) {
      v->resize(shapes[l].rows);
      for (Eigen::Index o = 0; o < v->size(); ++o, p += 4) {
        const float x = get_le_f32(p);
        if (!sane_parameter(x)) return R::fail(bad_parameter(x, l, layer + name + std::to_string(o)));
        (*v)(o) = x;
      }
    }
  }
  if (const double bound = mlp_magnitude_bound(out.net); !(bound <= kBundleMaxActivationBound)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "bundle: values could overflow: for pixels in [0, 1] a weighted input can reach %.1e, "
                  "beyond the %.0e this page accepts (weights too large for this depth)", bound, kBundleMaxActivationBound);
    return R::fail(buf);
  }
  return R::ok(std::move(out));
}

R bundle_load(const std::string& path) {
  // The longest file a valid bundle can be: refuse anything longer unread.
  auto bytes = file_read(path, kFixedHeader + kBundleMaxHeader + 4 * kBundleMaxParameters + kChecksumBytes);
  if (!bytes) return R::fail(bytes.error);
  auto r = bundle_read(*bytes);
  if (!r) return R::fail(path + ": " + r.error);
  return r;
}

Result<bool> bundle_save(const Bundle& bundle, const std::string& path) { return file_write(path, bundle_write(bundle)); }

}  // namespace lens
