#include "core/onnx/onnx_graph.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace lens {

const char* const kOnnxSupportedOps =
    "Gemm, MatMul (2-D), Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, Dropout (inference), "
    "Flatten, Reshape, Constant";

using Dims = std::vector<std::int64_t>;
using Tensors = std::vector<OnnxTensor>;

std::string onnx_node_label(const OnnxNode& n, std::size_t index) {
  return "node '" + n.name + "' (#" + std::to_string(index) + ", " + n.op + ")";
}

namespace {

// The attributes each supported operator may carry; any other changes its meaning. (Gemm's
// "broadcast", opset 6 only, allowed C to broadcast, as every later opset does.)
const std::map<std::string, std::set<std::string>>& known_ops() {
  static const std::map<std::string, std::set<std::string>> ops = {
      {"Gemm", {"alpha", "beta", "transA", "transB", "broadcast"}}, {"MatMul", {}}, {"Add", {}}, {"Relu", {}},
      {"LeakyRelu", {"alpha"}}, {"Sigmoid", {}}, {"Tanh", {}}, {"Softmax", {"axis"}}, {"LogSoftmax", {"axis"}},
      {"Identity", {}}, {"Dropout", {"ratio", "seed", "is_test"}}, {"Flatten", {"axis"}}, {"Reshape", {"allowzero"}},
      {"Constant", {"value", "value_float", "value_floats", "value_int", "value_ints"}}};
  return ops;
}

std::size_t numel(const Dims& d) {
  std::size_t n = 1;
  for (std::int64_t v : d) n *= std::size_t(v);
  return n;
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

Result<OnnxTensor> constant_value(const OnnxNode& n) {
  using R = Result<OnnxTensor>;
  OnnxTensor t;
  if (const OnnxAttribute* a = n.attribute("value"); a && a->t.size() == 1) t = a->t.front();
  else if ((a = n.attribute("value_float"))) t.values = {a->f};
  else if ((a = n.attribute("value_floats"))) t.values = a->floats, t.dims = {Dims::value_type(a->floats.size())};
  else if ((a = n.attribute("value_int"))) t.type = kOnnxInt64, t.ints = {a->i};
  else if ((a = n.attribute("value_ints"))) t.type = kOnnxInt64, t.ints = a->ints, t.dims = {Dims::value_type(a->ints.size())};
  else return R::fail("a Constant without a tensor, float or int value (sparse and string constants are not supported)");
  return R::ok(std::move(t));
}

struct Run {
  const OnnxGraph& g;
  std::map<std::string, OnnxTensor> values;
  std::string error;

  const OnnxTensor* get(const std::string& name) const {
    if (auto it = values.find(name); it != values.end()) return &it->second;
    if (auto it = g.constants.find(name); it != g.constants.end()) return &it->second;
    return nullptr;
  }
};

// Errors from one node's evaluation: the caller prefixes the node's label.
using Err = std::string;

Err need_float(const OnnxTensor& t, const char* what) {
  if (t.is_int()) return std::string(what) + " is " + onnx_type_name(t.type) + " (supported: float types)";
  return "";
}

Err unary(const OnnxNode& n, const OnnxTensor& x, OnnxTensor& y) {
  if (Err e = need_float(x, "the input"); !e.empty()) return e;
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
  if (numel(out) > kOnnxMaxElements) return "the result would have more than 2^25 elements";
  return "";
}

// The flat index into a tensor of shape d broadcast to out, for the output's coordinates.
std::size_t broadcast_offset(const Dims& d, const Dims& out, const std::vector<std::size_t>& coord) {
  std::size_t off = 0;
  const std::size_t shift = out.size() - d.size();
  for (std::size_t k = 0; k < d.size(); ++k) off = off * std::size_t(d[k]) + (d[k] == 1 ? 0 : coord[k + shift]);
  return off;
}

Err add(const OnnxTensor& a, const OnnxTensor& b, OnnxTensor& y) {
  if (Err e = need_float(a, "input A"); !e.empty()) return e;
  if (Err e = need_float(b, "input B"); !e.empty()) return e;
  if (Err e = broadcast_dims(a.dims, b.dims, y.dims); !e.empty()) return e;
  const std::size_t n = numel(y.dims);
  y.values.resize(n);
  std::vector<std::size_t> coord(y.dims.size(), 0);
  for (std::size_t k = 0; k < n; ++k) {
    y.values[k] = a.values[broadcast_offset(a.dims, y.dims, coord)] + b.values[broadcast_offset(b.dims, y.dims, coord)];
    for (std::size_t i = coord.size(); i-- > 0;)  // next coordinate, last axis fastest
      if (++coord[i] < std::size_t(y.dims[i])) break;
      else coord[i] = 0;
  }
  return "";
}

// Y = alpha A' B' + beta C, A' = transA ? A^T : A (M,K), B' (K,N), C broadcast to (M,N).
Err gemm(const OnnxNode& n, const OnnxTensor& A, const OnnxTensor& B, const OnnxTensor* C, OnnxTensor& y) {
  if (Err e = need_float(A, "A"); !e.empty()) return e;
  if (Err e = need_float(B, "B"); !e.empty()) return e;
  if (A.dims.size() != 2 || B.dims.size() != 2)
    return "A " + dims_text(A.dims) + " and B " + dims_text(B.dims) + " must both be 2-D";
  const bool ta = attr_i(n, "transA", 0) != 0, tb = attr_i(n, "transB", 0) != 0;
  const std::size_t M = std::size_t(A.dims[ta ? 1 : 0]), K = std::size_t(A.dims[ta ? 0 : 1]);
  const std::size_t K2 = std::size_t(B.dims[tb ? 1 : 0]), N = std::size_t(B.dims[tb ? 0 : 1]);
  if (K != K2) return "A' is " + std::to_string(M) + "x" + std::to_string(K) + " but B' has " + std::to_string(K2) + " rows";
  if (M * N > kOnnxMaxElements) return "the result would have more than 2^25 elements";
  const double alpha = attr_f(n, "alpha", 1.f), beta = attr_f(n, "beta", 1.f);
  Dims cd;
  if (C) {
    if (Err e = need_float(*C, "C"); !e.empty()) return e;
    Dims out;
    if (C->dims.size() > 2 || !broadcast_dims(C->dims, {std::int64_t(M), std::int64_t(N)}, out).empty() ||
        out != Dims{std::int64_t(M), std::int64_t(N)})
      return "C " + dims_text(C->dims) + " does not broadcast to " + dims_text({std::int64_t(M), std::int64_t(N)});
  }
  y.dims = {std::int64_t(M), std::int64_t(N)};
  y.values.assign(M * N, 0.f);
  std::vector<std::size_t> coord(2);
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < K; ++k)
        s += double(A.values[ta ? k * M + m : m * K + k]) * double(B.values[tb ? j * K + k : k * N + j]);
      s *= alpha;
      if (C) coord = {m, j}, s += beta * double(C->values[broadcast_offset(C->dims, y.dims, coord)]);
      y.values[m * N + j] = float(s);
    }
  return "";
}

Err softmax(const OnnxNode& n, std::int64_t opset, const OnnxTensor& x, OnnxTensor& y) {
  if (Err e = need_float(x, "the input"); !e.empty()) return e;
  const std::int64_t r = std::int64_t(x.dims.size());
  std::int64_t axis = attr_i(n, "axis", opset >= 13 ? -1 : 1);
  if (axis < -r || axis >= std::max<std::int64_t>(r, 1)) return "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r);
  if (axis < 0) axis += r;
  // Before opset 13 the input is coerced to 2-D at axis and normalized over the second
  // dimension; from 13 on along the one axis.
  std::size_t outer = 1, len = 1, inner = 1;
  for (std::int64_t k = 0; k < r; ++k) {
    const std::size_t d = std::size_t(x.dims[std::size_t(k)]);
    if (k < axis) outer *= d;
    else if (k == axis || opset < 13) len *= d;
    else inner *= d;
  }
  y.dims = x.dims;
  y.values.resize(x.values.size());
  const bool log = n.op == "LogSoftmax";
  for (std::size_t o = 0; o < outer; ++o)
    for (std::size_t i = 0; i < inner; ++i) {
      auto at = [&](std::size_t k) { return (o * len + k) * inner + i; };
      double mx = -INFINITY, sum = 0;
      for (std::size_t k = 0; k < len; ++k) mx = std::max(mx, double(x.values[at(k)]));
      for (std::size_t k = 0; k < len; ++k) sum += std::exp(double(x.values[at(k)]) - mx);
      for (std::size_t k = 0; k < len; ++k) {
        const double z = double(x.values[at(k)]) - mx;
        y.values[at(k)] = float(log ? z - std::log(sum) : std::exp(z) / sum);
      }
    }
  return "";
}

Err flatten(const OnnxNode& n, const OnnxTensor& x, OnnxTensor& y) {
  const std::int64_t r = std::int64_t(x.dims.size());
  std::int64_t axis = attr_i(n, "axis", 1);
  if (axis < -r || axis > r) return "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r);
  if (axis < 0) axis += r;
  std::int64_t rows = 1, cols = 1;
  for (std::int64_t k = 0; k < r; ++k) (k < axis ? rows : cols) *= x.dims[std::size_t(k)];
  y = x;
  y.name.clear();
  y.dims = {rows, cols};
  return "";
}

Err reshape(const OnnxNode& n, const OnnxTensor& x, const OnnxTensor& shape, OnnxTensor& y) {
  if (!shape.is_int() || shape.dims.size() != 1) return "the shape input must be a 1-D int64 tensor";
  const bool allowzero = attr_i(n, "allowzero", 0) != 0;
  Dims out;
  int infer = -1;
  std::size_t known = 1;
  for (std::size_t k = 0; k < shape.ints.size(); ++k) {
    std::int64_t d = shape.ints[k];
    if (d == 0 && !allowzero) {
      if (k >= x.dims.size()) return "shape " + dims_text(shape.ints) + " copies dimension " + std::to_string(k) + " the input lacks";
      d = x.dims[k];
    }
    if (d == -1) {
      if (infer >= 0) return "shape " + dims_text(shape.ints) + " has more than one -1";
      infer = int(k);
    } else if (d < 0 || std::uint64_t(d) > kOnnxMaxElements) {
      return "shape " + dims_text(shape.ints) + " has a bad dimension";
    } else {
      known *= std::size_t(d);
      if (known > kOnnxMaxElements) return "shape " + dims_text(shape.ints) + " is too large";
    }
    out.push_back(d);
  }
  const std::size_t count = x.count();
  if (infer >= 0) {
    if (known == 0 || count % known) return "cannot reshape " + dims_text(x.dims) + " to " + dims_text(shape.ints);
    out[std::size_t(infer)] = std::int64_t(count / known);
  } else if (known != count) {
    return "cannot reshape " + dims_text(x.dims) + " (" + std::to_string(count) + " values) to " + dims_text(out);
  }
  y = x;
  y.name.clear();
  y.dims = out;
  return "";
}

Err eval(Run& run, const OnnxNode& n, std::int64_t opset, Tensors& out) {
  std::vector<const OnnxTensor*> in;
  for (const std::string& name : n.inputs) {
    if (name.empty()) { in.push_back(nullptr); continue; }
    const OnnxTensor* t = run.get(name);
    if (!t) return "input '" + name + "' has no value";
    in.push_back(t);
  }
  auto arg = [&](std::size_t k) { return k < in.size() ? in[k] : nullptr; };
  if (!arg(0)) return "its first input is missing";
  out.assign(std::max<std::size_t>(1, n.outputs.size()), OnnxTensor{});
  const std::string& op = n.op;
  if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh" || op == "Identity") return unary(n, *in[0], out[0]);
  if (op == "Dropout") {
    if (const OnnxTensor* mode = arg(2); mode && (mode->count() != 1 || (mode->is_int() ? mode->ints[0] : mode->values[0]) != 0))
      return "Dropout in training mode (random masks) is not supported; export the model in inference mode (model.eval())";
    if (in[0]->is_int()) return "the input is " + std::string(onnx_type_name(in[0]->type)) + " (supported: float types)";
    out[0] = *in[0];
    out[0].name.clear();
    if (out.size() > 1) {  // the mask: every element kept
      out[1].type = kOnnxBool;
      out[1].dims = in[0]->dims;
      out[1].values.assign(in[0]->count(), 1.f);
    }
    return "";
  }
  if (op == "Add") return arg(1) ? add(*in[0], *in[1], out[0]) : "Add needs two inputs";
  if (op == "Gemm") return arg(1) ? gemm(n, *in[0], *in[1], arg(2), out[0]) : "Gemm needs inputs A and B";
  if (op == "MatMul") {
    if (!arg(1)) return "MatMul needs two inputs";
    if (in[0]->dims.size() != 2 || in[1]->dims.size() != 2)
      return "inputs of shapes " + dims_text(in[0]->dims) + " and " + dims_text(in[1]->dims) + "; supported: 2-D MatMul";
    OnnxNode plain;
    return gemm(plain, *in[0], *in[1], nullptr, out[0]);
  }
  if (op == "Softmax" || op == "LogSoftmax") return softmax(n, opset, *in[0], out[0]);
  if (op == "Flatten") return flatten(n, *in[0], out[0]);
  if (op == "Reshape") return arg(1) ? reshape(n, *in[0], *in[1], out[0]) : "Reshape needs a shape input";
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

Result<OnnxGraph> onnx_graph_make(const OnnxModel& m) {
  using R = Result<OnnxGraph>;
  OnnxGraph g;
  g.opset = m.opset;
  if (m.opset < kOnnxMinOpset || m.opset > kOnnxMaxOpset)
    return R::fail("onnx: opset " + std::to_string(m.opset) + " of the default domain; supported: opsets " +
                   std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset));
  std::set<std::string> defined;
  for (const OnnxTensor& t : m.initializers) {
    g.constants[t.name] = t;
    defined.insert(t.name);
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
    const OnnxNode& n = m.nodes[i];
    const std::string label = "onnx: " + onnx_node_label(n, i);
    if (!n.domain.empty() && n.domain != "ai.onnx")
      return R::fail(label + ": operator domain '" + n.domain + "' is not supported; supported: the default ONNX domain with " +
                     kOnnxSupportedOps);
    const auto op = known_ops().find(n.op);
    if (op == known_ops().end()) return R::fail(label + ": operator " + n.op + " is not supported; supported: " + kOnnxSupportedOps);
    for (const OnnxAttribute& a : n.attributes)
      if (!op->second.count(a.name))
        return R::fail(label + ": attribute '" + a.name + "' is not supported for " + n.op);
    for (const std::string& in : n.inputs)
      if (!in.empty() && !defined.count(in))
        return R::fail(label + ": reads '" + in + "' before any node writes it (the nodes must be in topological order)");
    if (n.outputs.empty() || n.outputs[0].empty()) return R::fail(label + ": has no output");
    if (n.op == "Constant") {
      auto t = constant_value(n);
      if (!t) return R::fail(label + ": " + t.error);
      g.constants[n.outputs[0]] = std::move(*t);
    } else {
      if (n.op != "Dropout" && n.outputs.size() > 1) return R::fail(label + ": has more outputs than " + n.op + " gives");
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

Result<std::vector<OnnxTensor>> onnx_graph_run(const OnnxGraph& g, const std::vector<OnnxTensor>& inputs) {
  using R = Result<std::vector<OnnxTensor>>;
  if (inputs.size() != g.inputs.size())
    return R::fail("onnx: the graph takes " + std::to_string(g.inputs.size()) + " inputs, " + std::to_string(inputs.size()) + " given");
  Run run{g, {}, {}};
  for (std::size_t k = 0; k < inputs.size(); ++k) run.values[g.inputs[k].name] = inputs[k];
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const OnnxNode& n = g.nodes[i];
    Tensors out;
    if (Err e = eval(run, n, g.opset, out); !e.empty()) return R::fail("onnx: " + onnx_node_label(n, i) + ": " + e);
    for (std::size_t k = 0; k < n.outputs.size() && k < out.size(); ++k)
      if (!n.outputs[k].empty()) run.values[n.outputs[k]] = std::move(out[k]);
  }
  std::vector<OnnxTensor> result;
  for (const OnnxValueInfo& v : g.outputs) {
    const OnnxTensor* t = run.get(v.name);
    if (!t) return R::fail("onnx: graph output '" + v.name + "' has no value");
    result.push_back(*t);
    result.back().name = v.name;
  }
  return R::ok(std::move(result));
}

}  // namespace lens
