#include "core/onnx/onnx_graph.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>

namespace lens {

const char* const kOnnxSupportedOps =
    "Gemm, MatMul (2-D), Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, Dropout (inference), "
    "Flatten, Reshape, Constant";

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
  constexpr int F = kOnnxAttrFloat, I = kOnnxAttrInt;
  static const std::map<std::string, OpSpec> ops = {
      {"Gemm", {2, 3, 1, {{"alpha", F}, {"beta", F}, {"transA", I}, {"transB", I}, {"broadcast", I}}}},
      {"MatMul", {2, 2, 1, {}}},
      {"Add", {2, 2, 1, {}}},
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

std::string dims_text(const Dims& d) {
  std::string s = "[";
  for (std::size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
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

Err add(Spend& s, const OnnxTensor& a, const OnnxTensor& b, OnnxTensor& y) {
  if (Err e = need_float(a, "input A"); !e.empty()) return e;
  if (Err e = need_float(b, "input B"); !e.empty()) return e;
  if (Err e = broadcast_dims(a.dims, b.dims, y.dims); !e.empty()) return e;
  std::uint64_t n = 0;
  elements_of(y.dims, n);
  if (Err e = s.take(n, kOnnxFloatBytes); !e.empty()) return e;
  y.values.resize(std::size_t(n));
  if (n == 0) return "";
  if (y.dims.empty()) {  // two scalars
    y.values[0] = a.values[0] + b.values[0];
    return "";
  }
  // One row (the last axis) at a time; the coordinates of the other axes step like an odometer.
  const std::vector<std::uint64_t> sa = broadcast_strides(a.dims, y.dims), sb = broadcast_strides(b.dims, y.dims);
  const std::size_t last = y.dims.size() - 1;
  const std::uint64_t row = std::uint64_t(y.dims[last]);
  std::vector<std::uint64_t> coord(last, 0);
  std::uint64_t oa = 0, ob = 0;
  for (std::uint64_t k = 0; k < n; k += row) {
    for (std::uint64_t j = 0; j < row; ++j)
      y.values[std::size_t(k + j)] = a.values[std::size_t(oa + j * sa[last])] + b.values[std::size_t(ob + j * sb[last])];
    for (std::size_t i = last; i-- > 0;) {  // next row: the last of the other axes fastest
      oa += sa[i], ob += sb[i];
      if (++coord[i] < std::uint64_t(y.dims[i])) break;
      oa -= sa[i] * coord[i], ob -= sb[i] * coord[i];
      coord[i] = 0;
    }
  }
  return "";
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

// One node on its input values (nullptr for an omitted optional input); onnx_graph_make has
// checked the operator, its attributes and how many inputs and outputs it has.
Err eval(const OnnxNode& n, std::int64_t opset, const std::vector<const OnnxTensor*>& in, Spend& s, Tensors& out) {
  auto arg = [&](std::size_t k) { return k < in.size() ? in[k] : nullptr; };
  if (!arg(0)) return "its first input is missing";
  out.assign(std::max<std::size_t>(1, n.outputs.size()), OnnxTensor{});
  const std::string& op = n.op;
  if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" || op == "Identity") return unary(n, s, *in[0], out[0]);
  if (op == "Dropout") return dropout(s, in, out);
  if (op == "Add") return arg(1) ? add(s, *in[0], *in[1], out[0]) : "Add needs two inputs";
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
      if (n.inputs[k] == name && !((n.op == "Reshape" && k == 1) || (n.op == "Dropout" && k >= 1))) return false;
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
    if (v.elem_type != 0 && !onnx_type_is_float(v.elem_type) && v.elem_type != kOnnxBool)
      return R::fail("onnx: graph output '" + v.name + "' has element type " + onnx_type_name(v.elem_type) +
                     "; supported: float, double, float16, bfloat16");
    g.outputs.push_back(v);
  }
  if (g.outputs.empty()) return R::fail("onnx: the graph has no outputs");
  return R::ok(std::move(g));
}

Result<OnnxGraph> onnx_graph_make(const OnnxModel& m) { return onnx_graph_make(OnnxModel(m)); }

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
