#include "core/onnx/onnx_graph.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>

namespace lens {

const char* const kOnnxSupportedOps =
    "Gemm, MatMul (2-D), Add, Sub, Mul, Div, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, "
    "Dropout (inference), Flatten, Reshape, Transpose, Constant, Conv (2-D, group 1), MaxPool (2-D), AveragePool (2-D), "
    "GlobalAveragePool, BatchNormalization (inference), Pad (constant 0)";

using Dims = std::vector<std::int64_t>;
using Tensors = std::vector<OnnxTensor>;

std::string onnx_number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

std::string onnx_node_label(const OnnxNode& n, std::size_t index) {
  return "node '" + n.name + "' (#" + std::to_string(index) + ", " + n.op + ")";
}

namespace {

// What each supported operator takes: how many inputs (the first `required` may not be
// omitted), how many outputs, and the attributes it may carry with their kinds; any other
// attribute changes its meaning. (Gemm's "broadcast", opset 6 only, allowed C to broadcast, as
// every later opset does.)
struct OpSpec {
  std::size_t required, inputs, outputs;
  std::map<std::string, int> attributes;  // name -> OnnxAttributeType
};

const std::map<std::string, OpSpec>& known_ops() {
  constexpr int F = kOnnxAttrFloat, I = kOnnxAttrInt, S = kOnnxAttrString, Is = kOnnxAttrInts;
  static const std::map<std::string, OpSpec> ops = {
      {"Gemm", {2, 3, 1, {{"alpha", F}, {"beta", F}, {"transA", I}, {"transB", I}, {"broadcast", I}}}},
      {"MatMul", {2, 2, 1, {}}},
      {"Add", {2, 2, 1, {}}},
      {"Sub", {2, 2, 1, {}}},
      {"Mul", {2, 2, 1, {}}},
      {"Div", {2, 2, 1, {}}},
      {"Conv", {2, 3, 1, {{"auto_pad", S}, {"dilations", Is}, {"group", I}, {"kernel_shape", Is}, {"pads", Is}, {"strides", Is}}}},
      {"MaxPool", {1, 1, 2, {{"auto_pad", S}, {"ceil_mode", I}, {"dilations", Is}, {"kernel_shape", Is}, {"pads", Is},
                             {"storage_order", I}, {"strides", Is}}}},
      {"AveragePool", {1, 1, 1, {{"auto_pad", S}, {"ceil_mode", I}, {"count_include_pad", I}, {"kernel_shape", Is}, {"pads", Is},
                                 {"strides", Is}}}},
      {"GlobalAveragePool", {1, 1, 1, {}}},
      // Up to five outputs before opset 14 and three from it: all but Y only in training mode.
      {"BatchNormalization", {5, 5, 5, {{"epsilon", F}, {"momentum", F}, {"spatial", I}, {"is_test", I}, {"training_mode", I}}}},
      {"Transpose", {1, 1, 1, {{"perm", Is}}}},
      // Before opset 11 the pads and the value are attributes; from 11 on, inputs.
      {"Pad", {1, 3, 1, {{"mode", S}, {"pads", Is}, {"value", F}}}},
      {"Relu", {1, 1, 1, {}}},
      {"LeakyRelu", {1, 1, 1, {{"alpha", F}}}},
      {"Sigmoid", {1, 1, 1, {}}},
      {"Tanh", {1, 1, 1, {}}},
      {"Softmax", {1, 1, 1, {{"axis", I}}}},
      {"LogSoftmax", {1, 1, 1, {{"axis", I}}}},
      {"Identity", {1, 1, 1, {}}},
      {"Dropout", {1, 3, 2, {{"ratio", F}, {"seed", I}, {"is_test", I}}}},
      {"Flatten", {1, 1, 1, {{"axis", I}}}},
      {"Reshape", {2, 2, 1, {{"allowzero", I}}}},
      {"Constant", {0, 0, 1, {{"value", kOnnxAttrTensor}, {"value_float", F}, {"value_floats", kOnnxAttrFloats},
                              {"value_int", I}, {"value_ints", kOnnxAttrInts}}}}};
  return ops;
}

std::string count_text(std::size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// The node's inputs, outputs and attributes against its operator's spec.
std::string check_node(const OnnxNode& n, const OpSpec& spec) {
  if (n.inputs.size() < spec.required || n.inputs.size() > spec.inputs) {
    const std::string allowed = spec.required == spec.inputs ? std::to_string(spec.inputs)
                                : std::to_string(spec.required) + " to " + std::to_string(spec.inputs);
    return "has " + count_text(n.inputs.size(), "input") + "; " + n.op + " takes " + allowed;
  }
  for (std::size_t k = 0; k < spec.required; ++k)
    if (n.inputs[k].empty()) return "input " + std::to_string(k + 1) + " of " + n.op + " may not be omitted";
  if (n.outputs.empty() || n.outputs[0].empty()) return "has no output";
  if (n.outputs.size() > spec.outputs)
    return "has " + count_text(n.outputs.size(), "output") + "; " + n.op + " gives at most " + std::to_string(spec.outputs);
  for (const OnnxAttribute& a : n.attributes) {
    const auto it = spec.attributes.find(a.name);
    if (it == spec.attributes.end()) return "attribute '" + a.name + "' is not supported for " + n.op;
    if (a.type != it->second)
      return "attribute '" + a.name + "' of " + n.op + " must be " + onnx_attribute_type_name(it->second) + ", got " +
             onnx_attribute_type_name(a.type);
  }
  return "";
}

// "[2, 3, 4]"; a list longer than a shape (an attribute from the file) ends "..., (N values)".
std::string dims_text(const Dims& d) {
  constexpr std::size_t kShown = 8;
  std::string s = "[";
  for (std::size_t k = 0; k < d.size() && k < kShown; ++k) s += (k ? ", " : "") + std::to_string(d[k]);
  if (d.size() > kShown) s += ", ... (" + std::to_string(d.size()) + " values)";
  return s + "]";
}

float attr_f(const OnnxNode& n, const char* name, float fallback) {
  const OnnxAttribute* a = n.attribute(name);
  return a ? a->f : fallback;
}
std::int64_t attr_i(const OnnxNode& n, const char* name, std::int64_t fallback) {
  const OnnxAttribute* a = n.attribute(name);
  return a ? a->i : fallback;
}
std::string attr_s(const OnnxNode& n, const char* name, const char* fallback) {
  const OnnxAttribute* a = n.attribute(name);
  return a ? a->s : fallback;
}

// A string from the file, quoted for a message: printable ASCII, at most 40 characters.
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (std::size_t k = 0; k < s.size() && k < 40; ++k) q += s[k] >= 0x20 && s[k] < 0x7f ? s[k] : '?';
  return q + (s.size() > 40 ? "...'" : "'");
}

// What an operator's version in the model's opset does not have, and the modes the evaluator
// does not run: read from the node alone, so onnx_graph_make refuses such a node before any run
// (and the evaluator checks again, for a node that did not come through it).
std::string check_semantics(const OnnxNode& n, std::int64_t opset) {
  struct Span { const char *op, *attr; std::int64_t first, last; };
  static const Span spans[] = {
      {"MaxPool", "storage_order", 8, 99},        {"MaxPool", "ceil_mode", 10, 99},
      {"MaxPool", "dilations", 10, 99},           {"AveragePool", "count_include_pad", 7, 99},
      {"AveragePool", "ceil_mode", 10, 99},       {"BatchNormalization", "is_test", 0, 6},
      {"BatchNormalization", "spatial", 0, 8},    {"BatchNormalization", "training_mode", 14, 99},
      {"Pad", "pads", 0, 10},                     {"Pad", "value", 0, 10}};
  const std::string& op = n.op;
  for (const Span& s : spans)
    if (op == s.op && n.attribute(s.attr) && (opset < s.first || opset > s.last))
      return "attribute '" + std::string(s.attr) + "' of " + op + " is not in opset " + std::to_string(opset) + " (it exists " +
             (opset < s.first ? "from opset " + std::to_string(s.first) : "up to opset " + std::to_string(s.last)) + ")";
  auto has_output = [&](std::size_t k) { return k < n.outputs.size() && !n.outputs[k].empty(); };
  if (op == "Conv" && attr_i(n, "group", 1) != 1)
    return "group " + std::to_string(attr_i(n, "group", 1)) +
           ": depthwise and grouped convolutions are not supported; supported: group 1 (every filter sees every input channel)";
  if (op == "Conv" || op == "MaxPool" || op == "AveragePool") {
    const std::string mode = attr_s(n, "auto_pad", "NOTSET");
    if (mode != "NOTSET" && mode != "VALID" && mode != "SAME_UPPER" && mode != "SAME_LOWER")
      return "auto_pad " + quoted(mode) + " is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER";
    if (op != "Conv" && !n.attribute("kernel_shape")) return op + " needs the attribute kernel_shape";
  }
  if (op == "MaxPool" && has_output(1)) {
    if (opset < 8) return "MaxPool gives a second output (Indices) from opset 8; the model's opset is " + std::to_string(opset);
    if (attr_i(n, "storage_order", 0) != 0)
      return "MaxPool's Indices in column-major order (storage_order " + std::to_string(attr_i(n, "storage_order", 0)) +
             ") are not supported; supported: storage_order 0 (row-major)";
  }
  if (op == "BatchNormalization") {
    if (attr_i(n, "training_mode", 0) != 0)
      return "BatchNormalization in training mode (training_mode = 1: statistics of the batch) is not supported; "
             "export with model.eval()";
    if (opset <= 6 && attr_i(n, "is_test", 0) == 0)
      return "BatchNormalization with is_test = 0 (training mode in opset 6) is not supported; export with model.eval()";
    if (attr_i(n, "spatial", 1) != 1)
      return "BatchNormalization with spatial = 0 (statistics per activation) is not supported; supported: per channel";
    for (std::size_t k = 1; k < n.outputs.size(); ++k)
      if (has_output(k))
        return "BatchNormalization with running statistics as outputs (training mode) is not supported; export with model.eval()";
  }
  if (op == "Pad") {
    const std::string mode = attr_s(n, "mode", "constant");
    if (mode != "constant")
      return "Pad in mode " + quoted(mode) + " is not supported; supported: mode 'constant' with the value 0 "
             "(what torch.onnx.export writes before an AveragePool)";
    if (opset < 11) {
      if (n.inputs.size() > 1) return "Pad takes its pads as an attribute before opset 11, not as an input";
      if (!n.attribute("pads")) return "Pad needs the attribute pads before opset 11";
      if (const float v = attr_f(n, "value", 0.f); v != 0.f)
        return "Pad with the value " + onnx_number_text(v) + " is not supported; supported: 0";
    } else if (n.inputs.size() < 2 || n.inputs[1].empty()) {
      return "Pad takes its pads as its second input from opset 11";
    }
  }
  return "";
}

// A Constant's value, moved out of its attribute (a tensor may be up to 128 MB: never copied).
Result<OnnxTensor> constant_value(OnnxNode& n) {
  using R = Result<OnnxTensor>;
  auto find = [&](const char* name) -> OnnxAttribute* {
    for (OnnxAttribute& a : n.attributes)
      if (a.name == name) return &a;
    return nullptr;
  };
  OnnxTensor t;
  if (OnnxAttribute* a = find("value"); a && a->t.size() == 1) t = std::move(a->t.front());
  else if ((a = find("value_float"))) t.values = {a->f};
  else if ((a = find("value_floats"))) t.dims = {Dims::value_type(a->floats.size())}, t.values = std::move(a->floats);
  else if ((a = find("value_int"))) t.type = kOnnxInt64, t.ints = {a->i};
  else if ((a = find("value_ints"))) t.type = kOnnxInt64, t.dims = {Dims::value_type(a->ints.size())}, t.ints = std::move(a->ints);
  else return R::fail("a Constant without a tensor, float or int value (sparse and string constants are not supported)");
  return R::ok(std::move(t));
}

// Errors from one node's evaluation: the caller prefixes the node's label.
using Err = std::string;

// Sizes are 64-bit everywhere here: in wasm size_t has 32 bits, and [65536, 65537] would wrap
// to 65536 elements. Every dimension of a valid tensor is at most kOnnxMaxTensorElements (2^24),
// so a product checked at each step against that limit never overflows 64 bits.
Err elements_of(const Dims& d, std::uint64_t& n) {
  n = 1;
  for (std::int64_t v : d) {
    if (v < 0) return "shape " + dims_text(d) + " has a negative dimension";
    if (std::uint64_t(v) > kOnnxMaxTensorElements || (n *= std::uint64_t(v)) > kOnnxMaxTensorElements) {
      n = 1;
      bool exact = true;  // the true count, for the message, when it fits 64 bits
      for (std::int64_t w : d) exact = exact && !__builtin_mul_overflow(n, std::uint64_t(w), &n);
      return "shape " + dims_text(d) + " has " + (exact ? std::to_string(n) : std::string("over 2^64")) +
             " elements; a tensor holds at most " + std::to_string(kOnnxMaxTensorElements);
    }
  }
  return "";
}

// Books a node's output (and its multiply-adds) against the run's budget, before anything is
// allocated or computed; the output's shape must already be checked with elements_of.
struct Spend {
  OnnxBudget& budget;
  Err take(std::uint64_t elements, std::uint64_t each, std::uint64_t multiply_adds = 0) {
    const std::uint64_t bytes = elements * each;
    if (bytes > budget.bytes)
      return "its output (" + std::to_string(bytes) + " bytes) passes the budget for the tensors kept in one import or run (" +
             std::to_string(kOnnxMaxKeptBytes >> 20) + " MB in all; " + std::to_string(budget.bytes) + " bytes left)";
    if (multiply_adds > budget.multiply_adds)
      return "it needs " + std::to_string(multiply_adds) + " multiply-adds, past the budget of one import or run (" +
             std::to_string(kOnnxMaxMultiplyAdds) + " in all; " + std::to_string(budget.multiply_adds) + " left)";
    budget.bytes -= bytes;
    budget.multiply_adds -= multiply_adds;
    return "";
  }
};

Err need_float(const OnnxTensor& t, const char* what) {
  if (t.is_int()) return std::string(what) + " is " + onnx_type_name(t.type) + " (supported: float types)";
  return "";
}

Err unary(const OnnxNode& n, Spend& s, const OnnxTensor& x, OnnxTensor& y) {
  if (Err e = need_float(x, "the input"); !e.empty()) return e;
  if (Err e = s.take(x.values.size(), kOnnxFloatBytes); !e.empty()) return e;
  y.dims = x.dims;
  y.values.resize(x.values.size());
  const float alpha = attr_f(n, "alpha", 0.01f);
  for (std::size_t k = 0; k < x.values.size(); ++k) {
    const float v = x.values[k];
    if (n.op == "Relu") y.values[k] = v > 0.f ? v : 0.f;
    else if (n.op == "LeakyRelu") y.values[k] = v >= 0.f ? v : alpha * v;
    else if (n.op == "Sigmoid") y.values[k] = float(1.0 / (1.0 + std::exp(-double(v))));
    else if (n.op == "Tanh") y.values[k] = std::tanh(v);
    else y.values[k] = v;  // Identity, Dropout in inference
  }
  return "";
}

// numpy-style broadcasting of two shapes (aligned from the right).
Err broadcast_dims(const Dims& a, const Dims& b, Dims& out) {
  const std::size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (std::size_t k = 0; k < r; ++k) {
    const std::int64_t da = k < r - a.size() ? 1 : a[k - (r - a.size())];
    const std::int64_t db = k < r - b.size() ? 1 : b[k - (r - b.size())];
    if (da != db && da != 1 && db != 1) return "shapes " + dims_text(a) + " and " + dims_text(b) + " do not broadcast";
    out[k] = da == 1 ? db : da;
  }
  std::uint64_t n = 0;
  return elements_of(out, n);
}

// The strides of a tensor of shape d broadcast to out (aligned from the right): 0 along an axis
// it repeats. Offsets then advance by adding, not by recomputing from coordinates per element.
std::vector<std::uint64_t> broadcast_strides(const Dims& d, const Dims& out) {
  std::vector<std::uint64_t> strides(out.size(), 0);
  const std::size_t shift = out.size() - d.size();
  std::uint64_t step = 1;
  for (std::size_t k = d.size(); k-- > 0;) {
    if (d[k] != 1) strides[k + shift] = step;
    step *= std::uint64_t(d[k]);
  }
  return strides;
}

// Y = f(A, B), one row (the last axis) at a time; the coordinates of the other axes step like an
// odometer.
template <class F>
Err broadcast(Spend& s, const OnnxTensor& a, const OnnxTensor& b, OnnxTensor& y, F f) {
  if (Err e = need_float(a, "input A"); !e.empty()) return e;
  if (Err e = need_float(b, "input B"); !e.empty()) return e;
  if (Err e = broadcast_dims(a.dims, b.dims, y.dims); !e.empty()) return e;
  std::uint64_t n = 0;
  elements_of(y.dims, n);
  if (Err e = s.take(n, kOnnxFloatBytes); !e.empty()) return e;
  y.values.resize(std::size_t(n));
  if (n == 0) return "";
  if (y.dims.empty()) {  // two scalars
    y.values[0] = f(a.values[0], b.values[0]);
    return "";
  }
  const std::vector<std::uint64_t> sa = broadcast_strides(a.dims, y.dims), sb = broadcast_strides(b.dims, y.dims);
  const std::size_t last = y.dims.size() - 1;
  const std::uint64_t row = std::uint64_t(y.dims[last]);
  std::vector<std::uint64_t> coord(last, 0);
  std::uint64_t oa = 0, ob = 0;
  for (std::uint64_t k = 0; k < n; k += row) {
    for (std::uint64_t j = 0; j < row; ++j)
      y.values[std::size_t(k + j)] = f(a.values[std::size_t(oa + j * sa[last])], b.values[std::size_t(ob + j * sb[last])]);
    for (std::size_t i = last; i-- > 0;) {  // next row: the last of the other axes fastest
      oa += sa[i], ob += sb[i];
      if (++coord[i] < std::uint64_t(y.dims[i])) break;
      oa -= sa[i] * coord[i], ob -= sb[i] * coord[i];
      coord[i] = 0;
    }
  }
  return "";
}

Err arithmetic(const std::string& op, Spend& s, const OnnxTensor& a, const OnnxTensor& b, OnnxTensor& y) {
  if (op == "Add") return broadcast(s, a, b, y, [](float u, float v) { return u + v; });
  if (op == "Sub") return broadcast(s, a, b, y, [](float u, float v) { return u - v; });
  if (op == "Mul") return broadcast(s, a, b, y, [](float u, float v) { return u * v; });
  return broadcast(s, a, b, y, [](float u, float v) { return u / v; });  // Div: x / 0 is inf or nan, as in IEEE
}

// Y = alpha A' B' + beta C, A' = transA ? A^T : A (M,K), B' (K,N), C broadcast to (M,N).
Err gemm(const OnnxNode& n, Spend& s, const OnnxTensor& A, const OnnxTensor& B, const OnnxTensor* C, OnnxTensor& y) {
  if (Err e = need_float(A, "A"); !e.empty()) return e;
  if (Err e = need_float(B, "B"); !e.empty()) return e;
  if (A.dims.size() != 2 || B.dims.size() != 2)
    return "A " + dims_text(A.dims) + " and B " + dims_text(B.dims) + " must both be 2-D";
  const bool ta = attr_i(n, "transA", 0) != 0, tb = attr_i(n, "transB", 0) != 0;
  const std::uint64_t M = std::uint64_t(A.dims[ta ? 1 : 0]), K = std::uint64_t(A.dims[ta ? 0 : 1]);
  const std::uint64_t K2 = std::uint64_t(B.dims[tb ? 1 : 0]), N = std::uint64_t(B.dims[tb ? 0 : 1]);
  if (K != K2) return "A' is " + std::to_string(M) + "x" + std::to_string(K) + " but B' has " + std::to_string(K2) + " rows";
  const Dims out = {std::int64_t(M), std::int64_t(N)};
  std::uint64_t mn = 0;
  if (Err e = elements_of(out, mn); !e.empty()) return "the result: " + e;
  const double alpha = attr_f(n, "alpha", 1.f), beta = attr_f(n, "beta", 1.f);
  if (C) {
    if (Err e = need_float(*C, "C"); !e.empty()) return e;
    Dims cd;
    if (C->dims.size() > 2 || !broadcast_dims(C->dims, out, cd).empty() || cd != out)
      return "C " + dims_text(C->dims) + " does not broadcast to " + dims_text(out);
  }
  if (Err e = s.take(mn, kOnnxFloatBytes, mn * K); !e.empty()) return e;  // mn, K <= 2^24: no overflow
  y.dims = out;
  y.values.assign(std::size_t(mn), 0.f);
  const std::vector<std::uint64_t> sc = C ? broadcast_strides(C->dims, out) : std::vector<std::uint64_t>{0, 0};
  for (std::uint64_t m = 0; m < M; ++m)
    for (std::uint64_t j = 0; j < N; ++j) {
      double sum = 0;
      for (std::uint64_t k = 0; k < K; ++k)
        sum += double(A.values[std::size_t(ta ? k * M + m : m * K + k)]) * double(B.values[std::size_t(tb ? j * K + k : k * N + j)]);
      sum *= alpha;
      if (C) sum += beta * double(C->values[std::size_t(m * sc[0] + j * sc[1])]);
      y.values[std::size_t(m * N + j)] = float(sum);
    }
  return "";
}

Err softmax(const OnnxNode& n, Spend& s, std::int64_t opset, const OnnxTensor& x, OnnxTensor& y) {
  if (Err e = need_float(x, "the input"); !e.empty()) return e;
  const std::int64_t r = std::int64_t(x.dims.size());
  std::int64_t axis = attr_i(n, "axis", opset >= 13 ? -1 : 1);
  if (axis < -r || axis >= std::max<std::int64_t>(r, 1)) return "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r);
  if (axis < 0) axis += r;
  if (Err e = s.take(x.values.size(), kOnnxFloatBytes); !e.empty()) return e;
  // Before opset 13 the input is coerced to 2-D at axis and normalized over the second
  // dimension; from 13 on along the one axis. outer * len * inner is the input's count.
  std::uint64_t outer = 1, len = 1, inner = 1;
  for (std::int64_t k = 0; k < r; ++k) {
    const std::uint64_t d = std::uint64_t(x.dims[std::size_t(k)]);
    if (k < axis) outer *= d;
    else if (k == axis || opset < 13) len *= d;
    else inner *= d;
  }
  y.dims = x.dims;
  y.values.resize(x.values.size());
  const bool log = n.op == "LogSoftmax";
  for (std::uint64_t o = 0; o < outer; ++o)
    for (std::uint64_t i = 0; i < inner; ++i) {
      auto at = [&](std::uint64_t k) { return std::size_t((o * len + k) * inner + i); };
      double mx = -INFINITY, sum = 0;
      for (std::uint64_t k = 0; k < len; ++k) mx = std::max(mx, double(x.values[at(k)]));
      for (std::uint64_t k = 0; k < len; ++k) sum += std::exp(double(x.values[at(k)]) - mx);
      for (std::uint64_t k = 0; k < len; ++k) {
        const double z = double(x.values[at(k)]) - mx;
        y.values[at(k)] = float(log ? z - std::log(sum) : std::exp(z) / sum);
      }
    }
  return "";
}

// A copy of x with other dims (Flatten, Reshape, Identity-like): booked like any output.
Err relabel(Spend& s, const OnnxTensor& x, const Dims& dims, OnnxTensor& y) {
  if (Err e = s.take(x.count(), x.is_int() ? kOnnxIntBytes : kOnnxFloatBytes); !e.empty()) return e;
  y = x;
  y.name.clear();
  y.dims = dims;
  return "";
}

Err flatten(const OnnxNode& n, Spend& s, const OnnxTensor& x, OnnxTensor& y) {
  const std::int64_t r = std::int64_t(x.dims.size());
  std::int64_t axis = attr_i(n, "axis", 1);
  if (axis < -r || axis > r) return "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r);
  if (axis < 0) axis += r;
  std::int64_t rows = 1, cols = 1;  // each at most the input's count
  for (std::int64_t k = 0; k < r; ++k) (k < axis ? rows : cols) *= x.dims[std::size_t(k)];
  return relabel(s, x, {rows, cols}, y);
}

Err reshape(const OnnxNode& n, Spend& s, const OnnxTensor& x, const OnnxTensor& shape, OnnxTensor& y) {
  if (!shape.is_int() || shape.dims.size() != 1) return "the shape input must be a 1-D int64 tensor";
  if (shape.ints.size() > kOnnxMaxRank)
    return "shape " + dims_text(shape.ints) + " has more than " + std::to_string(kOnnxMaxRank) + " dimensions";
  const bool allowzero = attr_i(n, "allowzero", 0) != 0;
  Dims out;
  int infer = -1;
  std::uint64_t known = 1;  // 64-bit: [65536, 65537] must not wrap to 65536 in wasm
  for (std::size_t k = 0; k < shape.ints.size(); ++k) {
    std::int64_t d = shape.ints[k];
    if (d == 0 && !allowzero) {
      if (k >= x.dims.size()) return "shape " + dims_text(shape.ints) + " copies dimension " + std::to_string(k) + " the input lacks";
      d = x.dims[k];
    }
    if (d == -1) {
      if (infer >= 0) return "shape " + dims_text(shape.ints) + " has more than one -1";
      infer = int(k);
    } else if (d < 0 || std::uint64_t(d) > kOnnxMaxTensorElements || (known *= std::uint64_t(d)) > kOnnxMaxTensorElements) {
      return "cannot reshape " + dims_text(x.dims) + " (" + std::to_string(x.count()) + " values) to " + dims_text(shape.ints);
    }
    out.push_back(d);
  }
  const std::uint64_t count = x.count();
  if (infer >= 0) {
    if (known == 0 || count % known) return "cannot reshape " + dims_text(x.dims) + " to " + dims_text(shape.ints);
    out[std::size_t(infer)] = std::int64_t(count / known);
  } else if (known != count) {
    return "cannot reshape " + dims_text(x.dims) + " (" + std::to_string(count) + " values) to " + dims_text(out);
  }
  return relabel(s, x, out, y);
}

Err dropout(Spend& s, const std::vector<const OnnxTensor*>& in, Tensors& out) {
  const OnnxTensor* mode = in.size() > 2 ? in[2] : nullptr;
  if (mode && (mode->count() != 1 || (mode->is_int() ? mode->ints[0] : mode->values[0]) != 0))
    return "Dropout in training mode (random masks) is not supported; export the model in inference mode (model.eval())";
  if (Err e = need_float(*in[0], "the input"); !e.empty()) return e;
  if (Err e = relabel(s, *in[0], in[0]->dims, out[0]); !e.empty()) return e;
  if (out.size() > 1) {  // the mask: every element kept
    if (Err e = s.take(in[0]->count(), kOnnxFloatBytes); !e.empty()) return e;
    out[1].type = kOnnxBool;
    out[1].dims = in[0]->dims;
    out[1].values.assign(in[0]->count(), 1.f);
  }
  return "";
}

// ---- Images: Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization ----

// "Conv on a 3-D input [2, 4, 10] ([N, C, L]); supported: images [N, C, H, W]"
Err need_image(const OnnxNode& n, const Dims& x) {
  if (x.size() == 4) return "";
  const char* names = x.size() == 3 ? " ([N, C, L])" : x.size() == 5 ? " ([N, C, D, H, W])" : "";
  return n.op + " on a " + std::to_string(x.size()) + "-D input " + dims_text(x) + names + "; supported: images [N, C, H, W]";
}

// A list attribute of `len` values, each from lo to 2^24, into out; `fallback` for each when the
// attribute is absent.
Err window_list(const OnnxNode& n, const char* name, std::size_t len, std::int64_t lo, std::int64_t fallback, std::int64_t* out) {
  for (std::size_t k = 0; k < len; ++k) out[k] = fallback;
  const OnnxAttribute* a = n.attribute(name);
  if (!a) return "";
  if (a->ints.size() != len)
    return std::string(name) + " " + dims_text(a->ints) + " has " + count_text(a->ints.size(), "value") + "; a 2-D " + n.op +
           " takes " + std::to_string(len);
  for (std::size_t k = 0; k < len; ++k) {
    if (a->ints[k] < lo || std::uint64_t(a->ints[k]) > kOnnxMaxTensorElements)
      return std::string(name) + " " + dims_text(a->ints) + ": each must be from " + std::to_string(lo) + " to " +
             std::to_string(kOnnxMaxTensorElements);
    out[k] = a->ints[k];
  }
  return "";
}

Err window_2d(const OnnxNode& n, const Dims& x, const Dims* w, OnnxWindow2d& win) {
  if (Err e = need_image(n, x); !e.empty()) return e;
  if (Err e = window_list(n, "kernel_shape", 2, 1, 1, win.kernel); !e.empty()) return e;
  if (w) {  // a Conv's kernel is its weight's
    if (w->size() != 4) return "the weight W " + dims_text(*w) + " must be 4-D: [C_out, C_in, kh, kw]";
    if (n.attribute("kernel_shape") && (win.kernel[0] != (*w)[2] || win.kernel[1] != (*w)[3]))
      return "kernel_shape " + dims_text({win.kernel[0], win.kernel[1]}) + " does not match the weight W " + dims_text(*w);
    win.kernel[0] = (*w)[2], win.kernel[1] = (*w)[3];
    if (win.kernel[0] < 1 || win.kernel[1] < 1) return "the weight W " + dims_text(*w) + " has an empty kernel";
  } else {
    if (!n.attribute("kernel_shape")) return n.op + " needs the attribute kernel_shape";
    if (std::uint64_t(win.kernel[0]) * std::uint64_t(win.kernel[1]) > kOnnxMaxTensorElements)
      return "kernel_shape " + dims_text({win.kernel[0], win.kernel[1]}) + " has more than " +
             std::to_string(kOnnxMaxTensorElements) + " cells";
  }
  if (Err e = window_list(n, "strides", 2, 1, 1, win.strides); !e.empty()) return e;
  if (Err e = window_list(n, "dilations", 2, 1, 1, win.dilations); !e.empty()) return e;
  if (Err e = window_list(n, "pads", 4, 0, 0, win.pads); !e.empty()) return e;
  const std::string mode = attr_s(n, "auto_pad", "NOTSET");
  const bool same = mode == "SAME_UPPER" || mode == "SAME_LOWER";
  if (mode != "NOTSET" && mode != "VALID" && !same)
    return "auto_pad " + quoted(mode) + " is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER";
  if (mode != "NOTSET" && (win.pads[0] || win.pads[1] || win.pads[2] || win.pads[3]))
    return "pads " + dims_text({win.pads[0], win.pads[1], win.pads[2], win.pads[3]}) + " with auto_pad " + mode +
           "; a node gives one or the other";
  win.ceil = attr_i(n, "ceil_mode", 0) != 0 && !same;  // SAME fixes the output size whatever ceil_mode says
  for (int a = 0; a < 2; ++a) {
    // Every number here is at most 2^24, and the kernel's extent at most 2^48: no overflow.
    const std::int64_t in = x[std::size_t(2 + a)], s = win.strides[a];
    const std::int64_t extent = (win.kernel[a] - 1) * win.dilations[a] + 1;
    std::int64_t& begin = win.pads[a];
    std::int64_t& end = win.pads[a + 2];
    if (same) {  // out = ceil(in / stride), the padding split evenly, the odd cell at the end (UPPER) or the beginning
      win.out[a] = (in + s - 1) / s;
      const std::int64_t total = std::max<std::int64_t>(0, (win.out[a] - 1) * s + extent - in);
      begin = mode == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
      continue;
    }
    const std::int64_t padded = in + begin + end;
    if (extent > padded)
      return std::string("the kernel spans ") + std::to_string(extent) + (a ? " columns" : " rows") + " but the padded input has " +
             std::to_string(padded) + " (" + std::to_string(in) + " and pads " + std::to_string(begin) + " and " +
             std::to_string(end) + ")";
    const std::int64_t room = padded - extent;
    win.out[a] = (win.ceil ? (room + s - 1) / s : room / s) + 1;
    // ceil_mode keeps a last window only if it starts inside the input or its leading padding, as
    // PyTorch (whose exports these are) and onnxruntime do.
    if (win.ceil && (win.out[a] - 1) * s >= in + begin) --win.out[a];
  }
  return "";
}

// The taps [first, end) of a window starting at cell `start` (negative in the leading padding)
// with `kernel` taps `dilation` apart that fall on the `in` cells of the input.
void taps_inside(std::int64_t start, std::int64_t dilation, std::int64_t kernel, std::int64_t in, std::int64_t& first,
                 std::int64_t& end) {
  first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  end = start >= in ? 0 : std::min(kernel, (in - 1 - start) / dilation + 1);
  if (end < first) end = first;
}

// The first output position along one axis whose window takes no cell of the input (it lies in
// the padding, or its dilated taps step over the input), or -1.
std::int64_t empty_window(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation, std::int64_t begin,
                          std::int64_t out) {
  for (std::int64_t o = 0; o < out; ++o) {
    std::int64_t first, end;
    taps_inside(o * stride - begin, dilation, kernel, in, first, end);
    if (first == end) return o;
  }
  return -1;
}

// Y [N, C_out, H_out, W_out] = W [C_out, C_in, kh, kw] cross-correlated with X [N, C_in, H, W] + B,
// zeros in the padding; each output summed in double.
Err conv(const OnnxNode& n, Spend& s, const OnnxTensor& x, const OnnxTensor& w, const OnnxTensor* b, OnnxTensor& y) {
  if (Err e = need_float(x, "the input X"); !e.empty()) return e;
  if (Err e = need_float(w, "the weight W"); !e.empty()) return e;
  if (b) if (Err e = need_float(*b, "the bias B"); !e.empty()) return e;
  OnnxWindow2d win;
  if (Err e = window_2d(n, x.dims, &w.dims, win); !e.empty()) return e;
  const std::int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3], M = w.dims[0];
  if (w.dims[1] != C)
    return "the weight W " + dims_text(w.dims) + " takes " + std::to_string(w.dims[1]) + " input channels but the input " +
           dims_text(x.dims) + " has " + std::to_string(C);
  if (b && (b->dims.size() != 1 || b->dims[0] != M))
    return "the bias B " + dims_text(b->dims) + " must be [" + std::to_string(M) + "], one value per output channel";
  const Dims out = {N, M, win.out[0], win.out[1]};
  std::uint64_t count = 0;
  if (Err e = elements_of(out, count); !e.empty()) return "the output: " + e;
  const std::int64_t kh = win.kernel[0], kw = win.kernel[1];
  // With an output, W holds M * C * kh * kw <= 2^24 values, so the product stays below 2^48.
  const std::uint64_t work = count == 0 ? 0 : count * std::uint64_t(C * kh * kw);
  if (Err e = s.take(count, kOnnxFloatBytes, work); !e.empty()) return e;
  y.dims = out;
  y.values.assign(std::size_t(count), 0.f);
  const std::int64_t Ho = win.out[0], Wo = win.out[1], dh = win.dilations[0], dw = win.dilations[1];
  std::size_t at = 0;
  for (std::int64_t i = 0; i < N; ++i)
    for (std::int64_t m = 0; m < M; ++m)
      for (std::int64_t oh = 0; oh < Ho; ++oh)
        for (std::int64_t ow = 0; ow < Wo; ++ow) {
          const std::int64_t h0 = oh * win.strides[0] - win.pads[0], w0 = ow * win.strides[1] - win.pads[1];
          std::int64_t p0, p1, q0, q1;  // the taps on the input, not in the padding
          taps_inside(h0, dh, kh, H, p0, p1);
          taps_inside(w0, dw, kw, W, q0, q1);
          double sum = 0;
          for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t p = p0; p < p1; ++p) {
              const std::int64_t xr = ((i * C + c) * H + h0 + p * dh) * W + w0, wr = ((m * C + c) * kh + p) * kw;
              for (std::int64_t q = q0; q < q1; ++q)
                sum += double(x.values[std::size_t(xr + q * dw)]) * double(w.values[std::size_t(wr + q)]);
            }
          if (b) sum += double(b->values[std::size_t(m)]);
          y.values[at++] = float(sum);
        }
  return "";
}

// MaxPool (the largest cell of each window, padding ignored; Indices, the flat row-major index of
// that cell in X) and AveragePool (the mean over the window's cells in the input, or with
// count_include_pad over its cells in the padded input too).
Err pool(const OnnxNode& n, Spend& s, const OnnxTensor& x, Tensors& outs) {
  if (Err e = need_float(x, "the input X"); !e.empty()) return e;
  OnnxWindow2d win;
  if (Err e = window_2d(n, x.dims, nullptr, win); !e.empty()) return e;
  const std::int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
  const Dims out = {N, C, win.out[0], win.out[1]};
  std::uint64_t count = 0;
  if (Err e = elements_of(out, count); !e.empty()) return "the output: " + e;
  if (count > 0)  // each axis takes at most `count` steps here, and count is booked below
    for (int a = 0; a < 2; ++a)
      if (const std::int64_t o = empty_window(x.dims[std::size_t(2 + a)], win.kernel[a], win.strides[a], win.dilations[a],
                                              win.pads[a], win.out[a]); o >= 0)
        return std::string("the window of output ") + (a ? "column " : "row ") + std::to_string(o) +
               " takes no cell of the input, only padding (pads " + dims_text({win.pads[0], win.pads[1], win.pads[2], win.pads[3]}) +
               ")";
  const bool max = n.op == "MaxPool", indices = max && n.outputs.size() > 1 && !n.outputs[1].empty();
  const std::int64_t kh = win.kernel[0], kw = win.kernel[1];
  const std::uint64_t work = count * std::uint64_t(kh * kw);  // kh * kw <= 2^24: below 2^48
  if (Err e = s.take(count, kOnnxFloatBytes + (indices ? kOnnxIntBytes : 0), work); !e.empty()) return e;
  const bool count_pad = attr_i(n, "count_include_pad", 0) != 0;
  OnnxTensor& y = outs[0];
  y.dims = out;
  y.values.assign(std::size_t(count), 0.f);
  if (indices) {
    outs[1].type = kOnnxInt64;
    outs[1].dims = out;
    outs[1].ints.assign(std::size_t(count), 0);
  }
  const std::int64_t dh = win.dilations[0], dw = win.dilations[1];
  std::size_t at = 0;
  for (std::int64_t i = 0; i < N * C; ++i)  // image and channel
    for (std::int64_t oh = 0; oh < win.out[0]; ++oh)
      for (std::int64_t ow = 0; ow < win.out[1]; ++ow, ++at) {
        const std::int64_t h0 = oh * win.strides[0] - win.pads[0], w0 = ow * win.strides[1] - win.pads[1];
        std::int64_t p0, p1, q0, q1, pp0, pp1, pq0, pq1;  // the taps on the input, and on the padded input
        taps_inside(h0, dh, kh, H, p0, p1);
        taps_inside(w0, dw, kw, W, q0, q1);
        taps_inside(h0 + win.pads[0], dh, kh, H + win.pads[0] + win.pads[2], pp0, pp1);
        taps_inside(w0 + win.pads[1], dw, kw, W + win.pads[1] + win.pads[3], pq0, pq1);
        double sum = 0, best = 0;
        std::int64_t arg = -1;
        for (std::int64_t p = p0; p < p1; ++p)
          for (std::int64_t q = q0; q < q1; ++q) {
            const std::int64_t flat = (i * H + h0 + p * dh) * W + w0 + q * dw;
            const double cell = x.values[std::size_t(flat)];
            sum += cell;
            if (arg < 0 || cell > best) best = cell, arg = flat;
          }
        // Every window has a cell of the input (checked above), so neither count is 0.
        const std::int64_t cells = count_pad ? (pp1 - pp0) * (pq1 - pq0) : (p1 - p0) * (q1 - q0);
        y.values[at] = float(max ? best : sum / double(cells));
        if (indices) outs[1].ints[at] = arg;
      }
  return "";
}

// Y [N, C, 1, ..., 1]: the mean of each channel over every spatial axis.
Err global_average_pool(Spend& s, const OnnxTensor& x, OnnxTensor& y) {
  if (Err e = need_float(x, "the input X"); !e.empty()) return e;
  if (x.dims.size() < 3)
    return "GlobalAveragePool on a " + std::to_string(x.dims.size()) + "-D input " + dims_text(x.dims) +
           "; supported: [N, C, ...] with at least one spatial axis";
  Dims out(x.dims.size(), 1);
  out[0] = x.dims[0], out[1] = x.dims[1];
  std::uint64_t count = 0;
  if (Err e = elements_of(out, count); !e.empty()) return "the output: " + e;
  if (Err e = s.take(count, kOnnxFloatBytes, x.count()); !e.empty()) return e;  // every cell read once
  y.dims = out;
  y.values.assign(std::size_t(count), 0.f);
  if (count == 0) return "";
  const std::size_t plane = x.count() / std::size_t(count);
  for (std::size_t k = 0; k < count; ++k) {
    double sum = 0;
    for (std::size_t j = 0; j < plane; ++j) sum += x.values[k * plane + j];
    y.values[k] = plane ? float(sum / double(plane)) : NAN;  // the mean of no cells
  }
  return "";
}

// Inference: Y = scale (X - mean) / sqrt(var + epsilon) + B, per channel (axis 1).
Err batch_norm(const OnnxNode& n, Spend& s, const std::vector<const OnnxTensor*>& in, OnnxTensor& y) {
  const OnnxTensor& x = *in[0];
  if (Err e = need_float(x, "the input X"); !e.empty()) return e;
  if (x.dims.size() < 2)
    return "BatchNormalization on a " + std::to_string(x.dims.size()) + "-D input " + dims_text(x.dims) + "; supported: [N, C, ...]";
  const std::int64_t C = x.dims[1];
  static const char* const names[] = {"", "scale", "B", "mean", "var"};
  for (std::size_t k = 1; k <= 4; ++k) {
    const OnnxTensor* t = k < in.size() ? in[k] : nullptr;
    if (!t) return std::string("the input ") + names[k] + " is missing";
    if (Err e = need_float(*t, names[k]); !e.empty()) return e;
    if (t->dims != Dims{C})
      return std::string(names[k]) + " " + dims_text(t->dims) + " must be [" + std::to_string(C) +
             "], one value per channel of the input " + dims_text(x.dims);
  }
  if (Err e = s.take(x.count(), kOnnxFloatBytes); !e.empty()) return e;
  y.dims = x.dims;
  y.values.resize(x.count());
  if (x.count() == 0) return "";
  std::size_t plane = 1;  // cells per channel of an image; every dimension >= 1 here, so plane <= count
  for (std::size_t k = 2; k < x.dims.size(); ++k) plane *= std::size_t(x.dims[k]);
  const double epsilon = attr_f(n, "epsilon", 1e-5f);
  for (std::size_t k = 0, at = 0; at < x.count(); ++k) {  // k: image * C + channel
    const std::size_t c = k % std::size_t(C);
    const double scale = in[1]->values[c] / std::sqrt(double(in[4]->values[c]) + epsilon);
    const double mean = in[3]->values[c], shift = in[2]->values[c];
    for (std::size_t j = 0; j < plane; ++j, ++at) y.values[at] = float((x.values[at] - mean) * scale + shift);
  }
  return "";
}

// ---- Layout: Transpose, Pad ----

// Y's axis k is X's axis perm[k]; perm defaults to the axes reversed.
Err transpose(const OnnxNode& n, Spend& s, const OnnxTensor& x, OnnxTensor& y) {
  const std::size_t r = x.dims.size();
  Dims perm(r);
  for (std::size_t k = 0; k < r; ++k) perm[k] = std::int64_t(r - 1 - k);
  if (const OnnxAttribute* a = n.attribute("perm")) {
    std::vector<bool> seen(r, false);
    bool ok = a->ints.size() == r;
    for (std::size_t k = 0; ok && k < r; ++k) {
      ok = a->ints[k] >= 0 && std::uint64_t(a->ints[k]) < r && !seen[std::size_t(a->ints[k])];
      if (ok) seen[std::size_t(a->ints[k])] = true;
    }
    if (!ok) return "perm " + dims_text(a->ints) + " is not an order of the input's " + std::to_string(r) + " axes " + dims_text(x.dims);
    perm = a->ints;
  }
  if (Err e = s.take(x.count(), x.is_int() ? kOnnxIntBytes : kOnnxFloatBytes); !e.empty()) return e;
  y.type = x.type;
  y.dims.resize(r);
  std::vector<std::uint64_t> stride(r, 1), step(r);  // X's strides; the stride in X of each axis of Y
  for (std::size_t k = r; k-- > 1;) stride[k - 1] = stride[k] * std::uint64_t(x.dims[k]);
  for (std::size_t k = 0; k < r; ++k) y.dims[k] = x.dims[std::size_t(perm[k])], step[k] = stride[std::size_t(perm[k])];
  auto permute = [&](const auto& from, auto& to) {
    to.resize(from.size());
    if (from.empty()) return;
    std::vector<std::int64_t> coord(r, 0);
    std::uint64_t offset = 0;  // in X of Y's element k
    for (std::size_t k = 0; k < to.size(); ++k) {
      to[k] = from[std::size_t(offset)];
      for (std::size_t i = r; i-- > 0;) {  // the next element of Y: its last axis fastest
        offset += step[i];
        if (++coord[i] < y.dims[i]) break;
        offset -= step[i] * std::uint64_t(coord[i]);
        coord[i] = 0;
      }
    }
  };
  permute(x.values, y.values);
  permute(x.ints, y.ints);
  return "";
}

// Pad in constant mode with the value 0 (check_semantics refuses the other modes and values):
// pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...], an attribute before opset 11 and the
// second input from it.
Err pad(const OnnxNode& n, std::int64_t opset, Spend& s, const std::vector<const OnnxTensor*>& in, OnnxTensor& y) {
  const OnnxTensor& x = *in[0];
  if (Err e = need_float(x, "the input"); !e.empty()) return e;
  const std::size_t r = x.dims.size();
  const Dims* list = nullptr;  // not copied: an attribute may hold 2^24 values
  if (opset < 11) {
    const OnnxAttribute* a = n.attribute("pads");
    if (!a) return "Pad needs the attribute pads before opset 11";
    list = &a->ints;
  } else {
    const OnnxTensor* p = in.size() > 1 ? in[1] : nullptr;
    if (!p || !p->is_int() || p->dims.size() != 1) return "the pads input must be a 1-D int64 tensor";
    list = &p->ints;
    if (const OnnxTensor* v = in.size() > 2 ? in[2] : nullptr) {
      if (v->count() != 1) return "the constant_value input holds " + std::to_string(v->count()) + " values; it takes one";
      const double value = v->is_int() ? double(v->ints[0]) : double(v->values[0]);
      if (value != 0) return "Pad with the value " + onnx_number_text(value) + " is not supported; supported: 0";
    }
  }
  const Dims& pads = *list;
  if (pads.size() != 2 * r)
    return "pads " + dims_text(pads) + " has " + count_text(pads.size(), "value") + "; an input of rank " + std::to_string(r) +
           " " + dims_text(x.dims) + " takes " + std::to_string(2 * r);
  Dims out = x.dims;
  for (std::size_t k = 0; k < 2 * r; ++k) {
    if (pads[k] < 0) return "pads " + dims_text(pads) + " has a negative value (a crop), which is not supported";
    if (std::uint64_t(pads[k]) > kOnnxMaxTensorElements)
      return "pads " + dims_text(pads) + ": each must be at most " + std::to_string(kOnnxMaxTensorElements);
    out[k % r] += pads[k];  // each at most 3 * 2^24
  }
  std::uint64_t count = 0;
  if (Err e = elements_of(out, count); !e.empty()) return "the output: " + e;
  if (Err e = s.take(count, kOnnxFloatBytes); !e.empty()) return e;
  y.dims = out;
  y.values.assign(std::size_t(count), 0.f);
  if (x.values.empty()) return "";
  if (r == 0) {
    y.values[0] = x.values[0];
    return "";
  }
  // X one row (its last axis) at a time, into Y at the same coordinates shifted by the leading pads.
  std::vector<std::uint64_t> stride(r, 1);  // Y's
  for (std::size_t k = r; k-- > 1;) stride[k - 1] = stride[k] * std::uint64_t(out[k]);
  const std::size_t last = r - 1;
  const std::uint64_t row = std::uint64_t(x.dims[last]);
  std::vector<std::int64_t> coord(last, 0);
  std::uint64_t to = 0;
  for (std::size_t k = 0; k < r; ++k) to += std::uint64_t(pads[k]) * stride[k];
  for (std::uint64_t from = 0; from < x.values.size(); from += row) {
    std::copy_n(x.values.begin() + std::ptrdiff_t(from), std::size_t(row), y.values.begin() + std::ptrdiff_t(to));
    for (std::size_t i = last; i-- > 0;) {
      to += stride[i];
      if (++coord[i] < x.dims[i]) break;
      to -= stride[i] * std::uint64_t(coord[i]);
      coord[i] = 0;
    }
  }
  return "";
}

// One node on its input values (nullptr for an omitted optional input); onnx_graph_make has
// checked the operator, its attributes and how many inputs and outputs it has.
Err eval(const OnnxNode& n, std::int64_t opset, const std::vector<const OnnxTensor*>& in, Spend& s, Tensors& out) {
  auto arg = [&](std::size_t k) { return k < in.size() ? in[k] : nullptr; };
  if (!arg(0)) return "its first input is missing";
  out.assign(std::max<std::size_t>(1, n.outputs.size()), OnnxTensor{});
  const std::string& op = n.op;
  if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" || op == "Identity") return unary(n, s, *in[0], out[0]);
  if (op == "Dropout") return dropout(s, in, out);
  if (Err e = check_semantics(n, opset); !e.empty()) return e;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return arg(1) ? arithmetic(op, s, *in[0], *in[1], out[0]) : op + " needs two inputs";
  if (op == "Conv") return arg(1) ? conv(n, s, *in[0], *in[1], arg(2), out[0]) : "Conv needs inputs X and W";
  if (op == "MaxPool" || op == "AveragePool") return pool(n, s, *in[0], out);
  if (op == "GlobalAveragePool") return global_average_pool(s, *in[0], out[0]);
  if (op == "BatchNormalization") return batch_norm(n, s, in, out[0]);
  if (op == "Transpose") return transpose(n, s, *in[0], out[0]);
  if (op == "Pad") return pad(n, opset, s, in, out[0]);
  if (op == "Gemm") return arg(1) ? gemm(n, s, *in[0], *in[1], arg(2), out[0]) : "Gemm needs inputs A and B";
  if (op == "MatMul") {
    if (!arg(1)) return "MatMul needs two inputs";
    if (in[0]->dims.size() != 2 || in[1]->dims.size() != 2)
      return "inputs of shapes " + dims_text(in[0]->dims) + " and " + dims_text(in[1]->dims) + "; supported: 2-D MatMul";
    OnnxNode plain;
    return gemm(plain, s, *in[0], *in[1], nullptr, out[0]);
  }
  if (op == "Softmax" || op == "LogSoftmax") return softmax(n, s, opset, *in[0], out[0]);
  if (op == "Flatten") return flatten(n, s, *in[0], out[0]);
  if (op == "Reshape") return arg(1) ? reshape(n, s, *in[0], *in[1], out[0]) : "Reshape needs a shape input";
  return "operator " + op + " is not supported; supported: " + kOnnxSupportedOps;
}

// Inputs of these types may only feed the named operator input.
bool integer_use_ok(const OnnxModel& m, const std::string& name) {
  for (const OnnxNode& n : m.nodes)
    for (std::size_t k = 0; k < n.inputs.size(); ++k)
      if (n.inputs[k] == name && !((n.op == "Reshape" && k == 1) || (n.op == "Pad" && k == 1) || (n.op == "Dropout" && k >= 1)))
        return false;
  return true;
}

}  // namespace

Result<OnnxGraph> onnx_graph_make(OnnxModel&& m) {
  using R = Result<OnnxGraph>;
  OnnxGraph g;
  g.opset = m.opset;
  if (m.opset < kOnnxMinOpset || m.opset > kOnnxMaxOpset)
    return R::fail("onnx: opset " + std::to_string(m.opset) + " of the default domain; supported: opsets " +
                   std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset));
  std::set<std::string> defined;
  for (OnnxTensor& t : m.initializers) {
    defined.insert(t.name);
    const std::string name = t.name;
    g.constants[name] = std::move(t);
  }
  for (const OnnxValueInfo& v : m.inputs) {
    if (defined.count(v.name)) continue;  // older exporters list initializers as inputs too
    const bool ok = onnx_type_is_float(v.elem_type) ||
                    ((v.elem_type == kOnnxInt64 || v.elem_type == kOnnxInt32 || v.elem_type == kOnnxBool) && integer_use_ok(m, v.name));
    if (!ok)
      return R::fail("onnx: graph input '" + v.name + "' has element type " + onnx_type_name(v.elem_type) +
                     "; supported: float, double, float16, bfloat16");
    g.inputs.push_back(v);
    defined.insert(v.name);
  }
  for (std::size_t i = 0; i < m.nodes.size(); ++i) {
    OnnxNode& n = m.nodes[i];
    const std::string label = "onnx: " + onnx_node_label(n, i);
    if (!n.domain.empty() && n.domain != "ai.onnx")
      return R::fail(label + ": operator domain '" + n.domain + "' is not supported; supported: the default ONNX domain with " +
                     kOnnxSupportedOps);
    const auto op = known_ops().find(n.op);
    if (op == known_ops().end()) return R::fail(label + ": operator " + n.op + " is not supported; supported: " + kOnnxSupportedOps);
    if (std::string e = check_node(n, op->second); !e.empty()) return R::fail(label + ": " + e);
    if (std::string e = check_semantics(n, m.opset); !e.empty()) return R::fail(label + ": " + e);
    for (const std::string& in : n.inputs)
      if (!in.empty() && !defined.count(in))
        return R::fail(label + ": reads '" + in + "' before any node writes it (the nodes must be in topological order)");
    if (n.op == "Constant") {
      auto t = constant_value(n);
      if (!t) return R::fail(label + ": " + t.error);
      g.constants[n.outputs[0]] = std::move(*t);
    } else {
      g.nodes.push_back(n);
    }
    for (const std::string& out : n.outputs) defined.insert(out);
  }
  for (const OnnxValueInfo& v : m.outputs) {
    if (!defined.count(v.name)) return R::fail("onnx: graph output '" + v.name + "' is not computed by any node");
    const bool indices = v.elem_type == kOnnxInt64 && std::any_of(g.nodes.begin(), g.nodes.end(), [&](const OnnxNode& n) {
      return n.op == "MaxPool" && n.outputs.size() > 1 && n.outputs[1] == v.name;
    });
    if (v.elem_type != 0 && !onnx_type_is_float(v.elem_type) && v.elem_type != kOnnxBool && !indices)
      return R::fail("onnx: graph output '" + v.name + "' has element type " + onnx_type_name(v.elem_type) +
                     "; supported: float, double, float16, bfloat16");
    g.outputs.push_back(v);
  }
  if (g.outputs.empty()) return R::fail("onnx: the graph has no outputs");
  return R::ok(std::move(g));
}

Result<OnnxGraph> onnx_graph_make(const OnnxModel& m) { return onnx_graph_make(OnnxModel(m)); }

Result<OnnxWindow2d> onnx_window_2d(const OnnxNode& n, const std::vector<std::int64_t>& x, const std::vector<std::int64_t>* w) {
  OnnxWindow2d win;
  if (Err e = window_2d(n, x, w, win); !e.empty()) return Result<OnnxWindow2d>::fail(e);
  return Result<OnnxWindow2d>::ok(win);
}

std::uint64_t onnx_constants_bytes(const OnnxGraph& g) {
  std::uint64_t bytes = 0;
  for (const auto& [name, t] : g.constants) bytes += t.bytes();
  return bytes;
}

Result<std::vector<OnnxTensor>> onnx_node_run(const OnnxNode& n, std::int64_t opset, const std::vector<const OnnxTensor*>& inputs,
                                              OnnxBudget& budget) {
  Spend s{budget};
  Tensors out;
  if (Err e = eval(n, opset, inputs, s, out); !e.empty()) return Result<Tensors>::fail(e);
  return Result<Tensors>::ok(std::move(out));
}

Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& g, const std::vector<OnnxTensor>& inputs, OnnxBudget& budget) {
  using R = Result<std::vector<OnnxTensor>>;
  if (inputs.size() != g.inputs.size())
    return R::fail("onnx: the graph takes " + std::to_string(g.inputs.size()) + " inputs, " + std::to_string(inputs.size()) + " given");
  std::map<std::string, const OnnxTensor*> values;  // every value by name: constants, inputs, outputs
  for (const auto& [name, t] : g.constants) values[name] = &t;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    std::uint64_t n = 0;
    if (Err e = elements_of(inputs[k].dims, n); !e.empty() || n != inputs[k].count())
      return R::fail("onnx: input '" + g.inputs[k].name + "' holds " + std::to_string(inputs[k].count()) +
                     " values for shape " + dims_text(inputs[k].dims) + (e.empty() ? "" : " (" + e + ")"));
    values[g.inputs[k].name] = &inputs[k];
  }
  std::vector<std::unique_ptr<OnnxTensor>> computed;  // owned here; map entries point at them
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const OnnxNode& n = g.nodes[i];
    std::vector<const OnnxTensor*> in;
    for (const std::string& name : n.inputs) {
      const auto it = name.empty() ? values.end() : values.find(name);
      if (!name.empty() && it == values.end()) return R::fail("onnx: " + onnx_node_label(n, i) + ": input '" + name + "' has no value");
      in.push_back(name.empty() ? nullptr : it->second);
    }
    auto out = onnx_node_run(n, g.opset, in, budget);
    if (!out) return R::fail("onnx: " + onnx_node_label(n, i) + ": " + out.error);
    for (std::size_t k = 0; k < n.outputs.size() && k < out->size(); ++k) {
      if (n.outputs[k].empty()) continue;
      computed.push_back(std::make_unique<OnnxTensor>(std::move((*out)[k])));
      values[n.outputs[k]] = computed.back().get();
    }
  }
  std::vector<OnnxTensor> result;
  for (const OnnxValueInfo& v : g.outputs) {
    const auto it = values.find(v.name);
    if (it == values.end()) return R::fail("onnx: graph output '" + v.name + "' has no value");
    result.push_back(*it->second);
    result.back().name = v.name;
  }
  return R::ok(std::move(result));
}

Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& g, const std::vector<OnnxTensor>& inputs) {
  OnnxBudget budget;
  std::uint64_t held = onnx_constants_bytes(g);
  for (const OnnxTensor& t : inputs) held += t.bytes();
  budget.bytes = held < budget.bytes ? budget.bytes - held : 0;
  return onnx_graph_run(g, inputs, budget);
}

}  // namespace lens
