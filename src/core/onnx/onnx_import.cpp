#include "core/onnx/onnx_import.h"

#include "core/constants.h"
#include "core/formats/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace lens {

namespace {

using R = Result<Bundle>;

// Where the walk along the chain stands: what the next node may be.
enum class Stage { Input, Linear, Activated, Pooled, Final };
// How the value the chain carries holds one sample: a row of features, or maps in NCHW (what
// PyTorch writes) or NHWC (what converters of TensorFlow models write, with Transposes around
// each convolution).
enum class Layout { Flat, NCHW, NHWC };

struct Fold {
  const OnnxGraph& g;
  OnnxBudget budget;                         // what folding may still keep and compute
  std::map<std::string, OnnxTensor> folded;  // outputs of constant subgraphs (the graph's own stay in g)
  std::string cur;                           // the one value the chain carries
  Layout layout = Layout::Flat;
  Shape3 maps;                               // the image or maps (C, H, W) while not flat
  bool maps_known = false;                   // false while an input of unknown shape has not been given one
  bool flat_hwc = false;                     // flat features in H, W, C order (flattened from NHWC)
  std::int64_t width = -1;                   // flat features per sample; -1 while unknown
  std::int64_t batch = -1;                   // the input's fixed batch size; -1 when symbolic ("N")
  Window pad;                                // a Pad's zeros waiting for the convolution or pooling after it
  bool padded = false;
  Stage stage = Stage::Input;
  Mlp net;
  bool ended_in_softmax = false;

  const OnnxTensor* constant(const std::string& name) const {
    if (auto it = g.constants.find(name); it != g.constants.end()) return &it->second;
    auto it = folded.find(name);
    return it == folded.end() ? nullptr : &it->second;
  }
  int input_rank = 2;                        // of the graph's input
  int rank() const { return stage == Stage::Input ? input_rank : layout == Layout::Flat ? 2 : 4; }
  Layer* last() { return net.layers.empty() ? nullptr : &net.layers.back(); }
};

const char* const kChain =
    "supported: a chain of layers as torch.onnx.export writes for an MNIST MLP or convnet (Conv -> [BatchNormalization] "
    "-> activation -> [MaxPool/AveragePool] ..., Flatten/Reshape, Gemm or MatMul + Add -> activation ..., optional "
    "Softmax/LogSoftmax), or a converter's NHWC version of it";

std::string fail_at(const OnnxNode& n, std::size_t i, const std::string& why) {
  return "onnx: " + onnx_node_label(n, i) + ": " + why;
}

// Runs a node whose inputs are all constants (a converter's leftover arithmetic on weights).
// Its outputs are kept, so every fold books them, and its multiply-adds, against one budget
// for the whole import before it computes anything.
std::string fold_constant_node(Fold& f, const OnnxNode& n) {
  std::vector<const OnnxTensor*> in;
  for (const std::string& name : n.inputs) in.push_back(name.empty() ? nullptr : f.constant(name));
  auto r = onnx_node_run(n, f.g.opset, in, f.budget);
  if (!r) return "folding a node whose inputs are all constants: " + r.error;
  for (std::size_t k = 0; k < r->size() && k < n.outputs.size(); ++k)
    if (!n.outputs[k].empty()) f.folded[n.outputs[k]] = std::move((*r)[k]);
  return "";
}

// "a 2-D int64 tensor", "a 1-D float tensor", "a scalar float tensor".
std::string tensor_kind(const OnnxTensor& t) {
  const std::string rank = t.dims.empty() ? "scalar" : std::to_string(t.dims.size()) + "-D";
  return "a " + rank + " " + onnx_type_name(t.type) + " tensor";
}

std::string shape_text(const Shape3& s) {
  return std::to_string(s.c) + " x " + std::to_string(s.h) + " x " + std::to_string(s.w);
}

// A weight matrix from a constant: Gemm's B (transposed unless transB) or MatMul's B.
std::string dense_from(Fold& f, const OnnxTensor& B, bool b_is_out_by_in, float alpha, Layer& d) {
  if (B.is_int() || B.dims.size() != 2) return "the weight must be a 2-D float tensor, got " + tensor_kind(B);
  const std::int64_t O = b_is_out_by_in ? B.dims[0] : B.dims[1], I = b_is_out_by_in ? B.dims[1] : B.dims[0];
  if (f.width >= 0 && I != f.width)
    return "the weight takes " + std::to_string(I) + " inputs but the layer before gives " + std::to_string(f.width);
  if (O < 1 || I < 1 || O > kBundleMaxWidth || I > kBundleMaxWidth) return "a layer of " + std::to_string(O) + " x " + std::to_string(I) + " units";
  // Features flattened from NHWC maps come in H, W, C order; the network keeps C, H, W.
  const Shape3 m = f.maps;
  const bool hwc = f.flat_hwc && std::int64_t(m.size()) == I;
  d.W.resize(O, I);
  for (std::int64_t o = 0; o < O; ++o)
    for (std::int64_t i = 0; i < I; ++i) {
      const std::int64_t c = hwc ? i / m.plane() : 0, yx = hwc ? i % m.plane() : 0;
      const std::int64_t from = hwc ? yx * m.c + c : i;
      d.W(o, i) = alpha * B.values[std::size_t(b_is_out_by_in ? o * I + from : from * O + o)];
    }
  d.b = Eigen::VectorXf::Zero(O);
  return "";
}

// A bias of O values: shape [O], [1, O], or a scalar broadcast to every unit; for a convolution's
// channels also [O, 1, 1] and [1, O, 1, 1].
std::string add_bias(const OnnxTensor& c, float beta, Layer& d) {
  const std::size_t O = std::size_t(d.channels()), n = c.values.size();
  std::size_t ones = 0, big = 0;
  for (std::int64_t v : c.dims) (v == 1 ? ones : big) += 1;
  const bool row = n == O && (c.dims.size() <= 2 || d.is_conv()) && (big == 1 || O == 1) && c.dims.size() <= 4;
  if (c.is_int() || !(row || n == 1))
    return "the bias must be a float tensor of shape [" + std::to_string(O) + "] or [1, " + std::to_string(O) + "], got " +
           tensor_kind(c);
  for (std::size_t o = 0; o < O; ++o) d.b(Eigen::Index(o)) += beta * c.values[n == 1 ? 0 : o];
  return "";
}

// A Reshape the chain can take is a flatten: it keeps the batch and puts every feature of an
// image in one row. [-1, W] (Keras, x.view(-1, 784)), [0, -1] and [0, W] (0 copies the batch),
// or [B, -1] / [B, W] when B is the input's fixed batch size (a trace without dynamic axes).
// Anything else, [784, -1] for one, would mix images or features.
std::string reshape_is_flatten(const Fold& f, const OnnxNode& n, const std::vector<std::int64_t>& s) {
  const OnnxAttribute* allowzero = n.attribute("allowzero");
  const bool zero_copies = !allowzero || allowzero->i == 0;
  const bool keeps_batch = s.size() == 2 && (s[0] == -1 || (s[0] == 0 && zero_copies) || (f.batch >= 1 && s[0] == f.batch));
  const bool all_features = s.size() == 2 && (s[1] == -1 ? s[0] != -1 : s[1] > 0 && (f.width < 0 || s[1] == f.width));
  if (keeps_batch && all_features) return "";
  std::string shape = "[";
  for (std::size_t k = 0; k < s.size(); ++k) shape += (k ? ", " : "") + std::to_string(s[k]);
  const std::string w = f.width >= 0 ? std::to_string(f.width) : "W";
  return "Reshape to " + shape + "] is not a flatten of each image; supported: [-1, " + w + "], [0, -1] or [0, " + w + "]" +
         (f.batch >= 1 ? ", or [" + std::to_string(f.batch) + ", -1] for this input's fixed batch" : "");
}

// An input of unknown shape is taken for MNIST's one-channel 28 x 28 image when maps are needed.
void assume_mnist_image(Fold& f) {
  if (f.maps_known || (f.width >= 0 && f.width != kPixels)) return;
  f.maps = Shape3{1, 28, 28};
  f.maps_known = true;
  if (f.layout == Layout::Flat) f.layout = Layout::NCHW;
}

std::string take_flatten(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  if (f.layout == Layout::Flat && f.stage != Stage::Input) return op + " between dense layers; " + std::string(kChain);
  if (f.layout != Layout::Flat) {
    f.flat_hwc = f.layout == Layout::NHWC && f.maps.c > 1;  // one channel: NHWC and NCHW are the same bytes
    f.width = f.maps.size();
  }
  if (op == "Flatten") {
    const OnnxAttribute* a = n.attribute("axis");
    const std::int64_t axis = a ? a->i : 1;
    if (axis != 1 && axis != 1 - f.rank()) return "Flatten with axis " + std::to_string(axis) + "; supported: axis 1 (keep the batch)";
  } else {
    const OnnxTensor* shape = n.inputs.size() > 1 ? f.constant(n.inputs[1]) : nullptr;
    if (!shape || !shape->is_int()) return "Reshape to a shape computed at run time; supported: a constant shape such as [-1, 784]";
    if (std::string e = reshape_is_flatten(f, n, shape->ints); !e.empty()) return e;
    if (f.width < 0 && shape->ints[1] > 0) f.width = shape->ints[1];
  }
  f.layout = Layout::Flat;
  f.cur = n.outputs[0];
  return "";
}

// Transposes between NHWC and NCHW maps, as converters write around each convolution.
std::string take_transpose(Fold& f, const OnnxNode& n) {
  const OnnxAttribute* p = n.attribute("perm");
  const std::vector<std::int64_t> perm = p ? p->ints : std::vector<std::int64_t>{};
  const bool to_nchw = perm == std::vector<std::int64_t>{0, 3, 1, 2}, to_nhwc = perm == std::vector<std::int64_t>{0, 2, 3, 1};
  if (f.layout == Layout::Flat && !f.maps_known && f.stage == Stage::Input) {
    // an input of unknown shape: NHWC MNIST when it is turned to NCHW
    f.maps = Shape3{1, 28, 28}, f.maps_known = true, f.layout = Layout::NHWC;
  }
  if (to_nchw && f.layout == Layout::NHWC) f.layout = Layout::NCHW;
  else if (to_nhwc && f.layout == Layout::NCHW) f.layout = Layout::NHWC;
  else return "Transpose with perm " + (perm.empty() ? std::string("reversing the axes") : "[" + std::to_string(perm.size()) + " axes]") +
              " of a " + (f.layout == Layout::Flat ? "flat" : f.layout == Layout::NCHW ? "NCHW" : "NHWC") +
              " value; supported: [0, 3, 1, 2] (NHWC to NCHW) and [0, 2, 3, 1] (back)";
  f.cur = n.outputs[0];
  return "";
}

std::string take_gemm(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  if (f.layout != Layout::Flat) return "its input is 4-D; flatten the maps first (nn.Flatten())";
  if (n.inputs.size() < 2 || n.inputs[0] != f.cur) return "the data must be the first input (A); " + std::string(kChain);
  const OnnxTensor* B = f.constant(n.inputs[1]);
  if (!B) return "the weight '" + n.inputs[1] + "' is not a constant; " + kChain;
  const OnnxAttribute* ta = n.attribute("transA");
  if (ta && ta->i != 0) return "Gemm with transA = 1 (the batch along columns) is not supported";
  const OnnxAttribute* tb = n.attribute("transB");
  const OnnxAttribute* alpha = n.attribute("alpha");
  const OnnxAttribute* beta = n.attribute("beta");
  Layer d;
  if (std::string e = dense_from(f, *B, tb && tb->i != 0, alpha ? alpha->f : 1.f, d); !e.empty()) return e;
  if (op == "Gemm" && n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const OnnxTensor* C = f.constant(n.inputs[2]);
    if (!C) return "the bias '" + n.inputs[2] + "' is not a constant";
    if (std::string e = add_bias(*C, beta ? beta->f : 1.f, d); !e.empty()) return e;
  }
  if (f.net.layers.size() >= std::size_t(kBundleMaxLayers)) return "more than " + std::to_string(kBundleMaxLayers) + " layers";
  f.width = d.outputs();
  f.flat_hwc = false;
  f.net.layers.push_back(std::move(d));
  f.stage = Stage::Linear;
  f.cur = n.outputs[0];
  return "";
}

// A list attribute of exactly n integers, or the fallback when it is absent.
std::string ints_attr(const OnnxNode& n, const char* name, std::size_t count, std::vector<std::int64_t> fallback,
                      std::vector<std::int64_t>& out) {
  const OnnxAttribute* a = n.attribute(name);
  out = a ? a->ints : std::move(fallback);
  if (out.size() != count) return std::string("'") + name + "' has " + std::to_string(out.size()) + " values; 2-D needs " + std::to_string(count);
  for (std::int64_t v : out)
    if (v < 0 || v > kBundleMaxMapSide) return std::string("'") + name + "' holds " + std::to_string(v);
  return "";
}

// A convolution's or pooling's window from its attributes (kernel_shape, strides, dilations,
// pads, auto_pad, ceil_mode) over maps of shape `in`, with a waiting Pad's zeros added.
std::string window_from(Fold& f, const OnnxNode& n, int kh, int kw, const Shape3& in, Window& w) {
  std::vector<std::int64_t> k, s, d, p;
  if (std::string e = ints_attr(n, "kernel_shape", 2, {kh, kw}, k); !e.empty()) return e;
  if (std::string e = ints_attr(n, "strides", 2, {1, 1}, s); !e.empty()) return e;
  if (std::string e = ints_attr(n, "dilations", 2, {1, 1}, d); !e.empty()) return e;
  if (std::string e = ints_attr(n, "pads", 4, {0, 0, 0, 0}, p); !e.empty()) return e;
  if ((kh > 0 && k[0] != kh) || (kw > 0 && k[1] != kw)) return "kernel_shape does not match the weight's " + std::to_string(kh) + " x " + std::to_string(kw);
  w = Window{int(k[0]), int(k[1]), int(s[0]), int(s[1]), int(d[0]), int(d[1]), int(p[0]), int(p[1]), int(p[2]), int(p[3])};
  const OnnxAttribute* ceil = n.attribute("ceil_mode");
  w.ceil = ceil && ceil->i != 0;
  const OnnxAttribute* autopad = n.attribute("auto_pad");
  const std::string mode = autopad ? autopad->s : "NOTSET";
  if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    // the output keeps ceil(in / stride) positions; the odd cell of padding goes last (UPPER) or first
    auto same = [&](int size, int kernel, int stride, int dilation, int& begin, int& end) {
      const long long out = (size + stride - 1) / stride, span = (long long)(kernel - 1) * dilation + 1;
      const long long total = std::max<long long>(0, (out - 1) * stride + span - size);
      begin = int(mode == "SAME_UPPER" ? total / 2 : total - total / 2);
      end = int(total - begin);
    };
    same(in.h, w.kh, w.sh, w.dh, w.pt, w.pb);
    same(in.w, w.kw, w.sw, w.dw, w.pl, w.pr);
  } else if (mode == "VALID") {
    w.pt = w.pl = w.pb = w.pr = 0;
  } else if (mode != "NOTSET") {
    return "auto_pad '" + mode + "'; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER";
  }
  if (f.padded) {
    w.pt += f.pad.pt, w.pl += f.pad.pl, w.pb += f.pad.pb, w.pr += f.pad.pr;
    f.padded = false;
  }
  if (std::string e = window_problem(in, w); !e.empty()) return e;
  return "";
}

std::string take_conv(Fold& f, const OnnxNode& n) {
  if (f.stage == Stage::Input) assume_mnist_image(f);
  if (f.layout == Layout::NHWC) return "a convolution of NHWC maps; supported: NCHW (a converter's Transpose [0, 3, 1, 2] before it)";
  if (f.layout != Layout::NCHW) return "a convolution of flat features; supported: images [N, C, H, W]";
  if (n.inputs[0] != f.cur) return "the data must be the first input (X); " + std::string(kChain);
  const OnnxAttribute* group = n.attribute("group");
  if (group && group->i != 1) return "a grouped (or depthwise) convolution, group " + std::to_string(group->i) + "; supported: group 1";
  const OnnxTensor* W = f.constant(n.inputs[1]);
  if (!W) return "the weight '" + n.inputs[1] + "' is not a constant; " + kChain;
  if (W->is_int() || W->dims.size() != 4)
    return "the weight must be a 4-D float tensor [C_out, C_in, kh, kw], got " + tensor_kind(*W) + " (supported: 2-D convolutions)";
  const std::int64_t C = W->dims[0], Cin = W->dims[1], kh = W->dims[2], kw = W->dims[3];
  if (Cin != f.maps.c) return "the weight takes " + std::to_string(Cin) + " channels but its input has " + std::to_string(f.maps.c);
  if (C < 1 || C > kBundleMaxMapSide || kh < 1 || kw < 1 || kh > kBundleMaxMapSide || kw > kBundleMaxMapSide)
    return "a weight of shape [" + std::to_string(C) + ", " + std::to_string(Cin) + ", " + std::to_string(kh) + ", " + std::to_string(kw) + "]";
  Layer d;
  d.kind = LayerKind::Conv;
  d.in = f.maps;
  if (std::string e = window_from(f, n, int(kh), int(kw), f.maps, d.window); !e.empty()) return e;
  const std::int64_t K = Cin * kh * kw;
  if (K > kBundleMaxWidth) return "filters of " + std::to_string(K) + " taps (at most " + std::to_string(kBundleMaxWidth) + ")";
  d.W.resize(C, K);
  for (std::int64_t o = 0; o < C; ++o)  // [C_out, C_in, kh, kw] row-major: tap k = (c*kh + i)*kw + j
    for (std::int64_t k = 0; k < K; ++k) d.W(o, k) = W->values[std::size_t(o * K + k)];
  d.b = Eigen::VectorXf::Zero(C);
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const OnnxTensor* B = f.constant(n.inputs[2]);
    if (!B) return "the bias '" + n.inputs[2] + "' is not a constant";
    if (std::string e = add_bias(*B, 1.f, d); !e.empty()) return e;
  }
  if (f.net.layers.size() >= std::size_t(kBundleMaxLayers)) return "more than " + std::to_string(kBundleMaxLayers) + " layers";
  f.maps = d.out_shape();
  f.width = -1;
  f.net.layers.push_back(std::move(d));
  f.stage = Stage::Linear;
  f.cur = n.outputs[0];
  return "";
}

std::string take_pool(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  Layer* d = f.last();
  if (f.layout != Layout::NCHW) return op + " of " + (f.layout == Layout::NHWC ? "NHWC maps" : "flat features") + "; supported: NCHW maps";
  if (!d || !d->is_conv()) return op + " before any convolution; " + std::string(kChain);
  if (d->pool.kind != PoolKind::None || f.stage == Stage::Pooled) return "a second pooling after one convolution; " + std::string(kChain);
  if (n.outputs.size() > 1 && !n.outputs[1].empty()) return "MaxPool's Indices output is not supported";
  const OnnxAttribute* order = n.attribute("storage_order");
  if (order && order->i != 0) return "storage_order 1 is not supported";
  Pool pool;
  pool.kind = op == "MaxPool" ? PoolKind::Max : PoolKind::Average;
  const Shape3 maps = d->conv_shape();
  if (op == "GlobalAveragePool") {
    pool.window = Window{maps.h, maps.w, 1, 1};
    if (f.padded) return "a Pad before GlobalAveragePool";
  } else {
    if (!n.attribute("kernel_shape")) return op + " without kernel_shape";
    const bool pad_counts = f.padded;  // a Pad's zeros are values the average counts
    if (std::string e = window_from(f, n, 0, 0, maps, pool.window); !e.empty()) return e;
    const OnnxAttribute* cip = n.attribute("count_include_pad");
    pool.count_pad = (cip && cip->i != 0) || (pad_counts && pool.kind == PoolKind::Average);
    if (pad_counts && pool.kind == PoolKind::Max) return "a Pad of zeros before MaxPool (the zeros would compete); supported: MaxPool's own pads";
  }
  if (std::string e = window_problem(maps, pool.window); !e.empty()) return e;
  d->pool = pool;
  f.maps = d->out_shape();
  f.stage = Stage::Pooled;
  f.cur = n.outputs[0];
  return "";
}

// Pad with zeros (torch.onnx.export writes one before an AveragePool): none at all passes
// through; zeros around the maps go into the next convolution's or pooling's padding.
std::string take_pad(Fold& f, const OnnxNode& n) {
  const OnnxAttribute* mode = n.attribute("mode");
  if (mode && mode->s != "constant") return "Pad in mode '" + mode->s + "'; supported: constant zeros";
  std::vector<std::int64_t> pads;
  if (const OnnxAttribute* a = n.attribute("pads")) pads = a->ints;  // before opset 11
  else if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
    const OnnxTensor* t = f.constant(n.inputs[1]);
    if (!t || !t->is_int()) return "pads computed at run time; supported: constant pads";
    pads = t->ints;
  }
  float value = 0.f;
  if (const OnnxAttribute* v = n.attribute("value")) value = v->f;
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const OnnxTensor* t = f.constant(n.inputs[2]);
    if (!t || t->is_int() || t->values.size() != 1) return "a padding value computed at run time; supported: 0";
    value = t->values[0];
  }
  if (value != 0.f) return "Pad with " + onnx_number_text(value) + "; supported: zeros";
  bool none = true;
  for (std::int64_t p : pads) none = none && p == 0;
  if (none) {
    f.cur = n.outputs[0];
    return "";
  }
  if (f.layout != Layout::NCHW || pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5] || f.padded)
    return "Pad of anything but the height and width of NCHW maps";
  for (std::int64_t p : pads)
    if (p < 0 || p > kBundleMaxMapSide) return "Pad by " + std::to_string(p);
  f.pad = Window{};
  f.pad.pt = int(pads[2]), f.pad.pl = int(pads[3]), f.pad.pb = int(pads[6]), f.pad.pr = int(pads[7]);
  f.padded = true;
  f.cur = n.outputs[0];
  return "";
}

// Inference BatchNormalization: y = s (x - mean) + B with s = scale / sqrt(var + epsilon), per
// channel. Before the activation it folds into the layer's weights; after it, it is the layer's
// per-channel affine map.
std::string take_batchnorm(Fold& f, const OnnxNode& n) {
  Layer* d = f.last();
  if (!d || f.stage == Stage::Input) return "BatchNormalization of the input; " + std::string(kChain);
  const OnnxAttribute* training = n.attribute("training_mode");
  if (training && training->i != 0) return "BatchNormalization in training mode; export with model.eval()";
  if (n.outputs.size() > 1) return "BatchNormalization with its training outputs; export with model.eval()";
  const std::size_t C = std::size_t(d->channels());
  const OnnxTensor* t[4];
  for (int k = 0; k < 4; ++k) {
    t[k] = n.inputs.size() > std::size_t(k + 1) ? f.constant(n.inputs[std::size_t(k + 1)]) : nullptr;
    if (!t[k] || t[k]->is_int() || t[k]->values.size() != C)
      return "its scale, B, mean and var must be constants of " + std::to_string(C) + " floats (one per channel)";
  }
  const float eps = n.attribute("epsilon") ? n.attribute("epsilon")->f : 1e-5f;
  Eigen::VectorXf s(C), shift(C);
  for (std::size_t c = 0; c < C; ++c) {
    const double var = double(t[3]->values[c]) + double(eps);
    if (!(var > 0)) return "channel " + std::to_string(c) + " has variance + epsilon " + onnx_number_text(var) + " (must be positive)";
    s(Eigen::Index(c)) = float(double(t[0]->values[c]) / std::sqrt(var));
    shift(Eigen::Index(c)) = float(double(t[1]->values[c]) - double(s(Eigen::Index(c))) * double(t[2]->values[c]));
  }
  // The layer applies its affine map before its pooling: the same after a max pooling only for
  // rising scales, and after an average only where no padding's zeros were counted.
  if (d->pool.kind == PoolKind::Max && s.minCoeff() < 0)
    return "a BatchNormalization with a negative scale after max pooling (the pooling would have to take the minimum)";
  const Window& pw = d->pool.window;
  if (d->pool.kind == PoolKind::Average && d->pool.count_pad && (pw.pt || pw.pl || pw.pb || pw.pr))
    return "a BatchNormalization after an average pooling that counts its padding";
  const bool linear = d->act == Activation::Identity && !d->has_affine() && (f.stage == Stage::Linear || f.stage == Stage::Pooled);
  if (linear) {  // s (W x + b - mean) + B: scale each channel's weights
    for (Eigen::Index c = 0; c < Eigen::Index(C); ++c) {
      d->W.row(c) *= s(c);
      d->b(c) = d->b(c) * s(c) + shift(c);
    }
  } else if (d->has_affine()) {  // s2 (s1 a + t1) + t2
    d->shift = (d->shift.array() * s.array() + shift.array()).matrix();
    d->scale = (d->scale.array() * s.array()).matrix();
  } else {
    d->scale = s;
    d->shift = shift;
  }
  f.cur = n.outputs[0];
  return "";
}

std::string take_activation(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  Layer* d = f.last();
  const bool after_max_pool = f.stage == Stage::Pooled && d && d->pool.kind == PoolKind::Max && d->act == Activation::Identity &&
                              !d->has_affine();
  if (f.stage == Stage::Pooled && !after_max_pool)
    return op + " after " + (d && d->pool.kind == PoolKind::Average ? "average pooling" : "an activation and pooling") +
           "; supported: the activation before the pooling, or after a max pooling";
  if (f.stage != Stage::Linear && !after_max_pool) return op + " not right after a layer (Gemm, MatMul + Add or Conv); " + std::string(kChain);
  Activation act = op == "Relu" ? Activation::ReLU : op == "Sigmoid" ? Activation::Sigmoid
                 : op == "Tanh" ? Activation::Tanh : Activation::LeakyReLU;
  if (act == Activation::LeakyReLU) {
    const OnnxAttribute* a = n.attribute("alpha");
    d->slope = a ? a->f : 0.01f;
    if (!(std::abs(d->slope) <= 1e3f)) return "LeakyRelu with alpha " + onnx_number_text(d->slope) + " (at most 1000 in size)";
    // max pooling then the activation equals the activation then the pooling only for a rising one
    if (after_max_pool && d->slope < 0) return "LeakyRelu with a negative alpha after max pooling";
  }
  d->act = act;
  f.stage = after_max_pool ? Stage::Pooled : Stage::Activated;
  f.cur = n.outputs[0];
  return "";
}

std::string step(Fold& f, const OnnxNode& n) {
  const std::string& op = n.op;
  if (f.stage == Stage::Final && op != "Identity")
    return "comes after the final " + std::string(f.ended_in_softmax ? "Softmax" : "layer") + "; " + kChain;
  if (f.padded && op != "Conv" && op != "AveragePool" && op != "MaxPool")
    return "follows a Pad; supported: a Pad of zeros right before a Conv or AveragePool";
  if (op == "Identity" || op == "Dropout") {
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const OnnxTensor* mode = f.constant(n.inputs[2]);
      if (!mode || mode->count() != 1 || (mode->is_int() ? mode->ints[0] : mode->values[0]) != 0)
        return "Dropout in training mode is not supported; export with model.eval()";
    }
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Flatten" || op == "Reshape") return take_flatten(f, n);
  if (op == "Transpose") return take_transpose(f, n);
  if (op == "Gemm" || op == "MatMul") return take_gemm(f, n);
  if (op == "Conv") return take_conv(f, n);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return take_pool(f, n);
  if (op == "Pad") return take_pad(f, n);
  if (op == "BatchNormalization") return take_batchnorm(f, n);
  if (op == "Add") {
    if (f.stage != Stage::Linear) return "an Add that is not a layer's bias (it must follow Gemm, MatMul or Conv); " + std::string(kChain);
    const std::string& other = n.inputs[0] == f.cur ? n.inputs[1] : n.inputs[0];
    const OnnxTensor* c = f.constant(other);
    if (!c) return "adds '" + other + "', which is not a constant (a residual connection?); " + kChain;
    if (std::string e = add_bias(*c, 1.f, f.net.layers.back()); !e.empty()) return e;
    f.cur = n.outputs[0];
    return "";
  }
  if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh") return take_activation(f, n);
  if (op == "Softmax" || op == "LogSoftmax") {
    if (f.stage == Stage::Input) return op + " before any layer; " + kChain;
    if (f.layout != Layout::Flat) return op + " over maps; supported: over the class scores of a flat output";
    const OnnxAttribute* a = n.attribute("axis");
    const std::int64_t axis = a ? a->i : (f.g.opset >= 13 ? -1 : 1);
    if (axis != 1 && axis != -1) return op + " over axis " + std::to_string(axis) + "; supported: over the classes (axis 1 or -1)";
    f.ended_in_softmax = true;
    f.stage = Stage::Final;
    f.cur = n.outputs[0];
    return "";
  }
  return "operator " + op + " is not supported here; " + kChain;
}

std::string clean_text(const std::string& s, std::size_t max_bytes);

// A metadata value as a number: the whole text, finite ("0.3081xyz" is not 0.3081; core/formats/number_text.h).
bool metadata_number(const OnnxModel& m, const char* key, double& out, std::string& error) {
  const auto it = m.metadata.find(key);
  if (it == m.metadata.end()) return false;
  const auto v = number_from_text(key, it->second);
  if (v) out = *v;  // the message quotes the text cleaned: it comes from the file
  else error = std::string("onnx: metadata ") + key + " is '" + clean_text(it->second, 40) + "', not a number (the whole text must be one finite number, e.g. 0.3081)";
  return true;
}

InputNorm norm_from(const OnnxModel& m, const OnnxImportOptions& o, std::string& error) {
  if (o.norm) return *o.norm;
  InputNorm n;
  double mean = n.mean, sd = n.std;
  const bool has_mean = metadata_number(m, "lens.input_mean", mean, error);
  const bool has_std = metadata_number(m, "lens.input_std", sd, error);
  if (!error.empty() || !(has_mean || has_std)) return n;
  n.mean = float(mean), n.std = float(sd);
  if (!std::isfinite(n.mean) || !std::isfinite(n.std) || n.std <= 0)
    error = "onnx: metadata lens.input_mean / lens.input_std must be numbers, std positive";
  return n;
}

// Text from the file as valid UTF-8 of at most max_bytes (the bundle header is JSON, which
// must be UTF-8): malformed sequences and control characters become '?'. Found by fuzz_onnx.
std::string clean_text(const std::string& s, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && out.size() < max_bytes;) {
    const auto c = std::uint8_t(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (std::uint8_t(s[i + k]) & 0xc0) == 0x80;
    if (ok && n == 2) ok = c >= 0xc2;                                          // no overlong forms
    if (ok && n == 3) ok = !(c == 0xe0 && std::uint8_t(s[i + 1]) < 0xa0) &&   // overlong
                           !(c == 0xed && std::uint8_t(s[i + 1]) >= 0xa0);    // surrogates
    if (ok && n == 4) ok = c <= 0xf4 && !(c == 0xf0 && std::uint8_t(s[i + 1]) < 0x90) &&
                           !(c == 0xf4 && std::uint8_t(s[i + 1]) >= 0x90);    // beyond U+10FFFF
    if (ok && n == 1 && c < 0x20) ok = false;
    if (!ok) { out += '?'; ++i; continue; }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string display_name(const OnnxModel& m, const OnnxImportOptions& o) {
  // The graph names exporters write unless told otherwise (torch.onnx.export, tf2onnx) name the
  // exporter, not the model: every PyTorch export would be called "torch_jit".
  bool exporters = false;
  for (const char* name : {"torch_jit", "torch-jit-export", "main_graph", "tf2onnx"}) exporters = exporters || m.graph_name == name;
  if (!o.name.empty()) return clean_text(o.name, 200);
  if (auto it = m.metadata.find("lens.name"); it != m.metadata.end() && !it->second.empty()) return clean_text(it->second, 200);
  if (!m.graph_name.empty() && !exporters) return clean_text(m.graph_name, 200);
  return m.producer.empty() ? "ONNX model" : "ONNX model from " + clean_text(m.producer, 60);
}

// A URL-safe id from a display name: lower-case letters, digits, '-' and '_'.
std::string slug(const std::string& name) {
  std::string id;
  for (char c : name) {
    const char l = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_') id += l;
    else if (!id.empty() && id.back() != '-') id += '-';
    if (id.size() >= 48) break;
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id.empty() ? "onnx-model" : id;
}

// The graph input's shape: [N, 784] features, or an image [N, 1, 28, 28] (NCHW), [N, 28, 28, 1]
// (NHWC, one channel last) or [N, 28, 28]. Without a shape the first layer decides.
std::string take_input_shape(Fold& f, const OnnxValueInfo& in) {
  if (!in.has_shape) return "";
  const std::vector<std::int64_t>& d = in.dims;
  if (d.size() < 2)
    return "onnx: the input '" + in.name + "' is " + std::to_string(d.size()) + "-D; supported: [N, 784] or [N, 1, 28, 28]";
  f.batch = d[0];
  f.input_rank = int(d.size());
  std::int64_t w = 1;
  for (std::size_t k = 1; k < d.size(); ++k) w = d[k] < 0 || w < 0 ? -1 : w * d[k];
  f.width = w;
  auto side = [](std::int64_t v) { return v >= 1 && v <= kBundleMaxMapSide; };
  if (d.size() == 3 && side(d[1]) && side(d[2])) f.maps = Shape3{1, int(d[1]), int(d[2])}, f.layout = Layout::NCHW;
  if (d.size() == 4 && side(d[1]) && side(d[2]) && side(d[3])) {
    // channels last when the last axis is a handful and the middle ones are an image's sides
    const bool nhwc = d[3] <= 4 && d[1] > 4 && d[2] > 4;
    f.maps = nhwc ? Shape3{int(d[3]), int(d[1]), int(d[2])} : Shape3{int(d[1]), int(d[2]), int(d[3])};
    f.layout = nhwc ? Layout::NHWC : Layout::NCHW;
  }
  f.maps_known = f.layout != Layout::Flat;
  if (d.size() > 4) return "onnx: the input '" + in.name + "' is " + std::to_string(d.size()) + "-D; supported: [N, 784] or [N, 1, 28, 28]";
  return "";
}

}  // namespace

Result<Bundle> onnx_import_graph(const OnnxModel& m, const OnnxGraph& g, const OnnxImportOptions& o) {
  if (g.inputs.size() != 1) return R::fail("onnx: the graph has " + std::to_string(g.inputs.size()) + " inputs; supported: one (the image)");
  if (g.outputs.size() != 1) return R::fail("onnx: the graph has " + std::to_string(g.outputs.size()) + " outputs; supported: one (the class scores)");
  const OnnxValueInfo& in = g.inputs[0];
  Fold f{g, o.budget};
  f.cur = in.name;
  const std::uint64_t held = onnx_constants_bytes(g);
  f.budget.bytes = held < f.budget.bytes ? f.budget.bytes - held : 0;
  if (std::string e = take_input_shape(f, in); !e.empty()) return R::fail(e);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const OnnxNode& n = g.nodes[i];
    bool reads_cur = false, all_const = true;
    std::string stray;
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
      const std::string& name = n.inputs[k];
      if (name.empty()) continue;
      if (name == f.cur) reads_cur = true;
      else if (!f.constant(name)) stray = name;
      if (!f.constant(name)) all_const = false;
    }
    if (!stray.empty())
      return R::fail(fail_at(n, i, "reads '" + stray + "', a value off the main chain; " + kChain));
    if (!reads_cur && all_const) {
      if (std::string e = fold_constant_node(f, n); !e.empty()) return R::fail(fail_at(n, i, e));
      continue;
    }
    if (std::string e = step(f, n); !e.empty()) return R::fail(fail_at(n, i, e));
  }
  if (f.net.layers.empty()) return R::fail(std::string("onnx: the graph has no Gemm, MatMul or Conv layer; ") + kChain);
  if (f.layout != Layout::Flat) return R::fail(std::string("onnx: the graph ends in maps, not class scores; ") + kChain);
  if (f.cur != g.outputs[0].name)
    return R::fail("onnx: the graph's output '" + g.outputs[0].name + "' is not the end of the chain; " + kChain);
  // One sigmoid output (XOR-like) is the sigmoid head; a trailing softmax is the page's own.
  Layer& last = f.net.layers.back();
  if (!f.ended_in_softmax && last.outputs() == 1 && last.act == Activation::Sigmoid) {
    last.act = Activation::Identity;
    f.net.head = Head::Sigmoid;
  }
  std::string error;
  f.net.norm = norm_from(m, o, error);
  if (!error.empty()) return R::fail(error);

  Bundle b;
  b.info.name = display_name(m, o);
  b.info.id = o.id.empty() ? slug(b.info.name) : o.id;
  b.info.dataset = "mnist";
  b.info.notes = "Imported from ONNX (" + (m.producer.empty() ? std::string("unknown producer") : clean_text(m.producer, 60) + " " +
                 clean_text(m.producer_version, 30)) + ", opset " + std::to_string(g.opset) + ")" +
                 (f.ended_in_softmax ? "; the model's final softmax is the page's own" : "");
  if (o.test_accuracy) b.info.test_accuracy = *o.test_accuracy;
  else if (double acc = -1; metadata_number(m, "lens.test_accuracy", acc, error)) {
    if (error.empty() && !(acc >= 0 && acc <= 1))
      error = "onnx: metadata lens.test_accuracy is " + onnx_number_text(acc) + "; it must be in [0, 1]";
    if (!error.empty()) return R::fail(error);
    b.info.test_accuracy = acc;
  }
  b.net = std::move(f.net);
  // The bundle reader's checks (finite weights of sane magnitude, no overflow, id and sizes)
  // apply to imports too: round-trip through it.
  auto checked = bundle_read(bundle_write(b));
  if (!checked) return R::fail("onnx: the imported network is refused: " + checked.error);
  return checked;
}

Result<Bundle> onnx_import(const Bytes& bytes, const OnnxImportOptions& o) {
  auto m = onnx_model_parse(bytes);
  if (!m) return R::fail(m.error);
  auto g = onnx_graph_make(std::move(*m));  // the tensors move; the metadata stays in *m
  if (!g) return R::fail(g.error);
  return onnx_import_graph(*m, *g, o);
}

}  // namespace lens
